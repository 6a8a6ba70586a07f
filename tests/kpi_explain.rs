//! `salesboard kpi explain KPI` on the tiny fixture: the JSON (value as in
//! the report, inputs reproduced by their records), the table, and every KPI
//! name's value against `salesboard kpi`.

mod common;

use common::*;
use serde_json::Value;

fn json(db: &str, args: &[&str]) -> Value {
    let mut all = vec!["kpi"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = ok(&salesboard(db, &all));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("no JSON ({e}):\n{out}"))
}

fn cents(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not money: {value}"));
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "00"));
    let negative = whole.starts_with('-');
    let whole: i64 = whole
        .trim_start_matches('-')
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let fraction: i64 = format!("{fraction:0<2}")[..2]
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let magnitude = whole * 100 + fraction;
    if negative { -magnitude } else { magnitude }
}

fn ids(input: &Value) -> Vec<&str> {
    input["records"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default()
}

fn cac_is_explained(db: &str) {
    ok(&salesboard(db, &["import", &tiny().display().to_string()]));
    let e = json(db, &["explain", "cac", "--period", "2024-Q1"]);
    assert_eq!(e["kpi"], "cac");
    assert_eq!(e["label_zh"], "客户获取成本");
    assert_eq!(
        e["period"],
        serde_json::json!({"from": "2024-01-01", "to": "2024-04-01"})
    );
    assert_eq!(e["formula"], "cac = acquisition_spend / new_customers");
    assert_eq!(e["substituted"], "9800.00 / 3 = 3266.67");
    assert_eq!(e["value"], "3266.67");
    let spend = &e["inputs"][0];
    assert_eq!(spend["name"], "acquisition_spend");
    assert_eq!(spend["value"], "9800.00");
    assert_eq!(spend["aggregate"], "sum_amount");
    let summed: i64 = spend["records"]
        .as_array()
        .map(|r| r.iter().map(|r| cents(&r["amount"])).sum())
        .unwrap_or_default();
    assert_eq!(summed, 980_000);
    let customers = &e["inputs"][1];
    assert_eq!(customers["name"], "new_customers");
    assert_eq!(customers["value"], 3);
    assert_eq!(ids(customers), ["c2", "c3", "c5"]);
    assert_eq!(customers["records"][0]["kind"], "customer");
    assert_eq!(customers["records"][0]["date"], "2024-01-31");

    let report = json(db, &["--period", "2024-Q1"]);
    assert_eq!(e["value"], report["cac"]);
}

#[test]
fn cac_is_explained_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    cac_is_explained(&sqlite_db(&dir));
}

#[test]
fn cac_is_explained_on_postgres() {
    if let Some(db) = postgres_db() {
        cac_is_explained(&db);
    }
}

#[test]
fn the_table_shows_formula_numbers_and_aligned_records() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let table = ok(&salesboard(
        &db,
        &[
            "kpi", "explain", "cac", "--period", "2024-Q1", "--format", "table",
        ],
    ));
    for expected in [
        "客户获取成本",
        "Formula 公式",
        "cac = acquisition_spend / new_customers",
        "Substituted 代入  9800.00 / 3 = 3266.67",
        "3,266.67",
        "acquisition_spend",
        "9,800.00",
        "first order o3",
    ] {
        assert!(table.contains(expected), "{expected}:\n{table}");
    }
    // The date column of the new customers starts where its header does,
    // counting Chinese characters as two columns.
    let lines: Vec<&str> = table.lines().collect();
    let header = lines
        .iter()
        .rposition(|l| l.contains("date 日期"))
        .unwrap_or_else(|| panic!("{table}"));
    let column = |line: &str, text: &str| {
        line.find(text)
            .map(|at| unicode_width::UnicodeWidthStr::width(&line[..at]))
    };
    let at = column(lines[header], "date 日期");
    for line in &lines[header + 1..header + 4] {
        assert_eq!(column(line, "2024-"), at, "{line}\n{table}");
    }

    let filtered = ok(&salesboard(
        &db,
        &[
            "kpi", "explain", "revenue", "--period", "2024-Q1", "--filter", "rep=u-li",
        ],
    ));
    assert!(filtered.contains("Filters 筛选: rep=u-li"), "{filtered}");
    assert!(filtered.contains("o5#1"), "{filtered}");
    assert!(!filtered.contains("o4#1"), "{filtered}");
}

/// Every KPI name, explained through the binary, has the report's value.
#[test]
fn every_kpi_has_the_reports_value() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    for (period, filters) in [
        ("2024-Q1", vec![]),
        ("2024", vec!["--filter", "channel=search"]),
    ] {
        let mut args = vec!["--period", period];
        args.extend(&filters);
        let report = json(&db, &args);
        let fields = [
            "revenue",
            "orders",
            "units",
            "aov",
            "gross_profit",
            "collected",
            "receivable",
            "growth_rate",
            "yoy_growth_rate",
            "new_customers",
            "acquisition_spend",
            "cac",
            "annual_churn_rate",
            "lifespan_years",
            "clv_profit",
            "clv_revenue",
            "sales_cycle",
            "lead_conversion_rate",
            "win_rate",
            "csat",
            "csat_avg_score",
            "csat_responses",
            "nps",
        ];
        for field in fields {
            let mut explain = vec!["explain", field];
            explain.extend(&args);
            let e = json(&db, &explain);
            assert_eq!(e["value"], report[field], "{field} {args:?}");
        }
        let e = json(
            &db,
            &[
                &["explain", "cac_by_channel", "--channel", "search"][..],
                &args[..],
            ]
            .concat(),
        );
        assert_eq!(e["value"], report["cac_by_channel"]["search"], "{args:?}");
        for row in report["reps"].as_array().cloned().unwrap_or_default() {
            let rep = row["rep"].as_str().unwrap_or_default();
            for field in ["revenue", "win_rate", "target", "attainment"] {
                let name = format!("rep.{field}");
                let e = json(
                    &db,
                    &[&["explain", &name, "--rep", rep][..], &args[..]].concat(),
                );
                assert_eq!(e["value"], row[field], "{name} {rep} {args:?}");
            }
        }
    }
}

#[test]
fn unknown_kpis_and_missing_parameters_are_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let funnel = salesboard(&db, &["kpi", "explain", "funnel", "--period", "2024-Q1"]);
    assert!(!funnel.status.success());
    assert!(String::from_utf8_lossy(&funnel.stderr).contains("not a KPI"));
    let channel = salesboard(
        &db,
        &["kpi", "explain", "cac_by_channel", "--period", "2024-Q1"],
    );
    assert!(String::from_utf8_lossy(&channel.stderr).contains("--channel"));
    let both = salesboard(&db, &["kpi", "--period", "2024-Q1", "explain", "cac"]);
    assert!(!both.status.success());
}
