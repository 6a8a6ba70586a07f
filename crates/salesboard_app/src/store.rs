//! Choosing the backend from the database URL.

use salesboard_store::{SqlStore, StoreError};

/// The store the application runs on.
pub type AppStore = SqlStore;

/// Opens the store a URL names and applies pending migrations:
/// `postgres://…` / `postgresql://…` for PostgreSQL; `sqlite:PATH`,
/// `sqlite://PATH` or a plain file path for SQLite. Any other scheme is an
/// error, never a new file with a strange name.
pub async fn open_store(url: &str) -> Result<AppStore, StoreError> {
    let trimmed = url.trim();
    if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        return salesboard_store_postgres::open(trimmed).await;
    }
    if trimmed.starts_with("sqlite:") {
        return salesboard_store_sqlite::open(trimmed).await;
    }
    let has_scheme = trimmed.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if has_scheme || trimmed.is_empty() {
        return Err(StoreError::UnsupportedUrl(trimmed.to_string()));
    }
    salesboard_store_sqlite::open(trimmed).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_scheme_is_refused_and_creates_no_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("mysql://{}/x.db", dir.path().display());
        assert!(matches!(
            open_store(&url).await,
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert!(matches!(
            open_store("").await,
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert_eq!(
            std::fs::read_dir(dir.path()).map(|d| d.count()).ok(),
            Some(0)
        );
    }

    #[tokio::test]
    async fn a_plain_path_opens_sqlite() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("plain.db");
        let store = open_store(&path.display().to_string()).await;
        assert!(store.is_ok());
        assert!(path.exists());
    }
}
