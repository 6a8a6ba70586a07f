//! Webhooks through the API: a record change queues a signed delivery for
//! the webhooks that want it, visible to the admin.

use serde_json::json;

use crate::common::{Db, TestApp};

#[tokio::test]
async fn a_new_customer_queues_a_delivery_for_the_webhooks_that_want_it() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let wanted = json!({"url": "http://127.0.0.1:9/created", "events": ["record.created"]});
    let (status, created) = app
        .call("POST", "/api/v1/webhooks", Some("admin"), Some(&wanted))
        .await;
    assert_eq!(status.as_u16(), 201, "{created}");
    assert!(
        created["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    let alerts = json!({"url": "http://127.0.0.1:9/alerts", "events": ["kpi.alert"]});
    let (_, other) = app
        .call("POST", "/api/v1/webhooks", Some("admin"), Some(&alerts))
        .await;

    let customer = json!({"name": "Hook Co", "created_at": "2024-03-01"});
    let (status, body) = app
        .call("POST", "/api/v1/customers", Some("repa"), Some(&customer))
        .await;
    assert_eq!(status.as_u16(), 201, "{body}");

    let id = created["id"].as_str().unwrap_or_default();
    let (_, list) = app
        .call(
            "GET",
            &format!("/api/v1/webhooks/{id}/deliveries"),
            Some("admin"),
            None,
        )
        .await;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["event"], "record.created");
    assert_eq!(items[0]["payload"]["entity"], "customers");
    assert_eq!(items[0]["payload"]["data"]["name"], "Hook Co");
    let other_id = other["id"].as_str().unwrap_or_default();
    let (_, none) = app
        .call(
            "GET",
            &format!("/api/v1/webhooks/{other_id}/deliveries"),
            Some("admin"),
            None,
        )
        .await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    let (_, listed) = app
        .call("GET", "/api/v1/webhooks", Some("admin"), None)
        .await;
    assert!(
        !listed.to_string().contains("whsec_"),
        "secrets are never listed"
    );
    let bad = json!({"url": "ftp://example.com"});
    let (status, body) = app
        .call("POST", "/api/v1/webhooks", Some("admin"), Some(&bad))
        .await;
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body["field"], "url");
}
