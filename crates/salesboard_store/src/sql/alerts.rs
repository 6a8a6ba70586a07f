//! [`AlertStore`] on SQL: KPI alerts, raised once per KPI and week (the
//! table's unique key), with their webhook deliveries in the same transaction.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::webhooks::enqueue_in;
use crate::StoreError;
use crate::alerts::{AlertStore, KpiAlert, StoredAlert};

/// The event a raised alert is delivered as.
const ALERT_EVENT: &str = "kpi.alert";

fn stored_alert(row: &AnyRow) -> Result<StoredAlert, StoreError> {
    Ok(StoredAlert {
        id: row.try_get("id")?,
        alert: KpiAlert {
            kpi: row.try_get("kpi")?,
            week: row.try_get("week")?,
            value: row.try_get("value")?,
            baseline: row.try_get("baseline")?,
            change_percent: row.try_get("change_percent")?,
            raised_at: row.try_get("raised_at")?,
        },
    })
}

impl AlertStore for SqlStore {
    async fn raise_alert(
        &self,
        alert: &KpiAlert,
        payload: &str,
    ) -> Result<Option<u64>, StoreError> {
        let mut tx = super::begin_write(&self.pool).await?;
        let inserted = sqlx::query(
            "INSERT INTO kpi_alerts (kpi, week, value, baseline, change_percent, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kpi, week) DO NOTHING",
        )
        .bind(&alert.kpi)
        .bind(&alert.week)
        .bind(&alert.value)
        .bind(&alert.baseline)
        .bind(&alert.change_percent)
        .bind(alert.raised_at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::classify)?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let enqueued = enqueue_in(&mut tx, ALERT_EVENT, payload, alert.raised_at).await?;
        tx.commit().await?;
        Ok(Some(enqueued))
    }

    async fn alerts(&self, limit: i64) -> Result<Vec<StoredAlert>, StoreError> {
        sqlx::query(
            "SELECT id, kpi, week, value, baseline, change_percent, raised_at \
             FROM kpi_alerts ORDER BY raised_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(stored_alert)
        .collect()
    }
}
