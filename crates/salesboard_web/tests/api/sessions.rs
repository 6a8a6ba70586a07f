//! Logging in and out, cookies, CSRF, revocation and login rate limiting,
//! through the real router.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{Db, PASSWORD, TestApp};

fn login_request(email: &str, password: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/api/v1/login")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Logs in; the cookie pair (`name=value`) and the CSRF token.
async fn log_in(app: &TestApp, email: &str) -> (String, String, String) {
    let (status, headers, body) = app
        .send_from([10, 0, 0, 1], login_request(email, PASSWORD))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let set_cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no cookie"))
        .to_string();
    let pair = set_cookie.split(';').next().unwrap_or_default().to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_string();
    (set_cookie, pair, csrf)
}

fn with_cookie(
    method: &str,
    uri: &str,
    cookie: &str,
    extra: &[(&str, &str)],
    body: Option<Value>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "localhost");
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    builder.body(body).unwrap_or_else(|e| panic!("{e}"))
}

async fn customer_count(app: &TestApp) -> i64 {
    let (_, body) = app
        .call("GET", "/api/v1/customers?per_page=1", Some("admin"), None)
        .await;
    body["total"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn the_session_cookie_has_every_protective_flag() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (set_cookie, _, csrf) = log_in(&app, "repa@example.com").await;
    assert!(
        set_cookie.starts_with("__Host-salesboard_session="),
        "{set_cookie}"
    );
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(flag), "{flag} missing: {set_cookie}");
    }
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "{set_cookie}"
    );
    let value = set_cookie
        .split(';')
        .next()
        .unwrap_or_default()
        .split('=')
        .nth(1)
        .unwrap_or_default();
    assert!(value.len() >= 32, "a token of at least 128 bits: {value}");
    assert!(csrf.len() >= 32, "{csrf}");
}

#[tokio::test]
async fn state_changes_with_the_cookie_need_the_csrf_token_and_the_same_site() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (_, cookie, csrf) = log_in(&app, "repa@example.com").await;
    let before = customer_count(&app).await;
    let body = json!({"name": "Via cookie", "created_at": "2024-03-01"});
    let refused = [
        vec![],
        vec![("x-csrf-token", "wrong")],
        vec![
            ("x-csrf-token", csrf.as_str()),
            ("sec-fetch-site", "cross-site"),
        ],
        vec![
            ("x-csrf-token", csrf.as_str()),
            ("origin", "https://evil.example"),
        ],
    ];
    for headers in refused {
        let (status, _, _) = app
            .send_from(
                [10, 0, 0, 1],
                with_cookie(
                    "POST",
                    "/api/v1/customers",
                    &cookie,
                    &headers,
                    Some(body.clone()),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(
        customer_count(&app).await,
        before,
        "no refused request wrote anything"
    );
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie(
                "POST",
                "/api/v1/customers",
                &cookie,
                &[("x-csrf-token", &csrf), ("origin", "http://localhost")],
                Some(body),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(customer_count(&app).await, before + 1);
}

#[tokio::test]
async fn logging_out_ends_the_session_and_a_new_login_gets_a_new_token() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (_, first, csrf) = log_in(&app, "repa@example.com").await;
    let (_, second, _) = log_in(&app, "repa@example.com").await;
    assert_ne!(first, second, "every login makes a new session");
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie("GET", "/api/v1/me", &first, &[], None),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie(
                "POST",
                "/api/v1/logout",
                &first,
                &[("x-csrf-token", &csrf)],
                None,
            ),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie("GET", "/api/v1/me", &first, &[], None),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the logged-out cookie is dead"
    );
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie("GET", "/api/v1/me", &second, &[], None),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the other session lives on");
}

#[tokio::test]
async fn a_deactivated_user_is_out_on_the_next_request() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (_, cookie, _) = log_in(&app, "repa2@example.com").await;
    let (status, _) = app
        .call("GET", "/api/v1/customers", Some("repa2"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    salesboard_app::auth::set_active_by_email(&app.state.store, "repa2@example.com", false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, _, _) = app
        .send_from(
            [10, 0, 0, 1],
            with_cookie("GET", "/api/v1/me", &cookie, &[], None),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session");
    let (status, _) = app
        .call("GET", "/api/v1/customers", Some("repa2"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the API token");
}

#[tokio::test]
async fn moving_a_customer_to_another_rep_takes_effect_on_the_next_request() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repa", Some("repa"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .call(
            "PATCH",
            "/api/v1/customers/c-repa",
            Some("admin"),
            Some(&json!({"owner": "repb"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repa", Some("repa"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repa", Some("repb"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_hundred_bad_logins_are_mostly_refused_and_the_real_user_still_gets_in() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mut limited = 0;
    for _ in 0..100 {
        let (status, _, _) = app
            .send_from(
                [192, 0, 2, 7],
                login_request("repa@example.com", "wrong password 1"),
            )
            .await;
        match status {
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            StatusCode::UNAUTHORIZED => {}
            other => panic!("{other}"),
        }
    }
    assert!(limited >= 90, "{limited} of 100 answered 429");
    let (status, _, body) = app
        .send_from([10, 0, 0, 9], login_request("repa@example.com", PASSWORD))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_with_the_minimum_cost() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let hash = salesboard_store::Store::password_hash(&app.state.store, "repa")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn the_first_admin_is_made_once_on_an_empty_database() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = salesboard_app::open_store(&dir.path().join("new.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let state = salesboard_web::AppState::new(store);
    let app = crate::common::TestApp::over(state).await;
    let page = |uri: &str| {
        Request::builder()
            .uri(uri)
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (status, headers, _) = app.send_from([10, 0, 0, 1], page("/login")).await;
    assert_eq!(
        (
            status,
            headers.get("location").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::SEE_OTHER, Some("/setup"))
    );
    let (status, _, html) = app.send_from([10, 0, 0, 1], page("/setup")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&html).contains("setup-form"));
    let setup = |password: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/v1/setup")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"email": "boss@example.com", "name": "Boss", "password": password})
                    .to_string(),
            ))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (status, _, body) = app.send_from([10, 0, 0, 1], setup("short")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, body) = app
        .send_from([10, 0, 0, 1], setup("a fine first password"))
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, _) = app
        .send_from([10, 0, 0, 1], setup("another fine password"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "only once");
    let (status, _, _) = app.send_from([10, 0, 0, 1], page("/setup")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the setup page is closed");
    let (status, _, body) = app
        .send_from(
            [10, 0, 0, 1],
            login_request("boss@example.com", "a fine first password"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let me: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(me["role"], "admin");
}
