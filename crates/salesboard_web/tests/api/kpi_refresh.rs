//! The KPI engine is kept current by reading again only what each write
//! changed: after every kind of write (API creates, updates and deletes of
//! every kind of record, a stage move, a deleted customer's contacts, a
//! setting, an uploaded import that changes an order's lines, a write from
//! another process), the patched records equal a full read of the store,
//! the engine over them equals one built from scratch, and the API answers
//! the reference's numbers. On SQLite and PostgreSQL.

use std::ops::RangeInclusive;

use axum::http::StatusCode;
use salesboard_analytics::Engine;
use salesboard_app::kpi::{kpi_input, stage_order};
use salesboard_app::kpi_refresh::Refresh;
use salesboard_domain::Period;
use salesboard_domain::kpi;
use salesboard_store::{Store, WriteContext};
use serde_json::{Value, json};

use crate::common::{Db, TestApp, postgres_url};

/// The snapshot after a write was patched (reading `records` records again), its
/// records equal a full read, its engine one built anew, and the API's
/// report the reference's.
async fn check(app: &TestApp, step: &str, records: RangeInclusive<usize>) {
    let store = &app.state.store;
    let snapshot = app
        .state
        .kpis
        .current(store)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    match snapshot.refresh {
        Refresh::Patched { records: read, .. } => {
            assert!(records.contains(&read), "{step}: {read} records read again")
        }
        Refresh::Full => panic!("{step}: every record was read again"),
    }
    let fresh = kpi_input(store)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    assert_eq!(snapshot.input, fresh, "{step}: patched records");
    let stages = stage_order(store)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    for text in ["2024", "2024-02", "2024-Q2"] {
        let period = Period::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            snapshot.engine.report(&period),
            Engine::new(&fresh, &stages).report(&period),
            "{step}: engine, {text}"
        );
        let (status, body) = app
            .call(
                "GET",
                &format!("/api/v1/kpis?period={text}"),
                Some("admin"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
        let reference =
            kpi::kpi_report(&fresh, period, &stages, None, &[]).unwrap_or_else(|e| panic!("{e}"));
        // Both parsed from JSON text, as serde_json parses floats (its
        // default parser may land one bit off the nearest float).
        let reference: Value = serde_json::to_string(&reference)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null);
        assert_eq!(body, reference, "{step}: API against the reference, {text}");
    }
}

async fn ok(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = app.call(method, path, Some("admin"), body.as_ref()).await;
    assert!(status.is_success(), "{method} {path}: {status} {answer}");
    answer
}

async fn every_kind_of_write_patches_the_engine(db: Db) {
    let app = TestApp::spawn(db).await;
    let first = app
        .state
        .kpis
        .current(&app.state.store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.refresh, Refresh::Full);

    let order = json!({"order_id": "o-new", "customer_id": "c-repa", "owner": "repa", "ordered_at": "2024-05-01 10:00",
        "lines": [{"sku": "P1", "unit_price": "12.34", "quantity": 10}, {"sku": "P1", "unit_price": "5.00", "quantity": -1}]});
    ok(&app, "POST", "/api/v1/orders", Some(order)).await;
    check(&app, "a new order", 1..=1).await;

    ok(
        &app,
        "PATCH",
        "/api/v1/customers/c-repb",
        Some(json!({"channel": "social", "region": "South"})),
    )
    .await;
    check(&app, "a customer's channel", 1..=1).await;

    ok(
        &app,
        "PATCH",
        "/api/v1/deals/d-repa",
        Some(json!({"stage": "won", "status": "won", "closed_at": "2024-05-03"})),
    )
    .await;
    check(&app, "a deal won (a stage move)", 1..=1).await;

    ok(&app, "POST", "/api/v1/payments", Some(json!({"payment_id": "pay-new", "order_id": "o-new", "amount": "100.00", "paid_at": "2024-05-04"}))).await;
    ok(&app, "DELETE", "/api/v1/payments/pay-repa", None).await;
    check(&app, "a payment added and one deleted", 2..=2).await;

    ok(
        &app,
        "POST",
        "/api/v1/targets",
        Some(json!({"owner": "repa", "period": "2024-05", "metric": "revenue", "target": "800"})),
    )
    .await;
    ok(
        &app,
        "PATCH",
        "/api/v1/products/P1",
        Some(json!({"category": "Hardware", "unit_cost": "30.00"})),
    )
    .await;
    ok(&app, "POST", "/api/v1/spend", Some(json!({"spend_id": "sp-new", "date": "2024-05-02", "channel": "social", "category": "marketing", "amount": "250.00"}))).await;
    ok(&app, "POST", "/api/v1/surveys", Some(json!({"response_id": "sv-new", "customer_id": "c-repa", "score": 2, "scale": 5, "responded_at": "2024-05-05"}))).await;
    ok(&app, "POST", "/api/v1/activities", Some(json!({"activity_id": "act-new", "customer_id": "c-repa", "owner": "repa", "kind": "visit", "occurred_at": "2024-05-06 09:00"}))).await;
    check(
        &app,
        "a target, a product, spend, a survey and a follow-up",
        5..=5,
    )
    .await;

    ok(&app, "POST", "/api/v1/customers", Some(json!({"customer_id": "c-gone", "name": "Gone Co", "owner": "repa", "created_at": "2024-05-01 09:00"}))).await;
    ok(
        &app,
        "POST",
        "/api/v1/contacts",
        Some(json!({"contact_id": "ct-gone", "customer_id": "c-gone", "name": "Wu"})),
    )
    .await;
    check(&app, "a customer and its contact", 2..=2).await;
    ok(&app, "DELETE", "/api/v1/customers/c-gone", None).await;
    check(&app, "a customer deleted with its contact", 1..=1).await;

    ok(
        &app,
        "PATCH",
        "/api/v1/users/repb",
        Some(json!({"team": "T1"})),
    )
    .await;
    check(&app, "a rep moved to another team", 1..=1).await;

    app.state
        .store
        .set_setting("timezone", "America/New_York")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check(&app, "the time zone", 0..=0).await;

    // Instants are whole seconds: the imports below start in a second of
    // their own, so that their windows hold only what they wrote.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // An upload that adds an order and changes only the lines of another
    // (o-repa was placed 2024-02-01 10:00 in Shanghai: 2024-01-31 21:00 in
    // New York, the time zone now).
    let orders = "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity\n\
                  o-up,c-repb,repb,2024-05-07 10:00,P1,100.00,2\n\
                  o-repa,c-repa,repa,2024-01-31 21:00,P1,100.00,4\n";
    let (status, started) = app
        .send(crate::imports::upload(
            &app,
            "orders.csv",
            orders.as_bytes(),
        ))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let job = app.finished_import(&started).await;
    assert_eq!(job["status"], "done", "{job}");
    let snapshot = app
        .state
        .kpis
        .current(&app.state.store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let o_repa = snapshot
        .input
        .dataset
        .orders
        .iter()
        .find(|o| o.id == "o-repa")
        .map(|o| o.lines[0].quantity);
    assert_eq!(o_repa, Some(4), "the changed line is read again");
    check(&app, "an uploaded import", 2..=2).await;

    // A write by another process (the CLI's import) is found the same way.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut data = salesboard_domain::Dataset::default();
    let mut copy = snapshot
        .input
        .dataset
        .orders
        .iter()
        .find(|o| o.id == "o-repb")
        .cloned()
        .unwrap_or_else(|| panic!("o-repb"));
    copy.id = "o-cli".into();
    data.orders.push(copy);
    app.state
        .store
        .write_dataset(&data, &WriteContext::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check(&app, "an import from elsewhere", 1..=1).await;
}

#[tokio::test]
async fn every_kind_of_write_patches_the_engine_on_sqlite() {
    every_kind_of_write_patches_the_engine(Db::Sqlite).await;
}

#[tokio::test]
async fn every_kind_of_write_patches_the_engine_on_postgres() {
    if postgres_url().is_none() {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    }
    every_kind_of_write_patches_the_engine(Db::Postgres).await;
}
