//! Webhooks: an administrator registers a URL and the events it wants; every
//! such event is then POSTed to it as JSON, signed with the webhook's secret
//! (see [`signature_header`]), and retried with back-off until the receiver
//! answers 2xx (see [`retry_delay_secs`]). Deliveries are kept for the admin
//! to see ([`WebhookStore::deliveries`]).
//!
//! The web layer calls [`create_webhook`] and [`notify`]; the server runs
//! [`run_dispatcher`] in the background.

mod backoff;
mod dispatch;
mod signing;
#[cfg(test)]
mod tests;

use rand::TryRngCore;
use rand::rngs::OsRng;
use salesboard_domain::Timestamp;
use serde::{Deserialize, Serialize};

pub use backoff::{
    FIRST_WAIT_SECS, MAX_ATTEMPTS, MAX_WAIT_SECS, Response, outcome, retry_delay_secs,
};
pub use dispatch::{
    BATCH_SIZE, CONCURRENCY, POLL_INTERVAL, REQUEST_TIMEOUT, deliver_due, http_client,
    run_dispatcher,
};
pub use salesboard_store::{
    AttemptOutcome, Delivery, DeliveryStatus, DueDelivery, StoreError, Webhook, WebhookStore,
};
pub use signing::{
    DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, SignatureError, signature_header,
    verify_signature,
};

/// The events a webhook can subscribe to; `*` subscribes to all of them.
pub const EVENTS: [&str; 4] = [
    "record.created",
    "record.updated",
    "record.deleted",
    "kpi.alert",
];

/// Subscribes to every event.
pub const ALL_EVENTS: &str = "*";

/// The longest URL accepted.
const MAX_URL_LEN: usize = 2_048;

/// One event, as POSTed (JSON) to the webhooks subscribed to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// What happened: one of [`EVENTS`].
    pub event: String,
    /// What kind of record (`customer`, `deal` …, or `kpi`).
    pub entity: String,
    /// Which record, if one.
    pub id: Option<String>,
    /// When it happened, seconds since the epoch.
    pub at: i64,
    /// The record or alert itself.
    pub data: serde_json::Value,
}

/// Why a webhook could not be created, notified or delivered.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A field is not valid; `field` names it (`url`, `events`, `event`).
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The operating system's random number generator failed.
    #[error("cannot generate a random value: {0}")]
    Random(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> WebhookError {
    WebhookError::Invalid {
        field,
        message: message.into(),
    }
}

/// `bytes` random bytes from the operating system, as lowercase hex.
fn random_hex(bytes: usize) -> Result<String, WebhookError> {
    let mut buffer = vec![0_u8; bytes];
    OsRng
        .try_fill_bytes(&mut buffer)
        .map_err(|e| WebhookError::Random(e.to_string()))?;
    Ok(signing::to_hex(&buffer))
}

/// Checks a webhook URL: an absolute `http://` or `https://` URL with a host,
/// at most 2048 characters. Returns it normalized.
pub fn validate_url(url: &str) -> Result<String, WebhookError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(invalid("url", "is required"));
    }
    if url.len() > MAX_URL_LEN {
        return Err(invalid(
            "url",
            format!("is longer than {MAX_URL_LEN} characters"),
        ));
    }
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| invalid("url", format!("is not a valid URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(
            "url",
            format!(
                "must start with http:// or https://, not {}://",
                parsed.scheme()
            ),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("url", "has no host"));
    }
    Ok(parsed.to_string())
}

/// Checks a list of events: at least one, each one of [`EVENTS`] or `*`.
/// Returns them without duplicates, or just `*` when it is among them.
pub fn validate_events(events: &[&str]) -> Result<Vec<String>, WebhookError> {
    let mut chosen: Vec<String> = Vec::new();
    for event in events.iter().map(|e| e.trim()) {
        if event == ALL_EVENTS {
            return Ok(vec![ALL_EVENTS.to_string()]);
        }
        if !EVENTS.contains(&event) {
            return Err(invalid(
                "events",
                format!(
                    "unknown event \"{event}\"; use {} or {ALL_EVENTS}",
                    EVENTS.join(", ")
                ),
            ));
        }
        if !chosen.iter().any(|c| c == event) {
            chosen.push(event.to_string());
        }
    }
    if chosen.is_empty() {
        return Err(invalid("events", "choose at least one event"));
    }
    Ok(chosen)
}

/// Creates an active webhook to `url` for `events` (see [`validate_url`] and
/// [`validate_events`]) with a new random secret of 256 bits from the
/// operating system. Returns the webhook and its secret, which the receiver
/// needs to check signatures.
pub async fn create_webhook<S: WebhookStore>(
    store: &S,
    url: &str,
    events: &[&str],
) -> Result<(Webhook, String), WebhookError> {
    let url = validate_url(url)?;
    let events = validate_events(events)?;
    let secret = format!("whsec_{}", random_hex(32)?);
    let webhook = Webhook {
        id: format!("wh_{}", random_hex(16)?),
        url,
        secret: secret.clone(),
        events,
        active: true,
        created_at: Timestamp::now().unix_seconds(),
    };
    store.create_webhook(&webhook).await?;
    Ok((webhook, secret))
}

/// Enqueues `event` for every active webhook subscribed to it and says for
/// how many. Delivery is the dispatcher's: wake it with the `Notify` given to
/// [`run_dispatcher`] to send at once rather than at its next poll.
pub async fn notify<S: WebhookStore>(store: &S, event: &WebhookEvent) -> Result<u64, WebhookError> {
    if !EVENTS.contains(&event.event.as_str()) {
        return Err(invalid(
            "event",
            format!(
                "unknown event \"{}\"; use {}",
                event.event,
                EVENTS.join(", ")
            ),
        ));
    }
    let payload = serde_json::to_string(event).map_err(|e| invalid("data", e.to_string()))?;
    Ok(store
        .enqueue_deliveries(&event.event, &payload, Timestamp::now().unix_seconds())
        .await?)
}
