//! Helpers for this crate's tests.

use std::path::Path;

use crate::import::{ImportRequest, run_import};
use crate::{AppStore, open_store};

/// A new SQLite store in `dir` holding the tiny fixture.
pub(crate) async fn tiny_store(dir: &tempfile::TempDir) -> AppStore {
    let store = open_store(&dir.path().join("tiny.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny");
    let request = ImportRequest {
        paths: vec![fixture],
        ..ImportRequest::default()
    };
    run_import(&store, &request, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}
