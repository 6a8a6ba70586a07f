//! Webhooks: the [`WebhookStore`] trait for admin-configured URLs that receive
//! a signed POST on record changes and KPI alerts, and the queue of their
//! deliveries (pending, retried with back-off, then delivered or failed).
//!
//! The store only keeps the rows; which events exist, how payloads are signed
//! and when a failed delivery is tried again is decided by the application.

use std::fmt;
use std::future::Future;

use crate::StoreError;

/// A webhook an administrator configured.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The shared secret payloads are signed with.
    pub secret: String,
    /// The events it receives (`record.created` …), or `*` for all.
    pub events: Vec<String>,
    /// Whether deliveries are made to it.
    pub active: bool,
    /// When it was created, seconds since the epoch.
    pub created_at: i64,
}

impl Webhook {
    /// Whether this webhook receives `event`: it is active and lists the
    /// event or `*`.
    pub fn wants(&self, event: &str) -> bool {
        self.active && self.events.iter().any(|e| e == "*" || e == event)
    }
}

impl fmt::Debug for Webhook {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("events", &self.events)
            .field("active", &self.active)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; no more will be made.
    Failed,
}

impl DeliveryStatus {
    /// The stored word: `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Reads the stored word back.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its id, increasing in the order deliveries were enqueued.
    pub id: i64,
    /// The webhook it goes to.
    pub webhook_id: String,
    /// The event name (`record.created` …).
    pub event: String,
    /// The exact body POSTed (JSON).
    pub payload: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// How many attempts were made.
    pub attempts: i64,
    /// When it is due (again), seconds since the epoch.
    pub next_attempt_at: i64,
    /// The HTTP status of the last attempt, if the receiver answered.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: i64,
    /// When it was delivered.
    pub delivered_at: Option<i64>,
}

/// A pending delivery that is due, with what is needed to send it.
#[derive(Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// The webhook's URL.
    pub url: String,
    /// The webhook's secret.
    pub secret: String,
}

impl fmt::Debug for DueDelivery {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DueDelivery")
            .field("delivery", &self.delivery)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// What one attempt to deliver came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered 2xx at `at`.
    Delivered {
        /// When, seconds since the epoch.
        at: i64,
        /// The HTTP status.
        status_code: i64,
    },
    /// The attempt failed and another is due at `next_attempt_at`.
    Retry {
        /// The HTTP status, if the receiver answered.
        status_code: Option<i64>,
        /// What went wrong.
        error: String,
        /// When to try again, seconds since the epoch.
        next_attempt_at: i64,
    },
    /// The attempt failed and was the last one.
    Failed {
        /// The HTTP status, if the receiver answered.
        status_code: Option<i64>,
        /// What went wrong.
        error: String,
    },
}

/// Storage for webhooks and their deliveries.
pub trait WebhookStore: Send + Sync {
    /// Stores a new webhook. An id already taken is a [`StoreError::Conflict`].
    fn create_webhook(
        &self,
        webhook: &Webhook,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every webhook, oldest first.
    fn list_webhooks(&self) -> impl Future<Output = Result<Vec<Webhook>, StoreError>> + Send;

    /// One webhook, if it exists.
    fn get_webhook(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Webhook>, StoreError>> + Send;

    /// Deletes a webhook and its deliveries; says whether it existed.
    fn delete_webhook(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// In one transaction, enqueues a pending delivery of `payload`, due at
    /// `now`, for every active webhook subscribed to `event` (or to `*`), and
    /// says how many were enqueued.
    fn enqueue_deliveries(
        &self,
        event: &str,
        payload: &str,
        now: i64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Up to `limit` pending deliveries of active webhooks due at `now`, the
    /// longest due first.
    fn due_deliveries(
        &self,
        now: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<DueDelivery>, StoreError>> + Send;

    /// Records one attempt on a pending delivery: counts it, keeps its status
    /// code and error, and marks it delivered, due again, or failed. A
    /// delivery that is missing or no longer pending is a [`StoreError::Conflict`].
    fn record_attempt(
        &self,
        id: i64,
        outcome: &AttemptOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The newest `limit` deliveries to a webhook, newest first.
    fn deliveries(
        &self,
        webhook_id: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;
}
