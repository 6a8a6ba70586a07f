//! Predictive CLV (`docs/kpis.md` §4 `clv_predictive`) on the CDNOW sample of
//! `tests/fixtures/cdnow`: fitted on the purchases before 1997-10-01, both
//! models must reproduce the published parameters (BG/NBD: Fader, Hardie &
//! Lee 2005, table 2; Gamma-Gamma: Fader & Hardie's note on the
//! Gamma-Gamma model), directly on a `KpiInput` and through
//! `salesboard import` + `salesboard clv`.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use salesboard_domain::kpi::KpiInput;
use salesboard_domain::kpi::predictive::{PredictiveClv, parse_date, predictive_clv};
use salesboard_domain::{
    Customer, Dataset, Discount, Extra, Money, Order, OrderLine, OrderStatus, OrgTimeZone,
};
use serde_json::Value;

/// The calibration period's end (exclusive).
const TO: &str = "1997-10-01";

/// The published estimates and the tolerance each must be met within.
const BGNBD: [(&str, f64, f64); 4] = [
    ("r", 0.243, 0.01),
    ("alpha", 4.414, 0.01),
    ("a", 0.793, 0.01),
    ("b", 2.426, 0.01),
];
const GAMMA_GAMMA: [(&str, f64, f64); 3] =
    [("p", 6.25, 0.02), ("q", 3.74, 0.02), ("gamma", 15.44, 0.02)];
/// The paper's log-likelihood at its estimates.
const LOG_LIKELIHOOD: f64 = -9582.4;

/// One transaction of `CDNOW_sample.txt`.
struct Transaction {
    /// The sample's customer id (column 2).
    customer: String,
    /// `YYYY-MM-DD`.
    date: String,
    /// Dollars, as written.
    amount: String,
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cdnow/CDNOW_sample.txt")
}

fn transactions() -> Vec<Transaction> {
    let text = std::fs::read_to_string(fixture()).unwrap_or_else(|e| panic!("{e}"));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [_, customer, date, _, amount] = fields[..] else {
                panic!("not 5 columns: {line:?}");
            };
            Transaction {
                customer: customer.to_string(),
                date: format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]),
                amount: amount.to_string(),
            }
        })
        .collect()
}

/// Each customer's first transaction date, by id (the customer's creation).
fn first_dates(transactions: &[Transaction]) -> Vec<(String, String)> {
    let mut first: std::collections::BTreeMap<&str, &str> = Default::default();
    for t in transactions {
        let date = first.entry(&t.customer).or_insert(&t.date);
        if t.date.as_str() < *date {
            *date = &t.date;
        }
    }
    first
        .into_iter()
        .map(|(id, date)| (id.to_string(), date.to_string()))
        .collect()
}

/// The fixture as records: a customer per sample id, a completed order per
/// transaction with its value as one line; dates are local days in the
/// default time zone, as the importer reads them.
fn kpi_input() -> KpiInput {
    let zone = OrgTimeZone::default();
    let at = |date: &str| {
        zone.parse_timestamp(date)
            .unwrap_or_else(|e| panic!("{date}: {e}"))
    };
    let transactions = transactions();
    let customers = first_dates(&transactions)
        .into_iter()
        .map(|(id, first)| Customer {
            name: format!("CDNOW {id}"),
            id,
            kind: None,
            industry: None,
            region: None,
            channel: None,
            owner: None,
            phone: None,
            email: None,
            created_at: at(&first),
            first_contact_at: None,
            extra: Extra::new(),
        })
        .collect();
    let orders = transactions
        .iter()
        .enumerate()
        .map(|(i, t)| Order {
            id: format!("t{}", i + 1),
            customer_id: t.customer.clone(),
            owner: None,
            ordered_at: at(&t.date),
            status: OrderStatus::Completed,
            deal_id: None,
            lines: vec![OrderLine {
                sku: None,
                unit_price: Money::parse(&t.amount).unwrap_or_else(|e| panic!("{e}")),
                quantity: 1,
                discount: Discount::NONE,
            }],
            extra: Extra::new(),
        })
        .collect();
    KpiInput {
        dataset: Dataset {
            customers,
            orders,
            ..Dataset::default()
        },
        time_zone: zone,
        ..KpiInput::default()
    }
}

/// Differences of the fitted parameters from the published ones.
fn check(json: &Value) {
    let mut problems = Vec::new();
    let mut compare = |model: &str, name: &str, want: f64, tolerance: f64| {
        let got = json[model][name].as_f64();
        match got {
            Some(got) if ((got - want) / want).abs() <= tolerance => {}
            _ => problems.push(format!(
                "{model}.{name} = {got:?}, published {want} (±{}%)",
                tolerance * 100.0
            )),
        }
    };
    for (name, want, tolerance) in BGNBD {
        compare("bgnbd", name, want, tolerance);
    }
    for (name, want, tolerance) in GAMMA_GAMMA {
        compare("gamma_gamma", name, want, tolerance);
    }
    let log_likelihood = json["bgnbd"]["log_likelihood"].as_f64().unwrap_or(0.0);
    if (log_likelihood - LOG_LIKELIHOOD).abs() > 0.5 {
        problems.push(format!(
            "log-likelihood {log_likelihood}, published {LOG_LIKELIHOOD}"
        ));
    }
    assert_eq!(json["customers"], 2357, "customers");
    assert_eq!(json["repeat_customers"], 946, "customers with repeats");
    assert!(problems.is_empty(), "{}\n{json:#}", problems.join("\n"));
}

/// A money string with 2 decimals, as a number.
fn money(value: &Value) -> f64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not money: {value}"));
    assert_eq!(
        text.split_once('.').map(|(_, c)| c.len()),
        Some(2),
        "{text}"
    );
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn the_published_parameters_are_reproduced_from_a_kpi_input() {
    let to = parse_date(TO).unwrap_or_else(|e| panic!("{e}"));
    let result: PredictiveClv = predictive_clv(&kpi_input(), to, true);
    let json = serde_json::to_value(&result).unwrap_or_else(|e| panic!("{e}"));
    check(&json);

    // The paper's first customer: 2 repeat purchases, the last at 30.43
    // weeks, observed for 38.86 weeks; its mean repeat value 22.35.
    let rows = result.per_customer.unwrap_or_default();
    let first = rows
        .iter()
        .find(|c| c.rfm.customer_id == "0001")
        .unwrap_or_else(|| panic!("no customer 0001"));
    assert_eq!(first.rfm.frequency, 2);
    assert!((first.rfm.recency - 213.0 / 7.0).abs() < 1e-12);
    assert!((first.rfm.age - 272.0 / 7.0).abs() < 1e-12);
    assert!((first.rfm.monetary_value.unwrap_or(0.0) - 22.345).abs() < 1e-9);

    // clv_predictive is the mean of the customers' expected values.
    let values: Vec<f64> = rows
        .iter()
        .map(|c| {
            let exact = c.expected_value.map(|v| v.exact().to_string());
            exact.map_or(f64::NAN, |v| v.parse().unwrap_or(f64::NAN))
        })
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let clv = money(&json["clv_predictive"]);
    assert!(
        (clv - mean).abs() < 0.01,
        "clv_predictive {clv}, mean {mean}"
    );
}

/// `customers.csv` and `orders.csv` of the fixture in the canonical import
/// format, written into `dir`.
fn write_canonical_csv(dir: &Path) -> PathBuf {
    let folder = dir.join("cdnow");
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    let transactions = transactions();
    let mut customers = String::from("customer_id,name,created_at\n");
    for (id, first) in first_dates(&transactions) {
        customers += &format!("{id},CDNOW {id},{first}\n");
    }
    let mut orders = String::from("order_id,customer_id,ordered_at,unit_price,quantity\n");
    for (i, t) in transactions.iter().enumerate() {
        orders += &format!("t{},{},{},{},1\n", i + 1, t.customer, t.date, t.amount);
    }
    std::fs::write(folder.join("customers.csv"), customers).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(folder.join("orders.csv"), orders).unwrap_or_else(|e| panic!("{e}"));
    folder
}

#[test]
fn the_published_parameters_are_reproduced_by_the_clv_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let folder = write_canonical_csv(dir.path());
    ok(&salesboard(&db, &["import", &folder.display().to_string()]));
    let counts = counts(&db);
    assert_eq!(
        (counts["customers"].as_u64(), counts["orders"].as_u64()),
        (Some(2357), Some(6919))
    );

    let args = ["clv", "--model", "bgnbd", "--to", TO, "--format", "json"];
    let out = ok(&salesboard(&db, &args));
    let json: Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("clv printed no JSON ({e}):\n{out}"));
    check(&json);
    assert!(money(&json["clv_predictive"]) > 0.0, "{json}");
    assert!(
        json.get("per_customer").is_none(),
        "per_customer without --customers"
    );
    assert_eq!(json["to"], TO);

    let table = ok(&salesboard(&db, &["clv", "--to", TO, "--customers"]));
    assert!(table.contains("BG/NBD"), "{table}");
    let clv = json["clv_predictive"].as_str().unwrap_or("?");
    assert!(table.contains(clv), "{table}");
    assert_eq!(
        table.lines().filter(|l| l.starts_with("0001 ")).count(),
        1,
        "{table}"
    );

    let refused = salesboard(&db, &["clv", "--to", "1997-13-01"]);
    assert!(!refused.status.success());
}
