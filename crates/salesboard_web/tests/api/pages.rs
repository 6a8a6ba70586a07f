//! The HTML pages and their assets: who sees what, the language, the
//! numbers on the cards against the API, and what the browser may cache.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};

use crate::common::{Db, TestApp};

async fn page(
    app: &TestApp,
    path: &str,
    actor: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut builder = Request::builder().uri(path);
    if let Some(actor) = actor {
        builder = builder.header("authorization", format!("Bearer {}", app.tokens[actor]));
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, headers, body) = app.send_raw(request).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_the_login_page() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for path in ["/", "/?period=2024", "/explain/revenue?period=2024"] {
        let (status, headers, _) = page(&app, path, None, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(header(&headers, "location"), "/login", "{path}");
    }
    let (status, headers, html) = page(&app, "/login", None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(html.contains(r#"id="login-form""#), "{html}");
}

#[tokio::test]
async fn pages_have_no_inline_script() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for path in ["/login", "/?period=2024", "/explain/cac?period=2024"] {
        let (status, _, html) = page(&app, path, Some("admin"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for tag in html.split("<script").skip(1) {
            let open = tag.split('>').next().unwrap_or_default();
            assert!(open.contains("src=\"/assets/"), "{path}: <script{open}>");
            assert!(
                tag.split('>')
                    .nth(1)
                    .unwrap_or_default()
                    .starts_with("</script")
            );
        }
        assert!(!html.contains(" onclick="), "{path}");
    }
}

#[tokio::test]
async fn the_revenue_card_shows_the_revenue_of_the_kpi_api() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for actor in ["admin", "mgr1", "repa"] {
        let (_, kpis) = app
            .call("GET", "/api/v1/kpis?period=2024", Some(actor), None)
            .await;
        let revenue = kpis["revenue"].as_str().unwrap_or_else(|| panic!("{kpis}"));
        let (status, _, html) = page(&app, "/?period=2024", Some(actor), &[]).await;
        assert_eq!(status, StatusCode::OK);
        let card = format!(r#"id="kpi-revenue" data-kpi="revenue" data-value="{revenue}""#);
        assert!(html.contains(&card), "{actor}: {card} not in the page");
        assert!(
            html.contains(r#"data-charts="{&#34;"#),
            "the chart data is escaped"
        );
    }
}

/// The `data-value` of a card in a dashboard page.
fn card_value(html: &str, kpi: &str) -> String {
    let marker = format!(r#"id="kpi-{kpi}" data-kpi="{kpi}" data-value=""#);
    let Some(start) = html.find(&marker).map(|at| at + marker.len()) else {
        panic!("no card {kpi}")
    };
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The dashboard's picker, filters and comparison against the API and hand
/// sums of the matrix fixture (orders in February 2024: repa 300.00 by
/// search, repa2 450.00 by social, repb 700.00 by search, mgr1 100.00 by
/// search, mgr2 200.00 by search; repb and mgr2 in the North).
#[tokio::test]
async fn the_period_picker_filters_and_custom_range_give_the_apis_numbers() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let cases = [
        (
            "admin",
            "/?period=2024",
            "/api/v1/kpis?period=2024",
            "1750.00",
        ),
        (
            "admin",
            "/?year=2024&part=02&filter=&filter=channel%3Dsearch",
            "/api/v1/kpis?period=2024-02&filter=channel%3Dsearch",
            "1300.00",
        ),
        (
            "mgr1",
            "/?year=2024&part=Q1&filter=channel%3Dsearch",
            "/api/v1/kpis?period=2024-Q1&filter=channel%3Dsearch",
            "400.00",
        ),
        (
            "mgr1",
            "/?period=2024",
            "/api/v1/kpis?period=2024",
            "850.00",
        ),
        // The last day is included: 1 and 2 February.
        (
            "admin",
            "/?year=2024&part=custom&start=2024-02-01&end=2024-02-02",
            "/api/v1/kpis?from=2024-02-01&to=2024-02-03",
            "750.00",
        ),
        (
            "admin",
            "/?period=2024&filter=region%3DNorth&compare=last_year",
            "/api/v1/kpis?period=2024&filter=region%3DNorth",
            "900.00",
        ),
    ];
    for (actor, path, api, by_hand) in cases {
        let (status, _, html) = page(&app, path, Some(actor), &[]).await;
        assert_eq!(status, StatusCode::OK, "{actor} {path}");
        let (_, kpis) = app.call("GET", api, Some(actor), None).await;
        assert_eq!(kpis["revenue"], by_hand, "{actor} {api}");
        assert_eq!(card_value(&html, "revenue"), by_hand, "{actor} {path}");
    }
    // The chosen filter stays selected, and the cards link to explanations
    // over the same period and filters.
    let (_, _, html) = page(
        &app,
        "/?period=2024-02&filter=channel%3Dsearch",
        Some("admin"),
        &[],
    )
    .await;
    assert!(
        html.contains(r#"<option value="channel=search" selected>"#),
        "selected filter"
    );
    // (askama writes `&` as `&#38;`)
    assert!(html.contains(r#"href="/explain/revenue?period=2024-02&#38;filter=channel%3Dsearch""#));
    let (_, _, custom) = page(
        &app,
        "/?year=2024&part=custom&start=2024-02-01&end=2024-02-02",
        Some("admin"),
        &[],
    )
    .await;
    assert!(custom.contains(r#"href="/explain/cac?from=2024-02-01&#38;to=2024-02-03""#));
    assert!(custom.contains(r#"<option value="custom" selected>"#));
    assert!(
        custom.contains(r#"value="2024-02-02""#),
        "the last day is shown as chosen"
    );
}

#[tokio::test]
async fn nonsense_in_the_dashboards_link_is_answered_with_422_and_a_message() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for path in [
        "/?period=2024-13",
        "/?period=2024&filter=colour%3Dred",
        "/?period=2024&compare=someday",
        "/?part=custom&start=2024-03-05&end=2024-03-01",
        "/?from=1990-01-01&to=2024-01-01",
    ] {
        let (status, _, html) = page(&app, path, Some("admin"), &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            html.contains(r#"class="card error" role="alert""#),
            "{path}"
        );
        assert!(
            html.contains(r#"id="kpi-revenue""#),
            "{path}: the page still renders"
        );
    }
}

/// The rep filter and the leaderboard show the users the caller may see,
/// by name, with links to their customers.
#[tokio::test]
async fn people_are_shown_by_name_and_only_when_the_caller_may_see_them() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let option = |id: &str, name: &str| format!(r#"<option value="rep={id}">{name}</option>"#);
    let (_, _, rep) = page(&app, "/?period=2024", Some("repa"), &[]).await;
    assert!(rep.contains(&option("repa", "Rep A")));
    for other in [option("repa2", "Rep A2"), option("repb", "Rep B")] {
        assert!(!rep.contains(&other), "a rep sees {other}");
    }
    let (_, _, manager) = page(&app, "/?period=2024", Some("mgr1"), &[]).await;
    assert!(manager.contains(&option("repa2", "Rep A2")));
    assert!(!manager.contains(&option("repb", "Rep B")));
    let (_, _, admin) = page(&app, "/?period=2024", Some("admin"), &[]).await;
    assert!(admin.contains(r#"<a class="rep" href="/customers?owner=repb""#));
    assert!(admin.contains(">Rep B</a>"));
    // repb has the most revenue in 2024 (700.00): rank 1.
    let first_row = admin
        .split(r#"<td class="num rank">"#)
        .nth(1)
        .unwrap_or_default();
    assert!(
        first_row.starts_with("1</td>") && first_row.contains("repb"),
        "{first_row}"
    );
}

#[tokio::test]
async fn the_explanation_page_takes_the_dashboards_filters_and_ranges() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, _, html) = page(
        &app,
        "/explain/revenue?period=2024&filter=channel%3Dsearch&lang=en",
        Some("admin"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<p class="big" id="explain-value">¥1,300.00</p>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/?period=2024&#38;filter=channel%3Dsearch""#),
        "back link"
    );
    let (_, _, html) = page(
        &app,
        "/explain/revenue?from=2024-02-01&to=2024-02-03",
        Some("admin"),
        &[],
    )
    .await;
    assert!(html.contains(r#"id="explain-value">¥750.00<"#));
    assert!(html.contains("2024-02-01 至 2024-02-02"));
}

#[tokio::test]
async fn a_user_s_own_language_follows_them_to_every_browser() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let chinese_browser = [("accept-language", "zh-CN,zh;q=0.9")];
    let (_, _, before) = page(&app, "/customers", Some("mgr1"), &chinese_browser).await;
    assert!(
        before.contains(r#"<html lang="zh-CN">"#),
        "the browser's language first"
    );
    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some("mgr1"),
            Some(&serde_json::json!({"language": "en"})),
        )
        .await;
    assert_eq!(
        (status, me["language"].as_str()),
        (StatusCode::OK, Some("en"))
    );
    // Any browser, any cookie: the user's choice wins; only ?lang= overrides it.
    let (_, _, english) = page(
        &app,
        "/customers",
        Some("mgr1"),
        &[chinese_browser[0], ("cookie", "salesboard_lang=zh")],
    )
    .await;
    assert!(english.contains(r#"<html lang="en">"#) && english.contains("Customers"));
    let (_, _, asked) = page(&app, "/customers?lang=zh", Some("mgr1"), &chinese_browser).await;
    assert!(asked.contains(r#"<html lang="zh-CN">"#));
    // Others keep theirs; a client cannot claim a user's choice by header.
    let forged = [("x-salesboard-user-language", "en"), chinese_browser[0]];
    let (_, _, other) = page(&app, "/customers", Some("mgr2"), &forged).await;
    assert!(other.contains(r#"<html lang="zh-CN">"#));
    let (status, body) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some("mgr1"),
            Some(&serde_json::json!({"language": "fr"})),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("language"))
    );
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some("mgr1"),
            Some(&serde_json::json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, me) = app.call("GET", "/api/v1/me", Some("mgr1"), None).await;
    assert_eq!(
        (me["role"].as_str(), me["language"].as_str()),
        (Some("manager"), Some("en"))
    );
    app.call(
        "PATCH",
        "/api/v1/me",
        Some("mgr1"),
        Some(&serde_json::json!({"language": ""})),
    )
    .await;
    let (_, _, again) = page(&app, "/customers", Some("mgr1"), &chinese_browser).await;
    assert!(
        again.contains(r#"<html lang="zh-CN">"#),
        "empty: the browser's again"
    );
}

#[tokio::test]
async fn the_language_comes_from_the_browser_and_the_switch_is_remembered() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (_, _, zh) = page(&app, "/?period=2024", Some("admin"), &[]).await;
    assert!(zh.contains(r#"<html lang="zh-CN">"#) && zh.contains("销售额"));
    let english = [("accept-language", "en-GB,en;q=0.9")];
    let (_, _, en) = page(&app, "/?period=2024", Some("admin"), &english).await;
    assert!(en.contains(r#"<html lang="en">"#) && en.contains("Revenue"));
    assert!(!en.contains("销售额"));
    let (_, headers, zh) = page(&app, "/?period=2024&lang=zh", Some("admin"), &english).await;
    assert!(zh.contains("销售额"));
    let cookie = header(&headers, "set-cookie");
    assert!(cookie.starts_with("salesboard_lang=zh"), "{cookie}");
    let (_, _, zh) = page(
        &app,
        "/?period=2024",
        Some("admin"),
        &[english[0], ("cookie", "salesboard_lang=zh")],
    )
    .await;
    assert!(zh.contains("销售额"));
}

#[tokio::test]
async fn the_explanation_page_shows_the_formula() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, _, html) = page(&app, "/explain/cac?period=2024&lang=en", Some("mgr1"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("acquisition_spend / new_customers"), "{html}");
    let (status, _, html) = page(&app, "/explain/nonsense?period=2024", Some("mgr1"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("class=\"error\""));
}

#[tokio::test]
async fn assets_are_embedded_typed_and_cached_for_a_year() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for (name, kind, size) in [
        ("echarts.min.js", "text/javascript", 500_000),
        ("app.js", "text/javascript", 1_000),
        ("app.css", "text/css", 1_000),
    ] {
        let (status, headers, body) = page(&app, &format!("/assets/{name}?v=x"), None, &[]).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(header(&headers, "content-type").starts_with(kind), "{name}");
        assert!(
            header(&headers, "cache-control").contains("max-age=31536000"),
            "{name}"
        );
        assert!(body.len() > size, "{name}: {} bytes", body.len());
    }
    let (status, headers, _) = page(&app, "/assets/package.json", None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "cache-control"), "no-store");
}

/// Reliability row 15: every template is auto-escaped HTML and none prints
/// anything raw.
#[test]
fn templates_never_print_raw_text() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let path = entry.path();
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("html"),
            "{}",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        for raw in [
            "|safe",
            "| safe",
            "escape(\"none\")",
            "escape = \"none\"",
            "|json",
        ] {
            assert!(!text.contains(raw), "{}: {raw}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 4, "{checked} templates");
    let sources = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages/mod.rs"),
    )
    .unwrap_or_default();
    assert!(
        !sources.contains("escape = \"none\""),
        "a template struct turns escaping off"
    );
}
