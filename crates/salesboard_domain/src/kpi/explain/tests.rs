//! Explanations on the tiny fixture: every KPI's value is the report's, the
//! records of every input give the input, and hand-checked cases.

use rust_decimal::Decimal;

use super::super::testdata::*;
use super::super::{Dimension, KpiInput, KpiReport, kpi_report};
use super::*;

const PERIODS: [&str; 9] = [
    "2022", "2023-Q4", "2024-01", "2024-02", "2024-03", "2024-Q1", "2024-04", "2024", "2025-01",
];

fn filter_sets() -> Vec<Vec<(Dimension, String)>> {
    let one = |d: Dimension, v: &str| vec![(d, v.to_string())];
    vec![
        Vec::new(),
        one(Dimension::Rep, "u-li"),
        one(Dimension::Channel, "search"),
        one(Dimension::Channel, ""),
        one(Dimension::Product, "P-HW"),
        one(Dimension::Segment, "new"),
        one(Dimension::Month, "2024-02"),
    ]
}

fn explained(
    input: &KpiInput,
    kpi: &KpiName,
    p: &str,
    filters: &[(Dimension, String)],
) -> Explanation {
    explain_report(input, kpi, period(p), filters).unwrap_or_else(|e| panic!("{e}"))
}

fn count(n: usize) -> Option<Figure> {
    Some(Figure::Count(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// The report's figure for a KPI, written independently of the explainers.
fn reported(report: &KpiReport, kpi: &KpiName) -> Option<Figure> {
    let t = &report.totals;
    let money = |a: Amount| Some(Figure::Money(a));
    match kpi {
        KpiName::Revenue => money(t.revenue),
        KpiName::Orders => count(t.orders),
        KpiName::Units => Some(Figure::Count(t.units)),
        KpiName::Aov => t.aov.and_then(money),
        KpiName::GrossProfit => money(t.gross_profit),
        KpiName::Collected => money(t.collected),
        KpiName::Receivable => money(t.receivable),
        KpiName::GrowthRate => t.growth_rate.map(Figure::Ratio),
        KpiName::YoyGrowthRate => t.yoy_growth_rate.map(Figure::Ratio),
        KpiName::NewCustomers => count(t.new_customers),
        KpiName::AcquisitionSpend => money(t.acquisition_spend),
        KpiName::Cac => t.cac.and_then(money),
        KpiName::CacByChannel(c) => t.cac_by_channel.get(c).copied().flatten().and_then(money),
        KpiName::AnnualChurnRate => t.annual_churn_rate.map(Figure::Ratio),
        KpiName::LifespanYears => t.lifespan_years.map(Figure::Ratio),
        KpiName::ClvProfit => t.clv_profit.and_then(money),
        KpiName::ClvRevenue => t.clv_revenue.and_then(money),
        KpiName::SalesCycle => Some(Figure::Cycle(t.sales_cycle.clone())),
        KpiName::LeadConversionRate => t.lead_conversion_rate.map(Figure::Ratio),
        KpiName::WinRate => t.win_rate.map(Figure::Ratio),
        KpiName::Csat => t.csat.map(Figure::Ratio),
        KpiName::CsatAvgScore => t.csat_avg_score.map(Figure::Ratio),
        KpiName::CsatResponses => count(t.csat_responses),
        KpiName::Nps => t.nps.map(Figure::Ratio),
        KpiName::Rep { rep, field } => {
            let row = report.reps.iter().find(|r| &r.rep == rep)?;
            match field {
                RepField::Revenue => money(row.revenue),
                RepField::Orders => count(row.orders),
                RepField::NewCustomers => count(row.new_customers),
                RepField::DealsWon => count(row.deals_won),
                RepField::DealsLost => count(row.deals_lost),
                RepField::WinRate => row.win_rate.map(Figure::Ratio),
                RepField::SalesCycleMedian => row.sales_cycle_median.map(Figure::Count),
                RepField::Activities => count(row.activities),
                RepField::Target => row.target.and_then(money),
                RepField::Attainment => row.attainment.map(Figure::Ratio),
            }
        }
    }
}

/// Summing (or counting) the records of every input gives the input, and
/// every record is dated inside the input's span.
fn check_inputs(e: &Explanation, context: &str) {
    for input in &e.inputs {
        let at = format!("{context} {} input {}", e.kpi, input.name);
        let exact = |pick: fn(&Record) -> Option<Exact>| -> Decimal {
            input
                .records
                .iter()
                .map(|r| pick(r).unwrap_or_default().0)
                .sum()
        };
        let whole = |pick: fn(&Record) -> Option<i64>| -> i64 {
            input
                .records
                .iter()
                .map(|r| pick(r).unwrap_or_default())
                .sum()
        };
        let sum = match input.aggregate {
            Aggregate::Count => Figure::Count(i64::try_from(input.records.len()).unwrap_or(-1)),
            Aggregate::SumAmount => Figure::Money(Amount(exact(|r| r.amount))),
            Aggregate::SumProfit => Figure::Money(Amount(exact(|r| r.profit))),
            Aggregate::SumQuantity => Figure::Count(whole(|r| r.quantity)),
            Aggregate::SumScore => Figure::Count(whole(|r| r.score)),
            Aggregate::SumDays => Figure::Count(whole(|r| r.days)),
            Aggregate::Setting => {
                assert!(input.records.is_empty(), "{at}");
                continue;
            }
        };
        assert_eq!(sum, input.value, "{at}");
        for record in &input.records {
            let inside = input.period.from.is_none_or(|from| from <= record.date)
                && record.date < input.period.to;
            assert!(
                inside,
                "{at}: {} dated {} outside {}",
                record.id, record.date, input.period
            );
        }
    }
}

/// NPS counts its promoters and detractors, and receivable sums what was
/// billed and paid, from the records: they must give the reference's value.
fn check_derived(e: &Explanation, context: &str) {
    let value = |at: usize| e.inputs.get(at).map(|i| i.value.clone());
    match e.kpi.as_str() {
        "nps" => {
            let n = |at: usize| match value(at) {
                Some(Figure::Count(n)) => n,
                other => panic!("{context}: {other:?}"),
            };
            let nps = crate::kpi::Fraction::new(n(0) - n(1), n(2)).ratio();
            assert_eq!(e.value, nps.map(Figure::Ratio), "{context}");
        }
        "receivable" => {
            let (Some(Figure::Money(billed)), Some(Figure::Money(paid))) = (value(0), value(1))
            else {
                panic!("{context}: {:?}", e.inputs)
            };
            let balance = Amount(billed.exact() - paid.exact());
            assert_eq!(e.value, Some(Figure::Money(balance)), "{context}");
        }
        _ => {}
    }
}

/// Every KPI name the report has for this data: the simple ones, every
/// channel of `cac_by_channel` and one more, every field of every row and of
/// a user without a row.
fn every_name(report: &KpiReport) -> Vec<KpiName> {
    let mut names = KpiName::simple();
    names.extend(
        report
            .totals
            .cac_by_channel
            .keys()
            .map(|c| KpiName::CacByChannel(c.clone())),
    );
    names.push(KpiName::CacByChannel("radio".into()));
    let mut reps: Vec<String> = report.reps.iter().map(|r| r.rep.clone()).collect();
    reps.push("u-admin".into());
    for rep in reps {
        for field in RepField::ALL {
            names.push(KpiName::Rep {
                rep: rep.clone(),
                field,
            });
        }
    }
    names
}

fn every_kpi_matches_the_report(input: &KpiInput) {
    let mut checked = 0;
    for p in PERIODS {
        for filters in filter_sets() {
            let Ok(report) = kpi_report(input, period(p), &stages(), None, &filters) else {
                continue; // a time filter outside the period
            };
            for kpi in every_name(&report) {
                let context = format!("{p} {filters:?}");
                let e = explained(input, &kpi, p, &filters);
                assert_eq!(e.value, reported(&report, &kpi), "{context} {kpi:?}");
                assert_eq!(e.period, report.totals.period, "{context} {kpi:?}");
                assert!(!e.formula.is_empty() && !e.substituted.is_empty());
                check_inputs(&e, &context);
                check_derived(&e, &context);
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn every_kpi_is_the_reports_and_its_records_give_its_inputs() {
    every_kpi_matches_the_report(&tiny());
}

#[test]
fn with_the_lifespan_setting_too() {
    let mut input = tiny();
    input.customer_lifespan_years = Some(dec("3"));
    every_kpi_matches_the_report(&input);
    let e = explained(&input, &KpiName::LifespanYears, "2024", &[]);
    assert_eq!(e.substituted, "setting customer_lifespan_years = 3");
    assert_eq!(e.inputs[0].aggregate, Aggregate::Setting);
    let clv = explained(&input, &KpiName::ClvProfit, "2024", &[]);
    assert_eq!(clv.value.map(money_text).as_deref(), Some("19846.02"));
}

fn money_text(figure: Figure) -> String {
    match figure {
        Figure::Money(amount) => amount.to_string(),
        other => panic!("not money: {other:?}"),
    }
}

fn ids(input: &Input) -> Vec<&str> {
    input.records.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn cac_of_the_first_quarter_by_hand() {
    let e = explained(&tiny(), &KpiName::Cac, "2024-Q1", &[]);
    assert_eq!(e.formula, "cac = acquisition_spend / new_customers");
    assert_eq!(e.substituted, "9800.00 / 3 = 3266.67");
    assert_eq!(e.value.map(money_text).as_deref(), Some("3266.67"));
    let [spend, customers] = &e.inputs[..] else {
        panic!("{:?}", e.inputs)
    };
    assert_eq!(spend.name, "acquisition_spend");
    assert_eq!(spend.value.clone(), Figure::Money(Amount(dec("9800"))));
    assert_eq!(spend.records.len(), 5);
    assert_eq!(customers.name, "new_customers");
    assert_eq!(customers.value, Figure::Count(3));
    assert_eq!(ids(customers), ["c2", "c3", "c5"]);
    assert_eq!(customers.records[0].order_id.as_deref(), Some("o3"));
    assert_eq!(customers.records[0].date, date(2024, 1, 31));
    assert_eq!(
        (e.label_en, e.label_zh),
        ("Customer acquisition cost", "客户获取成本")
    );
}

#[test]
fn a_zero_denominator_says_so() {
    let input = tiny();
    let e = explained(&input, &KpiName::Cac, "2024-04", &[]);
    assert_eq!(e.value, None);
    assert_eq!(e.substituted, "0.00 / 0 = — (no new customers)");
    let e = explained(
        &input,
        &KpiName::CacByChannel("email".into()),
        "2024-01",
        &[],
    );
    assert_eq!(
        e.substituted,
        "300.00 / 0 = — (no new customers from email)"
    );
    let e = explained(&input, &KpiName::GrowthRate, "2024-01", &[]);
    assert!(
        e.substituted
            .starts_with("(3600.00 − 13800.00) / 13800.00 = -0.73913 ")
    );
    let e = explained(&input, &KpiName::YoyGrowthRate, "2024-01", &[]);
    assert_eq!(
        e.substituted,
        "(3600.00 − 0.00) / 0.00 = — (no revenue in 2023-01)"
    );
}

#[test]
fn revenue_of_february_lists_the_lines_of_o4_and_o5_only() {
    let e = explained(&tiny(), &KpiName::Revenue, "2024-02", &[]);
    let lines = &e.inputs[0];
    assert_eq!(ids(lines), ["o4#1", "o4#2", "o5#1"]);
    assert!(
        lines
            .records
            .iter()
            .all(|r| r.order_id.as_deref() != Some("o6"))
    );
    assert_eq!(e.substituted, "3200.00 + 901.00 + 6400.00 = 10501.00");
    assert_eq!(
        lines.records[2].note,
        "P-ANA: 800.00 × 10 × (1 − 0.2) = 6400.00"
    );
    assert_eq!(
        e.notes,
        ["order o6 of 2024-02-20 is cancelled: not counted"]
    );
}

#[test]
fn win_rate_of_march_is_d5_won_and_d7_lost() {
    let e = explained(&tiny(), &KpiName::WinRate, "2024-03", &[]);
    assert_eq!(ids(&e.inputs[0]), ["d5"]);
    assert_eq!(ids(&e.inputs[1]), ["d7"]);
    assert_eq!(e.substituted, "1 / (1 + 1) = 0.5 (50.00%)");
    assert_eq!(e.inputs[1].records[0].created, Some(date(2024, 2, 1)));
}

#[test]
fn growth_explains_both_periods() {
    let e = explained(&tiny(), &KpiName::GrowthRate, "2024-Q1", &[]);
    assert_eq!(
        e.substituted,
        "(34050.50 − 13800.00) / 13800.00 = 1.467428 (146.74%)"
    );
    let names: Vec<&str> = e.inputs.iter().map(|i| i.name).collect();
    assert_eq!(names, ["revenue", "revenue_previous"]);
    assert_eq!(ids(&e.inputs[1]), ["o2#1", "o2#2"]);
    assert_eq!(e.inputs[1].period, Span::of(&period("2023-Q4")));
}

#[test]
fn the_sales_cycle_lists_each_deal_with_its_days() {
    let e = explained(&tiny(), &KpiName::SalesCycle, "2024-Q1", &[]);
    assert_eq!(
        e.substituted,
        "mean = (10 + 25 + 26) / 3 = 20.333333; median = rank ceil(50% × 3) = 2 of 3 = 25; \
         p90 = rank ceil(90% × 3) = 3 of 3 = 26"
    );
    let days: Vec<(&str, Option<i64>)> = e.inputs[0]
        .records
        .iter()
        .map(|r| (r.id.as_str(), r.days))
        .collect();
    assert_eq!(days, [("d3", Some(10)), ("d5", Some(25)), ("d2", Some(26))]);
}

#[test]
fn clv_explains_its_trailing_year() {
    let input = tiny();
    let e = explained(&input, &KpiName::ClvProfit, "2024-02", &[]);
    assert_eq!(
        e.substituted,
        "26500.50 / 4 × 10 − 5300.00 / 3 = 64484.58; lifespan_years: nobody churned → 10 (the cap)"
    );
    let active = e.inputs.iter().find(|i| i.name == "active_customers");
    assert_eq!(active.map(ids), Some(vec!["c7", "c1", "c2", "c3"]));
    let churn = explained(&input, &KpiName::AnnualChurnRate, "2024", &[]);
    assert_eq!(churn.substituted, "1 / 2 = 0.5 (50.00%)");
    assert_eq!(ids(&churn.inputs[0]), ["c7"]);
    let lifespan = explained(&input, &KpiName::LifespanYears, "2024", &[]);
    assert_eq!(lifespan.substituted, "1 / (1 / 2) = 2");
    let none = explained(&input, &KpiName::ClvRevenue, "2022", &[]);
    assert!(
        none.substituted.contains("no customer was active in Y0"),
        "{}",
        none.substituted
    );
}

#[test]
fn satisfaction_and_reps_by_hand() {
    let input = tiny();
    let nps = explained(&input, &KpiName::Nps, "2024-Q1", &[]);
    assert_eq!(nps.substituted, "(1 − 1) / 2 = 0");
    assert_eq!(ids(&nps.inputs[0]), ["s6"]);
    assert_eq!(ids(&nps.inputs[1]), ["s7"]);
    let avg = explained(&input, &KpiName::CsatAvgScore, "2024-Q1", &[]);
    assert_eq!(avg.substituted, "(5 + 3 + 4 + 2 + 5) / 5 = 3.8");
    let li = |field| KpiName::Rep {
        rep: "u-li".into(),
        field,
    };
    let attainment = explained(&input, &li(RepField::Attainment), "2024-Q1", &[]);
    assert_eq!(
        attainment.substituted,
        "10000.00 / 15000.00 = 0.666667 (66.67%)"
    );
    assert_eq!(attainment.inputs[1].records.len(), 3);
    let target = explained(&input, &li(RepField::Target), "2024-01", &[]);
    assert_eq!(target.substituted, "5000.00 = 5000.00");
    let none = explained(&input, &li(RepField::Target), "2023-Q4", &[]);
    assert_eq!(
        none.substituted,
        "— (no revenue target of the rep lies inside the period)"
    );
    let admin = explained(
        &input,
        &KpiName::Rep {
            rep: "u-admin".into(),
            field: RepField::Revenue,
        },
        "2024-Q1",
        &[],
    );
    assert_eq!(admin.value, None);
    assert_eq!(admin.notes.len(), 1);
}

#[test]
fn filters_are_shown_as_given() {
    let filters = [
        (Dimension::Rep, "u-li".to_string()),
        (Dimension::Channel, String::new()),
        (Dimension::Month, "2024-02".to_string()),
    ];
    let e = explained(&tiny(), &KpiName::Revenue, "2024-Q1", &filters);
    assert_eq!(e.period, period("2024-02"));
    let shown: Vec<(&str, Option<&str>)> = e
        .filters
        .iter()
        .map(|f| (f.dimension.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("rep", Some("u-li")),
            ("channel", None),
            ("month", Some("2024-02"))
        ]
    );
}

#[test]
fn exact_amounts_keep_their_decimals() {
    assert_eq!(Exact(dec("382.925")).to_string(), "382.925");
    assert_eq!(Exact(dec("3200")).to_string(), "3200.00");
    assert_eq!(Exact(dec("-0.000")).to_string(), "0.00");
    assert_eq!(Exact(dec("2.5")).to_string(), "2.50");
}
