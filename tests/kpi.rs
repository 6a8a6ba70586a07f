//! `salesboard kpi` on the tiny fixture, on SQLite and PostgreSQL: every
//! period of `tests/fixtures/tiny/expected.json`, field by field, and the
//! groups of a breakdown summing to the total.

mod common;

use common::*;
use serde_json::Value;

/// Every period `expected.json` holds, with its hand-checked values.
fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(tiny().join("expected.json"))
        .unwrap_or_else(|e| panic!("cannot read expected.json: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Object(periods)) => periods,
        other => panic!("expected.json is not an object of periods: {other:?}"),
    }
}

fn kpi_json(db: &str, args: &[&str]) -> Value {
    let mut all = vec!["kpi"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = ok(&salesboard(db, &all));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("kpi printed no JSON ({e}):\n{out}"))
}

/// Differences between `actual` and `expected` at `path`: numbers within
/// 1e-9 relative, strings and nulls exactly, every expected field present.
/// Nested objects must have exactly the expected keys (so `cac_by_channel`
/// has no extra channel); the top level may have more fields.
fn compare(
    path: &str,
    actual: Option<&Value>,
    expected: &Value,
    top: bool,
    diffs: &mut Vec<String>,
) {
    let Some(actual) = actual else {
        diffs.push(format!("{path}: missing, expected {expected}"));
        return;
    };
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (
                e.as_f64().unwrap_or(f64::NAN),
                a.as_f64().unwrap_or(f64::NAN),
            );
            let close = e == a || (a - e).abs() <= 1e-9 * e.abs().max(a.abs());
            if !close {
                diffs.push(format!("{path}: {a} != expected {e}"));
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                compare(&format!("{path}.{key}"), a.get(key), value, false, diffs);
            }
            if !top {
                for key in a.keys().filter(|k| !e.contains_key(*k)) {
                    diffs.push(format!("{path}.{key}: not expected"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, value) in e.iter().enumerate() {
                compare(&format!("{path}[{i}]"), a.get(i), value, false, diffs);
            }
        }
        (e, a) if e == a => {}
        (e, a) => diffs.push(format!("{path}: {a} != expected {e}")),
    }
}

fn every_period_matches_expected_json(db: &str) {
    ok(&salesboard(db, &["import", &tiny().display().to_string()]));
    let periods = expected();
    assert_eq!(periods.len(), 6, "expected.json's periods");
    let mut diffs = Vec::new();
    for (period, want) in &periods {
        let got = kpi_json(db, &["--period", period]);
        compare(period, Some(&got), want, true, &mut diffs);
        assert!(got.get("groups").is_none(), "{period}: groups without --by");
    }
    assert!(
        diffs.is_empty(),
        "differences from expected.json:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn every_period_of_expected_json_matches_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    every_period_matches_expected_json(&sqlite_db(&dir));
}

#[test]
fn every_period_of_expected_json_matches_on_postgres() {
    if let Some(db) = postgres_db() {
        every_period_matches_expected_json(&db);
    }
}

fn cents(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not money: {value}"));
    let (whole, fraction) = text
        .split_once('.')
        .unwrap_or_else(|| panic!("not money: {text}"));
    let negative = whole.starts_with('-');
    let whole: i64 = whole
        .trim_start_matches('-')
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let fraction: i64 = fraction.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    let magnitude = whole * 100 + fraction;
    if negative { -magnitude } else { magnitude }
}

fn monthly_groups_sum_to_the_quarter(db: &str) {
    ok(&salesboard(db, &["import", &tiny().display().to_string()]));
    let report = kpi_json(db, &["--period", "2024-Q1", "--by", "month"]);
    let groups = report["groups"].as_array().cloned().unwrap_or_default();
    let keys: Vec<&str> = groups.iter().filter_map(|g| g["key"].as_str()).collect();
    assert_eq!(keys, ["2024-01", "2024-02", "2024-03"]);
    for field in ["revenue", "gross_profit", "collected", "acquisition_spend"] {
        let sum: i64 = groups.iter().map(|g| cents(&g[field])).sum();
        assert_eq!(sum, cents(&report[field]), "{field}");
    }
    for field in ["orders", "units", "new_customers", "csat_responses"] {
        let sum: i64 = groups.iter().filter_map(|g| g[field].as_i64()).sum();
        assert_eq!(Some(sum), report[field].as_i64(), "{field}");
    }
    assert_eq!(cents(&report["revenue"]), 3_405_050);
    // Each month group is that month's own report, reps aside.
    let expected = expected();
    for group in &groups {
        let key = group["key"].as_str().unwrap_or_default();
        let mut want = expected[key].clone();
        if let Some(fields) = want.as_object_mut() {
            fields.remove("reps");
        }
        let mut diffs = Vec::new();
        compare(key, Some(group), &want, true, &mut diffs);
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        assert!(group.get("reps").is_none(), "{key}: groups have no reps");
    }
}

#[test]
fn monthly_groups_sum_to_the_quarter_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    monthly_groups_sum_to_the_quarter(&sqlite_db(&dir));
}

#[test]
fn monthly_groups_sum_to_the_quarter_on_postgres() {
    if let Some(db) = postgres_db() {
        monthly_groups_sum_to_the_quarter(&db);
    }
}

#[test]
fn filters_breakdowns_and_formats() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));

    let li = kpi_json(&db, &["--period", "2024-Q1", "--filter", "rep=u-li"]);
    assert_eq!(li["revenue"], "10000.00");

    let by_segment = kpi_json(&db, &["--period", "2024-Q1", "--by", "segment"]);
    let segments: Vec<(&str, &str)> = by_segment["groups"]
        .as_array()
        .map(|g| {
            g.iter()
                .map(|g| {
                    (
                        g["key"].as_str().unwrap_or("?"),
                        g["revenue"].as_str().unwrap_or("?"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(segments, [("new", "27650.50"), ("returning", "6400.00")]);

    let custom = kpi_json(&db, &["--from", "2024-01-01", "--to", "2024-04-01"]);
    assert_eq!(custom["revenue"], "34050.50");
    assert_eq!(custom["period"]["to"], "2024-04-01");

    let table = ok(&salesboard(&db, &["kpi", "--period", "2024-Q1"]));
    assert!(table.contains("Revenue 销售额"), "{table}");
    assert!(table.contains("34,050.50"), "{table}");
    assert!(table.contains("↑ 146.74%"), "{table}");

    let csv = ok(&salesboard(
        &db,
        &[
            "kpi", "--period", "2024-Q1", "--by", "rep", "--format", "csv",
        ],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("key,from,to,revenue,orders"), "{csv}");
    assert_eq!(
        lines.len(),
        4,
        "header, u-li, u-zhang, unattributed:\n{csv}"
    );
    assert!(
        lines[1].starts_with("u-li,2024-01-01,2024-04-01,10000.00,2,"),
        "{csv}"
    );

    let refused = salesboard(&db, &["kpi", "--period", "2024-Q1", "--by", "colour"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a dimension"));
    let outside = salesboard(
        &db,
        &["kpi", "--period", "2024-Q1", "--filter", "month=2024-07"],
    );
    assert!(!outside.status.success());
}

#[test]
fn the_next_kpi_call_reflects_rows_imported_since_the_last() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let copy = copy_tiny(dir.path());
    // First without the March order o7 (two lines) and its survey answers.
    let orders = std::fs::read_to_string(copy.join("orders.csv")).unwrap_or_default();
    let without_o7: String = orders
        .lines()
        .filter(|l| !l.starts_with("o7,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(copy.join("orders.csv"), without_o7).unwrap_or_else(|e| panic!("{e}"));
    let surveys = std::fs::read_to_string(copy.join("surveys.csv")).unwrap_or_default();
    let without_o7_surveys: String = surveys
        .lines()
        .filter(|l| !l.contains(",o7,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(copy.join("surveys.csv"), without_o7_surveys).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(copy.join("payments.csv")).unwrap_or_else(|e| panic!("{e}"));
    ok(&salesboard(&db, &["import", &copy.display().to_string()]));
    let before: serde_json::Value = serde_json::from_str(&ok(&salesboard(
        &db,
        &["kpi", "--period", "2024-03", "--format", "json"],
    )))
    .unwrap_or_default();
    assert_eq!(before["revenue"], "0.00");

    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let after: serde_json::Value = serde_json::from_str(&ok(&salesboard(
        &db,
        &["kpi", "--period", "2024-03", "--format", "json"],
    )))
    .unwrap_or_default();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tiny().join("expected.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    for field in [
        "revenue",
        "orders",
        "units",
        "gross_profit",
        "collected",
        "receivable",
        "new_customers",
        "csat_responses",
    ] {
        assert_eq!(after[field], expected["2024-03"][field], "{field}");
    }
}
