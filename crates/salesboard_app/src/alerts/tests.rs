//! Tests of the alert rule with hand-computed numbers, and of a check over a
//! small imported company whose weekly revenue is 1000 four times, then 500.

use std::str::FromStr;

use rust_decimal::Decimal;
use salesboard_domain::{OrgTimeZone, Timestamp};
use salesboard_store::{AlertStore, Webhook, WebhookStore};

use super::rule::{Direction, Unit, alert_weeks, evaluate, written, written_percent};
use super::{DEFAULT_DROP_PERCENT, check};
use crate::kpi_serving::KpiCache;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn weeks(values: [&str; 4]) -> [Option<Decimal>; 4] {
    values.map(|v| Some(dec(v)))
}

fn change(direction: Direction, value: &str, history: [&str; 4]) -> Option<(String, String)> {
    evaluate(
        direction,
        Some(dec(value)),
        weeks(history),
        DEFAULT_DROP_PERCENT,
    )
    .map(|c| {
        (
            c.baseline.normalize().to_string(),
            written_percent(c.change_percent),
        )
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ` as an instant.
fn utc(text: &str) -> Timestamp {
    let at = chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    Timestamp::from_unix_seconds(at.timestamp())
}

#[test]
fn a_drop_of_exactly_the_threshold_alerts_and_one_just_below_does_not() {
    // Baseline (1000 × 4) / 4 = 1000; 700 is (700 − 1000) / 1000 = −30 %.
    let thousand = ["1000", "1000", "1000", "1000"];
    assert_eq!(
        change(Direction::HigherIsBetter, "700", thousand),
        Some(("1000".into(), "-30.00".into()))
    );
    // 700.01 is −29.999 %: not yet 30 %.
    assert_eq!(change(Direction::HigherIsBetter, "700.01", thousand), None);
    assert_eq!(
        change(Direction::HigherIsBetter, "500", thousand),
        Some(("1000".into(), "-50.00".into()))
    );
    // Uneven weeks: (100 + 200 + 300 + 400) / 4 = 250; 175 is −75 / 250 = −30 %.
    let uneven = ["100", "200", "300", "400"];
    assert_eq!(
        change(Direction::HigherIsBetter, "175", uneven),
        Some(("250".into(), "-30.00".into()))
    );
    assert_eq!(change(Direction::HigherIsBetter, "175.01", uneven), None);
    // A rise never alerts for a KPI where higher is better.
    assert_eq!(change(Direction::HigherIsBetter, "5000", uneven), None);
}

#[test]
fn the_change_is_rounded_only_when_written() {
    // Orders 3 a week, then 2: (2 − 3) / 3 = −33.333… % → −33.33.
    assert_eq!(
        change(Direction::HigherIsBetter, "2", ["3", "3", "3", "3"]),
        Some(("3".into(), "-33.33".into()))
    );
    // (1 + 2 + 3 + 3) / 4 = 2.25; 1 is −1.25 / 2.25 = −55.555… % → −55.56.
    assert_eq!(
        change(Direction::HigherIsBetter, "1", ["1", "2", "3", "3"]),
        Some(("2.25".into(), "-55.56".into()))
    );
    assert_eq!(written(Unit::Money, dec("500")), "500.00");
    assert_eq!(written(Unit::Money, dec("1234.565")), "1234.57");
    assert_eq!(written(Unit::Count, dec("2.25")), "2.25");
    assert_eq!(written(Unit::Ratio, dec("0.3333333333")), "0.333333");
}

#[test]
fn a_zero_or_missing_baseline_or_value_raises_nothing() {
    let zero = ["0", "0", "0", "0"];
    assert_eq!(change(Direction::HigherIsBetter, "0", zero), None);
    assert_eq!(change(Direction::LowerIsBetter, "100", zero), None);
    // A negative baseline (returns outweigh sales) has no meaningful percentage.
    assert_eq!(
        change(Direction::HigherIsBetter, "-900", ["-100", "0", "0", "0"]),
        None
    );
    // One week without a value (a ratio with a zero denominator): no baseline.
    let mut gap = weeks(["0.5", "0.5", "0.5", "0.5"]);
    gap[2] = None;
    assert_eq!(
        evaluate(
            Direction::HigherIsBetter,
            Some(dec("0.1")),
            gap,
            DEFAULT_DROP_PERCENT
        ),
        None
    );
    assert_eq!(
        evaluate(
            Direction::HigherIsBetter,
            None,
            weeks(["0.5", "0.5", "0.5", "0.5"]),
            DEFAULT_DROP_PERCENT
        ),
        None
    );
}

#[test]
fn a_kpi_where_lower_is_better_alerts_on_a_rise() {
    let cac = ["200", "200", "200", "200"];
    // 260 is (260 − 200) / 200 = +30 %.
    assert_eq!(
        change(Direction::LowerIsBetter, "260", cac),
        Some(("200".into(), "30.00".into()))
    );
    assert_eq!(change(Direction::LowerIsBetter, "259.99", cac), None);
    // A fall is good news.
    assert_eq!(change(Direction::LowerIsBetter, "20", cac), None);
}

#[test]
fn the_threshold_is_a_setting() {
    let thousand = weeks(["1000", "1000", "1000", "1000"]);
    let half = dec("50");
    assert!(evaluate(Direction::HigherIsBetter, Some(dec("500")), thousand, half).is_some());
    assert!(
        evaluate(
            Direction::HigherIsBetter,
            Some(dec("500.01")),
            thousand,
            half
        )
        .is_none()
    );
}

#[test]
fn weeks_run_monday_to_sunday_in_the_organizations_time_zone() {
    let shanghai = OrgTimeZone::default();
    // Monday 2024-03-11 00:10 in Shanghai (UTC+8) is Sunday 16:10 UTC: the
    // week of 4–10 March (ISO 2024-W10) is complete.
    let monday =
        alert_weeks(shanghai, utc("2024-03-10T16:10:00Z")).unwrap_or_else(|| panic!("no weeks"));
    assert_eq!(monday.label, "2024-W10");
    assert_eq!(
        (monday.week.from.to_string(), monday.week.to.to_string()),
        ("2024-03-04".into(), "2024-03-11".into())
    );
    let baseline: Vec<String> = monday
        .baseline
        .iter()
        .map(|p| format!("{}..{}", p.from, p.to))
        .collect();
    assert_eq!(
        baseline,
        [
            "2024-02-05..2024-02-12",
            "2024-02-12..2024-02-19",
            "2024-02-19..2024-02-26",
            "2024-02-26..2024-03-04",
        ]
    );
    // Sunday 2024-03-10 23:30 in Shanghai: that week is still running.
    let sunday =
        alert_weeks(shanghai, utc("2024-03-10T15:30:00Z")).unwrap_or_else(|| panic!("no weeks"));
    assert_eq!(sunday.label, "2024-W09");
    assert_eq!(sunday.week.from.to_string(), "2024-02-26");
    // The instant of the first case is still Sunday in UTC.
    let utc_zone = OrgTimeZone::from_str("UTC").unwrap_or_else(|e| panic!("{e}"));
    let in_utc =
        alert_weeks(utc_zone, utc("2024-03-10T16:10:00Z")).unwrap_or_else(|| panic!("no weeks"));
    assert_eq!(in_utc.label, "2024-W09");
}

#[test]
fn week_names_follow_the_iso_year() {
    let shanghai = OrgTimeZone::default();
    // Wednesday 2025-01-01: the last complete week is 23–29 December 2024.
    let new_year =
        alert_weeks(shanghai, utc("2025-01-01T04:00:00Z")).unwrap_or_else(|| panic!("no weeks"));
    assert_eq!(new_year.label, "2024-W52");
    // Monday 2025-01-06: 30 December 2024 – 5 January 2025 is ISO 2025-W01.
    let next =
        alert_weeks(shanghai, utc("2025-01-06T04:00:00Z")).unwrap_or_else(|| panic!("no weeks"));
    assert_eq!(next.label, "2025-W01");
    assert_eq!(next.week.from.to_string(), "2024-12-30");
}

/// Files of a company with one customer whose first order (100.00, in
/// January) comes before the weeks compared, then weekly revenue of 1000 in
/// ISO 2024-W06 … W09 and 500 in W10, and 700 on the Monday after.
const COMPANY: [(&str, &str); 4] = [
    (
        "users.csv",
        "user_id,name,email,role,team\nu-admin,Wang Fang,wang@example.com,admin,\n",
    ),
    (
        "customers.csv",
        "customer_id,name,kind,industry,region,channel,owner,created_at,first_contact_at\n\
         c1,Hangzhou Tea Co,company,Food,East,search,,2024-01-02 09:00,2024-01-02 09:00\n",
    ),
    (
        "products.csv",
        "sku,name,category,unit_price,unit_cost\nP1,Seat,Software,100.00,10.00\n",
    ),
    (
        "orders.csv",
        "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity,discount,status,deal_id\n\
         o0,c1,,2024-01-02 10:00,P1,100.00,1,0,completed,\n\
         o6,c1,,2024-02-05 00:00,P1,1000.00,1,0,completed,\n\
         o7,c1,,2024-02-14 12:00,P1,1000.00,1,0,completed,\n\
         o8,c1,,2024-02-25 23:30,P1,1000.00,1,0,completed,\n\
         o9,c1,,2024-02-26 00:10,P1,1000.00,1,0,completed,\n\
         o10,c1,,2024-03-10 23:30,P1,500.00,1,0,completed,\n\
         o11,c1,,2024-03-11 00:10,P1,700.00,1,0,completed,\n",
    ),
];

async fn company_store(dir: &tempfile::TempDir) -> crate::AppStore {
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in COMPANY {
        std::fs::write(files.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let store = crate::open_store(&dir.path().join("alerts.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let request = crate::import::ImportRequest {
        paths: vec![files],
        ..crate::import::ImportRequest::default()
    };
    crate::import::run_import(&store, &request, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

#[tokio::test]
async fn a_halved_week_of_revenue_raises_one_alert_once_and_queues_its_webhook() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = company_store(&dir).await;
    store
        .create_webhook(&Webhook {
            id: "wh-alerts".into(),
            url: "https://example.com/alerts".into(),
            secret: "s".into(),
            events: vec!["kpi.alert".into()],
            active: true,
            created_at: 1,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cache = KpiCache::new();
    // Monday 2024-03-11 09:00 in Shanghai = 01:00 UTC = 1710115200 + 3600:
    // 2024-01-01 is 1704067200, and 31 + 29 + 10 days later 1710115200.
    let now = Timestamp::from_unix_seconds(1_710_118_800);
    assert_eq!(now, utc("2024-03-11T01:00:00Z"));

    let first = check(&store, &cache, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // W10 holds the Sunday 23:30 order (500) and not the Monday 00:10 one
    // (700, W11): 500 against (1000 × 4) / 4 is −50 %. One order a week
    // every week, and no new customer: only revenue alerts.
    let raised: Vec<_> = first
        .raised
        .iter()
        .map(|a| {
            (
                a.kpi.as_str(),
                a.week.as_str(),
                a.value.as_str(),
                a.baseline.as_str(),
                a.change_percent.as_str(),
                a.raised_at,
            )
        })
        .collect();
    assert_eq!(
        raised,
        [(
            "revenue",
            "2024-W10",
            "500.00",
            "1000.00",
            "-50.00",
            1_710_118_800
        )]
    );
    assert_eq!(first.deliveries, 1);

    let again = check(&store, &cache, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.raised.is_empty(), "{again:?}");
    assert_eq!(again.deliveries, 0);
    assert_eq!(store.alerts(10).await.map(|a| a.len()).ok(), Some(1));

    let deliveries = store
        .deliveries("wh-alerts", 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event, "kpi.alert");
    let payload: serde_json::Value =
        serde_json::from_str(&deliveries[0].payload).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        payload,
        serde_json::json!({
            "event": "kpi.alert",
            "entity": "kpi",
            "id": "revenue/2024-W10",
            "at": 1_710_118_800,
            "data": {
                "kpi": "revenue",
                "week": "2024-W10",
                "value": "500.00",
                "baseline": "1000.00",
                "change_percent": "-50.00",
                "raised_at": 1_710_118_800,
            },
        })
    );
}

#[tokio::test]
async fn the_threshold_setting_is_checked_and_used() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = company_store(&dir).await;
    for bad in ["0", "-5", "100.5", "half"] {
        assert!(
            crate::settings::set(&store, "alert_drop_percent", bad)
                .await
                .is_err(),
            "{bad}"
        );
    }
    // At 60 % the week's −50 % is no alert.
    crate::settings::set(&store, "alert_drop_percent", "60")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cache = KpiCache::new();
    let outcome = check(&store, &cache, utc("2024-03-11T01:00:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(outcome.raised.is_empty(), "{outcome:?}");
    // Sunday 2024-03-10 23:50 in Shanghai: W09 (1000) against W05 … W08
    // (0, 1000, 1000, 1000; baseline 750) is a rise, no alert either.
    crate::settings::set(&store, "alert_drop_percent", "30")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sunday = check(&store, &cache, utc("2024-03-10T15:50:00Z"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(sunday.raised.is_empty(), "{sunday:?}");
}
