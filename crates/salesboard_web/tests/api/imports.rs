//! Imports uploaded through the API: the same rules and report as the
//! command line, progress polled, nothing written when a row is bad, and
//! oversized uploads refused.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use salesboard_store::Store;
use serde_json::Value;

use crate::common::{Db, TestApp};

fn upload(app: &TestApp, file_name: &str, content: &[u8]) -> Request<Body> {
    let boundary = "SBBOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri("/api/v1/imports")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn finished(app: &TestApp, started: &Value) -> Value {
    let id = started["id"].as_str().unwrap_or_default();
    for _ in 0..200 {
        let (_, job) = app
            .call("GET", &format!("/api/v1/imports/{id}"), Some("admin"), None)
            .await;
        if job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the import did not finish")
}

#[tokio::test]
async fn an_uploaded_file_is_imported_with_the_cli_report() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, started) = app
        .send(upload(
            &app,
            "products.csv",
            b"sku,name,unit_price\nP-UP,Uploaded,9.90\n",
        ))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let job = finished(&app, &started).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["written"]["products"]["created"], 1, "{job}");
    let (status, product) = app
        .call("GET", "/api/v1/products/P-UP", Some("repa"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(product["unit_price"], "9.90");
}

#[tokio::test]
async fn a_bad_row_names_file_line_and_field_and_nothing_is_written() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let before = app.state.store.change_version().await.unwrap_or_default();
    let orders = "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity\n\
                  o-new1,c-repa,repa,2024-03-01,P1,100.00,1\n\
                  o-new2,c-repa,repa,2024-03-01,P1,100.00,2\n\
                  o-new3,c-repa,repa,2024-03-01,P1,100.00,3\n\
                  o-new4,c-repa,repa,2024-03-01,P1,100.00,abc\n";
    let (_, started) = app
        .send(upload(&app, "orders.csv", orders.as_bytes()))
        .await;
    let job = finished(&app, &started).await;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains("orders.csv: line 5: quantity"), "{error}");
    assert_eq!(job["problems"].as_array().map(Vec::len), Some(1), "{job}");
    assert_eq!(
        app.state.store.change_version().await.unwrap_or_default(),
        before
    );
    let (status, _) = app
        .call("GET", "/api/v1/orders/o-new1", Some("admin"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let big = vec![b'x'; salesboard_web::api::admin::MAX_UPLOAD_BYTES + 1024];
    let (status, body) = app.send(upload(&app, "big.csv", &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}
