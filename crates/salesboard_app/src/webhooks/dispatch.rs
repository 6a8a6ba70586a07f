//! Sending due deliveries: one POST per delivery with the signature, event and
//! delivery headers, its outcome recorded by the rules of
//! [`outcome`](super::outcome), and the loop that does so in the background.
//!
//! The HTTP client speaks HTTP/1.1 over plain TCP or TLS (rustls with the
//! `ring` provider, the operating system's root certificates); it follows no
//! redirects (a 3xx is a failed attempt), uses no proxy and gives every
//! request 10 seconds.

use std::error::Error as _;
use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use salesboard_domain::Timestamp;
use salesboard_store::{AttemptOutcome, DueDelivery, WebhookStore};
use tokio::sync::Notify;

use super::WebhookError;
use super::backoff::{Response, outcome};
use super::signing::{DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_header};

/// How long one request may take, connecting included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the dispatcher looks for due deliveries when not woken.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How many due deliveries one pass takes.
pub const BATCH_SIZE: i64 = 50;
/// How many requests one pass sends at once.
pub const CONCURRENCY: usize = 8;

/// The longest error text kept on a delivery.
const MAX_ERROR_LEN: usize = 500;

/// The HTTP client for webhook deliveries. Installs rustls' `ring` crypto
/// provider as the process default unless one is installed already.
pub fn http_client() -> Result<reqwest::Client, WebhookError> {
    // An Err only says a provider is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("Salesboard-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| WebhookError::Client(describe(&e)))
}

/// An error and its causes on one line, cut to [`MAX_ERROR_LEN`].
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("timed out after {} s", REQUEST_TIMEOUT.as_secs());
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if text.len() > MAX_ERROR_LEN {
        let mut cut = MAX_ERROR_LEN;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// Sends one delivery, signed at `now`, and says what came of it.
async fn attempt(client: &reqwest::Client, due: &DueDelivery, now: i64) -> AttemptOutcome {
    let delivery = &due.delivery;
    let body = delivery.payload.clone();
    let signature = signature_header(&due.secret, now, body.as_bytes());
    let sent = client
        .post(&due.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(EVENT_HEADER, delivery.event.as_str())
        .header(DELIVERY_HEADER, delivery.id.to_string())
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(answer) => Response::Status(answer.status().as_u16()),
        Err(error) => Response::Error(describe(&error)),
    };
    outcome(delivery.attempts + 1, now, &response)
}

/// One pass: sends up to [`BATCH_SIZE`] deliveries due at `now` (seconds
/// since the epoch), [`CONCURRENCY`] at a time, records each outcome, and
/// says how many were attempted.
pub async fn deliver_due<S: WebhookStore>(
    store: &S,
    client: &reqwest::Client,
    now: i64,
) -> Result<usize, WebhookError> {
    let due = store.due_deliveries(now, BATCH_SIZE).await?;
    let count = due.len();
    futures_util::stream::iter(due)
        .for_each_concurrent(CONCURRENCY, |due| async move {
            let result = attempt(client, &due, now).await;
            tracing::debug!(delivery = due.delivery.id, url = %due.url, ?result, "webhook attempt");
            if let Err(error) = store.record_attempt(due.delivery.id, &result).await {
                tracing::warn!(delivery = due.delivery.id, %error, "cannot record a webhook attempt");
            }
        })
        .await;
    Ok(count)
}

/// Delivers webhooks until `shutdown` completes: a pass every
/// [`POLL_INTERVAL`], or at once when `wake` is notified (call
/// `wake.notify_one()` after [`notify`](super::notify)). A pass that finds a
/// full batch is followed straight away by another. Store errors are logged
/// and the loop goes on. A delivery cut short by shutdown stays pending and
/// is sent again later: receivers should expect a delivery id more than once.
pub async fn run_dispatcher<S: WebhookStore>(
    store: &S,
    client: &reqwest::Client,
    wake: &Notify,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let passes = async {
            // Bounded, so that deliveries whose outcome cannot be recorded
            // (and so stay due) do not keep the loop busy.
            for _ in 0..20 {
                match deliver_due(store, client, Timestamp::now().unix_seconds()).await {
                    Ok(count) if i64::try_from(count).unwrap_or(i64::MAX) >= BATCH_SIZE => {}
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "webhook dispatch failed");
                        break;
                    }
                }
            }
        };
        tokio::select! {
            () = &mut shutdown => return,
            () = passes => {}
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}
