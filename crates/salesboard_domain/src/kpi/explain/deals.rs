//! §5 Sales cycle 销售周期 and the win rate 赢单率 of §6, explained: the
//! deals closed in the period, each with its creation and closing dates and
//! the days between them.

use rust_decimal::prelude::ToPrimitive;

use super::records::{self, Name, count_figure, input};
use super::{Aggregate, Figure, KpiName, Parts, Record, Span};
use crate::Period;
use crate::entities::DealStatus;
use crate::kpi::View;
use crate::kpi::pipeline::{Cycle, sales_cycle, win_rate, won_lost};
use crate::kpi::report::SalesCycle;

const CYCLE_DAYS: Name = (
    "cycle_days",
    "Days from creation to closing, won deals",
    "成交天数",
);
/// The input `deals_won`.
pub(super) const WON: Name = ("won", "Deals won", "赢单");
/// The input `deals_lost`.
pub(super) const LOST: Name = ("lost", "Deals lost", "输单");
const DEALS: Name = ("deals", "Deals won", "赢单数");

/// Explains the sales cycle or the win rate.
pub(super) fn explain(view: &View, kpi: &KpiName, period: &Period) -> Parts {
    match kpi {
        KpiName::SalesCycle => explain_cycle(view, period),
        KpiName::WinRate => explain_win_rate(view, period),
        _ => Parts::default(),
    }
}

/// The deals closed in the period with a status, by closing date.
pub(super) fn closed(view: &View, period: &Period, status: DealStatus) -> Vec<Record> {
    view.deals_closed(period)
        .filter(|deal| deal.status == status)
        .map(|deal| records::deal(view, deal))
        .collect()
}

/// The won deals of the period with their cycle days, shortest first (the
/// order of the nearest ranks).
pub(super) fn won_by_days(view: &View, period: &Period) -> Vec<Record> {
    let mut won: Vec<Record> = closed(view, period, DealStatus::Won)
        .into_iter()
        .filter(|r| r.days.is_some())
        .collect();
    won.sort_by_key(|r| r.days);
    won
}

/// `rank 2 of 3 = 25` for a nearest-rank percentile.
pub(super) fn rank_text(percent: usize, deals: usize, value: Option<i64>) -> String {
    match value {
        Some(days) => {
            let rank = (percent * deals).div_ceil(100).max(1);
            format!("rank ceil({percent}% × {deals}) = {rank} of {deals} = {days}")
        }
        None => "— (no deals won)".to_string(),
    }
}

fn explain_cycle(view: &View, period: &Period) -> Parts {
    let Cycle {
        mean,
        median,
        p90,
        deals,
    } = sales_cycle(view, period);
    let won = won_by_days(view, period);
    let days: Vec<String> = won
        .iter()
        .map(|r| r.days.unwrap_or_default().to_string())
        .collect();
    let total = mean.numerator.to_i64().unwrap_or_default();
    let mean_text = match records::terms(&days) {
        Some(terms) if deals > 1 => format!("({terms}) / {deals}"),
        _ => format!("{total} / {deals}"),
    };
    let substituted = if deals == 0 {
        "no deals won in the period: mean, median and p90 are —".to_string()
    } else {
        format!(
            "mean = {mean_text} = {}; median = {}; p90 = {}",
            records::quotient(mean),
            rank_text(50, deals, median),
            rank_text(90, deals, p90)
        )
    };
    Parts {
        formula: "sales_cycle, over the deals won with closed_at in the period: cycle_days = \
                  date(closed_at) − date(created_at) in local days; mean = Σ cycle_days / deals; \
                  median and p90 by nearest rank (the value at rank ceil(q × n) of the sorted days)"
            .into(),
        substituted,
        value: Some(Figure::Cycle(SalesCycle {
            mean: mean.ratio(),
            median,
            p90,
            deals,
        })),
        inputs: vec![
            input(
                CYCLE_DAYS,
                Span::of(period),
                Figure::Count(total),
                Aggregate::SumDays,
                won.clone(),
            ),
            input(
                DEALS,
                Span::of(period),
                count_figure(deals),
                Aggregate::Count,
                won,
            ),
        ],
        notes: Vec::new(),
    }
}

fn explain_win_rate(view: &View, period: &Period) -> Parts {
    let value = win_rate(view, period);
    let (won, lost) = won_lost(view, period);
    let none = if value.value().is_none() {
        " (no deals won or lost in the period)"
    } else {
        ""
    };
    Parts {
        formula: "win_rate = won / (won + lost), over the deals closed in the period".into(),
        substituted: format!(
            "{won} / ({won} + {lost}) = {}{}{none}",
            records::quotient(value),
            records::percent(value)
        ),
        value: value.ratio().map(Figure::Ratio),
        inputs: vec![
            input(
                WON,
                Span::of(period),
                count_figure(won),
                Aggregate::Count,
                closed(view, period, DealStatus::Won),
            ),
            input(
                LOST,
                Span::of(period),
                count_figure(lost),
                Aggregate::Count,
                closed(view, period, DealStatus::Lost),
            ),
        ],
        notes: Vec::new(),
    }
}
