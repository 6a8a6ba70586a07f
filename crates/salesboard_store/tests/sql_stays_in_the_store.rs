//! Reliability row 16, the lint half: SQL is written only in the storage
//! crates, and SQL text is never assembled with `format!` from a request:
//! every `AssertSqlSafe(format!(…))` is one of the reviewed places below,
//! whose inputs are names from the code.

use std::path::{Path, PathBuf};

fn rust_sources(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn workspace_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_sources(&root.join("src"), &mut files);
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for krate in crates.flatten() {
            rust_sources(&krate.path().join("src"), &mut files);
        }
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            (name, text)
        })
        .collect()
}

#[test]
fn only_the_storage_crates_talk_sql() {
    let sources = workspace_sources();
    assert!(sources.len() > 50, "{} files", sources.len());
    for (name, text) in &sources {
        if name.starts_with("crates/salesboard_store") {
            continue;
        }
        assert!(
            !text.contains("sqlx::"),
            "{name} uses sqlx outside the store"
        );
        assert!(
            !text.contains("AssertSqlSafe"),
            "{name} builds SQL outside the store"
        );
    }
}

#[test]
fn sql_is_formatted_only_in_the_reviewed_places() {
    // Each entry: the file, and what its formatted SQL is made of.
    let reviewed = [
        // DROP INDEX of an index name read from the schema catalogue.
        "crates/salesboard_store/src/sql/batch.rs",
        // CREATE SCHEMA of a name made of digits, for tests.
        "crates/salesboard_store_postgres/src/lib.rs",
    ];
    let mut seen = 0;
    for (name, text) in workspace_sources() {
        let count = text.matches("AssertSqlSafe(format!").count();
        if count > 0 {
            assert!(
                reviewed.contains(&name.as_str()),
                "{name}: SQL built with format!"
            );
            seen += count;
        }
    }
    assert_eq!(seen, reviewed.len());
}
