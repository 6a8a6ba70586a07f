//! The web dashboard's board under any filters from the engine seen through
//! them (`kpi_board::from_engine_filtered`) equals the board the reference
//! functions compute (`kpi_board::compute`), field by field, on the tiny
//! fixture under every filter and on random companies with gaps under one or
//! two random filters of any dimension.

mod common;

use common::*;
use proptest::prelude::*;
use salesboard_analytics::Engine;
use salesboard_app::kpi_board::{Compare, compute, from_engine_filtered};
use salesboard_domain::Period;
use salesboard_domain::kpi::{Dimension, KpiInput};

fn assert_same_board(
    engine: &Engine,
    input: &KpiInput,
    period: Period,
    compare: Compare,
    filters: &[(Dimension, String)],
) {
    let stages = STAGES.map(String::from).to_vec();
    let fast = from_engine_filtered(engine, input, period, compare, filters);
    let reference = compute(input, &stages, period, compare, filters);
    match (fast, reference) {
        (Ok(fast), Ok(reference)) => assert_eq!(
            without_trailing_zeros(&format!("{fast:#?}")),
            without_trailing_zeros(&format!("{reference:#?}")),
            "board of {period} with {filters:?}"
        ),
        (Err(fast), Err(reference)) => assert_eq!(fast.to_string(), reference.to_string()),
        (fast, reference) => panic!(
            "{period} with {filters:?}: engine {:?}, reference {:?}",
            fast.map(|_| "a board"),
            reference.map(|_| "a board")
        ),
    }
}

#[test]
fn the_tiny_fixture_gives_the_reference_board_under_every_filter() {
    let input = tiny();
    let engine = Engine::new(&input, &STAGES.map(String::from));
    let q1 = Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}"));
    for dimension in Dimension::ALL {
        for value in filter_values(&input, &q1, dimension) {
            for compare in [Compare::Previous, Compare::LastYear] {
                assert_same_board(&engine, &input, q1, compare, &[(dimension, value.clone())]);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_companies_give_the_reference_board_under_any_filters(
        lines in 1_usize..1_200,
        seed in any::<u64>(),
        zone in prop::sample::select(vec!["Asia/Shanghai", "UTC", "America/New_York"]),
        kind in 0_u8..4,
        year in 2022_i32..2027,
        index in any::<u32>(),
        length in 1_i64..500,
        last_year in any::<bool>(),
        picks in prop::collection::vec((dimension(), any::<usize>()), 1..3),
    ) {
        let mut input = company(lines, seed, zone);
        roughen(&mut input, seed);
        let period = period(kind, year, index, length);
        let filters: Vec<(Dimension, String)> = picks
            .into_iter()
            .map(|(dimension, pick)| {
                let values = filter_values(&input, &period, dimension);
                (dimension, values[pick % values.len()].clone())
            })
            .collect();
        let compare = if last_year { Compare::LastYear } else { Compare::Previous };
        let engine = Engine::new(&input, &STAGES.map(String::from));
        assert_same_board(&engine, &input, period, compare, &filters);
    }
}
