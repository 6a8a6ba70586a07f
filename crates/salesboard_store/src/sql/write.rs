//! Writing a [`Dataset`] in one transaction: upserts in dependency order, the
//! stage history of deals, surplus order lines removed, and an audit entry.

use std::collections::{BTreeSet, HashMap};

use salesboard_domain::entities::Extra;
use salesboard_domain::{Dataset, Timestamp};
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe};

use super::batch::{Value, execute_in_chunks, placeholders};
use super::touched_orders::touch_orders_with_new_lines;
use crate::{Backend, EntityReport, StoreError, WriteContext, WriteReport};

use super::tables::{
    ACTIVITIES, CONTACTS, CUSTOMERS, DEALS, ORDER_LINES, ORDERS, PAYMENTS, PRODUCTS, SPEND,
    SURVEYS, TARGETS, TEAMS, USERS,
};

fn extra_json(extra: &Extra) -> Value<'static> {
    if extra.is_empty() {
        Value::Text(None)
    } else {
        Value::owned(serde_json::to_string(extra).ok())
    }
}

fn ts(at: Timestamp) -> Value<'static> {
    Value::int(at.unix_seconds())
}

fn opt_ts(at: Option<Timestamp>) -> Value<'static> {
    Value::opt_int(at.map(Timestamp::unix_seconds))
}

/// Writes every record of `data` in one transaction.
pub(crate) async fn write_dataset(
    pool: &AnyPool,
    backend: Backend,
    data: &Dataset,
    context: &WriteContext,
) -> Result<WriteReport, StoreError> {
    let mut tx = super::begin_write(pool).await?;
    let report = write_all(&mut tx, backend, data, context).await?;
    let started = std::time::Instant::now();
    tx.commit().await?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "committed"
    );
    Ok(report)
}

/// The body of [`write_dataset`] inside a transaction the caller owns (and
/// commits), for writes that must commit with other changes.
pub(super) async fn write_all(
    tx: &mut AnyConnection,
    backend: Backend,
    data: &Dataset,
    context: &WriteContext,
) -> Result<WriteReport, StoreError> {
    let started_at = Timestamp::now().unix_seconds();
    let now = Value::int(started_at);
    let mut report = WriteReport::default();

    let team_names: BTreeSet<&str> = data
        .users
        .iter()
        .filter_map(|u| u.team.as_deref())
        .collect();
    let rows: Vec<Vec<Value>> = team_names
        .iter()
        .map(|team| vec![Value::text(team), Value::text(team), now.clone()])
        .collect();
    report.teams = TEAMS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .users
        .iter()
        .map(|u| {
            vec![
                Value::text(&u.id),
                Value::text(&u.name),
                Value::opt_text(u.email.as_deref()),
                Value::text(u.role.as_str()),
                Value::opt_text(u.team.as_deref()),
                extra_json(&u.extra),
                now.clone(),
                now.clone(),
            ]
        })
        .collect();
    report.users = USERS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .products
        .iter()
        .map(|p| {
            vec![
                Value::text(&p.sku),
                Value::text(&p.name),
                Value::opt_text(p.category.as_deref()),
                Value::opt_int(p.unit_price.map(|m| m.cents())),
                Value::opt_int(p.unit_cost.map(|m| m.cents())),
                extra_json(&p.extra),
                now.clone(),
            ]
        })
        .collect();
    report.products = PRODUCTS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .customers
        .iter()
        .map(|c| {
            vec![
                Value::text(&c.id),
                Value::text(&c.name),
                Value::opt_text(c.kind.map(|k| k.as_str())),
                Value::opt_text(c.industry.as_deref()),
                Value::opt_text(c.region.as_deref()),
                Value::opt_text(c.channel.as_deref()),
                Value::opt_text(c.owner.as_deref()),
                Value::opt_text(c.phone.as_deref()),
                Value::opt_text(c.email.as_deref()),
                ts(c.created_at),
                opt_ts(c.first_contact_at),
                extra_json(&c.extra),
                now.clone(),
            ]
        })
        .collect();
    report.customers = CUSTOMERS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .contacts
        .iter()
        .map(|c| {
            vec![
                Value::text(&c.id),
                Value::text(&c.customer_id),
                Value::text(&c.name),
                Value::opt_text(c.title.as_deref()),
                Value::opt_text(c.phone.as_deref()),
                Value::opt_text(c.email.as_deref()),
                extra_json(&c.extra),
                now.clone(),
            ]
        })
        .collect();
    report.contacts = CONTACTS.upsert(tx, backend, &rows).await?;

    let (deals, stage_changes) = write_deals(tx, backend, data, context, &now).await?;
    report.deals = deals;
    report.stage_changes = stage_changes;

    let (orders, lines) = write_orders(tx, backend, data, &now).await?;
    report.orders = orders;
    report.order_lines = lines;

    let rows: Vec<Vec<Value>> = data
        .payments
        .iter()
        .map(|p| {
            vec![
                Value::text(&p.id),
                Value::text(&p.order_id),
                Value::int(p.amount.cents()),
                ts(p.paid_at),
                now.clone(),
            ]
        })
        .collect();
    report.payments = PAYMENTS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .activities
        .iter()
        .map(|a| {
            vec![
                Value::text(&a.id),
                Value::text(&a.customer_id),
                Value::opt_text(a.deal_id.as_deref()),
                Value::opt_text(a.owner.as_deref()),
                Value::opt_text(a.kind.map(|k| k.as_str())),
                ts(a.occurred_at),
                Value::opt_text(a.note.as_deref()),
                now.clone(),
            ]
        })
        .collect();
    report.activities = ACTIVITIES.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .spend
        .iter()
        .map(|s| {
            vec![
                Value::text(&s.id),
                ts(s.date),
                Value::opt_text(s.channel.as_deref()),
                Value::opt_text(s.category.as_deref()),
                Value::int(s.amount.cents()),
                Value::opt_text(s.campaign.as_deref()),
                now.clone(),
            ]
        })
        .collect();
    report.spend = SPEND.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .surveys
        .iter()
        .map(|s| {
            vec![
                Value::text(&s.id),
                Value::opt_text(s.customer_id.as_deref()),
                Value::opt_text(s.order_id.as_deref()),
                Value::int(s.score),
                Value::int(s.scale.max()),
                ts(s.responded_at),
                Value::opt_text(s.comment.as_deref()),
                now.clone(),
            ]
        })
        .collect();
    report.surveys = SURVEYS.upsert(tx, backend, &rows).await?;

    let rows: Vec<Vec<Value>> = data
        .targets
        .iter()
        .map(|t| {
            vec![
                Value::text(t.owner_kind.as_str()),
                Value::text(&t.owner),
                Value::text(&t.period),
                Value::text(t.metric.as_str()),
                Value::int(t.value_hundredths),
                now.clone(),
            ]
        })
        .collect();
    report.targets = TARGETS.upsert(tx, backend, &rows).await?;

    if report.changed_anything() {
        insert_audit(tx, context, &report, started_at).await?;
    }
    Ok(report)
}

/// Upserts deals and records a stage change for every new deal (from no
/// stage) and every deal whose stage differs from the stored one.
async fn write_deals(
    tx: &mut AnyConnection,
    backend: Backend,
    data: &Dataset,
    context: &WriteContext,
    now: &Value<'static>,
) -> Result<(EntityReport, u64), StoreError> {
    if data.deals.is_empty() {
        return Ok((EntityReport::default(), 0));
    }
    let ids: Vec<&str> = data.deals.iter().map(|d| d.id.as_str()).collect();
    let stored_stages = stored_values(tx, backend, "deals", "id", "stage", &ids).await?;
    let rows: Vec<Vec<Value>> = data
        .deals
        .iter()
        .map(|d| {
            vec![
                Value::text(&d.id),
                Value::text(&d.customer_id),
                Value::opt_text(d.owner.as_deref()),
                Value::opt_text(d.title.as_deref()),
                Value::text(&d.stage),
                Value::opt_int(d.amount.map(|m| m.cents())),
                ts(d.created_at),
                opt_ts(d.closed_at),
                Value::text(d.status.as_str()),
                Value::opt_text(d.lost_reason.as_deref()),
                extra_json(&d.extra),
                now.clone(),
            ]
        })
        .collect();
    let report = DEALS.upsert(tx, backend, &rows).await?;

    let changes: Vec<Vec<Value>> = data
        .deals
        .iter()
        .filter_map(|d| match stored_stages.get(d.id.as_str()) {
            None => Some(vec![
                Value::text(&d.id),
                Value::Text(None),
                Value::text(&d.stage),
                ts(d.created_at),
                Value::opt_text(context.actor.as_deref()),
            ]),
            Some(old) if *old != d.stage => Some(vec![
                Value::text(&d.id),
                Value::owned(Some(old.clone())),
                Value::text(&d.stage),
                now.clone(),
                Value::opt_text(context.actor.as_deref()),
            ]),
            Some(_) => None,
        })
        .collect();
    let recorded = execute_in_chunks(tx, &changes, 5, |rows| {
        format!(
            "INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at, changed_by) VALUES {}",
            placeholders(backend, rows, 5)
        )
    })
    .await?;
    Ok((report, recorded))
}

/// Upserts orders and their lines (numbered from 1 in the given order), and
/// removes lines that a re-imported order no longer has.
async fn write_orders(
    tx: &mut AnyConnection,
    backend: Backend,
    data: &Dataset,
    now: &Value<'static>,
) -> Result<(EntityReport, EntityReport), StoreError> {
    if data.orders.is_empty() {
        return Ok((EntityReport::default(), EntityReport::default()));
    }
    let ids: Vec<&str> = data.orders.iter().map(|o| o.id.as_str()).collect();
    let existing = stored_values(tx, backend, "orders", "id", "id", &ids).await?;
    let stored: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| existing.contains_key(*id))
        .collect();
    touch_orders_with_new_lines(tx, backend, data, &stored, now).await?;
    let rows: Vec<Vec<Value>> = data
        .orders
        .iter()
        .map(|o| {
            vec![
                Value::text(&o.id),
                Value::text(&o.customer_id),
                Value::opt_text(o.owner.as_deref()),
                ts(o.ordered_at),
                Value::text(o.status.as_str()),
                Value::opt_text(o.deal_id.as_deref()),
                extra_json(&o.extra),
                now.clone(),
            ]
        })
        .collect();
    let orders = ORDERS.upsert(tx, backend, &rows).await?;

    let line_rows: Vec<Vec<Value>> = data
        .orders
        .iter()
        .flat_map(|o| {
            o.lines.iter().zip(1_i64..).map(move |(line, line_no)| {
                vec![
                    Value::text(&o.id),
                    Value::int(line_no),
                    Value::opt_text(line.sku.as_deref()),
                    Value::int(line.unit_price.cents()),
                    Value::int(line.quantity),
                    Value::int(line.discount.ppm()),
                ]
            })
        })
        .collect();
    let mut lines = ORDER_LINES.upsert(tx, backend, &line_rows).await?;

    let reimported: Vec<Vec<Value>> = data
        .orders
        .iter()
        .filter(|o| existing.contains_key(o.id.as_str()))
        .map(|o| vec![Value::text(&o.id), Value::int(o.lines.len() as i64)])
        .collect();
    lines.removed = execute_in_chunks(tx, &reimported, 2, |rows| {
        format!(
            "WITH kept (order_id, line_count) AS (VALUES {}) \
             DELETE FROM order_lines WHERE EXISTS (SELECT 1 FROM kept \
             WHERE kept.order_id = order_lines.order_id AND order_lines.line_no > kept.line_count)",
            placeholders(backend, rows, 2)
        )
    })
    .await?;
    Ok((orders, lines))
}

/// `key → value` for the stored rows of `table` whose `key` is among `ids`.
async fn stored_values(
    tx: &mut AnyConnection,
    backend: Backend,
    table: &'static str,
    key: &'static str,
    value: &'static str,
    ids: &[&str],
) -> Result<HashMap<String, String>, StoreError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(1000) {
        let list = placeholders(backend, 1, chunk.len());
        let sql = format!("SELECT {key}, {value} FROM {table} WHERE {key} IN {list}");
        // Safe: table and column names are in code; ids are bound.
        let mut query = sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        found.extend(query.fetch_all(&mut *tx).await?);
    }
    Ok(found)
}

/// The audit entry of a write: the record's, or an import's summary with
/// `started_at`, the instant every row it wrote has as `updated_at` (what
/// [`Store::keys_written_between`](crate::Store::keys_written_between)
/// finds them by).
async fn insert_audit(
    tx: &mut AnyConnection,
    context: &WriteContext,
    report: &WriteReport,
    started_at: i64,
) -> Result<(), StoreError> {
    if let Some(record) = &context.record {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Timestamp::now().unix_seconds())
        .bind(context.actor.as_deref())
        .bind(record.action.as_str())
        .bind(record.entity.as_str())
        .bind(record.entity_id.as_str())
        .bind(record.before.as_deref())
        .bind(record.after.as_deref())
        .execute(tx)
        .await?;
        return Ok(());
    }
    let summary = serde_json::json!({
        "source": context.source,
        "report": report,
        "started_at": started_at,
    });
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, 'import', 'dataset', NULL, NULL, $3)",
    )
    .bind(Timestamp::now().unix_seconds())
    .bind(context.actor.as_deref())
    .bind(summary.to_string())
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets a user's password hash and activates the user.
pub(crate) async fn set_password_hash(
    pool: &AnyPool,
    user_id: &str,
    hash: &str,
) -> Result<(), StoreError> {
    let result = sqlx::query(
        "UPDATE users SET password_hash = $1, active = TRUE, updated_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(Timestamp::now().unix_seconds())
    .bind(user_id)
    .execute(pool)
    .await?;
    if result.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "no user with id \"{user_id}\""
        )));
    }
    Ok(())
}

/// Sets an organization setting.
pub(crate) async fn set_setting(pool: &AnyPool, key: &str, value: &str) -> Result<(), StoreError> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *tx)
    .await?;
    // A setting (the time zone) changes the KPIs: it is a change like any other.
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, NULL, 'update', 'settings', $2, NULL, $3)",
    )
    .bind(Timestamp::now().unix_seconds())
    .bind(key)
    .bind(value)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
