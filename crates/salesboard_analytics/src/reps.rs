//! The funnel and the rep table from the columns: one pass over each kind of
//! record in the period, accumulated per owner.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use salesboard_domain::Period;
use salesboard_domain::kpi::pipeline::nearest_rank;
use salesboard_domain::kpi::reps::competition_ranks;
use salesboard_domain::kpi::{Amount, Fraction, FunnelStage, RepRow};

use crate::columns::{Engine, amount};
use crate::selection::{Kind, Selection};

/// What one owner did in a period.
#[derive(Debug, Default, Clone)]
struct Tally {
    revenue: i128,
    orders: usize,
    new_customers: usize,
    won: usize,
    lost: usize,
    cycles: Vec<i64>,
    activities: usize,
}

impl Engine {
    /// The share of the deals created in the period that reached each stage.
    pub fn funnel(&self, period: &Period) -> Vec<FunnelStage> {
        self.funnel_of(&Selection::all(), period)
    }

    /// The funnel of the selected deals created in the period.
    pub(crate) fn funnel_of(&self, rows: &Selection, period: &Period) -> Vec<FunnelStage> {
        let created = self.rows(rows, Kind::Deals, period.from, period.to);
        let deals = created.len();
        let mut reached = vec![0_usize; self.stages.len()];
        for i in created {
            for stage in reached.iter_mut().take(self.created_deal_reached[i]) {
                *stage += 1;
            }
        }
        self.stages
            .iter()
            .zip(reached)
            .map(|(stage, reached)| FunnelStage {
                stage: stage.clone(),
                reached,
                share: Fraction::new(Decimal::from(reached), Decimal::from(deals)).ratio(),
            })
            .collect()
    }

    /// One row per rep (and per other owner of an order or a closed deal in
    /// the period), ranked by revenue; ties share a rank.
    pub fn rep_table(&self, period: &Period) -> Vec<RepRow> {
        self.rep_table_of(&Selection::all(), period)
    }

    /// The rep table over the selected rows (every rep still gets a row).
    pub(crate) fn rep_table_of(&self, rows: &Selection, period: &Period) -> Vec<RepRow> {
        let mut tallies = vec![Tally::default(); self.owners.names.len()];
        let mut reps: BTreeSet<u32> = self.rep_users.iter().copied().collect();
        let mut counted = vec![false; self.orders];
        for i in self.rows(rows, Kind::Lines, period.from, period.to) {
            let owner = self.lines.owner[i];
            if owner == u32::MAX {
                continue;
            }
            reps.insert(owner);
            let tally = &mut tallies[owner as usize];
            tally.revenue += self.lines.amount[i];
            let order = self.lines.order[i] as usize;
            if !counted[order] {
                counted[order] = true;
                tally.orders += 1;
            }
        }
        for i in self.rows(rows, Kind::FirstOrders, period.from, period.to) {
            if let Some(tally) = tallies.get_mut(self.first_order_tags.owner[i] as usize) {
                tally.new_customers += 1;
            }
        }
        for i in self.rows(rows, Kind::Closed, period.from, period.to) {
            let owner = self.closed_tags.owner[i];
            let Some(tally) = tallies.get_mut(owner as usize) else {
                continue;
            };
            if self.closed_won[i] {
                tally.won += 1;
                tally.cycles.push(self.closed_cycle[i]);
                reps.insert(owner);
            } else if self.closed_lost[i] {
                tally.lost += 1;
                reps.insert(owner);
            }
        }
        for i in self.rows(rows, Kind::Activities, period.from, period.to) {
            if let Some(tally) = tallies.get_mut(self.activity_tags.owner[i] as usize) {
                tally.activities += 1;
            }
        }
        let rows: Vec<RepRow> = reps
            .into_iter()
            .map(|owner| self.rep_row(owner, &mut tallies[owner as usize], period))
            .collect();
        let ranks = competition_ranks(
            &rows
                .iter()
                .map(|row| row.revenue.exact())
                .collect::<Vec<_>>(),
        );
        let mut rows: Vec<RepRow> = rows
            .into_iter()
            .zip(ranks)
            .map(|(row, rank)| RepRow { rank, ..row })
            .collect();
        rows.sort_by(|a, b| (a.rank, &a.rep).cmp(&(b.rank, &b.rep)));
        rows
    }

    fn rep_row(&self, owner: u32, tally: &mut Tally, period: &Period) -> RepRow {
        let revenue = amount(tally.revenue);
        let target = self
            .revenue_targets
            .iter()
            .filter(|(who, from, to, _)| {
                *who == owner && *from >= period_day(period.from) && *to <= period_day(period.to)
            })
            .map(|(_, _, _, cents)| Decimal::new(*cents, 2))
            .reduce(|a, b| a + b);
        tally.cycles.sort_unstable();
        let count = |n: usize| Decimal::from(n);
        RepRow {
            rep: self.owner_name(owner).unwrap_or_default().to_string(),
            revenue: Amount(revenue),
            orders: tally.orders,
            new_customers: tally.new_customers,
            deals_won: tally.won,
            deals_lost: tally.lost,
            win_rate: Fraction::new(count(tally.won), count(tally.won + tally.lost)).ratio(),
            sales_cycle_median: nearest_rank(&tally.cycles, 50),
            activities: tally.activities,
            target: target.map(Amount),
            attainment: target.and_then(|target| Fraction::new(revenue, target).ratio()),
            rank: 0,
        }
    }
}

fn period_day(date: chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&date)
}
