//! Helpers shared by the engine's tests: random companies, the tiny fixture,
//! and the comparison of the engine with the reference.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use chrono::NaiveDate;
use salesboard_analytics::Engine;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_domain::kpi::breakdown::time_groups;
use salesboard_domain::kpi::report::kpi_figures;
use salesboard_domain::kpi::reps::rep_table;
use salesboard_domain::kpi::revenue::revenue;
use salesboard_domain::kpi::{Amount, Dimension, Facts, KpiInput, Scope, View};
use salesboard_domain::{OrgTimeZone, Period, StageChange};

pub const STAGES: [&str; 5] = ["lead", "qualified", "proposal", "negotiation", "won"];

pub fn company(lines: usize, seed: u64, zone: &str) -> KpiInput {
    let mut config = DemoConfig::new(lines, seed);
    config.timezone = zone.parse::<OrgTimeZone>().unwrap_or_default();
    let dataset = generate(&config, &mut |_| {});
    // Some deals once stood at another stage, which the funnel counts too.
    let stage_changes = dataset
        .deals
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 3 == 0)
        .map(|(n, deal)| StageChange {
            deal_id: deal.id.clone(),
            from_stage: Some(STAGES[(n + seed as usize) % STAGES.len()].to_string()),
            to_stage: deal.stage.clone(),
            changed_at: deal.created_at,
        })
        .collect();
    KpiInput {
        stage_changes,
        dataset,
        time_zone: config.timezone,
        ..KpiInput::default()
    }
}

pub fn period(kind: u8, year: i32, index: u32, length: i64) -> Period {
    match kind {
        0 => Period::parse(&format!("{year}")),
        1 => Period::parse(&format!("{year}-Q{}", index % 4 + 1)),
        2 => Period::parse(&format!("{year}-{:02}", index % 12 + 1)),
        _ => {
            let from =
                NaiveDate::from_ymd_opt(year, index % 12 + 1, 1 + index % 28).unwrap_or_default();
            Period::range(from, from + chrono::Duration::days(length))
        }
    }
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The engine's figures and the reference's, as JSON, field by field.
pub fn assert_same(input: &KpiInput, period: &Period) {
    let stages: Vec<String> = ["lead", "qualified", "proposal", "negotiation", "won"]
        .map(String::from)
        .to_vec();
    let engine = Engine::new(input, &stages);
    let facts = Facts::new(input);
    let view = View::new(&facts, Scope::all(*period));
    let reference = kpi_figures(&view, period, &stages);
    let fast = engine.figures(period);
    // Exact amounts, not only their rounding to cents.
    assert_eq!(fast.revenue, reference.revenue, "revenue in {period}");
    assert_eq!(
        fast.gross_profit, reference.gross_profit,
        "gross_profit in {period}"
    );
    assert_eq!(fast.collected, reference.collected, "collected in {period}");
    assert_eq!(
        fast.receivable, reference.receivable,
        "receivable in {period}"
    );
    assert_eq!(
        fast.acquisition_spend, reference.acquisition_spend,
        "spend in {period}"
    );
    assert_eq!(
        (fast.aov, fast.cac),
        (reference.aov, reference.cac),
        "aov, cac in {period}"
    );
    assert_eq!(
        (fast.orders, fast.units, fast.new_customers),
        (reference.orders, reference.units, reference.new_customers),
        "{period}"
    );
    assert_eq!(
        (fast.growth_rate, fast.yoy_growth_rate),
        (reference.growth_rate, reference.yoy_growth_rate),
        "growth in {period}"
    );
    assert_eq!(
        (fast.win_rate, &fast.sales_cycle),
        (reference.win_rate, &reference.sales_cycle),
        "deals in {period}"
    );
    assert_eq!(
        (
            fast.csat,
            fast.csat_avg_score,
            fast.csat_responses,
            fast.nps
        ),
        (
            reference.csat,
            reference.csat_avg_score,
            reference.csat_responses,
            reference.nps
        ),
        "surveys in {period}"
    );
    assert_eq!(
        fast.cac_by_channel, reference.cac_by_channel,
        "cac_by_channel in {period}"
    );
    assert_eq!(
        fast.lead_conversion_rate, reference.lead_conversion_rate,
        "lead conversion in {period}"
    );
    assert_eq!(
        (
            fast.annual_churn_rate,
            fast.lifespan_years,
            fast.clv_profit,
            fast.clv_revenue
        ),
        (
            reference.annual_churn_rate,
            reference.lifespan_years,
            reference.clv_profit,
            reference.clv_revenue
        ),
        "lifetime in {period}"
    );
    assert_eq!(
        engine.funnel(period),
        reference.funnel,
        "funnel in {period}"
    );
    let whole = salesboard_domain::kpi::kpi_report(input, *period, &stages, None, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        serde_json::to_value(engine.report(period)).ok(),
        serde_json::to_value(&whole).ok(),
        "report of {period}"
    );
    assert_eq!(
        engine.rep_table(period),
        rep_table(&view, period),
        "reps in {period}"
    );
    for month in engine.monthly_revenue(period) {
        let key = month.key.clone().unwrap_or_default();
        let whole = Period::parse(&key).unwrap_or_else(|e| panic!("{e}"));
        let clipped = Period::range(whole.from.max(period.from), whole.to.min(period.to))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            month.revenue,
            Amount(revenue(&view, &clipped)),
            "month {key} of {period}"
        );
    }
    for (dimension, ranked) in [
        (Dimension::Rep, engine.revenue_by_rep(period)),
        (Dimension::Product, engine.top_products(period, 20)),
    ] {
        for row in ranked {
            let narrowed = view.and(dimension, row.key.as_deref());
            assert_eq!(
                row.revenue,
                Amount(revenue(&narrowed, period)),
                "{dimension:?} {:?} in {period}",
                row.key
            );
        }
    }
}

/// The hand-checked tiny fixture, read with the importer's validation.
pub fn tiny() -> KpiInput {
    use salesboard_domain::known::{KnownIds, StageInfo};
    use salesboard_io::import::{FileKind, ImportOptions, SourceFile, read_table, validate};
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny");
    let tables: Vec<_> = FileKind::ALL
        .iter()
        .filter_map(|kind| {
            let bytes = std::fs::read(folder.join(format!("{}.csv", kind.name()))).ok()?;
            let name = format!("{}.csv", kind.name());
            Some((
                *kind,
                read_table(&SourceFile { name, bytes }, None).unwrap_or_else(|e| panic!("{e}")),
            ))
        })
        .collect();
    let stages = ["lead", "qualified", "proposal", "negotiation", "won"]
        .iter()
        .zip(1..)
        .map(|(code, position)| StageInfo {
            code: code.to_string(),
            position,
            label_en: code.to_string(),
            label_zh: code.to_string(),
        })
        .collect();
    let known = KnownIds {
        stages,
        ..KnownIds::default()
    };
    let outcome = validate(&tables, &known, &[], &ImportOptions::default());
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    KpiInput {
        dataset: outcome.dataset,
        ..KpiInput::default()
    }
}

/// The company with gaps and strays the demo never makes, so that every
/// `None` key and every fallback of the attribution is exercised: records
/// without owner, channel, region, industry, team, category or SKU; an
/// owner who is not a user; a SKU not in the catalogue; an order of a
/// customer without a record; a payment of an unknown order; surveys
/// without a customer or without either; spend without a channel.
pub fn roughen(input: &mut KpiInput, seed: u64) {
    let step = |n: usize| n + (seed % 3) as usize;
    let data = &mut input.dataset;
    for (n, customer) in data.customers.iter_mut().enumerate() {
        if n % step(7) == 1 {
            customer.channel = None;
        }
        if n % step(11) == 2 {
            customer.region = None;
        }
        if n % step(13) == 3 {
            customer.industry = None;
        }
        if n % step(9) == 4 {
            customer.owner = None;
        }
    }
    for (n, order) in data.orders.iter_mut().enumerate() {
        if n % step(5) == 1 {
            order.owner = None;
        }
        if n % step(23) == 2 {
            order.owner = Some("u-stranger".to_string());
        }
        if n % 97 == 5 {
            order.customer_id = "c-without-record".to_string();
        }
        for (m, line) in order.lines.iter_mut().enumerate() {
            if (n + m) % step(17) == 3 {
                line.sku = None;
            }
            if (n + m) % 41 == 4 {
                line.sku = Some("X-NOT-IN-CATALOGUE".to_string());
            }
        }
    }
    if let Some(product) = data.products.get_mut((seed % 5) as usize) {
        product.category = None;
    }
    if let Some(user) = data.users.iter_mut().rev().nth((seed % 3) as usize) {
        user.team = None;
    }
    for (n, payment) in data.payments.iter_mut().enumerate() {
        if n % 61 == 7 {
            payment.order_id = "o-unknown".to_string();
        }
    }
    for (n, deal) in data.deals.iter_mut().enumerate() {
        if n % step(6) == 1 {
            deal.owner = None;
        }
    }
    for (n, activity) in data.activities.iter_mut().enumerate() {
        if n % step(8) == 2 {
            activity.owner = None;
        }
    }
    for (n, survey) in data.surveys.iter_mut().enumerate() {
        if n % 3 == 0 {
            survey.customer_id = None;
        }
        if n % 7 == 1 {
            survey.order_id = None;
        }
    }
    for (n, spend) in data.spend.iter_mut().enumerate() {
        if n % step(4) == 1 {
            spend.channel = None;
        }
    }
}

/// Debug text with every decimal written without trailing zeros, so that
/// `13800.000` and `13800` (equal amounts of different scales) compare equal.
pub fn without_trailing_zeros(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if !c.is_ascii_digit() || chars.peek() != Some(&'.') {
            continue;
        }
        chars.next();
        let mut fraction = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            fraction.push(d);
        }
        let kept = fraction.trim_end_matches('0');
        if !kept.is_empty() {
            out.push('.');
            out.push_str(kept);
        }
    }
    out
}

/// The values a filter on `dimension` may take in `input` over `period`:
/// every key some record has, no value (`""`) and a value nobody has; for
/// a time dimension the keys of the period's parts and one outside it.
pub fn filter_values(input: &KpiInput, period: &Period, dimension: Dimension) -> Vec<String> {
    let data = &input.dataset;
    let mut values: Vec<String> = match dimension {
        Dimension::Rep => data
            .users
            .iter()
            .map(|u| u.id.clone())
            .chain(data.orders.iter().filter_map(|o| o.owner.clone()))
            .collect(),
        Dimension::Team => data.users.iter().filter_map(|u| u.team.clone()).collect(),
        Dimension::Product => data
            .orders
            .iter()
            .flat_map(|o| o.lines.iter().filter_map(|l| l.sku.clone()))
            .chain(data.products.iter().map(|p| p.sku.clone()))
            .collect(),
        Dimension::Category => data
            .products
            .iter()
            .filter_map(|p| p.category.clone())
            .collect(),
        Dimension::Channel => data
            .customers
            .iter()
            .filter_map(|c| c.channel.clone())
            .chain(data.spend.iter().filter_map(|s| s.channel.clone()))
            .collect(),
        Dimension::Region => data
            .customers
            .iter()
            .filter_map(|c| c.region.clone())
            .collect(),
        Dimension::Industry => data
            .customers
            .iter()
            .filter_map(|c| c.industry.clone())
            .collect(),
        Dimension::Segment => vec!["new".into(), "returning".into()],
        time => {
            let mut keys: Vec<String> = time_groups(period, time)
                .into_iter()
                .map(|(key, _)| key)
                .collect();
            let outside = Period::range(period.to, period.to + chrono::Duration::days(400))
                .map(|later| time_groups(&later, time))
                .ok()
                .and_then(|parts| parts.last().map(|(key, _)| key.clone()));
            keys.extend(outside);
            return keys;
        }
    };
    values.sort();
    values.dedup();
    if dimension != Dimension::Segment {
        values.push(String::new());
        values.push("nobody-has-this".to_string());
    }
    values
}

/// Any dimension, for proptests.
pub fn dimension() -> impl proptest::strategy::Strategy<Value = Dimension> {
    proptest::sample::select(Dimension::ALL.to_vec())
}
