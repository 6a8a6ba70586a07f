//! Survey links: made through the API within the caller's reach, opened and
//! answered without logging in, once; the answer is a survey response the
//! KPIs count at once; an unknown, expired or used token gets one and the
//! same answer; invalid tokens are limited per address.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use salesboard_app::auth::{new_token, token_hash};
use salesboard_domain::entities::SurveyScale;
use salesboard_domain::{OrgTimeZone, Timestamp};
use salesboard_store::{Store, SurveyLink, SurveyLinkStore};
use serde_json::{Value, json};

use crate::common::{Db, TestApp, now};

/// The address the tests' survey requests come from, unless said otherwise.
const CUSTOMER_IP: [u8; 4] = [198, 51, 100, 7];

/// A survey page response: status, headers (without `date`) and body.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: String,
}

async fn survey(
    app: &TestApp,
    method: &str,
    token: &str,
    form: Option<&str>,
    ip: [u8; 4],
) -> Answer {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("/s/{token}"))
        .header("accept-language", "en-GB,en;q=0.9");
    let body = match form {
        Some(form) => {
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
            Body::from(form.to_string())
        }
        None => Body::empty(),
    };
    let request = builder.body(body).unwrap_or_else(|e| panic!("{e}"));
    let (status, headers, body) = app.send_from(ip, request).await;
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| {
            (
                name.to_string(),
                value.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    headers.sort();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Makes a link as `actor`; the status and the answer.
async fn make_link(app: &TestApp, actor: &str, body: Value) -> (StatusCode, Value) {
    app.call("POST", "/api/v1/survey-links", Some(actor), Some(&body))
        .await
}

async fn token_for(app: &TestApp, actor: &str, customer: &str) -> String {
    let (status, answer) =
        make_link(app, actor, json!({"customer_id": customer, "scale": 10})).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["token"].as_str().unwrap_or_default().to_string()
}

/// The stored survey responses, as (id, customer, order, score, scale, comment).
async fn responses(
    app: &TestApp,
) -> Vec<(
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
)> {
    let data = app
        .state
        .store
        .read_dataset()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    data.surveys
        .into_iter()
        .map(|s| {
            (
                s.id,
                s.customer_id,
                s.order_id,
                s.score,
                s.scale.max(),
                s.comment,
            )
        })
        .collect()
}

/// This month in the organization's time zone (the fixture's default).
fn this_month() -> String {
    OrgTimeZone::default()
        .local_date(Timestamp::now())
        .format("%Y-%m")
        .to_string()
}

async fn kpis(app: &TestApp, period: &str) -> Value {
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/v1/kpis?period={period}"),
            Some("admin"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn assert_close(got: &Value, expected: f64, what: &str) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {got} is not a number"));
    assert!((got - expected).abs() < 1e-9, "{what}: {got} ≠ {expected}");
}

async fn a_link_is_answered_once_and_counted(db: Db) {
    let app = TestApp::spawn(db).await;

    // Made by a rep for their own customer: the path, a 256-bit token, 30 days.
    let before = now();
    let (status, made) = make_link(&app, "repa", json!({"customer_id": "c-repa"})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(token.len(), 64, "{made}");
    assert_eq!(made["url"], json!(format!("/s/{token}")));
    let expires = chrono::DateTime::parse_from_rfc3339(made["expires_at"].as_str().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {made}"))
        .timestamp();
    assert!(
        (before + 30 * 86_400..=now() + 30 * 86_400).contains(&expires),
        "{made}"
    );

    // Another rep's customer, or another team's for a manager: as if missing.
    for (actor, customer) in [
        ("repa", "c-repb"),
        ("repa", "c-repa2"),
        ("mgr2", "c-repa"),
        ("repa", "no-such"),
    ] {
        let (status, body) = make_link(&app, actor, json!({"customer_id": customer})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{actor} {customer}: {body}");
        assert_eq!(body["error"], "not_found");
    }
    for (actor, customer) in [("mgr1", "c-repa2"), ("repa", "c-pool"), ("admin", "c-repb")] {
        let (status, body) = make_link(&app, actor, json!({"customer_id": customer})).await;
        assert_eq!(status, StatusCode::CREATED, "{actor} {customer}: {body}");
    }
    for (body, field) in [
        (json!({"customer_id": "c-repa", "scale": 7}), "scale"),
        (
            json!({"customer_id": "c-repa", "expires_in_days": 91}),
            "expires_in_days",
        ),
        (
            json!({"customer_id": "c-repa", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"customer_id": "c-repa", "order_id": "o-repb"}),
            "order_id",
        ),
        (json!({"customer_id": "c-repa", "colour": "red"}), "colour"),
        (json!({"scale": 5}), "customer_id"),
    ] {
        let (status, answer) = make_link(&app, "repa", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
    }

    // Two responses this month before the link's: one promoter (10), one
    // detractor (6): NPS = 1/2 − 1/2 = 0; no 1–5 answers, so no CSAT.
    let month = this_month();
    let first_day = format!("{month}-01");
    for (id, score) in [("sv-p", 10), ("sv-d", 6)] {
        let record = json!({"response_id": id, "customer_id": "c-pool", "score": score, "scale": 10, "responded_at": first_day});
        let (status, body) = app
            .call("POST", "/api/v1/surveys", Some("admin"), Some(&record))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let report = kpis(&app, &month).await;
    assert_close(&report["nps"], 0.0, "NPS before");
    assert_eq!(report["csat"], Value::Null);
    let stored = responses(&app).await;

    // The page: eleven scores, 0 to 10, in English.
    let page = survey(&app, "GET", &token, None, CUSTOMER_IP).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for score in 0..=10 {
        assert!(
            page.body
                .contains(&format!(r#"name="score" value="{score}""#)),
            "{score}"
        );
    }
    assert!(!page.body.contains(r#"value="11""#));
    assert!(page.body.contains("How likely are you to recommend us"));

    // 11 on the 0–10 scale: 422 naming the score, nothing written, still usable.
    let refused = survey(&app, "POST", &token, Some("score=11"), CUSTOMER_IP).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(r#"data-field="score""#),
        "{}",
        refused.body
    );
    assert_eq!(responses(&app).await, stored);
    let again = survey(&app, "GET", &token, None, CUSTOMER_IP).await;
    assert_eq!(again.status, StatusCode::OK);

    // 9 with a comment: one new response of c-repa, 9 on the 0–10 scale.
    let thanks = survey(
        &app,
        "POST",
        &token,
        Some("score=9&comment=%E5%BE%88%E5%A5%BD+thanks"),
        CUSTOMER_IP,
    )
    .await;
    assert_eq!(thanks.status, StatusCode::OK, "{}", thanks.body);
    assert!(thanks.body.contains("Thank you"), "{}", thanks.body);
    let after = responses(&app).await;
    let new: Vec<_> = after.iter().filter(|r| !stored.contains(r)).collect();
    assert_eq!(new.len(), 1, "{after:?}");
    let (id, customer, order, score, scale, comment) = new[0].clone();
    assert_eq!(
        (customer.as_deref(), order, score, scale, comment.as_deref()),
        (Some("c-repa"), None, 9, 10, Some("很好 thanks"))
    );
    let link = app
        .state
        .store
        .survey_link(&token_hash(&token))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the link is gone"));
    assert_eq!(link.response_id.as_deref(), Some(id.as_str()));
    let audit = app
        .state
        .store
        .audit_log(1)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (audit[0].actor.as_deref(), audit[0].entity.as_str()),
        (Some("survey-link"), "surveys")
    );

    // Now 2 promoters (10, 9) and 1 detractor (6) of 3: NPS = 2/3 − 1/3.
    let report = kpis(&app, &month).await;
    assert_close(&report["nps"], 1.0 / 3.0, "NPS after");
    assert_eq!(report["csat"], Value::Null);

    // A replay is answered like a token that never existed, and writes nothing.
    let unknown_token = new_token().unwrap_or_else(|e| panic!("{e}"));
    let unknown = survey(&app, "POST", &unknown_token, Some("score=9"), CUSTOMER_IP).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let replay = survey(&app, "POST", &token, Some("score=9"), CUSTOMER_IP).await;
    assert_eq!(replay, unknown);
    assert_eq!(responses(&app).await, after);
}

#[tokio::test]
async fn a_link_is_answered_once_and_counted_at_once() {
    a_link_is_answered_once_and_counted(Db::Sqlite).await;
}

#[tokio::test]
async fn a_link_is_answered_once_and_counted_at_once_on_postgres() {
    if crate::common::postgres_url().is_none() {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    }
    a_link_is_answered_once_and_counted(Db::Postgres).await;
}

#[tokio::test]
async fn unknown_expired_and_used_tokens_get_the_same_answer() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // Expired a second ago, made through the store.
    let expired = new_token().unwrap_or_else(|e| panic!("{e}"));
    app.state
        .store
        .create_survey_link(&SurveyLink {
            token_hash: token_hash(&expired),
            customer_id: "c-repa".into(),
            order_id: Some("o-repa".into()),
            scale: SurveyScale::Five,
            created_by: "repa".into(),
            created_at: now() - 86_400,
            expires_at: now() - 1,
            used_at: None,
            response_id: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let used = token_for(&app, "repa", "c-repa").await;
    let answered = survey(&app, "POST", &used, Some("score=0"), CUSTOMER_IP).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let count = responses(&app).await.len();

    let unknown = new_token().unwrap_or_else(|e| panic!("{e}"));
    let reference = survey(&app, "GET", &unknown, None, CUSTOMER_IP).await;
    assert_eq!(reference.status, StatusCode::NOT_FOUND);
    assert!(!reference.body.contains(&unknown));
    assert!(
        !reference
            .headers
            .iter()
            .any(|(name, _)| name == "set-cookie")
    );
    for token in [
        unknown.as_str(),
        expired.as_str(),
        used.as_str(),
        "not-a-token",
    ] {
        for (method, form) in [("GET", None), ("POST", Some("score=3&comment=x"))] {
            let answer = survey(&app, method, token, form, CUSTOMER_IP).await;
            assert_eq!(answer, reference, "{method} {token}");
        }
    }
    assert_eq!(responses(&app).await.len(), count);
}

#[tokio::test]
async fn an_address_gets_20_invalid_tokens_a_minute_and_others_are_unaffected() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let valid = token_for(&app, "repa", "c-repa").await;
    let mut statuses = Vec::new();
    for _ in 0..25 {
        let token = new_token().unwrap_or_else(|e| panic!("{e}"));
        let answer = survey(&app, "GET", &token, None, CUSTOMER_IP).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            let retry = answer
                .headers
                .iter()
                .find(|(name, _)| name == "retry-after")
                .and_then(|(_, value)| value.parse::<i64>().ok());
            assert!(retry.is_some_and(|s| (1..=60).contains(&s)), "{retry:?}");
        }
        statuses.push(answer.status.as_u16());
    }
    let not_found = statuses.iter().filter(|&&s| s == 404).count();
    assert!(not_found <= 20, "{statuses:?}");
    assert_eq!(statuses[..20], [404; 20], "{statuses:?}");
    assert_eq!(statuses[20..], [429; 5], "{statuses:?}");

    // The limited address is refused even a valid token; another is not.
    let limited = survey(&app, "GET", &valid, None, CUSTOMER_IP).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let other = [203, 0, 113, 9];
    let page = survey(&app, "GET", &valid, None, other).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let thanks = survey(&app, "POST", &valid, Some("score=10"), other).await;
    assert_eq!(thanks.status, StatusCode::OK, "{}", thanks.body);
}

#[tokio::test]
async fn survey_pages_send_no_referrer_no_cookie_and_no_script() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let token = token_for(&app, "mgr1", "c-repa2").await;
    let unknown = new_token().unwrap_or_else(|e| panic!("{e}"));
    let pages = [
        survey(&app, "GET", &token, None, CUSTOMER_IP).await,
        survey(&app, "POST", &token, Some("score=-1"), CUSTOMER_IP).await,
        survey(&app, "POST", &token, Some("score=7"), CUSTOMER_IP).await,
        survey(&app, "GET", &unknown, None, CUSTOMER_IP).await,
    ];
    let statuses: Vec<u16> = pages.iter().map(|p| p.status.as_u16()).collect();
    assert_eq!(statuses, [200, 422, 200, 404]);
    for page in &pages {
        let header = |name: &str| {
            page.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert!(header("content-security-policy").contains("script-src 'self'"));
        assert_eq!(header("content-type"), "text/html; charset=utf-8");
        assert_eq!(header("set-cookie"), "");
        assert!(!page.body.contains("<script"), "{}", page.body);
    }
}

#[tokio::test]
async fn a_staff_members_session_cookie_plays_no_part_on_the_survey_page() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let token = token_for(&app, "repa", "c-repa").await;
    // A forged session cookie and a stray API token: no CSRF check, no 401.
    let request = Request::builder()
        .method("POST")
        .uri(format!("/s/{token}"))
        .header("cookie", "__Host-salesboard_session=forged")
        .header("authorization", "Bearer not-a-real-token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("score=8"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, _, body) = app.send_from(CUSTOMER_IP, request).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        responses(&app)
            .await
            .iter()
            .filter(|r| r.1.as_deref() == Some("c-repa") && r.3 == 8)
            .count(),
        1
    );
}
