//! The PostgreSQL backend, for larger deployments: the same queries as SQLite,
//! with the migrations of `migrations/` applied on open.

use salesboard_store::sql::ConnectOptions;
use salesboard_store::{Backend, SqlStore, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects to `postgres://…` (or `postgresql://…`) and applies pending migrations.
pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
    let store = SqlStore::connect(ConnectOptions {
        url: url.to_string(),
        backend: Backend::Postgres,
        max_connections: 10,
        on_connect: &["SET TIME ZONE 'UTC'"],
    })
    .await?;
    MIGRATOR.run(store.pool()).await?;
    tracing::debug!("opened PostgreSQL store");
    Ok(store)
}

/// For tests: creates a new, empty schema on the server at `url` and returns
/// a URL whose connections use it, so that every test has its own database.
pub async fn create_scratch_schema(url: &str) -> Result<String, StoreError> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!(
        "sbtest_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    let admin = SqlStore::connect(ConnectOptions {
        url: url.to_string(),
        backend: Backend::Postgres,
        max_connections: 1,
        on_connect: &[],
    })
    .await?;
    // Safe: the schema name is made above from numbers only.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(admin.pool())
        .await?;
    admin.close().await;
    let separator = if url.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{url}{separator}options=-c%20search_path%3D{schema}"
    ))
}
