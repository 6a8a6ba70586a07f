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
