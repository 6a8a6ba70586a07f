//! The store conformance suite on PostgreSQL (`SALESBOARD_TEST_POSTGRES_URL`),
//! each check in a new schema. Without the variable the checks are skipped.

use salesboard_store::SqlStore;

async fn fresh_store() -> Option<((), SqlStore)> {
    let Ok(url) = std::env::var("SALESBOARD_TEST_POSTGRES_URL") else {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return None;
    };
    let scratch = salesboard_store_postgres::create_scratch_schema(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let store = salesboard_store_postgres::open(&scratch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Some(((), store))
}

salesboard_store::conformance_tests!(fresh_store().await);
