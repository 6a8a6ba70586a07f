//! KPI alerts end to end, on SQLite and PostgreSQL: a company whose weekly
//! revenue is 1000 four times and then 500 gets one `revenue` alert from the
//! check, once; `GET /api/v1/alerts` lists it for managers and admins; a
//! subscribed webhook has its `kpi.alert` delivery queued.

use std::collections::HashMap;

use axum::http::StatusCode;
use salesboard_app::kpi_serving::KpiCache;
use salesboard_app::{AppStore, open_store};
use salesboard_domain::Timestamp;
use salesboard_store::{AlertStore, KpiAlert, Store, Webhook, WebhookStore};
use salesboard_web::AppState;
use serde_json::json;

use crate::common::{Db, TestApp, now, postgres_url};

/// Weekly revenue (Asia/Shanghai) of ISO 2024-W06 … W09: 1000 each; W10:
/// 500 (its last order on Sunday 23:30); 700 on Monday 00:10 of W11. The
/// customer's first order is in January, so no week has a new customer.
const FILES: [(&str, &str); 4] = [
    (
        "users.csv",
        "user_id,name,email,role,team\nu-admin,Wang Fang,admin@example.com,admin,\n\
         u-mgr,Li Na,mgr@example.com,manager,T1\nu-rep,Zhao Lei,rep@example.com,rep,T1\n",
    ),
    (
        "customers.csv",
        "customer_id,name,kind,industry,region,channel,owner,created_at,first_contact_at\n\
         c1,Hangzhou Tea Co,company,Food,East,search,u-rep,2024-01-02 09:00,2024-01-02 09:00\n",
    ),
    (
        "products.csv",
        "sku,name,category,unit_price,unit_cost\nP1,Seat,Software,100.00,10.00\n",
    ),
    (
        "orders.csv",
        "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity,discount,status,deal_id\n\
         o0,c1,u-rep,2024-01-02 10:00,P1,100.00,1,0,completed,\n\
         o6,c1,u-rep,2024-02-05 00:00,P1,1000.00,1,0,completed,\n\
         o7,c1,u-rep,2024-02-14 12:00,P1,1000.00,1,0,completed,\n\
         o8,c1,u-rep,2024-02-25 23:30,P1,1000.00,1,0,completed,\n\
         o9,c1,u-rep,2024-02-26 00:10,P1,1000.00,1,0,completed,\n\
         o10,c1,u-rep,2024-03-10 23:30,P1,500.00,1,0,completed,\n\
         o11,c1,u-rep,2024-03-11 00:10,P1,700.00,1,0,completed,\n",
    ),
];

async fn company(db: Db) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store: AppStore = match db {
        Db::Sqlite => open_store(&dir.path().join("alerts.db").display().to_string()).await,
        Db::Postgres => {
            let url = postgres_url().unwrap_or_else(|| panic!("no PostgreSQL URL"));
            let scratch = salesboard_store_postgres::create_scratch_schema(&url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            open_store(&scratch).await
        }
    }
    .unwrap_or_else(|e| panic!("{e}"));
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in FILES {
        std::fs::write(files.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let request = salesboard_app::import::ImportRequest {
        paths: vec![files],
        ..Default::default()
    };
    salesboard_app::import::run_import(&store, &request, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tokens = HashMap::new();
    for (id, email) in [
        ("admin", "admin@example.com"),
        ("mgr", "mgr@example.com"),
        ("rep", "rep@example.com"),
    ] {
        let user = format!("u-{id}");
        let hash = salesboard_app::users::hash_password("correct horse battery staple")
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .set_password_hash(&user, &hash)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = salesboard_app::auth::create_api_token(&store, email, Some("test"), now())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        tokens.insert(id, token);
    }
    let mut app = TestApp::over(AppState::new(store)).await;
    app.tokens = tokens;
    (app, dir)
}

async fn alerts_end_to_end(db: Db) {
    let (app, _dir) = company(db).await;
    let store = &app.state.store;
    store
        .create_webhook(&Webhook {
            id: "wh-kpi".into(),
            url: "https://example.com/kpi".into(),
            secret: "s".into(),
            events: vec!["kpi.alert".into()],
            active: true,
            created_at: 1,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Monday 2024-03-11 09:00 in Shanghai, 01:00 UTC.
    let monday = Timestamp::from_unix_seconds(1_710_118_800);
    let cache = KpiCache::new();
    let first = salesboard_app::alerts::check(store, &cache, monday)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = KpiAlert {
        kpi: "revenue".into(),
        week: "2024-W10".into(),
        value: "500.00".into(),
        baseline: "1000.00".into(),
        change_percent: "-50.00".into(),
        raised_at: 1_710_118_800,
    };
    assert_eq!(first.raised, vec![expected.clone()]);
    assert_eq!(first.deliveries, 1);
    let later = Timestamp::from_unix_seconds(1_710_118_800 + 600);
    let again = salesboard_app::alerts::check(store, &cache, later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.raised.len(), again.deliveries), (0, 0));

    let deliveries = store
        .deliveries("wh-kpi", 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deliveries.len(), 1);
    let payload: serde_json::Value =
        serde_json::from_str(&deliveries[0].payload).unwrap_or_else(|e| panic!("{e}"));
    let item = json!({"kpi": "revenue", "week": "2024-W10", "value": "500.00",
        "baseline": "1000.00", "change_percent": "-50.00", "raised_at": 1_710_118_800});
    assert_eq!(payload["event"], "kpi.alert");
    assert_eq!(payload["data"], item);

    // An older alert, stored directly, is listed after the new one.
    let older = KpiAlert {
        kpi: "orders".into(),
        week: "2024-W09".into(),
        raised_at: 1_709_500_000,
        ..expected
    };
    store
        .raise_alert(&older, "{}")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for actor in ["admin", "mgr"] {
        let (status, body) = app.call("GET", "/api/v1/alerts", Some(actor), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["items"][0], item, "{actor}");
        assert_eq!(body["items"][1]["week"], "2024-W09", "{actor}");
        assert_eq!(body["items"].as_array().map(Vec::len), Some(2));
    }
    let (status, body) = app
        .call("GET", "/api/v1/alerts?limit=1", Some("mgr"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    for bad in ["limit=0", "limit=1001", "limit=x", "since=1"] {
        let (status, body) = app
            .call("GET", &format!("/api/v1/alerts?{bad}"), Some("admin"), None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"], "invalid", "{body}");
    }
    let (status, body) = app.call("GET", "/api/v1/alerts", Some("rep"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = app.call("GET", "/api/v1/alerts", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_halved_week_of_revenue_is_alerted_once_listed_and_sent() {
    alerts_end_to_end(Db::Sqlite).await;
}

#[tokio::test]
async fn a_halved_week_of_revenue_is_alerted_once_listed_and_sent_on_postgres() {
    if postgres_url().is_none() {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    }
    alerts_end_to_end(Db::Postgres).await;
}
