//! The SQL implementation of [`Store`](crate::Store), shared by SQLite and
//! PostgreSQL through sqlx's `Any` driver. Every statement is written with `$N`
//! placeholders, which both databases accept; values are always bound, never
//! spliced into the text.

mod alerts;
mod auth;
mod batch;
pub(crate) mod changes;
mod read;
mod records;
mod survey_links;
mod tables;
mod touched_orders;
mod webhooks;
mod write;

use std::collections::BTreeSet;
use std::time::Duration;

use salesboard_domain::{Dataset, StageChange};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::records::{
    FieldDef, GroupTotal, ListQuery, RecordKind, RecordPage, RecordRow, RowScope,
};
use crate::{
    AuditEntry, Backend, Change, Counts, CustomerIdentity, KnownIds, RecordKeys, StageInfo, Store,
    StoreError, WriteContext, WriteReport,
};

/// Begins a transaction that will write, one writer at a time. On SQLite it
/// takes the write lock at once (`BEGIN IMMEDIATE`), so that two writers
/// queue on `busy_timeout` instead of one failing with "database is locked"
/// when a read transaction tries to become a write one. On PostgreSQL it
/// takes a transaction advisory lock, so that writers commit in the order
/// of their audit entries' ids: a reader that has seen change version `n`
/// can never later find a change below `n` committed
/// ([`Store::changes_since`]).
pub(crate) async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITER_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// The PostgreSQL advisory lock writers take (any constant; "SALESBRD").
const WRITER_LOCK: i64 = 0x5341_4c45_5342_5244;

/// A store on a SQL database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

/// How to open the pool for one backend.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// The URL sqlx understands.
    pub url: String,
    /// Which database it is.
    pub backend: Backend,
    /// Pool size.
    pub max_connections: u32,
    /// Statements run on every new connection (SQLite pragmas).
    pub on_connect: &'static [&'static str],
}

impl SqlStore {
    /// Opens a pool. Migrations are the caller's (each backend embeds its own).
    pub async fn connect(options: ConnectOptions) -> Result<Self, StoreError> {
        install_default_drivers();
        let on_connect = options.on_connect;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _meta| {
                Box::pin(async move {
                    for statement in on_connect {
                        connection.execute(*statement).await?;
                    }
                    Ok(())
                })
            })
            .connect(&options.url)
            .await?;
        Ok(SqlStore {
            pool,
            backend: options.backend,
        })
    }

    /// The connection pool, for migrations.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection (SQLite then checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        read::counts(&self.pool).await
    }

    async fn write_dataset(
        &self,
        data: &Dataset,
        context: &WriteContext,
    ) -> Result<WriteReport, StoreError> {
        write::write_dataset(&self.pool, self.backend, data, context).await
    }

    async fn read_dataset(&self) -> Result<Dataset, StoreError> {
        read::read_dataset(&self.pool).await
    }

    async fn stage_changes(&self) -> Result<Vec<StageChange>, StoreError> {
        read::stage_changes(&self.pool).await
    }

    async fn known_ids(&self) -> Result<KnownIds, StoreError> {
        read::known_ids(&self.pool).await
    }

    async fn pipeline_stages(&self) -> Result<Vec<StageInfo>, StoreError> {
        read::pipeline_stages(&self.pool).await
    }

    async fn customer_identities(&self) -> Result<Vec<CustomerIdentity>, StoreError> {
        read::customer_identities(&self.pool).await
    }

    async fn set_password_hash(&self, user_id: &str, hash: &str) -> Result<(), StoreError> {
        write::set_password_hash(&self.pool, user_id, hash).await
    }

    async fn password_hash(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        read::password_hash(&self.pool, user_id).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        read::setting(&self.pool, key).await
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        write::set_setting(&self.pool, key, value).await
    }

    async fn list_records(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        query: &ListQuery,
    ) -> Result<RecordPage, StoreError> {
        records::list(&self.pool, kind, scope, query).await
    }

    async fn group_totals(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        query: &ListQuery,
        group: &'static FieldDef,
        sum: Option<&'static FieldDef>,
    ) -> Result<Vec<GroupTotal>, StoreError> {
        records::group_totals(&self.pool, kind, scope, query, group, sum).await
    }

    async fn get_record(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        key: &str,
    ) -> Result<Option<RecordRow>, StoreError> {
        records::get(&self.pool, kind, scope, key).await
    }

    async fn order_lines(&self, order_id: &str) -> Result<Vec<RecordRow>, StoreError> {
        records::order_lines(&self.pool, order_id).await
    }

    async fn delete_record(
        &self,
        kind: &RecordKind,
        key: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        records::delete(&self.pool, kind, key, audit).await
    }

    async fn team_members(&self, team: &str) -> Result<Vec<String>, StoreError> {
        records::team_members(&self.pool, team).await
    }

    async fn change_version(&self) -> Result<i64, StoreError> {
        records::change_version(&self.pool).await
    }

    async fn changes_since(&self, version: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        changes::changes_since(&self.pool, version, limit).await
    }

    async fn keys_written_between(&self, from: i64, to: i64) -> Result<RecordKeys, StoreError> {
        changes::keys_written_between(&self.pool, from, to).await
    }

    async fn read_records(&self, keys: &RecordKeys) -> Result<Dataset, StoreError> {
        changes::read_records(&self.pool, keys).await
    }

    async fn stage_changes_of(
        &self,
        deal_ids: &BTreeSet<String>,
    ) -> Result<Vec<StageChange>, StoreError> {
        changes::stage_changes_of(&self.pool, deal_ids).await
    }

    async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        read::audit_log(&self.pool, limit).await
    }
}
