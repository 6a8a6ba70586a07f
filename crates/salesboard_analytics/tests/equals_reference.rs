//! The engine gives exactly the reference's numbers: on random demo companies
//! (random size, seed and time zone) and random periods, every figure the
//! engine computes equals what `salesboard_domain::kpi` computes.

mod common;

use common::*;
use proptest::prelude::*;
use salesboard_analytics::Engine;
use salesboard_domain::Period;
use salesboard_domain::kpi::Dimension;

#[test]
fn the_tiny_fixture_gives_the_reference_figures_in_every_period() {
    let input = tiny();
    assert_eq!(
        Engine::new(&input, &[])
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

/// The web dashboard's board from the engine equals the one the reference
/// functions compute, field by field (compared through their full debug
/// text: every figure, group, product, cycle day and choice).
fn assert_same_board(input: &salesboard_domain::kpi::KpiInput, period: Period, last_year: bool) {
    assert_same_filtered_board(input, period, last_year, &[]);
}

/// The same with filters on what a customer is: the engine over every
/// record seen through them.
fn assert_same_filtered_board(
    input: &salesboard_domain::kpi::KpiInput,
    period: Period,
    last_year: bool,
    filters: &[(Dimension, String)],
) {
    use salesboard_app::kpi_board::{Compare, compute, from_engine_filtered};
    let stages: Vec<String> = ["lead", "qualified", "proposal", "negotiation", "won"]
        .map(String::from)
        .to_vec();
    let compare = if last_year {
        Compare::LastYear
    } else {
        Compare::Previous
    };
    let engine = Engine::new(input, &stages);
    let fast = from_engine_filtered(&engine, input, period, compare, filters)
        .unwrap_or_else(|e| panic!("{e}"));
    let reference =
        compute(input, &stages, period, compare, filters).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        without_trailing_zeros(&format!("{fast:#?}")),
        without_trailing_zeros(&format!("{reference:#?}")),
        "board of {period} with {filters:?}"
    );
}

#[test]
fn the_tiny_fixture_gives_the_reference_board() {
    let input = tiny();
    for text in ["2023-Q4", "2024", "2024-Q1", "2024-02"] {
        let period = Period::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_same_board(&input, period, false);
        assert_same_board(&input, period, true);
    }
}

/// A filter on `dimension`: one of the values the customers have (picked
/// by `pick`), no value (`""`), or a value nobody has.
fn customer_filter(
    input: &salesboard_domain::kpi::KpiInput,
    dimension: Dimension,
    pick: usize,
) -> (Dimension, String) {
    let mut values: Vec<String> = input
        .dataset
        .customers
        .iter()
        .filter_map(|c| match dimension {
            Dimension::Channel => c.channel.clone(),
            Dimension::Region => c.region.clone(),
            _ => c.industry.clone(),
        })
        .collect();
    values.sort();
    values.dedup();
    values.push(String::new());
    values.push("nobody-has-this".to_string());
    (dimension, values[pick % values.len()].clone())
}

#[test]
fn the_tiny_fixture_gives_the_reference_board_under_customer_filters() {
    let input = tiny();
    let q1 = Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}"));
    for filters in [
        vec![(Dimension::Channel, "search".to_string())],
        vec![(Dimension::Channel, String::new())],
        vec![(Dimension::Region, "East".to_string())],
        vec![
            (Dimension::Region, "East".to_string()),
            (Dimension::Channel, "social".to_string()),
        ],
    ] {
        assert_same_filtered_board(&input, q1, false, &filters);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// No filter, or one or two on what a customer is.
    #[test]
    fn random_companies_give_the_reference_board(
        lines in 1_usize..1_500,
        seed in any::<u64>(),
        zone in prop::sample::select(vec!["Asia/Shanghai", "UTC", "America/New_York"]),
        kind in 0_u8..4,
        year in 2022_i32..2027,
        index in any::<u32>(),
        length in 1_i64..800,
        last_year in any::<bool>(),
        dimensions in prop::collection::vec(
            (prop::sample::select(vec![Dimension::Channel, Dimension::Region, Dimension::Industry]), any::<usize>()),
            0..3,
        ),
    ) {
        let input = company(lines, seed, zone);
        let filters: Vec<(Dimension, String)> = dimensions
            .into_iter()
            .map(|(dimension, pick)| customer_filter(&input, dimension, pick))
            .collect();
        assert_same_filtered_board(&input, period(kind, year, index, length), last_year, &filters);
    }
}
