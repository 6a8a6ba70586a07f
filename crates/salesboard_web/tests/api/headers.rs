//! Security headers on every response: every route as admin and as nobody
//! (survey pages with an unknown token), a missing route, an error.

use axum::body::Body;
use axum::http::Request;

use crate::common::{Db, TestApp};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mut paths: Vec<(String, String)> = salesboard_web::routes::routes()
        .into_iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.path
                    .replace("{id}", "c-repa")
                    .replace("{kpi}", "revenue")
                    .replace("{name}", "app.js")
                    .replace("{token}", &"0".repeat(64)),
            )
        })
        .collect();
    paths.push(("GET".into(), "/no/such/route".into()));
    paths.push(("GET".into(), "/api/v1/kpis?period=bad".into()));
    let mut checked = 0;
    for (method, path) in paths {
        for token in [None, app.tokens.get("admin")] {
            let mut builder = Request::builder()
                .method(method.as_str())
                .uri(path.as_str());
            if let Some(token) = token {
                builder = builder.header("authorization", format!("Bearer {token}"));
            }
            let request = builder
                .body(Body::empty())
                .unwrap_or_else(|e| panic!("{e}"));
            let (status, headers, _) = app.send_raw(request).await;
            let get = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let what = format!("{method} {path} ({status})");
            assert!(
                get("strict-transport-security").contains("max-age=31536000; includeSubDomains"),
                "{what}"
            );
            let csp = get("content-security-policy");
            for part in [
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
            ] {
                assert!(csp.contains(part), "{what}: {csp}");
            }
            assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
            assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
            let content_type = get("content-type");
            if !content_type.is_empty() {
                assert!(
                    content_type.contains("charset=utf-8"),
                    "{what}: {content_type}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, doc) = app.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for route in salesboard_web::routes::routes() {
        let operation = &doc["paths"][&route.path][route.method.to_lowercase()];
        if route.endpoint.is_browser() {
            assert!(operation.is_null(), "{} is a page, not API", route.path);
            continue;
        }
        assert!(
            operation.is_object(),
            "{} {} missing",
            route.method,
            route.path
        );
    }
}
