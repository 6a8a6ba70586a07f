//! KPI alerts: the [`AlertStore`] trait that keeps the alerts raised when a
//! KPI dropped (or, for a KPI where lower is better, rose) sharply in a week,
//! once per KPI and week, together with their `kpi.alert` webhook deliveries.
//!
//! The store only keeps the rows; the rule that raises an alert is the
//! application's (`salesboard_app::alerts`).

use std::future::Future;

use crate::StoreError;

/// An alert: one KPI in one ISO week against its baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiAlert {
    /// The KPI's name in the output contract (`revenue`, `win_rate` …).
    pub kpi: String,
    /// The ISO week in the organization's time zone, like `2024-W10`.
    pub week: String,
    /// The KPI in that week, an exact decimal string.
    pub value: String,
    /// The mean of the four weeks before, an exact decimal string.
    pub baseline: String,
    /// `(value − baseline) / baseline × 100`, a decimal string (`-50.00`).
    pub change_percent: String,
    /// When it was raised, seconds since the epoch.
    pub raised_at: i64,
}

/// A stored alert and its id (increasing in the order alerts were raised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlert {
    /// Its id.
    pub id: i64,
    /// The alert.
    pub alert: KpiAlert,
}

/// Storage for KPI alerts.
pub trait AlertStore: Send + Sync {
    /// In one transaction, stores `alert` unless one was raised already for
    /// its KPI and week, and then enqueues a pending `kpi.alert` delivery of
    /// `payload`, due at the alert's `raised_at`, for every active webhook
    /// subscribed to it. Says how many deliveries were enqueued, or `None`
    /// when the alert existed (and nothing was written).
    fn raise_alert(
        &self,
        alert: &KpiAlert,
        payload: &str,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// The newest `limit` alerts, newest first.
    fn alerts(
        &self,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<StoredAlert>, StoreError>> + Send;
}
