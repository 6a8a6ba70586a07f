//! §8 Sales rep performance 销售代表绩效: one row per rep, every record
//! attributed to its owner, with the rep's revenue target and rank.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Serialize;

use super::breakdown::Dimension;
use super::pipeline::{cycle_days, nearest_rank, won_lost};
use super::report::Amount;
use super::revenue::{orders, revenue};
use super::{Fraction, View, count};
use crate::Period;
use crate::entities::{DealStatus, Role, TargetMetric, TargetOwnerKind};

/// One row of the rep table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepRow {
    /// The user id as imported.
    pub rep: String,
    /// Revenue of the orders the rep owns (§1).
    pub revenue: Amount,
    /// Orders the rep owns.
    pub orders: usize,
    /// New customers in P whose first order the rep owns.
    pub new_customers: usize,
    /// Deals the rep owns won in P.
    pub deals_won: usize,
    /// Deals the rep owns lost in P.
    pub deals_lost: usize,
    /// won / (won + lost).
    pub win_rate: Option<f64>,
    /// Median sales cycle of the rep's won deals, in days.
    pub sales_cycle_median: Option<i64>,
    /// Follow-ups the rep logged in P.
    pub activities: usize,
    /// Sum of the rep's revenue targets whose period lies inside P.
    pub target: Option<Amount>,
    /// revenue / target.
    pub attainment: Option<f64>,
    /// 1 = highest revenue; ties share a rank.
    pub rank: usize,
}

/// The rows: every user whose role is `rep`, and any other user who owns an
/// order or a closed deal counted in P; sorted by rank, then rep id.
pub fn rep_table(view: &View, period: &Period) -> Vec<RepRow> {
    let rows: Vec<(RepRow, Decimal)> = rep_ids(view, period)
        .into_iter()
        .map(|rep| rep_row(view, period, rep))
        .collect();
    let ranks = competition_ranks(&rows.iter().map(|(_, r)| *r).collect::<Vec<_>>());
    let mut rows: Vec<RepRow> = rows
        .into_iter()
        .zip(ranks)
        .map(|((row, _), rank)| RepRow { rank, ..row })
        .collect();
    rows.sort_by(|a, b| (a.rank, &a.rep).cmp(&(b.rank, &b.rep)));
    rows
}

/// Who gets a row.
pub fn rep_ids(view: &View, period: &Period) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = view
        .facts
        .users
        .iter()
        .filter(|user| user.role == Role::Rep)
        .map(|user| user.id.clone())
        .collect();
    let order_owners = view
        .lines(period)
        .filter_map(|line| line.order.owner.clone());
    let deal_owners = view
        .deals_closed(period)
        .filter(|deal| deal.status != DealStatus::Open)
        .filter_map(|deal| deal.owner.clone());
    ids.extend(order_owners.chain(deal_owners));
    ids
}

/// A rep's row (rank still 0) and exact revenue.
fn rep_row(view: &View, period: &Period, rep: String) -> (RepRow, Decimal) {
    let mine = view.and(Dimension::Rep, Some(&rep));
    let revenue = revenue(&mine, period);
    let (deals_won, deals_lost) = won_lost(&mine, period);
    let target = revenue_target(view, &rep, period);
    let row = RepRow {
        revenue: Amount(revenue),
        orders: orders(&mine, period),
        new_customers: mine.first_orders_between(period.from, period.to).count(),
        deals_won,
        deals_lost,
        win_rate: Fraction::new(count(deals_won), count(deals_won + deals_lost)).ratio(),
        sales_cycle_median: nearest_rank(&cycle_days(&mine, period), 50),
        activities: mine.activities(period).count(),
        target: target.map(Amount),
        attainment: target.and_then(|target| Fraction::new(revenue, target).ratio()),
        rank: 0,
        rep,
    };
    (row, revenue)
}

/// The sum of a user's revenue targets whose period lies inside P (team
/// targets do not count); none when there is no such target.
pub fn revenue_target(view: &View, rep: &str, period: &Period) -> Option<Decimal> {
    view.facts
        .targets
        .iter()
        .filter(|t| {
            t.owner == rep
                && t.owner_kind == TargetOwnerKind::User
                && t.metric == TargetMetric::Revenue
        })
        .filter(|t| Period::parse(&t.period).is_ok_and(|p| period.encloses(&p)))
        .map(|t| Decimal::new(t.value_hundredths, 2))
        .reduce(|a, b| a + b)
}

/// Ranks by value, highest first; equal values share a rank and the next
/// rank skips (1, 1, 3).
pub fn competition_ranks(values: &[Decimal]) -> Vec<usize> {
    values
        .iter()
        .map(|value| 1 + values.iter().filter(|other| *other > value).count())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;
    use crate::entities::Role;

    #[test]
    fn ties_share_a_rank() {
        let ranks = competition_ranks(&[dec("5"), dec("9"), dec("5"), dec("1")]);
        assert_eq!(ranks, [2, 1, 2, 4]);
        assert_eq!(competition_ranks(&[dec("0"), dec("0")]), [1, 1]);
    }

    #[test]
    fn the_q1_table() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        let rows = rep_table(&view, &q1);
        let summary: Vec<(&str, String, usize, Option<String>, usize)> = rows
            .iter()
            .map(|r| {
                (
                    r.rep.as_str(),
                    r.revenue.to_string(),
                    r.activities,
                    r.target.map(|t| t.to_string()),
                    r.rank,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("u-zhang", "24050.50".into(), 4, Some("20000.00".into()), 1),
                ("u-li", "10000.00".into(), 2, Some("15000.00".into()), 2),
            ]
        );
        assert_eq!(rows[0].sales_cycle_median, Some(10));
        assert_eq!(rows[1].win_rate, Some(0.5));
    }

    #[test]
    fn targets_count_when_inside_the_period_and_never_a_teams() {
        let input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024-01")));
        assert_eq!(revenue_target(&view, "u-zhang", &period("2024-01")), None);
        assert_eq!(
            revenue_target(&view, "u-zhang", &period("2024")),
            Some(dec("20000"))
        );
        assert_eq!(revenue_target(&view, "East", &period("2024")), None);
        assert_eq!(
            revenue_target(&view, "u-li", &period("2024-Q1")),
            Some(dec("15000"))
        );
    }

    #[test]
    fn tied_reps_are_sorted_by_id_and_other_owners_get_a_row() {
        let mut input = tiny();
        input.dataset.users.push(user("u-bai", Role::Rep, "East"));
        // The manager owns an order in 2023-Q4.
        for order in &mut input.dataset.orders {
            if order.id == "o1" {
                order.owner = Some("u-chen".into());
            }
        }
        let facts = Facts::new(&input);
        let q3 = period("2023-Q3");
        let view = View::new(&facts, Scope::all(q3));
        let rows: Vec<(String, usize)> = rep_table(&view, &q3)
            .into_iter()
            .map(|r| (r.rep, r.rank))
            .collect();
        assert_eq!(
            rows,
            [
                ("u-chen".to_string(), 1),
                ("u-bai".to_string(), 2),
                ("u-li".to_string(), 2),
                ("u-zhang".to_string(), 2),
            ]
        );
    }
}
