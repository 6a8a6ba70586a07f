//! The engine gives exactly the reference's numbers: on random demo companies
//! (random size, seed and time zone) and random periods, every figure the
//! engine computes equals what `salesboard_domain::kpi` computes.

use chrono::NaiveDate;
use proptest::prelude::*;
use salesboard_analytics::Engine;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_domain::kpi::report::kpi_figures;
use salesboard_domain::kpi::revenue::revenue;
use salesboard_domain::kpi::{Amount, Dimension, Facts, KpiInput, Scope, View};
use salesboard_domain::{OrgTimeZone, Period};

fn company(lines: usize, seed: u64, zone: &str) -> KpiInput {
    let mut config = DemoConfig::new(lines, seed);
    config.timezone = zone.parse::<OrgTimeZone>().unwrap_or_default();
    KpiInput {
        dataset: generate(&config, &mut |_| {}),
        time_zone: config.timezone,
        ..KpiInput::default()
    }
}

fn period(kind: u8, year: i32, index: u32, length: i64) -> Period {
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
fn assert_same(input: &KpiInput, period: &Period) {
    let engine = Engine::new(input);
    let facts = Facts::new(input);
    let view = View::new(&facts, Scope::all(*period));
    let reference = kpi_figures(&view, period, &[]);
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
fn tiny() -> KpiInput {
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

#[test]
fn the_tiny_fixture_gives_the_reference_figures_in_every_period() {
    let input = tiny();
    assert_eq!(
        Engine::new(&input)
            .figures(&Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}")))
            .revenue
            .to_string(),
        "34050.50"
    );
    for text in [
        "2023-Q4", "2024", "2024-Q1", "2024-01", "2024-02", "2024-03",
    ] {
        assert_same(
            &input,
            &Period::parse(text).unwrap_or_else(|e| panic!("{e}")),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_companies_and_periods_give_the_reference_figures(
        lines in 1_usize..2_500,
        seed in any::<u64>(),
        zone in prop::sample::select(vec!["Asia/Shanghai", "UTC", "America/New_York"]),
        kind in 0_u8..4,
        year in 2022_i32..2027,
        index in any::<u32>(),
        length in 1_i64..800,
        lifespan in prop::option::of(1_u32..40),
    ) {
        let mut input = company(lines, seed, zone);
        input.customer_lifespan_years = lifespan.map(|tenths| rust_decimal::Decimal::new(i64::from(tenths), 1));
        assert_same(&input, &period(kind, year, index, length));
    }
}
