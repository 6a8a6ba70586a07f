//! Storage for Salesboard: the [`Store`] trait every backend implements, its
//! error and report types, the shared SQL implementation over sqlx's `Any`
//! driver, and the conformance suite every backend must pass.
//!
//! The SQLite and PostgreSQL crates differ only in how they connect and in
//! their migrations; the queries live here once, written in the SQL both speak.

pub mod alerts;
mod auth;
pub mod conformance;
pub mod conformance_alerts;
pub mod conformance_changes;
pub mod conformance_survey_links;
pub mod conformance_webhooks;
mod error;
pub mod records;
mod report;
pub mod sql;
pub mod survey_links;
pub mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

pub use salesboard_domain::known::{CustomerIdentity, KnownIds, StageInfo};
use salesboard_domain::{Dataset, StageChange};

use records::{FieldDef, GroupTotal, ListQuery, RecordKind, RecordPage, RecordRow, RowScope};

pub use alerts::{AlertStore, KpiAlert, StoredAlert};
pub use auth::{ApiTokenInfo, AuthStore, AuthUser, SessionKind, SessionRow};
pub use error::StoreError;
pub use report::{Counts, EntityReport, WriteReport};
pub use sql::SqlStore;
pub use survey_links::{SurveyLink, SurveyLinkStore};
pub use webhooks::{AttemptOutcome, Delivery, DeliveryStatus, DueDelivery, Webhook, WebhookStore};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Who writes, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct WriteContext {
    /// The acting user's id, or `None` for the command line.
    pub actor: Option<String>,
    /// What is written (`import customers.csv …`, `demo`).
    pub source: String,
    /// For a write of one record through the API: the audit entry to keep
    /// instead of the import summary.
    pub record: Option<RecordAudit>,
}

/// The audit of a one-record write: what it was before and after.
#[derive(Debug, Clone, Default)]
pub struct RecordAudit {
    /// `create` or `update`.
    pub action: String,
    /// The kind of record (`customers`).
    pub entity: String,
    /// Its key.
    pub entity_id: String,
    /// JSON before the change.
    pub before: Option<String>,
    /// JSON after the change.
    pub after: Option<String>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When, seconds since the epoch.
    pub at: i64,
    /// Who (`None`: the command line).
    pub actor: Option<String>,
    /// `create`, `update`, `delete`, `import` …
    pub action: String,
    /// What kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: Option<String>,
    /// JSON before the change.
    pub before: Option<String>,
    /// JSON after the change.
    pub after: Option<String>,
}

/// One committed change, as the audit log has it: what a cache built at an
/// earlier change version must read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its change version (the audit entry's id).
    pub version: i64,
    /// `create`, `update`, `delete`, `import` …
    pub action: String,
    /// What kind of record (`customers`), `dataset` for an import, `settings`.
    pub entity: String,
    /// Which record (a setting's key), `None` for an import.
    pub entity_id: Option<String>,
    /// When it committed, seconds since the epoch.
    pub at: i64,
    /// For an import: when its transaction began writing. Every record it
    /// wrote has `updated_at` in `[started_at, at]`.
    pub started_at: Option<i64>,
}

/// Keys of records by kind (`customers` → ids), as the audit log names them.
pub type RecordKeys = BTreeMap<String, BTreeSet<String>>;

pub use sql::changes::is_dataset_kind;

/// Everything Salesboard stores, behind one interface.
pub trait Store: Send + Sync {
    /// Which database this is.
    fn backend(&self) -> Backend;

    /// Row counts of every kind of record.
    fn counts(&self) -> impl Future<Output = Result<Counts, StoreError>> + Send;

    /// Writes (inserts or updates by id) every record of `data` in one
    /// transaction, records deal stage moves and an audit entry, and says what
    /// changed. Writing the same data again changes nothing.
    fn write_dataset(
        &self,
        data: &Dataset,
        context: &WriteContext,
    ) -> impl Future<Output = Result<WriteReport, StoreError>> + Send;

    /// Reads every record back.
    fn read_dataset(&self) -> impl Future<Output = Result<Dataset, StoreError>> + Send;

    /// The deal stage history, oldest first.
    fn stage_changes(&self) -> impl Future<Output = Result<Vec<StageChange>, StoreError>> + Send;

    /// The ids already stored.
    fn known_ids(&self) -> impl Future<Output = Result<KnownIds, StoreError>> + Send;

    /// The pipeline's stages, first stage first.
    fn pipeline_stages(&self) -> impl Future<Output = Result<Vec<StageInfo>, StoreError>> + Send;

    /// Name, phone and e-mail of every stored customer.
    fn customer_identities(
        &self,
    ) -> impl Future<Output = Result<Vec<CustomerIdentity>, StoreError>> + Send;

    /// Sets a user's password hash (a PHC string) and activates the user.
    fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A user's password hash, if the user exists, is active and has one.
    fn password_hash(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// An organization setting.
    fn setting(&self, key: &str)
    -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Sets an organization setting.
    fn set_setting(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// One page of a kind of record, limited to `scope`.
    fn list_records(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        query: &ListQuery,
    ) -> impl Future<Output = Result<RecordPage, StoreError>> + Send;

    /// Counts (and sums of `sum`) per value of `group` over the records of
    /// a list within `scope` (its filters and search, not its page).
    fn group_totals(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        query: &ListQuery,
        group: &'static FieldDef,
        sum: Option<&'static FieldDef>,
    ) -> impl Future<Output = Result<Vec<GroupTotal>, StoreError>> + Send;

    /// One record by key, if it exists within `scope`.
    fn get_record(
        &self,
        kind: &RecordKind,
        scope: &RowScope,
        key: &str,
    ) -> impl Future<Output = Result<Option<RecordRow>, StoreError>> + Send;

    /// An order's lines (fields of [`records::ORDER_LINES`]), by line number.
    fn order_lines(
        &self,
        order_id: &str,
    ) -> impl Future<Output = Result<Vec<RecordRow>, StoreError>> + Send;

    /// Deletes one record and keeps `audit`, in one transaction; `false` when
    /// it does not exist. A record others refer to is a conflict.
    fn delete_record(
        &self,
        kind: &RecordKind,
        key: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The ids of a team's users.
    fn team_members(
        &self,
        team: &str,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// A number that grows with every committed change (the newest audit
    /// entry's id): a cache built at one version is current while it stays.
    fn change_version(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// The changes committed after `version`, oldest first, at most `limit`.
    fn changes_since(
        &self,
        version: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Change>, StoreError>> + Send;

    /// The keys of the records whose last write was in `[from, to]`
    /// (seconds since the epoch), by kind.
    fn keys_written_between(
        &self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = Result<RecordKeys, StoreError>> + Send;

    /// The records `keys` name that exist, each kind in key order (orders
    /// with their lines), with the contacts of the named customers.
    fn read_records(
        &self,
        keys: &RecordKeys,
    ) -> impl Future<Output = Result<Dataset, StoreError>> + Send;

    /// The stage history of the named deals: by deal, each oldest first.
    fn stage_changes_of(
        &self,
        deal_ids: &BTreeSet<String>,
    ) -> impl Future<Output = Result<Vec<StageChange>, StoreError>> + Send;

    /// The newest audit entries first.
    fn audit_log(
        &self,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
}
