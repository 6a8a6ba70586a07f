//! §5 Sales cycle 销售周期 and the deal side of §6: win rate 赢单率 and the
//! pipeline funnel.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{Fraction, View, count};
use crate::Period;
use crate::entities::{Deal, DealStatus};

/// `cycle_days` of the deals won with `closed_at ∈ P`: local days from the
/// deal's `created_at` (首次接触) to `closed_at`, sorted.
pub fn cycle_days(view: &View, period: &Period) -> Vec<i64> {
    let mut days: Vec<i64> = view
        .deals_closed(period)
        .filter(|deal| deal.status == DealStatus::Won)
        .filter_map(|deal| Some(view.facts.days_between(deal.created_at, deal.closed_at?)))
        .collect();
    days.sort_unstable();
    days
}

/// The sales cycle of P in days.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    /// Mean of the cycle days (exact until reported).
    pub mean: Fraction,
    /// Median (nearest rank).
    pub median: Option<i64>,
    /// 90th percentile (nearest rank).
    pub p90: Option<i64>,
    /// Deals won in P.
    pub deals: usize,
}

/// §5: `mean`, `median`, `p90` and `deals` of the won deals' cycle days.
pub fn sales_cycle(view: &View, period: &Period) -> Cycle {
    let days = cycle_days(view, period);
    Cycle {
        mean: Fraction::new(
            days.iter().copied().map(Decimal::from).sum::<Decimal>(),
            count(days.len()),
        ),
        median: nearest_rank(&days, 50),
        p90: nearest_rank(&days, 90),
        deals: days.len(),
    }
}

/// The `percent`-th percentile of sorted values by the nearest-rank method:
/// the value at rank `ceil(percent / 100 × n)`, 1-based; none for no values.
pub fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Deals won and lost with `closed_at ∈ P`.
pub fn won_lost(view: &View, period: &Period) -> (usize, usize) {
    view.deals_closed(period)
        .fold((0, 0), |(won, lost), deal| match deal.status {
            DealStatus::Won => (won + 1, lost),
            DealStatus::Lost => (won, lost + 1),
            DealStatus::Open => (won, lost),
        })
}

/// `win_rate(P)` = won / (won + lost) over deals with `closed_at ∈ P`.
pub fn win_rate(view: &View, period: &Period) -> Fraction {
    let (won, lost) = won_lost(view, period);
    Fraction::new(count(won), count(won + lost))
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct StageReach {
    /// Stage code.
    pub stage: String,
    /// Deals created in P that reached the stage.
    pub reached: usize,
    /// reached / deals created in P.
    pub share: Fraction,
}

/// `funnel(P)`: for deals created in P, the share that reached each stage of
/// the pipeline (`stage_order`, first to last). A deal reached every stage up
/// to the furthest one it was ever in (its current or last stage, or one in
/// its stage history); a won deal reached all.
pub fn funnel(view: &View, period: &Period, stage_order: &[String]) -> Vec<StageReach> {
    let position: HashMap<&str, usize> = stage_order
        .iter()
        .enumerate()
        .map(|(at, code)| (code.as_str(), at + 1))
        .collect();
    let mut reached = vec![0_usize; stage_order.len()];
    let mut deals = 0;
    for deal in view.deals_created(period) {
        deals += 1;
        let furthest = furthest_stage(view, deal, &position, stage_order.len());
        for stage in reached.iter_mut().take(furthest) {
            *stage += 1;
        }
    }
    stage_order
        .iter()
        .zip(reached)
        .map(|(stage, reached)| StageReach {
            stage: stage.clone(),
            reached,
            share: Fraction::new(count(reached), count(deals)),
        })
        .collect()
}

/// The 1-based position of the furthest stage a deal reached (0: none known).
fn furthest_stage(
    view: &View,
    deal: &Deal,
    position: &HashMap<&str, usize>,
    stages: usize,
) -> usize {
    if deal.status == DealStatus::Won {
        return stages;
    }
    let history = view.facts.stage_history.get(deal.id.as_str());
    std::iter::once(deal.stage.as_str())
        .chain(history.into_iter().flatten().copied())
        .filter_map(|stage| position.get(stage).copied())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;
    use crate::entities::StageChange;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[10, 26], 50), Some(10));
        assert_eq!(nearest_rank(&[10, 25, 26], 50), Some(25));
        assert_eq!(nearest_rank(&[10, 25, 26], 90), Some(26));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&ten, 50), Some(5));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 90), Some(10));
    }

    #[test]
    fn cycle_days_are_local_calendar_days() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(cycle_days(&view, &q1), [10, 25, 26]);
        let cycle = sales_cycle(&view, &q1);
        assert_eq!(cycle.mean.value(), Some(dec("61") / dec("3")));
        assert_eq!(
            (cycle.median, cycle.p90, cycle.deals),
            (Some(25), Some(26), 3)
        );
        let empty = sales_cycle(&view, &period("2030"));
        assert_eq!(
            (empty.mean.ratio(), empty.median, empty.p90, empty.deals),
            (None, None, None, 0)
        );
    }

    #[test]
    fn win_rate_counts_won_and_lost_only() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(won_lost(&view, &q1), (3, 2));
        assert_eq!(win_rate(&view, &q1).ratio(), Some(0.6));
        assert_eq!(win_rate(&view, &period("2030")).ratio(), None);
    }

    #[test]
    fn the_funnel_fills_earlier_stages_and_uses_the_history() {
        let mut input = tiny();
        let q1 = period("2024-Q1");
        let reached = |input: &super::super::KpiInput| -> Vec<usize> {
            let facts = Facts::new(input);
            let view = View::new(&facts, Scope::all(q1));
            funnel(&view, &q1, &stages())
                .iter()
                .map(|s| s.reached)
                .collect()
        };
        // Created in Q1: d2 won, d3 won, d4 proposal (lost), d5 won, d6 qualified, d7 negotiation (lost).
        assert_eq!(reached(&input), [6, 6, 5, 4, 3]);
        // d6 had been in negotiation before it went back to qualified.
        input.stage_changes.push(StageChange {
            deal_id: "d6".into(),
            from_stage: Some("negotiation".into()),
            to_stage: "qualified".into(),
            changed_at: at("2024-03-20"),
        });
        assert_eq!(reached(&input), [6, 6, 6, 5, 3]);
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(q1));
        let shares: Vec<Option<f64>> = funnel(&view, &period("2030"), &stages())
            .iter()
            .map(|s| s.share.ratio())
            .collect();
        assert_eq!(shares, [None; 5]);
    }
}
