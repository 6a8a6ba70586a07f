//! The store conformance suite on SQLite, each check on a new database file.

use salesboard_store::SqlStore;

async fn fresh_store() -> Option<(tempfile::TempDir, SqlStore)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("conformance.db");
    let store = salesboard_store_sqlite::open(&path.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Some((dir, store))
}

salesboard_store::conformance_tests!(fresh_store().await);
