//! KPI alerts: when a watched KPI of the last complete week is worse than the
//! mean of the four weeks before by the threshold (see [`rule`]), an alert is
//! stored once and a `kpi.alert` webhook delivery queued for every webhook
//! subscribed to it, in one transaction.
//!
//! The check covers the whole company (the admin's engine), takes `now` as a
//! parameter so that tests choose the week, and is run by the server every
//! [`CHECK_INTERVAL`] ([`run_checks`]) and by `salesboard alerts check`.

pub mod rule;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::time::Duration;

use salesboard_domain::Timestamp;
use salesboard_store::{AlertStore, KpiAlert, Store, StoreError, StoredAlert};
use serde_json::json;
use tokio::sync::Notify;

pub use rule::{DEFAULT_DROP_PERCENT, Direction, WATCHED};

use crate::kpi::KpiError;
use crate::kpi_serving::KpiCache;
use crate::settings::{self, SettingsError};
use crate::webhooks::WebhookEvent;

/// How often the server checks.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(600);

/// The webhook event of an alert.
pub const ALERT_EVENT: &str = "kpi.alert";

/// Why a check failed.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The KPIs could not be computed.
    #[error(transparent)]
    Kpi(#[from] KpiError),
    /// A setting (time zone, threshold) is not valid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The webhook payload could not be written.
    #[error("cannot write the alert's webhook payload: {0}")]
    Payload(#[from] serde_json::Error),
}

/// What one check did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The alerts raised now (not those raised before), in [`WATCHED`] order.
    pub raised: Vec<KpiAlert>,
    /// How many webhook deliveries were queued for them.
    pub deliveries: u64,
}

/// An alert as JSON: the webhook's `data` and an item of `GET /api/v1/alerts`.
/// Figures are decimal strings; `raised_at` is seconds since the epoch.
pub fn alert_json(alert: &KpiAlert) -> serde_json::Value {
    json!({
        "kpi": alert.kpi,
        "week": alert.week,
        "value": alert.value,
        "baseline": alert.baseline,
        "change_percent": alert.change_percent,
        "raised_at": alert.raised_at,
    })
}

/// The body POSTed to webhooks for `alert`.
pub fn webhook_payload(alert: &KpiAlert) -> Result<String, serde_json::Error> {
    serde_json::to_string(&WebhookEvent {
        event: ALERT_EVENT.to_string(),
        entity: "kpi".to_string(),
        id: Some(format!("{}/{}", alert.kpi, alert.week)),
        at: alert.raised_at,
        data: alert_json(alert),
    })
}

/// Checks every watched KPI of the last complete week before `now` over the
/// whole company, and raises (stores and queues) the alerts not raised before.
pub async fn check<S: Store + AlertStore>(
    store: &S,
    cache: &KpiCache,
    now: Timestamp,
) -> Result<CheckOutcome, AlertError> {
    let tz = settings::timezone(store).await?;
    let threshold = settings::alert_drop_percent(store).await?;
    let Some(weeks) = rule::alert_weeks(tz, now) else {
        return Ok(CheckOutcome::default());
    };
    let snapshot = cache.current(store).await?;
    let week = snapshot.engine.report(&weeks.week).totals;
    let history = weeks
        .baseline
        .map(|period| snapshot.engine.report(&period).totals);
    let mut outcome = CheckOutcome::default();
    for kpi in WATCHED {
        let before = [0, 1, 2, 3].map(|i| (kpi.read)(&history[i]));
        let Some(change) = rule::evaluate(kpi.direction, (kpi.read)(&week), before, threshold)
        else {
            continue;
        };
        let alert = KpiAlert {
            kpi: kpi.name.to_string(),
            week: weeks.label.clone(),
            value: rule::written(kpi.unit, change.value),
            baseline: rule::written(kpi.unit, change.baseline),
            change_percent: rule::written_percent(change.change_percent),
            raised_at: now.unix_seconds(),
        };
        if let Some(queued) = store.raise_alert(&alert, &webhook_payload(&alert)?).await? {
            tracing::info!(kpi = kpi.name, week = %alert.week, change = %alert.change_percent, "KPI alert");
            outcome.deliveries += queued;
            outcome.raised.push(alert);
        }
    }
    Ok(outcome)
}

/// The newest `limit` alerts, newest first.
pub async fn recent<S: AlertStore>(store: &S, limit: i64) -> Result<Vec<StoredAlert>, StoreError> {
    store.alerts(limit).await
}

/// Checks at once, then every [`CHECK_INTERVAL`], until `shutdown` completes;
/// wakes the webhook dispatcher (`wake`) when deliveries were queued. A
/// failed check is logged and tried again at the next interval.
pub async fn run_checks<S: Store + AlertStore>(
    store: &S,
    cache: &KpiCache,
    wake: &Notify,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            result = check(store, cache, Timestamp::now()) => match result {
                Ok(outcome) if outcome.deliveries > 0 => wake.notify_one(),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the KPI alert check failed"),
            },
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(CHECK_INTERVAL) => {}
        }
    }
}
