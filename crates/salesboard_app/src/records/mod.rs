//! Records through the API: list, get, create, update and delete one kind at
//! a time, every call limited by the policy (`crate::policy`). A record the
//! caller may not see is answered exactly like a missing one.

pub mod export;
pub mod json;
mod write;

use salesboard_domain::OrgTimeZone;
use salesboard_store::records::{
    FieldType, ListQuery, ORDER_LINES, ORDERS, RecordKind, RowScope, USERS, kind_named,
};
use salesboard_store::{AuditEntry, Store, StoreError};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::policy::{self, Action, Actor, Denied};
use crate::settings::{self, SettingsError};

pub use write::{create, update};

/// Why a record request failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No such record, or one the caller may not see.
    #[error("not found")]
    NotFound,
    /// The caller may not do this at all.
    #[error("{0}")]
    Forbidden(String),
    /// A field is not valid.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as named in the API.
        field: String,
        /// Why.
        message: String,
    },
    /// The write breaks a rule of the data (the id is taken, others refer to it).
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// A setting is not valid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// An export could not be made (the server's fault).
    #[error("export: {0}")]
    Export(String),
}

impl RecordError {
    /// A problem with one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        RecordError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for RecordError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(message) => RecordError::Conflict(message),
            other => RecordError::Store(other),
        }
    }
}

impl From<Denied> for RecordError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Forbidden { .. } => RecordError::Forbidden(denied.to_string()),
            Denied::Store(error) => error.into(),
        }
    }
}

/// What a list asks for, as the API receives it.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// `field=value` equality filters.
    pub filters: Vec<(String, String)>,
    /// Text to search for.
    pub search: Option<String>,
    /// `field` or `-field` (descending).
    pub sort: Option<String>,
    /// 1-based page.
    pub page: i64,
    /// Records per page (at most [`MAX_PER_PAGE`]).
    pub per_page: i64,
}

/// The largest page.
pub const MAX_PER_PAGE: i64 = 500;

/// The highest page number.
pub const MAX_PAGE: i64 = 1_000_000;

/// A page of records.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The records.
    pub items: Vec<Map<String, Json>>,
    /// How many match in all.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
    /// Records per page.
    pub per_page: i64,
}

/// The kind called `name`, or not found.
pub fn kind(name: &str) -> Result<RecordKind, RecordError> {
    kind_named(name).ok_or(RecordError::NotFound)
}

/// One page of the records of `kind` the actor may read.
pub async fn list(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    params: &ListParams,
) -> Result<Page, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Read).await?;
    let zone = settings::timezone(store).await?;
    let mut query = selection(kind, params, zone)?;
    if !(1..=MAX_PAGE).contains(&params.page) {
        return Err(RecordError::invalid(
            "page",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    if !(1..=MAX_PER_PAGE).contains(&params.per_page) {
        return Err(RecordError::invalid(
            "per_page",
            format!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    query.offset = (params.page - 1).saturating_mul(params.per_page);
    query.limit = params.per_page;
    let found = store.list_records(kind, &scope, &query).await?;
    let mut items = Vec::with_capacity(found.rows.len());
    for row in &found.rows {
        let mut item = json::row_to_json(kind, row, zone);
        if kind.name == ORDERS.name {
            add_lines(store, &mut item, zone).await?;
        }
        items.push(item);
    }
    Ok(Page {
        items,
        total: found.total,
        page: params.page,
        per_page: params.per_page,
    })
}

/// The filters, search and sort of a list (no page yet: offset and limit 0).
pub(crate) fn selection(
    kind: &RecordKind,
    params: &ListParams,
    zone: OrgTimeZone,
) -> Result<ListQuery, RecordError> {
    let mut filters = Vec::new();
    for (name, text) in &params.filters {
        let field = kind
            .field(name)
            .ok_or_else(|| RecordError::invalid(name, "is not a field of this list"))?;
        filters.push((field, json::filter_value(field, text, zone)?));
    }
    let sort = match params.sort.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let (name, descending) = match text.strip_prefix('-') {
                Some(name) => (name, true),
                None => (text, false),
            };
            let field = kind.field(name).ok_or_else(|| {
                RecordError::invalid("sort", format!("\"{name}\" is not a field"))
            })?;
            Some((field, descending))
        }
    };
    Ok(ListQuery {
        filters,
        search: params.search.clone(),
        sort,
        offset: 0,
        limit: 0,
    })
}

/// One group of [`totals`].
#[derive(Debug, Clone, Serialize)]
pub struct Total {
    /// The group's value (`null` for records without one).
    pub group: Json,
    /// Records in the group.
    pub count: i64,
    /// The summed money field, as a decimal string (`"0.00"` without one).
    pub sum: String,
}

/// How many of the records a list would show (its filters and search) fall
/// in each value of `group`, and what the money field `sum` adds up to.
pub async fn totals(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    params: &ListParams,
    group: &str,
    sum: Option<&str>,
) -> Result<Vec<Total>, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Read).await?;
    let zone = settings::timezone(store).await?;
    let group_field = kind
        .field(group)
        .ok_or_else(|| RecordError::invalid("group", format!("\"{group}\" is not a field")))?;
    let sum_field = match sum {
        None => None,
        Some(name) => Some(
            kind.field(name)
                .filter(|f| f.ty == FieldType::Money)
                .ok_or_else(|| {
                    RecordError::invalid("sum", format!("\"{name}\" is not a money field"))
                })?,
        ),
    };
    let query = selection(kind, params, zone)?;
    let found = store
        .group_totals(kind, &scope, &query, group_field, sum_field)
        .await?;
    Ok(found
        .into_iter()
        .map(|total| Total {
            group: json::to_json(group_field, &total.group, zone),
            count: total.count,
            sum: salesboard_domain::Money::from_cents(total.sum).to_string(),
        })
        .collect())
}

/// One record the actor may read.
pub async fn get(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    key: &str,
) -> Result<Map<String, Json>, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Read).await?;
    get_within(store, kind, &scope, key)
        .await?
        .ok_or(RecordError::NotFound)
}

/// One record within a scope, as JSON (orders with their lines).
pub(crate) async fn get_within(
    store: &impl Store,
    kind: &RecordKind,
    scope: &RowScope,
    key: &str,
) -> Result<Option<Map<String, Json>>, RecordError> {
    let zone = settings::timezone(store).await?;
    let Some(row) = store.get_record(kind, scope, key).await? else {
        return Ok(None);
    };
    let mut item = json::row_to_json(kind, &row, zone);
    if kind.name == ORDERS.name {
        add_lines(store, &mut item, zone).await?;
    }
    Ok(Some(item))
}

async fn add_lines(
    store: &impl Store,
    order: &mut Map<String, Json>,
    zone: OrgTimeZone,
) -> Result<(), RecordError> {
    let id = order.get("order_id").and_then(Json::as_str).unwrap_or("");
    let lines = store.order_lines(id).await?;
    let lines = lines
        .iter()
        .map(|row| {
            let mut line = json::row_to_json(&ORDER_LINES, row, zone);
            line.remove("order_id");
            Json::Object(line)
        })
        .collect();
    order.insert("lines".into(), Json::Array(lines));
    Ok(())
}

/// Deletes a record the actor may delete; the audit log keeps what it was.
pub async fn delete(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    key: &str,
) -> Result<(), RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Delete).await?;
    if kind.name == USERS.name && key == actor.user_id {
        return Err(RecordError::Conflict("you cannot delete yourself".into()));
    }
    let before = get_within(store, kind, &scope, key)
        .await?
        .ok_or(RecordError::NotFound)?;
    let audit = AuditEntry {
        at: salesboard_domain::Timestamp::now().unix_seconds(),
        actor: Some(actor.user_id.clone()),
        action: "delete".into(),
        entity: kind.name.into(),
        entity_id: Some(key.to_string()),
        before: Some(Json::Object(before).to_string()),
        after: None,
    };
    match store.delete_record(kind, key, &audit).await? {
        true => Ok(()),
        false => Err(RecordError::NotFound),
    }
}

/// Whether a field is one the API writes (not read-only, not the lines).
pub(crate) fn is_writable(kind: &RecordKind, name: &str) -> bool {
    kind.field(name).is_some_and(|f| f.writable) || (kind.name == ORDERS.name && name == "lines")
}

/// The JSON type a field has, for the API's schema.
pub fn json_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer => "integer",
        FieldType::Bool => "boolean",
        _ => "string",
    }
}
