//! The engine answers breakdowns and filters exactly as the reference does:
//! `Engine::report_by(period, by, filters)` serializes to the same JSON as
//! `kpi::kpi_report(input, period, stages, by, filters)` (every field, the
//! groups in the same order with the same keys, the same error for a filter
//! the reference refuses), on the tiny fixture by every dimension and on
//! random companies with gaps (records without owner, channel, SKU …) under
//! random breakdowns and one or two random filters.

mod common;

use common::*;
use proptest::prelude::*;
use salesboard_analytics::Engine;
use salesboard_domain::Period;
use salesboard_domain::kpi::{Dimension, KpiInput, kpi_report};

fn stages() -> Vec<String> {
    STAGES.map(String::from).to_vec()
}

/// The engine's report and the reference's, as JSON (or the same refusal).
fn assert_same_report(
    engine: &Engine,
    input: &KpiInput,
    period: Period,
    by: Option<Dimension>,
    filters: &[(Dimension, String)],
) {
    let fast = engine.report_by(period, by, filters);
    let reference = kpi_report(input, period, &stages(), by, filters);
    match (fast, reference) {
        (Ok(fast), Ok(reference)) => assert_eq!(
            serde_json::to_value(&fast).ok(),
            serde_json::to_value(&reference).ok(),
            "report of {period} by {by:?} with {filters:?}"
        ),
        (Err(fast), Err(reference)) => assert_eq!(fast.to_string(), reference.to_string()),
        (fast, reference) => panic!(
            "{period} by {by:?} with {filters:?}: engine {:?}, reference {:?}",
            fast.map(|_| "a report"),
            reference.map(|_| "a report")
        ),
    }
}

#[test]
fn the_tiny_fixture_by_every_dimension_gives_the_reference_report() {
    let input = tiny();
    let engine = Engine::new(&input, &stages());
    for text in ["2023-Q4", "2024", "2024-Q1", "2024-02"] {
        let period = Period::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_same_report(&engine, &input, period, None, &[]);
        for by in Dimension::ALL {
            assert_same_report(&engine, &input, period, Some(by), &[]);
        }
    }
}

#[test]
fn the_tiny_fixture_under_every_filter_gives_the_reference_report() {
    let input = tiny();
    let engine = Engine::new(&input, &stages());
    let q1 = Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for dimension in Dimension::ALL {
        for value in filter_values(&input, &q1, dimension) {
            let filters = [(dimension, value)];
            for by in [None, Some(Dimension::Month), Some(Dimension::Rep)] {
                assert_same_report(&engine, &input, q1, by, &filters);
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any breakdown (or none) under no filter, one, or two combined.
    #[test]
    fn random_companies_by_any_dimension_under_any_filters_give_the_reference_report(
        lines in 1_usize..1_200,
        seed in any::<u64>(),
        zone in prop::sample::select(vec!["Asia/Shanghai", "UTC", "America/New_York"]),
        kind in 0_u8..4,
        year in 2022_i32..2027,
        index in any::<u32>(),
        length in 1_i64..500,
        lifespan in prop::option::of(1_u32..40),
        by in prop::option::of(dimension()),
        picks in prop::collection::vec((dimension(), any::<usize>()), 0..3),
    ) {
        let mut input = company(lines, seed, zone);
        roughen(&mut input, seed);
        input.customer_lifespan_years =
            lifespan.map(|tenths| rust_decimal::Decimal::new(i64::from(tenths), 1));
        let period = period(kind, year, index, length);
        let filters: Vec<(Dimension, String)> = picks
            .into_iter()
            .map(|(dimension, pick)| {
                let values = filter_values(&input, &period, dimension);
                (dimension, values[pick % values.len()].clone())
            })
            .collect();
        let engine = Engine::new(&input, &stages());
        assert_same_report(&engine, &input, period, by, &filters);
    }
}
