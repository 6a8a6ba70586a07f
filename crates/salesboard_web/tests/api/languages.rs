//! The API's messages in the reader's language: Chinese or English by
//! `Accept-Language`, `?lang=` or the user's own choice (English when the
//! request names none); the `error` code and the `field` never change.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::{Db, TestApp};

/// Sends `method path` as `actor` with a JSON body and extra headers.
async fn call_in(
    app: &TestApp,
    method: &str,
    path: &str,
    actor: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.call_with_headers(method, path, Some(actor), body, headers)
        .await
}

fn bad_deal() -> Value {
    json!({
        "deal_id": "d-lang",
        "customer_id": "c-repa",
        "owner": "repa",
        "title": "Language",
        "stage": "lead",
        "amount": "12,5x",
        "created_at": "2024-03-01",
        "status": "open"
    })
}

#[tokio::test]
async fn a_bad_amount_is_answered_in_the_browser_s_language() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let deal = bad_deal();
    let chinese = [("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")];
    let (status, zh) = call_in(&app, "POST", "/api/v1/deals", "repa", Some(&deal), &chinese).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{zh}");
    assert_eq!(
        zh,
        json!({"error": "invalid", "field": "amount", "message": "金额：“12,5x”不是 1234.50 这样的金额"})
    );
    let english = [("accept-language", "en-GB,en;q=0.9")];
    let (status, en) = call_in(&app, "POST", "/api/v1/deals", "repa", Some(&deal), &english).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        en,
        json!({"error": "invalid", "field": "amount", "message": "amount: \"12,5x\" is not money like 1234.50"})
    );
    // A program that names no language reads the API's English.
    let (_, plain) = app
        .call("POST", "/api/v1/deals", Some("repa"), Some(&deal))
        .await;
    assert_eq!(plain, en);
    // ?lang= beats the browser.
    let (_, asked) = call_in(
        &app,
        "POST",
        "/api/v1/deals?lang=zh",
        "repa",
        Some(&deal),
        &english,
    )
    .await;
    assert_eq!(asked, zh);
}

#[tokio::test]
async fn a_bad_line_of_an_order_is_answered_in_chinese() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = json!({
        "order_id": "o-lang",
        "customer_id": "c-repa",
        "owner": "repa",
        "ordered_at": "2024-03-01T10:00:00+08:00",
        "status": "completed",
        "lines": [{"sku": "P1", "unit_price": "一百", "quantity": 1}]
    });
    let chinese = [("accept-language", "zh-CN")];
    let (status, zh) = call_in(
        &app,
        "POST",
        "/api/v1/orders",
        "repa",
        Some(&order),
        &chinese,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{zh}");
    let field = zh["field"].as_str().unwrap_or_default().to_string();
    assert!(field.contains("unit_price"), "{zh}");
    assert_eq!(
        zh["message"],
        format!("{field}：“一百”不是 1234.50 这样的金额")
    );
    let (_, en) = app
        .call("POST", "/api/v1/orders", Some("repa"), Some(&order))
        .await;
    assert_eq!(
        en["message"],
        format!("{field}: \"一百\" is not money like 1234.50")
    );
}

#[tokio::test]
async fn a_user_who_chose_chinese_reads_chinese_in_any_browser() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some("repa"),
            Some(&json!({"language": "zh"})),
        )
        .await;
    assert_eq!(
        (status, me["language"].as_str()),
        (StatusCode::OK, Some("zh"))
    );
    let english = [("accept-language", "en")];
    let (status, body) = call_in(
        &app,
        "POST",
        "/api/v1/deals",
        "repa",
        Some(&bad_deal()),
        &english,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], "金额：“12,5x”不是 1234.50 这样的金额");
    // Without any header too; another user keeps the API's English.
    let (_, plain) = app
        .call("GET", "/api/v1/customers/nobody", Some("repa"), None)
        .await;
    assert_eq!(
        plain,
        json!({"error": "not_found", "message": "没有这条记录"})
    );
    let (_, other) = app
        .call("GET", "/api/v1/customers/nobody", Some("repa2"), None)
        .await;
    assert_eq!(
        other,
        json!({"error": "not_found", "message": "no such record"})
    );
}

#[tokio::test]
async fn a_bad_period_and_a_missing_record_are_answered_in_both_languages() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let chinese = [("accept-language", "zh-CN")];
    let english = [("accept-language", "en")];
    let path = "/api/v1/kpis?period=2024-13";
    let (status, zh) = call_in(&app, "GET", path, "admin", None, &chinese).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{zh}");
    assert_eq!(
        zh,
        json!({
            "error": "invalid",
            "field": "period",
            "message": "期间：“2024-13”不是期间（如 2024、2024-Q1 或 2024-03）"
        })
    );
    let (_, en) = call_in(&app, "GET", path, "admin", None, &english).await;
    assert_eq!(
        en["message"],
        "period: \"2024-13\" is not a period (like 2024, 2024-Q1 or 2024-03)"
    );
    let missing = "/api/v1/deals/d-none";
    let (status, zh) = call_in(&app, "GET", missing, "admin", None, &chinese).await;
    assert_eq!(
        (status, zh),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "not_found", "message": "没有这条记录"})
        )
    );
    let (_, en) = call_in(&app, "GET", missing, "admin", None, &english).await;
    assert_eq!(
        en,
        json!({"error": "not_found", "message": "no such record"})
    );
    // 401 and 403 too, and a route that does not exist.
    let request = Request::builder()
        .uri("/api/v1/deals")
        .header("accept-language", "zh-CN")
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, anonymous) = app.send(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous["message"],
        "请先登录（会话 Cookie 或 Bearer 令牌）"
    );
    let (status, denied) = call_in(
        &app,
        "DELETE",
        "/api/v1/customers/c-repa",
        "repa",
        None,
        &chinese,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{denied}");
    assert_eq!(denied["message"], "你没有权限删除客户");
    let (_, no_route) = call_in(&app, "GET", "/api/v1/nothing", "admin", None, &chinese).await;
    assert_eq!(no_route["message"], "没有这个地址");
}

#[tokio::test]
async fn a_page_says_what_is_wrong_with_its_link_in_the_page_s_language() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let explain = |language: &'static str| {
        Request::builder()
            .uri("/explain/revenue?period=2024-13")
            .header("authorization", format!("Bearer {}", app.tokens["admin"]))
            .header("accept-language", language)
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (status, _, zh) = app.send_raw(explain("zh-CN")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let zh = String::from_utf8_lossy(&zh);
    assert!(
        zh.contains("期间：“2024-13”不是期间（如 2024、2024-Q1 或 2024-03）"),
        "{zh}"
    );
    let (_, _, en) = app.send_raw(explain("en")).await;
    let en = String::from_utf8_lossy(&en);
    assert!(
        en.contains("is not a period (like 2024, 2024-Q1 or 2024-03)"),
        "{en}"
    );
    // A list's filter: the field by its label, as the API names it.
    let list = Request::builder()
        .uri("/deals?amount=abc")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header("accept-language", "zh-CN")
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, _, html) = app.send_raw(list).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains("金额：“abc”不是 1234.50 这样的金额"),
        "{html}"
    );
}
