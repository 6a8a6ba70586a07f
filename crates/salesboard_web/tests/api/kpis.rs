//! KPIs through the API: each caller's numbers cover exactly the records
//! they may read (checked by hand and against the reference functions, with
//! breakdowns and filters), and a write is reflected by the very next
//! request.

use std::collections::HashSet;

use salesboard_domain::Period;
use salesboard_domain::kpi::{self, Dimension, KpiInput};
use salesboard_store::{Store, WriteContext};
use serde_json::{Value, json};

use crate::common::{Db, TestApp};

async fn revenue(app: &TestApp, actor: &str, period: &str) -> String {
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/v1/kpis?period={period}"),
            Some(actor),
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    body["revenue"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn each_caller_gets_the_revenue_of_the_orders_they_may_read() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // orders.csv: o-repa 3 × 100.00; o-repa2 5 × 100.00 less 10 %; o-repb
    // 7 × 100.00; o-mgr1 1 × 100.00; o-mgr2 2 × 100.00.
    assert_eq!(revenue(&app, "repa", "2024").await, "300.00");
    assert_eq!(revenue(&app, "repb", "2024").await, "700.00");
    assert_eq!(revenue(&app, "mgr1", "2024").await, "850.00");
    assert_eq!(revenue(&app, "mgr2", "2024").await, "900.00");
    assert_eq!(revenue(&app, "admin", "2024").await, "1750.00");
}

/// A breakdown and filters.
type Question = (Option<Dimension>, &'static [(Dimension, &'static str)]);

#[tokio::test]
async fn a_reps_kpis_equal_the_reference_over_only_their_records() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let store = &app.state.store;
    let all = store.read_dataset().await.unwrap_or_else(|e| panic!("{e}"));
    // repa's records, by the fixture's ownership: theirs, and the pool's.
    let customers: HashSet<&str> = ["c-repa", "c-pool"].into();
    let mut mine = all.clone();
    mine.users.retain(|u| u.id == "repa");
    mine.customers.retain(|c| customers.contains(c.id.as_str()));
    mine.contacts
        .retain(|c| customers.contains(c.customer_id.as_str()));
    mine.deals
        .retain(|d| ["d-repa", "d-pool"].contains(&d.id.as_str()));
    mine.orders.retain(|o| o.id == "o-repa");
    mine.payments.retain(|p| p.order_id == "o-repa");
    mine.activities
        .retain(|a| ["act-repa", "act-pool"].contains(&a.id.as_str()));
    mine.surveys.retain(|s| s.id == "sv-repa");
    mine.spend.clear();
    mine.targets
        .retain(|t| t.owner == "repa" || t.owner == "T1");
    let stage_changes = store
        .stage_changes()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter(|c| mine.deals.iter().any(|d| d.id == c.deal_id))
        .collect();
    let input = KpiInput {
        dataset: mine,
        stage_changes,
        time_zone: Default::default(),
        customer_lifespan_years: None,
    };
    let stages = salesboard_app::kpi::stage_order(store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Breakdowns and filters (answered by the rep's engine) too.
    let questions: [Question; 6] = [
        (None, &[]),
        (Some(Dimension::Month), &[]),
        (Some(Dimension::Rep), &[]),
        (Some(Dimension::Segment), &[(Dimension::Rep, "repa")]),
        (Some(Dimension::Product), &[(Dimension::Channel, "")]),
        (Some(Dimension::Week), &[(Dimension::Segment, "new")]),
    ];
    for period in ["2024", "2024-Q1", "2024-02"] {
        let parsed = Period::parse(period).unwrap_or_else(|e| panic!("{e}"));
        for (by, filters) in questions {
            let filters: Vec<(Dimension, String)> =
                filters.iter().map(|(d, v)| (*d, v.to_string())).collect();
            let expected = kpi::kpi_report(&input, parsed, &stages, by, &filters)
                .unwrap_or_else(|e| panic!("{e}"));
            let mut query = format!("period={period}");
            if let Some(by) = by {
                query.push_str(&format!("&by={by}"));
            }
            for (dimension, value) in &filters {
                query.push_str(&format!("&filter={dimension}={value}"));
            }
            let (_, got) = app
                .call("GET", &format!("/api/v1/kpis?{query}"), Some("repa"), None)
                .await;
            assert_eq!(
                got,
                serde_json::to_value(&expected).unwrap_or(Value::Null),
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn the_next_request_reflects_a_write_from_the_api_or_from_elsewhere() {
    let app = TestApp::spawn(Db::Sqlite).await;
    assert_eq!(revenue(&app, "admin", "2024").await, "1750.00");
    let order = json!({"customer_id": "c-repa", "ordered_at": "2024-05-01 10:00", "lines": [{"sku": "P1", "unit_price": "12.34", "quantity": 10}]});
    let (status, body) = app
        .call("POST", "/api/v1/orders", Some("repa"), Some(&order))
        .await;
    assert_eq!(status.as_u16(), 201, "{body}");
    assert_eq!(revenue(&app, "admin", "2024").await, "1873.40");
    assert_eq!(revenue(&app, "repa", "2024").await, "423.40");
    // A write that does not go through this server (another process, the CLI).
    let mut data = salesboard_domain::Dataset::default();
    let mut extra = app
        .state
        .store
        .read_dataset()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    extra.orders.retain(|o| o.id == "o-repb");
    if let Some(mut copy) = extra.orders.pop() {
        copy.id = "o-copy".into();
        data.orders.push(copy);
    }
    app.state
        .store
        .write_dataset(&data, &WriteContext::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(revenue(&app, "admin", "2024").await, "2573.40");
}

#[tokio::test]
async fn the_dashboard_has_the_kpis_the_trend_and_the_top_products() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, body) = app
        .call("GET", "/api/v1/dashboard?period=2024", Some("mgr1"), None)
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["kpis"]["revenue"], "850.00");
    let months = body["monthly_revenue"].as_array().map(Vec::len);
    assert_eq!(months, Some(12));
    assert_eq!(body["monthly_revenue"][1]["revenue"], "850.00", "February");
    assert_eq!(body["top_products"][0]["key"], "P1");
}

#[tokio::test]
async fn explain_shows_the_records_behind_a_reps_revenue_and_no_others() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, body) = app
        .call(
            "GET",
            "/api/v1/kpis/explain/revenue?period=2024",
            Some("repa"),
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let text = body.to_string();
    assert!(text.contains("o-repa"), "{text}");
    for foreign in ["o-repa2", "o-repb", "o-mgr1"] {
        assert!(
            !text.contains(&format!("\"{foreign}\"")),
            "{foreign} leaked: {text}"
        );
    }
}

#[tokio::test]
async fn bad_kpi_requests_name_the_parameter() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (status, body) = app
        .call("GET", "/api/v1/kpis?period=2024-13", Some("admin"), None)
        .await;
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["field"], "period");
}
