//! Imports uploaded through the API: the same rules and report as the
//! command line, progress polled, nothing written when a row is bad, and
//! oversized uploads refused; previews that write nothing, the mapping,
//! and the rejected rows to download.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use salesboard_store::Store;
use serde_json::{Value, json};

use crate::common::{Db, TestApp};

/// A multipart request to `path` as `actor`: parts are (name, file name, content).
fn multipart(
    app: &TestApp,
    path: &str,
    actor: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> Request<Body> {
    let boundary = "SBBOUNDARY";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", format!("Bearer {}", app.tokens[actor]))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn upload(app: &TestApp, file_name: &str, content: &[u8]) -> Request<Body> {
    multipart(
        app,
        "/api/v1/imports",
        "admin",
        &[("file", Some(file_name), content)],
    )
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
    let job = app.finished_import(&started).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["written"]["products"]["created"], 1, "{job}");
    assert_eq!(
        job["step"],
        json!({"phase": "done", "file": null, "done": 1, "total": 1, "percent": 100})
    );
    assert!(job["report"].get("rejected_files").is_none(), "{job}");
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
    let job = app.finished_import(&started).await;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains("orders.csv: line 5: quantity"), "{error}");
    assert_eq!(job["problems"].as_array().map(Vec::len), Some(1), "{job}");
    let problem = &job["problems"][0];
    assert_eq!(
        (&problem["file"], &problem["line"], &problem["field"]),
        (&json!("orders.csv"), &json!(5), &json!("quantity")),
        "{job}"
    );
    assert_eq!(problem["reason"], "\"abc\" is not a whole number");
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
    let big = vec![b'x'; salesboard_web::api::imports::MAX_UPLOAD_BYTES + 1024];
    let (status, body) = app.send(upload(&app, "big.csv", &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let preview = multipart(
        &app,
        "/api/v1/imports/preview",
        "admin",
        &[("file", Some("big.csv"), &big)],
    );
    let (status, body) = app.send(preview).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

/// Orders in the fixture's database, as the admin counts them.
async fn order_count(app: &TestApp) -> i64 {
    let (status, page) = app
        .call("GET", "/api/v1/orders?per_page=1", Some("admin"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["total"].as_i64().unwrap_or(-1)
}

const ORDERS_WITH_BAD_LINE_5: &str = "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity\n\
                  o-new1,c-repa,repa,2024-03-01,P1,100.00,1\n\
                  o-new2,c-repa,repa,2024-03-01,P1,100.00,2\n\
                  o-new3,c-repa,repa,2024-03-01,P1,100.00,3\n\
                  o-new4,c-repa,repa,2024-03-01,P1,100.00,abc\n";

async fn preview_bad_line_is_named_and_nothing_is_written(db: Db) {
    let app = TestApp::spawn(db).await;
    let orders_before = order_count(&app).await;
    let version_before = app.state.store.change_version().await.unwrap_or_default();
    let (status, preview) = app
        .send(multipart(
            &app,
            "/api/v1/imports/preview",
            "admin",
            &[(
                "file",
                Some("orders.csv"),
                ORDERS_WITH_BAD_LINE_5.as_bytes(),
            )],
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["kind"], "orders");
    assert_eq!(preview["total_rows"], 4);
    assert_eq!(preview["problem_count"], 1, "{preview}");
    assert_eq!(
        preview["problems"],
        json!([{"file": "orders.csv", "line": 5, "field": "quantity", "header": "quantity",
                "reason": "\"abc\" is not a whole number"}])
    );
    // The fourth data row is line 5; its seventh cell holds the problem.
    assert_eq!(preview["rows"][3]["line"], 5);
    assert_eq!(preview["rows"][3]["cells"][6], "abc");
    assert_eq!(
        preview["rows"][3]["problems"],
        json!([{"field": "quantity", "column": 6, "reason": "\"abc\" is not a whole number"}])
    );
    assert_eq!(preview["rows"][0]["problems"], json!([]));
    assert_eq!(
        preview["columns"][6],
        json!({"header": "quantity", "field": "quantity", "target": "field", "required": true})
    );
    let fields = preview["fields"].as_array().map(Vec::len);
    assert_eq!(fields, Some(10), "orders have ten fields");
    assert_eq!(order_count(&app).await, orders_before);
    assert_eq!(
        app.state.store.change_version().await.unwrap_or_default(),
        version_before
    );
    let (status, _) = app
        .call("GET", "/api/v1/orders/o-new1", Some("admin"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_preview_gives_its_reasons_in_the_browser_s_language() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for (language, reason) in [
        ("zh-CN,zh;q=0.9", "“abc”不是整数"),
        ("en-US,en;q=0.9", "\"abc\" is not a whole number"),
    ] {
        let mut request = multipart(
            &app,
            "/api/v1/imports/preview",
            "admin",
            &[(
                "file",
                Some("orders.csv"),
                ORDERS_WITH_BAD_LINE_5.as_bytes(),
            )],
        );
        request.headers_mut().insert(
            "accept-language",
            axum::http::HeaderValue::from_static(language),
        );
        let (status, preview) = app.send(request).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["problems"][0]["reason"], reason, "{language}");
        assert_eq!(
            preview["rows"][3]["problems"][0]["reason"], reason,
            "{language}"
        );
        // The field stays the canonical name.
        assert_eq!(preview["problems"][0]["field"], "quantity");
    }
}

#[tokio::test]
async fn a_preview_names_the_bad_line_and_field_and_writes_nothing() {
    preview_bad_line_is_named_and_nothing_is_written(Db::Sqlite).await;
}

#[tokio::test]
async fn a_preview_names_the_bad_line_and_field_and_writes_nothing_on_postgres() {
    if crate::common::postgres_url().is_none() {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    }
    preview_bad_line_is_named_and_nothing_is_written(Db::Postgres).await;
}

const PRODUCTS_IN_GERMAN: &[u8] = b"sku,Bezeichnung,unit_price\nP-MAP,Gemappt,5.00\n";

#[tokio::test]
async fn the_users_mapping_changes_the_field_of_a_column() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let preview = |mapping: Option<&'static str>| {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
            ("file", Some("artikel.csv"), PRODUCTS_IN_GERMAN),
            ("kind", None, b"products"),
        ];
        if let Some(mapping) = mapping {
            parts.push(("mapping", None, mapping.as_bytes()));
        }
        app.send(multipart(&app, "/api/v1/imports/preview", "admin", &parts))
    };
    let (status, plain) = preview(None).await;
    assert_eq!(status, StatusCode::OK, "{plain}");
    assert_eq!(plain["columns"][1]["target"], "extra");
    assert_eq!(plain["columns"][1]["field"], Value::Null);
    assert_eq!(plain["problems"][0]["line"], 1);
    assert_eq!(plain["problems"][0]["field"], "name", "{plain}");

    let (status, mapped) = preview(Some(r#"{"Bezeichnung": "name"}"#)).await;
    assert_eq!(status, StatusCode::OK, "{mapped}");
    assert_eq!(mapped["columns"][1]["field"], "name");
    assert_eq!(mapped["columns"][1]["required"], true);
    assert_eq!(mapped["problem_count"], 0, "{mapped}");

    let (status, left_out) = preview(Some(r#"{"unit_price": "-"}"#)).await;
    assert_eq!(status, StatusCode::OK, "{left_out}");
    assert_eq!(left_out["columns"][2]["target"], "ignored");

    let (status, wrong) = preview(Some(r#"{"Bezeichnung": "title"}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    assert_eq!(wrong["field"], "mapping");
    let (status, unknown) = app
        .send(multipart(
            &app,
            "/api/v1/imports/preview",
            "admin",
            &[("file", Some("notes.csv"), b"a,b\n1,2\n")],
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");
    assert_eq!(unknown["field"], "kind");
}

#[tokio::test]
async fn an_upload_runs_with_the_kind_and_mapping_of_the_preview() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, started) = app
        .send(multipart(
            &app,
            "/api/v1/imports",
            "admin",
            &[
                ("file", Some("artikel.csv"), PRODUCTS_IN_GERMAN),
                ("kind", None, b"products"),
                ("mapping", None, br#"{"Bezeichnung": "name"}"#),
            ],
        ))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let job = app.finished_import(&started).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["written"]["products"]["created"], 1, "{job}");
    let (status, product) = app
        .call("GET", "/api/v1/products/P-MAP", Some("admin"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{product}");
    assert_eq!(product["name"], "Gemappt");
    assert_eq!(product["unit_price"], "5.00");
}

#[tokio::test]
async fn the_rejected_rows_download_holds_exactly_the_rejected_rows() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let orders = "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity\n\
                  o-ok1,c-repa,repa,2024-03-01,P1,100.00,1\n\
                  o-bad1,c-repa,repa,2024-03-01,P1,100.00,abc\n\
                  o-ok2,c-repa,repa,2024-03-02,P1,100.00,2\n\
                  o-bad2,=HYPERLINK(\"x\"),repa,2024-03-01,P1,100.00,2\n";
    let (status, started) = app
        .send(multipart(
            &app,
            "/api/v1/imports",
            "admin",
            &[
                ("file", Some("orders.csv"), orders.as_bytes()),
                ("skip_invalid", None, b"true"),
            ],
        ))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let job = app.finished_import(&started).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["report"]["written"]["orders"]["created"], 2, "{job}");
    assert_eq!(job["step"]["done"], 2, "two rows written: {job}");
    let id = job["id"].as_str().unwrap_or_default();
    let url = format!("/api/v1/imports/{id}/rejected?file=orders.rejected.csv");
    assert_eq!(
        job["rejected"],
        json!([{"file": "orders.rejected.csv", "rows": 2, "url": url}])
    );
    let request = Request::builder()
        .uri(&url)
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, headers, bytes) = app.send_raw(request).await;
    assert_eq!(status, StatusCode::OK);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert!(
        header("content-disposition").starts_with("attachment; filename=\"orders.rejected.csv\""),
        "{}",
        header("content-disposition")
    );
    // UTF-8 with a byte-order mark, so that Excel reads Chinese text.
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or_else(|| panic!("no BOM"));
    let (header_row, rows) = csv_table(text);
    assert_eq!(
        header_row,
        [
            "order_id",
            "customer_id",
            "owner",
            "ordered_at",
            "sku",
            "unit_price",
            "quantity",
            "error"
        ]
    );
    // The two bad rows as they were, the formula quoted so that a
    // spreadsheet shows it as text, each with its reason.
    assert_eq!(
        rows,
        [
            vec![
                "o-bad1",
                "c-repa",
                "repa",
                "2024-03-01",
                "P1",
                "100.00",
                "abc",
                "quantity: \"abc\" is not a whole number"
            ],
            vec![
                "o-bad2",
                "'=HYPERLINK(\"x\")",
                "repa",
                "2024-03-01",
                "P1",
                "100.00",
                "2",
                "customer_id: no customer \"=HYPERLINK(\"x\")\" is stored or in this import"
            ],
        ]
    );
    // Without a file name: the first (and here only) file.
    let (status, _, first) = app
        .send_raw(
            Request::builder()
                .uri(format!("/api/v1/imports/{id}/rejected"))
                .header("authorization", format!("Bearer {}", app.tokens["admin"]))
                .body(Body::empty())
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await;
    assert_eq!((status, first), (StatusCode::OK, bytes));
    // In Chinese: the reasons translated, the values and cells as they were.
    let (status, _, chinese) = app
        .send_raw(
            Request::builder()
                .uri(&url)
                .header("authorization", format!("Bearer {}", app.tokens["admin"]))
                .header("accept-language", "zh-CN,zh;q=0.9")
                .body(Body::empty())
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let chinese = chinese.strip_prefix(b"\xEF\xBB\xBF").unwrap_or_default();
    let (_, chinese_rows) = csv_table(chinese);
    assert_eq!(
        chinese_rows
            .iter()
            .map(|row| row.last().cloned().unwrap_or_default())
            .collect::<Vec<_>>(),
        [
            "quantity：“abc”不是整数",
            "customer_id：数据库和本次导入中都没有客户“=HYPERLINK(\"x\")”"
        ]
    );
    assert_eq!(chinese_rows[1][1], "'=HYPERLINK(\"x\")");
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/imports/{id}/rejected?file=other.csv"),
            Some("admin"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nobody_else_reads_a_job_or_its_rejected_rows() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (_, started) = app
        .send(upload(
            &app,
            "orders.csv",
            ORDERS_WITH_BAD_LINE_5.as_bytes(),
        ))
        .await;
    let job = app.finished_import(&started).await;
    let id = job["id"].as_str().unwrap_or_default();
    for path in [
        format!("/api/v1/imports/{id}"),
        format!("/api/v1/imports/{id}/rejected"),
    ] {
        // Managers and reps may not import at all (docs/permissions.md):
        // refused whatever the id, so they cannot even learn that it exists.
        for actor in ["repa", "mgr1", "mgr2", "repb"] {
            let (status, body) = app.call("GET", &path, Some(actor), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} as {actor}: {body}");
            assert_eq!(
                app.call(
                    "GET",
                    &path.replace(id, "imp-0000000000000000"),
                    Some(actor),
                    None
                )
                .await
                .0,
                StatusCode::FORBIDDEN
            );
        }
        let (status, _) = app.call("GET", &path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    // The job failed (a bad row): it kept no rejected rows to download.
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/v1/imports/{id}/rejected"),
            Some("admin"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// A CSV file's header row and its records, as text.
fn csv_table(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let texts = |record: &csv::StringRecord| record.iter().map(str::to_string).collect();
    let header = texts(reader.headers().unwrap_or_else(|e| panic!("{e}")));
    let rows = reader
        .records()
        .map(|r| texts(&r.unwrap_or_else(|e| panic!("{e}"))))
        .collect();
    (header, rows)
}
