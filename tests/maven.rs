//! The Maven Analytics CRM opportunities (public domain, converted by
//! `scripts/maven-to-import.py`): what `salesboard kpi` reports equals what the
//! script computed straight from the original files (`expected.json`).

mod common;

use common::*;
use serde_json::Value;

fn maven() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maven")
}

fn same_number(actual: &Value, expected: &Value) -> bool {
    match (actual.as_f64(), expected.as_f64()) {
        (Some(a), Some(e)) => (a - e).abs() <= 1e-9 * e.abs().max(1.0),
        _ => actual == expected,
    }
}

fn check_period(db: &str, period: &str, expected: &Value) {
    let out = ok(&salesboard(
        db,
        &["kpi", "--period", period, "--format", "json"],
    ));
    let actual: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    for field in ["revenue", "orders", "aov", "new_customers", "win_rate"] {
        assert!(
            same_number(&actual[field], &expected[field]),
            "{period} {field}: {} != {}",
            actual[field],
            expected[field]
        );
    }
    for field in ["mean", "median", "p90", "deals"] {
        let (a, e) = (
            &actual["sales_cycle"][field],
            &expected["sales_cycle"][field],
        );
        assert!(
            same_number(a, e),
            "{period} sales_cycle.{field}: {a} != {e}"
        );
    }
    let reps = actual["reps"].as_array().cloned().unwrap_or_default();
    assert_eq!(reps.len(), 35, "every rep of sales_teams.csv has a row");
    for row in reps {
        let rep = row["rep"].as_str().unwrap_or_default();
        match expected["reps"].get(rep) {
            Some(want) => {
                for field in [
                    "revenue",
                    "orders",
                    "deals_won",
                    "deals_lost",
                    "win_rate",
                    "sales_cycle_median",
                ] {
                    assert!(
                        same_number(&row[field], &want[field]),
                        "{period} {rep} {field}: {} != {}",
                        row[field],
                        want[field]
                    );
                }
            }
            None => {
                assert_eq!(
                    (row["revenue"].as_str(), row["deals_won"].as_i64()),
                    (Some("0.00"), Some(0)),
                    "{period} {rep}"
                );
            }
        }
    }
}

#[test]
fn the_maven_pipeline_gives_the_independently_computed_kpis() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(
        &db,
        &["import", &maven().display().to_string()],
    ));
    let counts = counts(&db);
    assert_eq!(
        (
            counts["deals"].as_i64(),
            counts["orders"].as_i64(),
            counts["users"].as_i64()
        ),
        (Some(8800), Some(4238), Some(41))
    );
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(maven().join("expected.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let periods = expected.as_object().cloned().unwrap_or_default();
    assert_eq!(periods.len(), 6);
    for (period, want) in &periods {
        check_period(&db, period, want);
    }
}
