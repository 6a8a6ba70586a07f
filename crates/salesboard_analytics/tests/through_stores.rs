//! The engine equals the reference on companies written to SQLite and
//! PostgreSQL and read back as the server and `salesboard kpi` read them
//! (stage history included). PostgreSQL runs when
//! `SALESBOARD_TEST_POSTGRES_URL` is set and says it was skipped otherwise.

mod common;

use common::*;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_app::kpi::{kpi_input, stage_order};
use salesboard_domain::Period;
use salesboard_store::{Store, WriteContext};

const PERIODS: [&str; 5] = ["2023", "2024-Q3", "2025", "2025-02", "2025-12"];

async fn check(store: &impl Store) {
    for (lines, seed) in [(800, 11), (3_000, 12)] {
        let data = generate(&DemoConfig::new(lines, seed), &mut |_| {});
        let context = WriteContext {
            actor: None,
            source: "test".into(),
            record: None,
        };
        store
            .write_dataset(&data, &context)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let input = kpi_input(store).await.unwrap_or_else(|e| panic!("{e}"));
        let stages = stage_order(store).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stages, STAGES.map(String::from));
        assert!(!input.stage_changes.is_empty());
        for text in PERIODS {
            assert_same(
                &input,
                &Period::parse(text).unwrap_or_else(|e| panic!("{e}")),
            );
        }
    }
}

#[tokio::test]
async fn the_engine_equals_the_reference_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = salesboard_app::open_store(&dir.path().join("engine.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check(&store).await;
}

#[tokio::test]
async fn the_engine_equals_the_reference_on_postgres() {
    let Ok(url) = std::env::var("SALESBOARD_TEST_POSTGRES_URL") else {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    };
    let scratch = salesboard_store_postgres::create_scratch_schema(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let store = salesboard_app::open_store(&scratch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check(&store).await;
}
