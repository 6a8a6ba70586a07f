//! The SQLite backend: an embedded database file in WAL mode with
//! `synchronous=FULL` (no acknowledged write is lost on power loss), foreign
//! keys on, and the migrations of `migrations/` applied on open.

use salesboard_store::sql::ConnectOptions;
use salesboard_store::{Backend, SqlStore, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Pragmas set on every connection.
const PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA cache_size = -262144",
    "PRAGMA temp_store = MEMORY",
];

/// Turns what the user typed (a path, `sqlite:PATH` or `sqlite://PATH`) into
/// the URL sqlx opens, creating the file when missing.
pub fn sqlx_url(location: &str) -> String {
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut url = format!("sqlite://{path}?mode=rwc");
    for parameter in query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("mode="))
    {
        url.push('&');
        url.push_str(parameter);
    }
    url
}

/// Opens (creating if needed) the database file and applies pending migrations.
pub async fn open(location: &str) -> Result<SqlStore, StoreError> {
    let store = SqlStore::connect(ConnectOptions {
        url: sqlx_url(location),
        backend: Backend::Sqlite,
        max_connections: 4,
        on_connect: PRAGMAS,
    })
    .await?;
    MIGRATOR.run(store.pool()).await?;
    tracing::debug!(location, "opened SQLite store");
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_urls_open_the_same_file() {
        assert_eq!(sqlx_url("salesboard.db"), "sqlite://salesboard.db?mode=rwc");
        assert_eq!(
            sqlx_url("sqlite:///tmp/a.db"),
            "sqlite:///tmp/a.db?mode=rwc"
        );
        assert_eq!(sqlx_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=rwc");
    }
}
