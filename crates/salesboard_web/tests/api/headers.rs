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

#[tokio::test]
async fn exports_are_attachments_with_the_security_headers() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let today = crate::exports::today();
    let mut checked = 0;
    for route in salesboard_web::routes::routes() {
        let stem = match route.endpoint {
            salesboard_web::routes::Endpoint::Export(kind) => kind,
            salesboard_web::routes::Endpoint::KpisExport => "kpis",
            _ => continue,
        };
        for (format, content_type, magic) in [
            ("csv", "text/csv; charset=utf-8", &b"\xEF\xBB\xBF"[..]),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &b"PK\x03\x04"[..],
            ),
        ] {
            let period = if stem == "kpis" { "period=2024&" } else { "" };
            let path = format!("{}?{period}format={format}", route.path);
            let (status, headers, body) = app.download_with_headers(&path, "admin").await;
            let get = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            assert_eq!(status.as_u16(), 200, "{path}");
            assert_eq!(
                get("content-disposition"),
                format!("attachment; filename=\"{stem}-{today}.{format}\""),
                "{path}"
            );
            assert_eq!(get("content-type"), content_type, "{path}");
            assert!(body.starts_with(magic), "{path}");
            assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(get("cache-control"), "no-store", "{path}");
            assert_eq!(get("x-frame-options"), "DENY", "{path}");
            assert_eq!(get("referrer-policy"), "no-referrer", "{path}");
            assert!(
                get("content-security-policy").contains("default-src 'self'"),
                "{path}"
            );
            assert!(
                get("strict-transport-security").contains("max-age=31536000"),
                "{path}"
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        2 * (salesboard_store::records::ALL_KINDS.len() + 1)
    );
}

#[tokio::test]
async fn a_rejected_rows_download_carries_the_security_headers() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let boundary = "HBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"products.csv\"\r\n\r\n\
         sku,name,unit_price\nP-H1,Fine,1.00\nP-H2,Bad,abc\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"skip_invalid\"\r\n\r\ntrue\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/imports")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, started) = app.send(request).await;
    let id = started["id"].as_str().unwrap_or_default().to_string();
    let mut job = started;
    for _ in 0..200 {
        if job["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        job = app
            .call("GET", &format!("/api/v1/imports/{id}"), Some("admin"), None)
            .await
            .1;
    }
    let url = job["rejected"][0]["url"].as_str().unwrap_or_default();
    assert!(url.starts_with("/api/v1/imports/"), "{job}");
    let request = Request::builder()
        .uri(url)
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, headers, _) = app.send_raw(request).await;
    assert_eq!(status.as_u16(), 200);
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(get("x-content-type-options"), "nosniff");
    assert!(get("content-security-policy").contains("object-src 'none'"));
    assert_eq!(get("content-type"), "text/csv; charset=utf-8");
    assert_eq!(get("cache-control"), "no-store");
    assert!(get("content-disposition").starts_with("attachment;"));
}
