//! What changed after a change version, and reading only those records:
//! how a cache of every record (the KPI engine's) is kept current without
//! reading everything again.

use std::collections::{BTreeSet, HashMap};

use salesboard_domain::{Dataset, StageChange};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, AssertSqlSafe, Row};

use super::read::{self, Source, decoded};
use crate::{Change, RecordKeys, StoreError};

/// Keys bound per statement: under both databases' limits on parameters.
const KEYS_PER_STATEMENT: usize = 500;

/// Every kind of record a [`Dataset`] holds, by the name the audit log gives
/// it, with where it is read from.
const KINDS: [(&str, &Source); 11] = [
    ("users", &read::USERS),
    ("products", &read::PRODUCTS),
    ("customers", &read::CUSTOMERS),
    ("contacts", &read::CONTACTS),
    ("deals", &read::DEALS),
    ("orders", &read::ORDERS),
    ("payments", &read::PAYMENTS),
    ("activities", &read::ACTIVITIES),
    ("spend", &read::SPEND),
    ("surveys", &read::SURVEYS),
    ("targets", &read::TARGETS),
];

/// Whether the audit log's `entity` names a kind of record a dataset holds.
pub fn is_dataset_kind(entity: &str) -> bool {
    KINDS.iter().any(|(name, _)| *name == entity)
}

/// The audit entries after `version`, oldest first, at most `limit`.
pub(crate) async fn changes_since(
    pool: &AnyPool,
    version: i64,
    limit: i64,
) -> Result<Vec<Change>, StoreError> {
    sqlx::query(
        "SELECT id, action, entity, entity_id, at, after_json FROM audit_log \
         WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(version)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        let action: String = row.try_get("action")?;
        let after: Option<String> = row.try_get("after_json")?;
        // An import's summary says when its transaction began writing.
        let started_at = (action == "import")
            .then(|| after.as_deref().and_then(import_started_at))
            .flatten();
        Ok(Change {
            version: row.try_get("id")?,
            action,
            entity: row.try_get("entity")?,
            entity_id: row.try_get("entity_id")?,
            at: row.try_get("at")?,
            started_at,
        })
    })
    .collect()
}

fn import_started_at(summary: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(summary)
        .ok()?
        .get("started_at")?
        .as_i64()
}

/// The keys of every record whose `updated_at` lies in `[from, to]`, by kind.
pub(crate) async fn keys_written_between(
    pool: &AnyPool,
    from: i64,
    to: i64,
) -> Result<RecordKeys, StoreError> {
    let mut keys = RecordKeys::new();
    for (name, source) in KINDS {
        let sql = format!(
            "SELECT {} AS record_key FROM {} WHERE updated_at BETWEEN $1 AND $2",
            source.key, source.table
        );
        // Safe: the statement is made of constants; the instants are bound.
        let found: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
        if !found.is_empty() {
            keys.entry(name.to_string()).or_default().extend(found);
        }
    }
    Ok(keys)
}

/// The rows of `source` whose `column` is one of `keys`.
async fn rows_where(
    pool: &AnyPool,
    source: &Source,
    column: &str,
    keys: &BTreeSet<String>,
) -> Result<Vec<AnyRow>, StoreError> {
    let keys: Vec<&String> = keys.iter().collect();
    let mut rows = Vec::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let list: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "{} WHERE {column} IN ({}) ORDER BY {}",
            source.select,
            list.join(", "),
            source.order
        );
        // Safe: names are constants; the keys are bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for key in chunk {
            query = query.bind(key.as_str());
        }
        rows.extend(query.fetch_all(pool).await?);
    }
    Ok(rows)
}

/// The records `keys` name that exist (orders with their lines), and the
/// contacts of the named customers as well as the named contacts.
pub(crate) async fn read_records(pool: &AnyPool, keys: &RecordKeys) -> Result<Dataset, StoreError> {
    let none = BTreeSet::new();
    let named = |kind: &str| keys.get(kind).unwrap_or(&none);
    let mut contacts = decoded(
        &rows_where(pool, &read::CONTACTS, read::CONTACTS.key, named("contacts")).await?,
        read::contact,
    )?;
    let of_customers = rows_where(pool, &read::CONTACTS, "customer_id", named("customers")).await?;
    let mut seen: BTreeSet<String> = contacts.iter().map(|c| c.id.clone()).collect();
    for contact in decoded(&of_customers, read::contact)? {
        if seen.insert(contact.id.clone()) {
            contacts.push(contact);
        }
    }
    let mut orders = decoded(
        &rows_where(pool, &read::ORDERS, read::ORDERS.key, named("orders")).await?,
        read::order,
    )?;
    let mut lines: HashMap<String, Vec<_>> = HashMap::new();
    for row in rows_where(pool, &read::ORDER_LINES, "order_id", named("orders")).await? {
        let (order_id, line) = read::order_line(&row)?;
        lines.entry(order_id).or_default().push(line);
    }
    for order in &mut orders {
        order.lines = lines.remove(&order.id).unwrap_or_default();
    }
    Ok(Dataset {
        users: decoded(
            &rows_where(pool, &read::USERS, read::USERS.key, named("users")).await?,
            read::user,
        )?,
        products: decoded(
            &rows_where(pool, &read::PRODUCTS, read::PRODUCTS.key, named("products")).await?,
            read::product,
        )?,
        customers: decoded(
            &rows_where(
                pool,
                &read::CUSTOMERS,
                read::CUSTOMERS.key,
                named("customers"),
            )
            .await?,
            read::customer,
        )?,
        contacts,
        deals: decoded(
            &rows_where(pool, &read::DEALS, read::DEALS.key, named("deals")).await?,
            read::deal,
        )?,
        orders,
        payments: decoded(
            &rows_where(pool, &read::PAYMENTS, read::PAYMENTS.key, named("payments")).await?,
            read::payment,
        )?,
        activities: decoded(
            &rows_where(
                pool,
                &read::ACTIVITIES,
                read::ACTIVITIES.key,
                named("activities"),
            )
            .await?,
            read::activity,
        )?,
        spend: decoded(
            &rows_where(pool, &read::SPEND, read::SPEND.key, named("spend")).await?,
            read::spend,
        )?,
        surveys: decoded(
            &rows_where(pool, &read::SURVEYS, read::SURVEYS.key, named("surveys")).await?,
            read::survey,
        )?,
        targets: decoded(
            &rows_where(pool, &read::TARGETS, read::TARGETS.key, named("targets")).await?,
            read::target,
        )?,
    })
}

/// The stage history of the named deals, oldest first.
pub(crate) async fn stage_changes_of(
    pool: &AnyPool,
    deal_ids: &BTreeSet<String>,
) -> Result<Vec<StageChange>, StoreError> {
    let rows = rows_where(pool, &read::STAGE_CHANGES, "deal_id", deal_ids).await?;
    let mut changes = decoded(&rows, read::stage_change)?;
    // Chunks are each in order; a deal's changes all sit in one chunk.
    changes.sort_by(|a, b| a.deal_id.cmp(&b.deal_id));
    Ok(changes)
}
