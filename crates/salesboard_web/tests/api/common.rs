//! A test application: its own database holding the matrix fixture (two
//! teams, six users, records owned by each and some in the public pool),
//! an API token per user, and requests sent in-process.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode};
use salesboard_app::import::{ImportRequest, run_import};
use salesboard_app::{AppStore, open_store};
use salesboard_web::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

/// The users of the fixture: id, e-mail, role, team.
pub const USERS: [(&str, &str, &str, Option<&str>); 6] = [
    ("admin", "admin@example.com", "admin", None),
    ("mgr1", "mgr1@example.com", "manager", Some("T1")),
    ("repa", "repa@example.com", "rep", Some("T1")),
    ("repa2", "repa2@example.com", "rep", Some("T1")),
    ("mgr2", "mgr2@example.com", "manager", Some("T2")),
    ("repb", "repb@example.com", "rep", Some("T2")),
];

/// The password every fixture user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running application over its own database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub tokens: HashMap<&'static str, String>,
    _dir: Option<tempfile::TempDir>,
}

/// Which database the test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The PostgreSQL URL of the test server, if set.
pub fn postgres_url() -> Option<String> {
    std::env::var("SALESBOARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

async fn open(db: Db) -> (AppStore, Option<tempfile::TempDir>) {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let store = open_store(&dir.path().join("t.db").display().to_string())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            (store, Some(dir))
        }
        Db::Postgres => {
            let url = postgres_url().unwrap_or_else(|| panic!("no PostgreSQL URL"));
            let scratch = salesboard_store_postgres::create_scratch_schema(&url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let store = open_store(&scratch).await.unwrap_or_else(|e| panic!("{e}"));
            (store, None)
        }
    }
}

impl TestApp {
    /// A new application holding the matrix fixture, with a token per user.
    pub async fn spawn(db: Db) -> TestApp {
        let (store, dir) = open(db).await;
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/matrix");
        let request = ImportRequest {
            paths: vec![fixture],
            ..ImportRequest::default()
        };
        run_import(&store, &request, &mut |_| {})
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut tokens = HashMap::new();
        for (id, email, _, _) in USERS {
            let hash =
                salesboard_app::users::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
            salesboard_store::Store::set_password_hash(&store, id, &hash)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let token = salesboard_app::auth::create_api_token(&store, email, Some("test"), now())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            tokens.insert(id, token);
        }
        let state = AppState::new(store);
        state.warm_up().await.unwrap_or_else(|e| panic!("{e}"));
        let router =
            router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        TestApp {
            router,
            state,
            tokens,
            _dir: dir,
        }
    }

    /// An application over a prepared state (no fixture, no tokens).
    pub async fn over(state: AppState) -> TestApp {
        let router =
            router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        TestApp {
            router,
            state,
            tokens: HashMap::new(),
            _dir: None,
        }
    }

    /// Sends a request as `actor` (`None`: anonymous) with a JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        actor: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        self.call_with_headers(method, path, actor, body, &[]).await
    }

    /// [`TestApp::call`] with extra request headers.
    pub async fn call_with_headers(
        &self,
        method: &str,
        path: &str,
        actor: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(actor) = actor {
            let token = self
                .tokens
                .get(actor)
                .unwrap_or_else(|| panic!("no token for {actor}"));
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                builder = builder.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let request = builder.body(body).unwrap_or_else(|e| panic!("{e}"));
        self.send(request).await
    }

    /// Polls the import job `started` (the answer to its upload) as the
    /// admin until it is no longer running, and returns it.
    pub async fn finished_import(&self, started: &Value) -> Value {
        let id = started["id"].as_str().unwrap_or_default();
        for _ in 0..500 {
            let (_, job) = self
                .call("GET", &format!("/api/v1/imports/{id}"), Some("admin"), None)
                .await;
            if job["status"] != "running" {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the import did not finish")
    }

    /// Gets a page as `actor` (`None`: anonymous): its status and text.
    pub async fn page(&self, path: &str, actor: Option<&str>) -> (StatusCode, String) {
        let mut builder = Request::builder().method("GET").uri(path);
        if let Some(actor) = actor {
            builder = builder.header("authorization", format!("Bearer {}", self.tokens[actor]));
        }
        let request = builder
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        let (status, _, body) = self.send_raw(request).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// GETs `path` as `actor`; the status and the body's bytes.
    pub async fn download(&self, path: &str, actor: &str) -> (StatusCode, Vec<u8>) {
        let (status, _, bytes) = self.download_with_headers(path, actor).await;
        (status, bytes)
    }

    /// GETs `path` as `actor`; the status, headers and body bytes.
    pub async fn download_with_headers(
        &self,
        path: &str,
        actor: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let token = self
            .tokens
            .get(actor)
            .unwrap_or_else(|| panic!("no token for {actor}"));
        let request = Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        self.send_raw(request).await
    }

    /// Sends a prepared request.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send_raw(request).await;
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, json)
    }

    /// Sends a prepared request from the address `ip`.
    pub async fn send_from(
        &self,
        ip: [u8; 4],
        mut request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(SocketAddr::from((ip, 40000))));
        let response = router(self.state.clone())
            .oneshot(request)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (status, headers, bytes.to_vec())
    }

    /// Sends a prepared request; the status, headers and body bytes.
    pub async fn send_raw(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (status, headers, bytes.to_vec())
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    salesboard_domain::Timestamp::now().unix_seconds()
}
