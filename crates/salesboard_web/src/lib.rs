//! The web server: the JSON API under `/api/v1` (with its OpenAPI document),
//! the HTML pages and their embedded assets, sessions and API tokens,
//! security headers, and readiness. Handlers only
//! call `salesboard_app`; the policy is applied there.

pub mod api;
pub mod auth;
pub mod error;
pub mod messages;
pub mod openapi;
pub mod pages;
pub mod routes;
pub mod security;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post};
use salesboard_app::AppStore;
use salesboard_app::auth::{AddressLimiter, LoginLimiter};
use salesboard_app::kpi_serving::KpiCache;
use salesboard_app::webhooks::{self, WebhookEvent};
use serde_json::{Map, Value, json};
use tokio::sync::{Mutex, Notify};
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::api::import_jobs::ImportJobs;
use crate::api::imports::MAX_UPLOAD_BYTES;
use crate::error::ApiError;
use crate::routes::{Endpoint, routes};

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: AppStore,
    /// The KPI engine, kept current.
    pub kpis: Arc<KpiCache>,
    /// Login attempts, per address and per account.
    pub limiter: Arc<LoginLimiter>,
    /// Invalid survey link tokens, per address.
    pub survey_limiter: Arc<AddressLimiter>,
    /// Imports started through the API.
    pub imports: ImportJobs,
    /// Whether start-up (migrations, the KPI engine) is done.
    pub ready: Arc<AtomicBool>,
    /// Wakes the webhook dispatcher when deliveries are queued.
    pub webhook_wake: Arc<Notify>,
    /// One setup at a time, so two visitors cannot both make the first admin.
    pub setup_lock: Arc<Mutex<()>>,
}

impl AppState {
    /// A state over an opened (migrated) store; not ready until [`AppState::warm_up`].
    pub fn new(store: AppStore) -> Self {
        AppState {
            store,
            kpis: Arc::new(KpiCache::new()),
            limiter: Arc::new(LoginLimiter::default()),
            survey_limiter: Arc::new(salesboard_app::surveys::invalid_token_limiter()),
            imports: ImportJobs::default(),
            ready: Arc::new(AtomicBool::new(false)),
            webhook_wake: Arc::new(Notify::new()),
            setup_lock: Arc::new(Mutex::new(())),
        }
    }

    /// Builds the KPI engine, then reports ready.
    pub async fn warm_up(&self) -> Result<(), salesboard_app::kpi::KpiError> {
        self.kpis.current(&self.store).await?;
        self.ready.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// A record changed through the API: queue the webhooks that want it.
    /// The change is committed already; a failure here is logged, not undone.
    pub(crate) async fn changed(&self, kind: &str, event: &str, record: &Map<String, Value>) {
        let id = salesboard_store::records::kind_named(kind)
            .and_then(|k| record.get(k.key_field().name))
            .and_then(Value::as_str)
            .map(str::to_string);
        let event = WebhookEvent {
            event: event.to_string(),
            entity: kind.to_string(),
            id,
            at: salesboard_domain::Timestamp::now().unix_seconds(),
            data: Value::Object(record.clone()),
        };
        match webhooks::notify(&self.store, &event).await {
            Ok(0) => {}
            Ok(_) => self.webhook_wake.notify_one(),
            Err(error) => tracing::error!(%error, "webhook deliveries could not be queued"),
        }
    }

    /// An import through the API finished: a `record.updated` event on
    /// `imports`, with its outcome.
    pub(crate) async fn imported(&self, outcome: Value) {
        let mut record = Map::new();
        record.insert("import".into(), outcome);
        self.changed("imports", "record.updated", &record).await;
    }

    /// Checks for KPI alerts at once and then every ten minutes, queuing their
    /// webhooks, until `shutdown` resolves (see `salesboard_app::alerts`).
    pub async fn run_alerts(&self, shutdown: impl std::future::Future<Output = ()>) {
        salesboard_app::alerts::run_checks(&self.store, &self.kpis, &self.webhook_wake, shutdown)
            .await
    }

    /// Sends queued webhook deliveries until `shutdown` resolves.
    pub async fn run_webhooks(&self, shutdown: impl std::future::Future<Output = ()>) {
        match webhooks::http_client() {
            Ok(client) => {
                webhooks::run_dispatcher(&self.store, &client, &self.webhook_wake, shutdown).await
            }
            Err(error) => tracing::error!(%error, "webhooks are off: no HTTP client"),
        }
    }
}

async fn health(State(app): State<AppState>) -> Response {
    if app.ready.load(Ordering::SeqCst) {
        Json(json!({"status": "ready"})).into_response()
    } else {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "starting",
            "migrations or the KPI engine are still loading",
        )
        .into_response()
    }
}

async fn openapi_document() -> Response {
    Json(openapi::document()).into_response()
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such route")
}

fn handler(endpoint: Endpoint) -> MethodRouter<AppState> {
    use api::{admin, alerts, exports, imports, kpis, records, survey_links, webhooks};
    match endpoint {
        Endpoint::Health => get(health),
        Endpoint::OpenApi => get(openapi_document),
        Endpoint::Login => post(auth::login),
        Endpoint::Logout => post(auth::logout),
        Endpoint::Me => get(auth::me),
        Endpoint::MeUpdate => patch(auth::update_me),
        Endpoint::List(kind) => get(move |s, c, q| records::list(kind, s, c, q)),
        Endpoint::Export(kind) => get(move |s, c, q| exports::export_records(kind, s, c, q)),
        Endpoint::Get(kind) => get(move |s, c, p| records::get(kind, s, c, p)),
        Endpoint::Create(kind) => post(move |s, c, b| records::create(kind, s, c, b)),
        Endpoint::Update(kind) => patch(move |s, c, p, b| records::update(kind, s, c, p, b)),
        Endpoint::Delete(kind) => delete(move |s, c, p| records::delete(kind, s, c, p)),
        Endpoint::Kpis => get(kpis::report),
        Endpoint::KpisExport => get(exports::export_kpis),
        Endpoint::Explain => get(kpis::explain),
        Endpoint::Dashboard => get(kpis::dashboard),
        Endpoint::ImportUpload => post(imports::upload),
        Endpoint::ImportPreview => post(imports::preview),
        Endpoint::ImportStatus => get(imports::status),
        Endpoint::ImportRejected => get(imports::rejected),
        Endpoint::Audit => get(admin::audit),
        Endpoint::Alerts => get(alerts::list),
        Endpoint::WebhookList => get(webhooks::list),
        Endpoint::WebhookCreate => post(webhooks::create),
        Endpoint::WebhookGet => get(webhooks::get),
        Endpoint::WebhookDelete => delete(webhooks::delete),
        Endpoint::WebhookDeliveries => get(webhooks::deliveries),
        Endpoint::SurveyLinkCreate => post(survey_links::create),
        Endpoint::SurveyPage => get(pages::survey::show),
        Endpoint::SurveyAnswer => post(pages::survey::answer),
        Endpoint::LoginPage => get(pages::login),
        Endpoint::SetupPage => get(pages::setup),
        Endpoint::Setup => post(auth::setup),
        Endpoint::DashboardPage => get(pages::dashboard),
        Endpoint::ExplainPage => get(pages::explain),
        Endpoint::ImportPage => get(pages::import::page),
        Endpoint::Asset => get(pages::assets::serve),
        Endpoint::ListPage(kind) => {
            get(move |s, c, h, q| pages::records::list_page(kind, s, c, h, q))
        }
        Endpoint::RecordPage(kind) => {
            get(move |s, c, h, p, q| pages::records::record_page(kind, s, c, h, p, q))
        }
        Endpoint::NewRecordPage(kind) => {
            get(move |s, c, h, q| pages::records::new_page(kind, s, c, h, q))
        }
        Endpoint::PoolPage => get(pages::records::pool_page),
        Endpoint::PipelinePage => get(pages::records::pipeline_page),
    }
}

/// The whole application: every route of [`routes::routes`], with
/// authentication, security headers and request logs.
pub fn router(state: AppState) -> Router {
    let mut by_path: Vec<(String, MethodRouter<AppState>)> = Vec::new();
    for route in routes() {
        let method_router = handler(route.endpoint);
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(method_router),
            None => by_path.push((route.path.clone(), method_router)),
        }
    }
    let mut router = Router::new();
    for (path, method_router) in by_path {
        router = router.route(&path, method_router);
    }
    router
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(messages::localize_api_errors))
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
