//! The engine gives exactly the reference's numbers: on random demo companies
//! (random size, seed and time zone) and random periods, every figure the
//! engine computes equals what `salesboard_domain::kpi` computes.

mod common;

use common::*;
use proptest::prelude::*;
use salesboard_analytics::Engine;
use salesboard_domain::Period;

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
    use salesboard_app::kpi_board::{Compare, compute, from_engine};
    let stages: Vec<String> = ["lead", "qualified", "proposal", "negotiation", "won"]
        .map(String::from)
        .to_vec();
    let compare = if last_year {
        Compare::LastYear
    } else {
        Compare::Previous
    };
    let fast = from_engine(&Engine::new(input, &stages), input, period, compare);
    let reference = compute(input, &stages, period, compare, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        without_trailing_zeros(&format!("{fast:#?}")),
        without_trailing_zeros(&format!("{reference:#?}")),
        "board of {period}"
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Without filters (`tests/filtered_board.rs` has them).
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
    ) {
        assert_same_board(&company(lines, seed, zone), period(kind, year, index, length), last_year);
    }
}
