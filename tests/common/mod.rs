//! Helpers shared by the integration tests: running the binary on a database
//! of its own (SQLite in a temporary folder, or a new PostgreSQL schema).

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The tiny fixture's folder.
pub fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny")
}

/// Runs `salesboard --db DB ARGS…` with empty standard input.
pub fn salesboard(db: &str, args: &[&str]) -> Output {
    salesboard_with_input(db, args, "")
}

/// Runs `salesboard --db DB ARGS…` with the given standard input.
pub fn salesboard_with_input(db: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesboard"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SALESBOARD_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run salesboard: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

/// Standard output as text, after checking the command succeeded.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `status --format json` as JSON.
pub fn counts(db: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&salesboard(db, &["status", "--format", "json"])))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A new SQLite database path in a temporary folder kept for the test's life.
pub fn sqlite_db(dir: &tempfile::TempDir) -> String {
    dir.path().join("test.db").display().to_string()
}

/// A URL to a new, empty PostgreSQL schema, or `None` (test skipped) when
/// `SALESBOARD_TEST_POSTGRES_URL` is not set.
pub fn postgres_db() -> Option<String> {
    let Ok(url) = std::env::var("SALESBOARD_TEST_POSTGRES_URL") else {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return None;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Some(
        runtime
            .block_on(salesboard_store_postgres::create_scratch_schema(&url))
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// Copies the tiny fixture into `dir`, returning the copy's folder.
pub fn copy_tiny(dir: &Path) -> PathBuf {
    let target = dir.join("tiny");
    std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(tiny())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, target.join(entry.file_name())).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    target
}
