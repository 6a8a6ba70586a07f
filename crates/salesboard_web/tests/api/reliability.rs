//! Reliability rows 3, 4, 5 and 12: KPI totals against an independent SQL
//! computation over the permitted rows; revocation on the very next request;
//! mass assignment refused; GET requests change nothing.

use std::collections::HashMap;

use axum::http::StatusCode;
use rust_decimal::Decimal;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_domain::OrgTimeZone;
use salesboard_store::{Store, WriteContext};
use serde_json::{Value, json};
use sqlx::Row;

use crate::common::{Db, TestApp};

/// Row 3: every demo user's revenue through the API equals an independent
/// SQL sum over the order lines they may read (written with COALESCE, not
/// with the store's query), to the cent.
#[tokio::test]
async fn kpi_totals_equal_an_independent_sql_sum_over_the_permitted_rows() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let store = &app.state.store;
    let mut data = generate(&DemoConfig::new(4000, 11), &mut |_| {});
    for customer in data.customers.iter_mut().step_by(7) {
        customer.owner = None;
    }
    for order in data.orders.iter_mut().step_by(6) {
        order.owner = None;
    }
    store
        .write_dataset(&data, &WriteContext::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let zone = OrgTimeZone::default();
    let day = |y, m, d| {
        zone.start_of_day(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
            .unix_seconds()
    };
    let users = store
        .read_dataset()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .users;
    let mut checked = 0;
    for user in users.iter().filter(|u| {
        u.email
            .as_deref()
            .is_some_and(|e| e.ends_with("@demo.salesboard"))
    }) {
        let token = salesboard_app::auth::create_api_token(
            store,
            user.email.as_deref().unwrap_or(""),
            None,
            0,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let members: Vec<String> = match (user.role.to_string().as_str(), &user.team) {
            ("admin", _) => Vec::new(),
            ("manager", Some(team)) => users
                .iter()
                .filter(|u| u.team.as_ref() == Some(team))
                .map(|u| u.id.clone())
                .collect(),
            _ => vec![user.id.clone()],
        };
        for (period, from, to) in [
            ("2025", day(2025, 1, 1), day(2026, 1, 1)),
            ("2024-Q3", day(2024, 7, 1), day(2024, 10, 1)),
        ] {
            let mut sql = String::from(
                "SELECT COALESCE(SUM(l.unit_price_cents * l.quantity * (1000000 - l.discount_ppm)), 0) AS units \
                 FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id \
                 WHERE o.status <> 'cancelled' AND o.ordered_at >= ? AND o.ordered_at < ?",
            );
            if user.role.to_string() != "admin" {
                let list = members
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(",");
                sql.push_str(&format!(
                    " AND (COALESCE(o.owner_id, c.owner_id) IN ({list}) OR (o.owner_id IS NULL AND c.owner_id IS NULL))"
                ));
            }
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(from)
                .bind(to)
                .fetch_one(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let units: i64 = row.try_get("units").unwrap_or_else(|e| panic!("{e}"));
            // Units of 10⁻⁸; the spec rounds the sum to cents, half away from zero.
            let expected = (Decimal::from(units) / Decimal::from(100_000_000))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            let response = app
                .send(
                    axum::http::Request::builder()
                        .uri(format!("/api/v1/kpis?period={period}"))
                        .header("authorization", format!("Bearer {token}"))
                        .body(axum::body::Body::empty())
                        .unwrap_or_else(|e| panic!("{e}")),
                )
                .await;
            assert_eq!(response.0, StatusCode::OK);
            assert_eq!(
                response.1["revenue"],
                json!(format!("{expected:.2}")),
                "{} {period}",
                user.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}

/// Row 4: a hundred customers moved to another rep, a manager moved to the
/// other team: the very next request sees the new owners.
#[tokio::test]
async fn reassignments_and_team_moves_count_on_the_next_request() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mut ids = Vec::new();
    for n in 0..100 {
        let body = json!({"customer_id": format!("bulk-{n:03}"), "name": format!("Bulk {n}"), "created_at": "2024-05-01", "owner": "repa"});
        let (status, body) = app
            .call("POST", "/api/v1/customers", Some("admin"), Some(&body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(format!("bulk-{n:03}"));
    }
    for id in &ids {
        let (status, _) = app
            .call(
                "GET",
                &format!("/api/v1/customers/{id}"),
                Some("repa"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    for id in &ids {
        let (status, _) = app
            .call(
                "PATCH",
                &format!("/api/v1/customers/{id}"),
                Some("admin"),
                Some(&json!({"owner": "repb"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut leaks = 0;
    for id in &ids {
        let (status, _) = app
            .call(
                "GET",
                &format!("/api/v1/customers/{id}"),
                Some("repa"),
                None,
            )
            .await;
        if status != StatusCode::NOT_FOUND {
            leaks += 1;
        }
        let (status, _) = app
            .call(
                "PATCH",
                &format!("/api/v1/customers/{id}"),
                Some("repa"),
                Some(&json!({"industry": "x"})),
            )
            .await;
        if status != StatusCode::NOT_FOUND {
            leaks += 1;
        }
    }
    assert_eq!(leaks, 0);
    let (_, page) = app
        .call(
            "GET",
            "/api/v1/customers?per_page=500&q=bulk",
            Some("repa"),
            None,
        )
        .await;
    assert_eq!(page["total"], 0);

    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repa", Some("mgr1"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .call(
            "PATCH",
            "/api/v1/users/mgr1",
            Some("admin"),
            Some(&json!({"team": "T2"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repa", Some("mgr1"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the old team's customer");
    let (status, _) = app
        .call("GET", "/api/v1/customers/c-repb", Some("mgr1"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "the new team's customer");
}

/// Row 5: a rep's attempts to set owners, teams, roles, creators or targets,
/// in every combination, change nothing.
#[tokio::test]
async fn a_rep_cannot_assign_owners_roles_teams_or_targets() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let fields: [(&str, Value); 5] = [
        ("owner", json!("repb")),
        ("team_id", json!("T2")),
        ("role", json!("admin")),
        ("created_by", json!("admin")),
        ("owner_id", json!("repb")),
    ];
    let (_, before) = app
        .call("GET", "/api/v1/customers/c-repa", Some("admin"), None)
        .await;
    for mask in 1..(1u32 << fields.len()) {
        let mut body = serde_json::Map::new();
        for (bit, (name, value)) in fields.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                body.insert((*name).to_string(), value.clone());
            }
        }
        body.insert("industry".into(), json!("changed"));
        let (status, answer) = app
            .call(
                "PATCH",
                "/api/v1/customers/c-repa",
                Some("repa"),
                Some(&Value::Object(body.clone())),
            )
            .await;
        assert!(
            matches!(
                status,
                StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{body:?}: {status} {answer}"
        );
    }
    let (_, after) = app
        .call("GET", "/api/v1/customers/c-repa", Some("admin"), None)
        .await;
    assert_eq!(before, after, "nothing changed");
    let attempts = [
        ("/api/v1/users/repa", json!({"role": "admin"})),
        ("/api/v1/users/repa", json!({"team": "T2"})),
        (
            "/api/v1/targets/repa:2024-02:revenue",
            json!({"target": "1"}),
        ),
    ];
    for (path, body) in attempts {
        let (status, _) = app.call("PATCH", path, Some("repa"), Some(&body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} {body}");
    }
    let (_, me) = app
        .call("GET", "/api/v1/users/repa", Some("admin"), None)
        .await;
    assert_eq!(
        (me["role"].as_str(), me["team"].as_str()),
        (Some("rep"), Some("T1"))
    );
    let (_, target) = app
        .call(
            "GET",
            "/api/v1/targets/repa:2024-02:revenue",
            Some("admin"),
            None,
        )
        .await;
    assert_eq!(target["target"], "500.00");
}

/// Row 12: crawling every GET route as an admin writes nothing.
#[tokio::test]
async fn get_requests_change_nothing() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let version = app
        .state
        .store
        .change_version()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let counts = app
        .state
        .store
        .counts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: HashMap<&str, &str> = [
        ("customers", "c-repa"),
        ("contacts", "ct-repa"),
        ("deals", "d-repa"),
        ("orders", "o-repa"),
        ("payments", "pay-repa"),
        ("activities", "act-repa"),
        ("spend", "sp-1"),
        ("surveys", "sv-repa"),
        ("targets", "repa:2024-02:revenue"),
        ("users", "repa"),
        ("teams", "T1"),
        ("products", "P1"),
    ]
    .into();
    let mut crawled = 0;
    for route in salesboard_web::routes::routes()
        .into_iter()
        .filter(|r| r.method == "GET")
    {
        let kind = route
            .path
            .trim_start_matches("/api/v1/")
            .split('/')
            .next()
            .unwrap_or("");
        let id = ids.get(kind).copied().unwrap_or("none");
        let path = route
            .path
            .replace("{id}", id)
            .replace("{kpi}", "cac")
            .replace("{token}", "none");
        let query = if path.contains("kpis") || path.contains("dashboard") {
            "?period=2024"
        } else {
            ""
        };
        let (status, body) = app
            .call("GET", &format!("{path}{query}"), Some("admin"), None)
            .await;
        assert!(
            status.is_success() || status.is_redirection() || status == StatusCode::NOT_FOUND,
            "{path}: {status} {body}"
        );
        crawled += 1;
    }
    assert!(crawled > 25, "{crawled}");
    assert_eq!(
        app.state.store.change_version().await.unwrap_or_default(),
        version
    );
    assert_eq!(
        app.state
            .store
            .counts()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        counts
    );
}
