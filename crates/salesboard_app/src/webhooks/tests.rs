//! End-to-end tests of webhooks against a tiny HTTP receiver on 127.0.0.1:
//! retries, delivery, signatures and the list of deliveries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::*;
use crate::{AppStore, open_store};

/// One request the receiver got: lowercase header names, and the body.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// A receiver that answers each request with the next of `statuses` (the
/// last one repeated) and keeps what it got.
async fn receiver(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let got = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&got);
    tokio::spawn(async move {
        let mut served = 0_usize;
        while let Ok((stream, _)) = listener.accept().await {
            let status = statuses
                .get(served)
                .or(statuses.last())
                .copied()
                .unwrap_or(200);
            served += 1;
            if let Some(request) = serve(stream, status).await {
                log.lock().unwrap_or_else(|e| panic!("{e}")).push(request);
            }
        }
    });
    (format!("http://{address}/hooks?x=1"), got)
}

async fn serve(mut stream: TcpStream, status: u16) -> Option<Received> {
    let mut data = Vec::new();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..read]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while data.len() < header_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..read]);
    }
    let reason = if status == 200 { "OK" } else { "Error" };
    let answer =
        format!("HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(answer.as_bytes()).await.ok()?;
    stream.shutdown().await.ok()?;
    Some(Received {
        headers,
        body: data[header_end..header_end + length].to_vec(),
    })
}

async fn new_store(dir: &tempfile::TempDir) -> AppStore {
    open_store(&dir.path().join("hooks.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn customer_created(at: i64) -> WebhookEvent {
    WebhookEvent {
        event: "record.created".into(),
        entity: "customer".into(),
        id: Some("c-1".into()),
        at,
        data: serde_json::json!({ "id": "c-1", "name": "杭州茶业" }),
    }
}

fn received(log: &Arc<Mutex<Vec<Received>>>) -> Vec<Received> {
    log.lock().unwrap_or_else(|e| panic!("{e}")).clone()
}

#[tokio::test]
async fn a_failed_delivery_is_retried_then_delivered_signed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = new_store(&dir).await;
    let (url, log) = receiver(vec![500, 200]).await;
    let (hook, secret) = create_webhook(&store, &url, &["record.created"])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (kpi_hook, _) = create_webhook(&store, &url, &["kpi.alert"])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = http_client().unwrap_or_else(|e| panic!("{e}"));

    let event = customer_created(1_700_000_000);
    assert_eq!(notify(&store, &event).await.ok(), Some(1));
    let start = Timestamp::now().unix_seconds();

    // First attempt: the receiver answers 500, so it is due again in 30 s.
    assert_eq!(deliver_due(&store, &client, start).await.ok(), Some(1));
    let list = store
        .deliveries(&hook.id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].status, list[0].attempts, list[0].last_status_code),
        (DeliveryStatus::Pending, 1, Some(500))
    );
    assert_eq!(list[0].last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(list[0].next_attempt_at, start + 30);
    assert_eq!(deliver_due(&store, &client, start + 29).await.ok(), Some(0));

    // Second attempt, 30 s later: 200, delivered.
    assert_eq!(deliver_due(&store, &client, start + 30).await.ok(), Some(1));
    let list = store
        .deliveries(&hook.id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (list[0].status, list[0].attempts, list[0].last_status_code),
        (DeliveryStatus::Delivered, 2, Some(200))
    );
    assert_eq!(list[0].last_error, None);
    assert_eq!(list[0].delivered_at, Some(start + 30));
    assert_eq!(
        deliver_due(&store, &client, start + 100_000).await.ok(),
        Some(0)
    );

    // Both requests carried the same event and delivery id, each signed at
    // its own time; the signatures verify and the body is the event.
    let got = received(&log);
    assert_eq!(got.len(), 2);
    for (request, signed_at) in got.iter().zip([start, start + 30]) {
        let header = |name: &str| request.headers.get(name).cloned().unwrap_or_default();
        assert_eq!(header("x-salesboard-event"), "record.created");
        assert_eq!(header("x-salesboard-delivery"), list[0].id.to_string());
        assert_eq!(header("content-type"), "application/json");
        let signature = header("x-salesboard-signature");
        assert!(
            signature.starts_with(&format!("t={signed_at},v1=")),
            "{signature}"
        );
        assert_eq!(
            verify_signature(&secret, &signature, &request.body, signed_at + 5, 300),
            Ok(())
        );
        let mut tampered = request.body.clone();
        tampered.extend_from_slice(b" ");
        assert_eq!(
            verify_signature(&secret, &signature, &tampered, signed_at, 300),
            Err(SignatureError::Mismatch)
        );
        let sent: WebhookEvent =
            serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent, event);
    }

    // The webhook subscribed only to KPI alerts got nothing.
    assert_eq!(store.deliveries(&kpi_hook.id, 10).await.ok(), Some(vec![]));
}

#[tokio::test]
async fn an_unreachable_receiver_fails_after_eight_attempts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = new_store(&dir).await;
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let (hook, _) = create_webhook(&store, &format!("http://127.0.0.1:{port}/"), &["*"])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = http_client().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(notify(&store, &customer_created(1)).await.ok(), Some(1));
    let mut now = Timestamp::now().unix_seconds();
    for attempt in 1..=MAX_ATTEMPTS {
        assert_eq!(
            deliver_due(&store, &client, now).await.ok(),
            Some(1),
            "{attempt}"
        );
        now += retry_delay_secs(attempt).unwrap_or(0);
    }
    assert_eq!(
        deliver_due(&store, &client, now + 100_000).await.ok(),
        Some(0)
    );
    let list = store
        .deliveries(&hook.id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (list[0].status, list[0].attempts, list[0].last_status_code),
        (DeliveryStatus::Failed, MAX_ATTEMPTS, None)
    );
    assert!(list[0].last_error.as_deref().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn the_dispatcher_delivers_when_woken_and_stops_on_shutdown() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = new_store(&dir).await;
    let (url, log) = receiver(vec![204]).await;
    let (hook, secret) = create_webhook(&store, &url, &["*"])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = http_client().unwrap_or_else(|e| panic!("{e}"));
    let wake = Notify::new();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = run_dispatcher(&store, &client, &wake, async {
        let _ = stopped.await;
    });
    let driver = async {
        let event = WebhookEvent {
            event: "kpi.alert".into(),
            entity: "kpi".into(),
            id: None,
            at: 1,
            data: serde_json::json!({ "kpi": "win_rate", "value": 0.12 }),
        };
        assert_eq!(notify(&store, &event).await.ok(), Some(1));
        wake.notify_one();
        let waited = tokio::time::timeout(Duration::from_secs(10), async {
            while received(&log).is_empty() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "nothing was delivered");
        let _ = stop.send(());
    };
    tokio::time::timeout(Duration::from_secs(20), async {
        tokio::join!(dispatcher, driver)
    })
    .await
    .unwrap_or_else(|_| panic!("the dispatcher did not stop"));
    let got = received(&log);
    let signature = got[0]
        .headers
        .get("x-salesboard-signature")
        .cloned()
        .unwrap_or_default();
    let now = Timestamp::now().unix_seconds();
    assert_eq!(
        verify_signature(&secret, &signature, &got[0].body, now, 300),
        Ok(())
    );
    let list = store
        .deliveries(&hook.id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (list[0].status, list[0].attempts, list[0].last_status_code),
        (DeliveryStatus::Delivered, 1, Some(204))
    );
}

#[tokio::test]
async fn bad_urls_and_events_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = new_store(&dir).await;
    for url in [
        "",
        "ftp://example.com/x",
        "example.com/hook",
        "http://",
        "javascript:alert(1)",
    ] {
        let error = create_webhook(&store, url, &["*"]).await.err();
        assert!(
            matches!(&error, Some(WebhookError::Invalid { field: "url", .. })),
            "{url}: {error:?}"
        );
        assert!(error.is_some_and(|e| e.to_string().starts_with("url: ")));
    }
    for events in [
        &[][..],
        &["record.exploded"][..],
        &["record.created", ""][..],
    ] {
        let error = create_webhook(&store, "https://example.com/h", events)
            .await
            .err();
        assert!(
            matches!(
                &error,
                Some(WebhookError::Invalid {
                    field: "events",
                    ..
                })
            ),
            "{events:?}: {error:?}"
        );
    }
    let mut unknown = customer_created(1);
    unknown.event = "*".into();
    assert!(matches!(
        notify(&store, &unknown).await,
        Err(WebhookError::Invalid { field: "event", .. })
    ));
    assert_eq!(store.list_webhooks().await.ok(), Some(vec![]));
}

#[tokio::test]
async fn each_webhook_gets_its_own_random_secret() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = new_store(&dir).await;
    let (first, first_secret) = create_webhook(
        &store,
        " https://example.com/a ",
        &["record.updated", "record.updated", "kpi.alert"],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (second, second_secret) =
        create_webhook(&store, "http://10.0.0.1:8080/b", &["kpi.alert", "*"])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.url, "https://example.com/a");
    assert_eq!(first.events, ["record.updated", "kpi.alert"]);
    assert_eq!(second.events, ["*"]);
    assert_ne!(first.id, second.id);
    assert_ne!(first_secret, second_secret);
    let hex = first_secret.strip_prefix("whsec_").unwrap_or_default();
    assert_eq!(hex.len(), 64);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        store
            .get_webhook(&first.id)
            .await
            .ok()
            .flatten()
            .map(|w| w.secret),
        Some(first_secret)
    );
}
