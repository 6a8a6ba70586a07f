//! Errors from a store.

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no backend Salesboard has.
    #[error("unsupported database URL \"{0}\": use a file path, sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A write would break a rule of the data (a unique value taken, a missing reference).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Stored data could not be read back into domain types.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Turns constraint violations into [`StoreError::Conflict`], keeping the database's words.
    pub(crate) fn classify(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && (db.is_unique_violation()
                || db.is_foreign_key_violation()
                || db.is_check_violation())
        {
            return StoreError::Conflict(db.message().to_string());
        }
        StoreError::Database(error)
    }
}
