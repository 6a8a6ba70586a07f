//! The store conformance suite on SQLite, each check on a new database file.

use salesboard_store::SqlStore;

async fn fresh_store() -> Option<SqlStore> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.keep().join("conformance.db");
    Some(
        salesboard_store_sqlite::open(&path.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

salesboard_store::conformance_tests!(fresh_store().await);
