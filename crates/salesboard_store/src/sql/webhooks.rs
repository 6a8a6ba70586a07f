//! [`WebhookStore`] on SQL: webhooks and their delivery queue, in statements
//! both SQLite and PostgreSQL run (`$N` placeholders, values always bound).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::StoreError;
use crate::webhooks::{
    AttemptOutcome, Delivery, DeliveryStatus, DueDelivery, Webhook, WebhookStore,
};

/// `active` is read as a number: the `Any` driver cannot decode SQLite's BOOLEAN.
const WEBHOOK_COLUMNS: &str = "id, url, secret, events, \
     CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active, created_at";

const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, \
     d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at";

/// The stored form of an event list: names joined by commas.
fn join_events(events: &[String]) -> Result<String, StoreError> {
    if let Some(bad) = events
        .iter()
        .find(|e| e.is_empty() || e.contains(',') || e.trim() != e.as_str())
    {
        return Err(StoreError::Conflict(format!(
            "webhook event name \"{bad}\" is empty, has a comma or surrounding spaces"
        )));
    }
    Ok(events.join(","))
}

fn split_events(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(String::from)
        .collect()
}

fn webhook(row: &AnyRow) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        events: split_events(&row.try_get::<String, _>("events")?),
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

fn delivery(row: &AnyRow) -> Result<Delivery, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        event: row.try_get("event")?,
        payload: row.try_get("payload")?,
        status: DeliveryStatus::parse(&status).ok_or_else(|| {
            StoreError::Corrupt(format!("webhook_deliveries: unknown status \"{status}\""))
        })?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status_code: row.try_get("last_status_code")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}

/// Enqueues a pending delivery of `payload`, due at `now`, for every active
/// webhook subscribed to `event`, inside the caller's transaction; says how
/// many were enqueued.
pub(crate) async fn enqueue_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    event: &str,
    payload: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE active = TRUE ORDER BY id");
    // Safe: the statement is made of constants only.
    let webhooks: Vec<Webhook> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(webhook)
        .collect::<Result<_, _>>()?;
    let mut enqueued = 0;
    for hook in webhooks.iter().filter(|w| w.wants(event)) {
        enqueued += sqlx::query(
            "INSERT INTO webhook_deliveries \
             (webhook_id, event, payload, status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, 'pending', 0, $4, $5)",
        )
        .bind(&hook.id)
        .bind(event)
        .bind(payload)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(StoreError::classify)?
        .rows_affected();
    }
    Ok(enqueued)
}

impl WebhookStore for SqlStore {
    async fn create_webhook(&self, webhook: &Webhook) -> Result<(), StoreError> {
        let events = join_events(&webhook.events)?;
        sqlx::query(
            "INSERT INTO webhooks (id, url, secret, events, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&webhook.id)
        .bind(&webhook.url)
        .bind(&webhook.secret)
        .bind(events)
        .bind(webhook.active)
        .bind(webhook.created_at)
        .execute(&self.pool)
        .await
        .map_err(StoreError::classify)?;
        Ok(())
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id");
        // Safe: the statement is made of constants only.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(webhook)
            .collect()
    }

    async fn get_webhook(&self, id: &str) -> Result<Option<Webhook>, StoreError> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1");
        // Safe: the statement is made of constants only; the id is bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(webhook)
            .transpose()
    }

    async fn delete_webhook(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = super::begin_write(&self.pool).await?;
        // Deleted explicitly as well as by the foreign key's cascade, so that
        // a SQLite connection without `foreign_keys = ON` leaves no orphans.
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let result = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result.rows_affected() > 0)
    }

    async fn enqueue_deliveries(
        &self,
        event: &str,
        payload: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = super::begin_write(&self.pool).await?;
        let enqueued = enqueue_in(&mut tx, event, payload, now).await?;
        tx.commit().await?;
        Ok(enqueued)
    }

    async fn due_deliveries(&self, now: i64, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, w.url, w.secret \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active = TRUE \
             ORDER BY d.next_attempt_at, d.id LIMIT $2"
        );
        // Safe: the statement is made of constants only; values are bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(DueDelivery {
                    delivery: delivery(row)?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                })
            })
            .collect()
    }

    async fn record_attempt(&self, id: i64, outcome: &AttemptOutcome) -> Result<(), StoreError> {
        let query = match outcome {
            AttemptOutcome::Delivered { at, status_code } => sqlx::query(
                "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, \
                 last_status_code = $1, last_error = NULL, delivered_at = $2 \
                 WHERE id = $3 AND status = 'pending'",
            )
            .bind(*status_code)
            .bind(*at)
            .bind(id),
            AttemptOutcome::Retry {
                status_code,
                error,
                next_attempt_at,
            } => sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, \
                 last_status_code = $1, last_error = $2, next_attempt_at = $3 \
                 WHERE id = $4 AND status = 'pending'",
            )
            .bind(*status_code)
            .bind(error.as_str())
            .bind(*next_attempt_at)
            .bind(id),
            AttemptOutcome::Failed { status_code, error } => sqlx::query(
                "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, \
                 last_status_code = $1, last_error = $2 \
                 WHERE id = $3 AND status = 'pending'",
            )
            .bind(*status_code)
            .bind(error.as_str())
            .bind(id),
        };
        let result = query.execute(&self.pool).await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "no pending webhook delivery with id {id}"
            )));
        }
        Ok(())
    }

    async fn deliveries(&self, webhook_id: &str, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2"
        );
        // Safe: the statement is made of constants only; values are bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(webhook_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(delivery)
            .collect()
    }
}
