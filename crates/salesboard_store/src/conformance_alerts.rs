//! The conformance checks of [`AlertStore`]: what every backend must do with
//! KPI alerts, run on each backend by
//! [`conformance_tests!`](crate::conformance_tests) through
//! [`alert_conformance_tests!`](crate::alert_conformance_tests).

use crate::alerts::{AlertStore, KpiAlert};
use crate::webhooks::{DeliveryStatus, Webhook, WebhookStore};

fn alert(kpi: &str, week: &str, raised_at: i64) -> KpiAlert {
    KpiAlert {
        kpi: kpi.into(),
        week: week.into(),
        value: "500.00".into(),
        baseline: "1000.00".into(),
        change_percent: "-50.00".into(),
        raised_at,
    }
}

async fn raise(store: &impl AlertStore, alert: &KpiAlert, payload: &str) -> Option<u64> {
    store
        .raise_alert(alert, payload)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An alert is raised once per KPI and week: the second time nothing is
/// written; alerts are listed newest first, exactly as stored.
pub async fn an_alert_is_raised_once_per_kpi_and_week(store: &impl AlertStore) {
    assert_eq!(store.alerts(10).await.ok(), Some(vec![]));
    let first = alert("revenue", "2024-W10", 1_000);
    assert_eq!(raise(store, &first, "{}").await, Some(0));
    let mut again = first.clone();
    again.value = "400.00".into();
    again.raised_at = 2_000;
    assert_eq!(raise(store, &again, "{}").await, None);
    let other_week = alert("revenue", "2024-W11", 3_000);
    let other_kpi = alert("orders", "2024-W11", 3_000);
    assert_eq!(raise(store, &other_week, "{}").await, Some(0));
    assert_eq!(raise(store, &other_kpi, "{}").await, Some(0));

    let listed = store.alerts(10).await.unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<&KpiAlert> = listed.iter().map(|s| &s.alert).collect();
    assert_eq!(seen, [&other_kpi, &other_week, &first]);
    assert!(listed[0].id > listed[1].id && listed[1].id > listed[2].id);
    assert_eq!(store.alerts(1).await.map(|a| a.len()).ok(), Some(1));
}

/// A new alert enqueues a `kpi.alert` delivery, due when it was raised, for
/// each active webhook subscribed to it, in the same transaction; an alert
/// raised before enqueues nothing.
pub async fn a_new_alert_is_queued_for_its_subscribers<S: AlertStore + WebhookStore>(store: &S) {
    for (id, events, active) in [
        ("kpi", vec!["kpi.alert"], true),
        ("all", vec!["*"], true),
        ("records", vec!["record.created"], true),
        ("off", vec!["kpi.alert"], false),
    ] {
        store
            .create_webhook(&Webhook {
                id: id.into(),
                url: format!("https://example.com/{id}"),
                secret: "s".into(),
                events: events.into_iter().map(String::from).collect(),
                active,
                created_at: 1,
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let payload = r#"{"event":"kpi.alert","data":{"kpi":"revenue"}}"#;
    let raised = alert("revenue", "2024-W10", 5_000);
    assert_eq!(raise(store, &raised, payload).await, Some(2));
    assert_eq!(raise(store, &raised, payload).await, None);
    let due = store
        .due_deliveries(5_000, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(&str, &str, &str, i64, DeliveryStatus)> = due
        .iter()
        .map(|d| {
            (
                d.delivery.webhook_id.as_str(),
                d.delivery.event.as_str(),
                d.delivery.payload.as_str(),
                d.delivery.next_attempt_at,
                d.delivery.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("all", "kpi.alert", payload, 5_000, DeliveryStatus::Pending),
            ("kpi", "kpi.alert", payload, 5_000, DeliveryStatus::Pending),
        ]
    );
    assert_eq!(store.deliveries("records", 10).await.ok(), Some(vec![]));
}

/// Expands to one `#[tokio::test]` per alert check, like
/// [`conformance_tests!`](crate::conformance_tests) (which includes it): `$open`
/// is an async expression giving `Some((guard, store))`, or `None` to skip.
#[macro_export]
macro_rules! alert_conformance_tests {
    ($open:expr) => {
        $crate::alert_conformance_tests!(@each $open;
            an_alert_is_raised_once_per_kpi_and_week,
            a_new_alert_is_queued_for_its_subscribers
        );
    };
    (@each $open:expr; $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some((_guard, store)) = $open {
                    $crate::conformance_alerts::$check(&store).await;
                }
            }
        )+
    };
}
