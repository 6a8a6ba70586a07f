//! The conformance checks of [`WebhookStore`]: what every backend must do with
//! webhooks and their deliveries, run on each backend by
//! [`conformance_tests!`](crate::conformance_tests) through
//! [`webhook_conformance_tests!`](crate::webhook_conformance_tests).

use crate::StoreError;
use crate::webhooks::{AttemptOutcome, DeliveryStatus, Webhook, WebhookStore};

fn hook(id: &str, events: &[&str], active: bool, created_at: i64) -> Webhook {
    Webhook {
        id: id.into(),
        url: format!("https://example.com/hooks/{id}"),
        secret: format!("secret-{id}"),
        events: events.iter().map(|e| e.to_string()).collect(),
        active,
        created_at,
    }
}

async fn create(store: &impl WebhookStore, webhook: &Webhook) {
    store
        .create_webhook(webhook)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Webhooks are created, listed oldest first, read one by one and deleted
/// with their deliveries; an id is taken once; the secret is never printed.
pub async fn webhooks_are_created_listed_and_deleted(store: &impl WebhookStore) {
    assert_eq!(store.list_webhooks().await.ok(), Some(vec![]));
    let first = hook("wh-b", &["record.created", "record.deleted"], true, 100);
    let second = hook("wh-a", &["*"], false, 200);
    create(store, &first).await;
    create(store, &second).await;
    assert_eq!(
        store.list_webhooks().await.ok(),
        Some(vec![first.clone(), second.clone()])
    );
    assert_eq!(store.get_webhook("wh-a").await.ok(), Some(Some(second)));
    assert_eq!(store.get_webhook("nope").await.ok(), Some(None));
    assert!(!format!("{first:?}").contains("secret-wh-b"));

    let again = store.create_webhook(&first).await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "expected a conflict, got {again:?}"
    );
    let comma = store
        .create_webhook(&hook("wh-c", &["record.created,kpi.alert"], true, 300))
        .await;
    assert!(matches!(comma, Err(StoreError::Conflict(_))));

    let enqueued = store
        .enqueue_deliveries("record.created", "{}", 1_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(enqueued, 1);
    assert_eq!(store.delete_webhook("wh-b").await.ok(), Some(true));
    assert_eq!(store.delete_webhook("wh-b").await.ok(), Some(false));
    assert_eq!(store.get_webhook("wh-b").await.ok(), Some(None));
    assert_eq!(
        store.deliveries("wh-b", 10).await.map(|d| d.len()).ok(),
        Some(0)
    );
    assert_eq!(
        store.due_deliveries(10_000, 10).await.map(|d| d.len()).ok(),
        Some(0)
    );
}

/// An event is enqueued, in one go, for every active webhook that lists it
/// or `*`, and for no other.
pub async fn deliveries_go_only_to_active_subscribers(store: &impl WebhookStore) {
    create(store, &hook("created", &["record.created"], true, 1)).await;
    create(store, &hook("all", &["*"], true, 2)).await;
    create(store, &hook("kpi", &["kpi.alert"], true, 3)).await;
    create(store, &hook("off", &["*"], false, 4)).await;
    let payload = r#"{"event":"record.created","data":{"name":"杭州茶业"}}"#;
    assert_eq!(
        store
            .enqueue_deliveries("record.created", payload, 1_000)
            .await
            .ok(),
        Some(2)
    );
    assert_eq!(
        store
            .enqueue_deliveries("kpi.alert", "{}", 1_001)
            .await
            .ok(),
        Some(2)
    );
    assert_eq!(
        store
            .enqueue_deliveries("record.updated", "{}", 1_002)
            .await
            .ok(),
        Some(1)
    );

    let due = store
        .due_deliveries(1_001, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(&str, &str, i64)> = due
        .iter()
        .map(|d| {
            (
                d.delivery.webhook_id.as_str(),
                d.delivery.event.as_str(),
                d.delivery.next_attempt_at,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("all", "record.created", 1_000),
            ("created", "record.created", 1_000),
            ("all", "kpi.alert", 1_001),
            ("kpi", "kpi.alert", 1_001),
        ]
    );
    assert_eq!(due[0].url, "https://example.com/hooks/all");
    assert_eq!(due[0].secret, "secret-all");
    assert_eq!(due[0].delivery.payload, payload);
    assert_eq!(due[0].delivery.status, DeliveryStatus::Pending);
    assert_eq!(due[0].delivery.attempts, 0);
    assert_eq!(
        store.due_deliveries(1_001, 3).await.map(|d| d.len()).ok(),
        Some(3)
    );
    let kpi = store
        .deliveries("kpi", 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kpi.len(), 1);
    assert_eq!(kpi[0].event, "kpi.alert");
    assert_eq!(store.deliveries("off", 10).await.ok(), Some(vec![]));
}

/// Attempts are counted; a retried delivery is due again at its new time; a
/// delivered or failed one is due never again and takes no more attempts;
/// the list of deliveries is newest first.
pub async fn attempts_are_recorded(store: &impl WebhookStore) {
    create(store, &hook("h", &["*"], true, 1)).await;
    store
        .enqueue_deliveries("record.created", "first", 1_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .enqueue_deliveries("record.deleted", "second", 1_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.due_deliveries(999, 10).await.ok(), Some(vec![]));
    let due = store
        .due_deliveries(1_000, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let [first, second] = [&due[0].delivery, &due[1].delivery];
    assert_eq!(
        (first.payload.as_str(), second.payload.as_str()),
        ("first", "second")
    );

    store
        .record_attempt(
            first.id,
            &AttemptOutcome::Retry {
                status_code: Some(500),
                error: "HTTP 500".into(),
                next_attempt_at: 1_030,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let due_ids = |now: i64| async move {
        store
            .due_deliveries(now, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|d| d.delivery.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(due_ids(1_029).await, [second.id]);
    assert_eq!(due_ids(1_030).await, [second.id, first.id]);

    store
        .record_attempt(
            first.id,
            &AttemptOutcome::Delivered {
                at: 1_031,
                status_code: 204,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .record_attempt(
            second.id,
            &AttemptOutcome::Failed {
                status_code: None,
                error: "timed out".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(due_ids(100_000).await, Vec::<i64>::new());
    let again = store
        .record_attempt(
            first.id,
            &AttemptOutcome::Failed {
                status_code: None,
                error: "late".into(),
            },
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "expected a conflict, got {again:?}"
    );

    let listed = store
        .deliveries("h", 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<_> = listed
        .iter()
        .map(|d| {
            (
                d.id,
                d.status,
                d.attempts,
                d.last_status_code,
                d.last_error.as_deref(),
                d.delivered_at,
                d.created_at,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                second.id,
                DeliveryStatus::Failed,
                1,
                None,
                Some("timed out"),
                None,
                1_000
            ),
            (
                first.id,
                DeliveryStatus::Delivered,
                2,
                Some(204),
                None,
                Some(1_031),
                1_000
            ),
        ]
    );
    assert_eq!(
        store.deliveries("h", 1).await.map(|d| d.len()).ok(),
        Some(1)
    );
}

/// Expands to one `#[tokio::test]` per webhook check, like
/// [`conformance_tests!`](crate::conformance_tests) (which includes it): `$open`
/// is an async expression giving `Some((guard, store))`, or `None` to skip.
#[macro_export]
macro_rules! webhook_conformance_tests {
    ($open:expr) => {
        $crate::webhook_conformance_tests!(@each $open;
            webhooks_are_created_listed_and_deleted,
            deliveries_go_only_to_active_subscribers,
            attempts_are_recorded
        );
    };
    (@each $open:expr; $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some((_guard, store)) = $open {
                    $crate::conformance_webhooks::$check(&store).await;
                }
            }
        )+
    };
}
