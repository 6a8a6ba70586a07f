//! §8 Sales rep performance 销售代表绩效, explained: one field of a rep's row,
//! over the records the rep owns. The value is the row's (the rep table is
//! the reference); a user without a row has no value.

use super::deals::{LOST, WON, closed, rank_text, won_by_days};
use super::records::{self, Name, count_figure, input, money};
use super::{Aggregate, Figure, KpiName, Parts, RepField, Span, acquisition, sales};
use crate::Period;
use crate::entities::{DealStatus, TargetMetric, TargetOwnerKind};
use crate::kpi::breakdown::Dimension;
use crate::kpi::pipeline::{cycle_days, nearest_rank};
use crate::kpi::reps::{RepRow, rep_table, revenue_target};
use crate::kpi::revenue::revenue;
use crate::kpi::{Fraction, View};

const ACTIVITIES: Name = ("activities", "Follow-ups logged", "跟进");
const TARGET: Name = ("target", "Revenue targets inside the period", "销售目标");
const REVENUE: Name = ("revenue", "Revenue of the rep's orders", "销售额");
const DEALS: Name = ("deals", "Deals won", "赢单数");

/// Explains a field of the rep's row.
pub(super) fn explain(view: &View, rep: &str, field: RepField, period: &Period) -> Parts {
    let mine = view.and(Dimension::Rep, Some(rep));
    let mut parts = match field {
        RepField::Revenue => sales::explain(&mine, &KpiName::Revenue, period),
        RepField::Orders => sales::explain(&mine, &KpiName::Orders, period),
        RepField::NewCustomers => acquisition::explain(&mine, &KpiName::NewCustomers, period),
        RepField::WinRate => super::deals::explain(&mine, &KpiName::WinRate, period),
        RepField::DealsWon | RepField::DealsLost => {
            let (status, name) = match field {
                RepField::DealsWon => (DealStatus::Won, WON),
                _ => (DealStatus::Lost, LOST),
            };
            let deals = closed(&mine, period, status);
            Parts {
                formula: format!("{} = the rep's deals {status} in the period", name.0),
                substituted: records::count(&deals, "deals"),
                inputs: vec![input(
                    name,
                    Span::of(period),
                    count_figure(deals.len()),
                    Aggregate::Count,
                    deals,
                )],
                ..Parts::default()
            }
        }
        RepField::SalesCycleMedian => {
            let won = won_by_days(&mine, period);
            let median = nearest_rank(&cycle_days(&mine, period), 50);
            Parts {
                formula: "sales_cycle_median = the median (nearest rank) of the cycle days of \
                          the rep's deals won in the period"
                    .into(),
                substituted: rank_text(50, won.len(), median),
                inputs: vec![input(
                    DEALS,
                    Span::of(period),
                    count_figure(won.len()),
                    Aggregate::Count,
                    won,
                )],
                ..Parts::default()
            }
        }
        RepField::Activities => {
            let logged: Vec<_> = mine
                .activities(period)
                .map(|a| records::activity(&mine, a))
                .collect();
            Parts {
                formula: "activities = the follow-ups (跟进) the rep logged in the period".into(),
                substituted: records::count(&logged, "follow-ups"),
                inputs: vec![input(
                    ACTIVITIES,
                    Span::of(period),
                    count_figure(logged.len()),
                    Aggregate::Count,
                    logged,
                )],
                ..Parts::default()
            }
        }
        RepField::Target | RepField::Attainment => explain_target(view, &mine, rep, field, period),
    };
    parts.formula = format!(
        "for the rep {rep} (the records the rep owns): {}",
        parts.formula
    );
    let row = rep_table(view, period)
        .into_iter()
        .find(|row| row.rep == rep);
    parts.value = row.as_ref().and_then(|row| row_value(row, field));
    if row.is_none() {
        parts.notes.push(format!(
            "{rep} has no row in the rep table: not a rep, and owns no order or closed deal \
             counted in the period"
        ));
    }
    parts
}

/// The field of a row.
fn row_value(row: &RepRow, field: RepField) -> Option<Figure> {
    match field {
        RepField::Revenue => Some(Figure::Money(row.revenue)),
        RepField::Orders => Some(count_figure(row.orders)),
        RepField::NewCustomers => Some(count_figure(row.new_customers)),
        RepField::DealsWon => Some(count_figure(row.deals_won)),
        RepField::DealsLost => Some(count_figure(row.deals_lost)),
        RepField::WinRate => row.win_rate.map(Figure::Ratio),
        RepField::SalesCycleMedian => row.sales_cycle_median.map(Figure::Count),
        RepField::Activities => Some(count_figure(row.activities)),
        RepField::Target => row.target.map(Figure::Money),
        RepField::Attainment => row.attainment.map(Figure::Ratio),
    }
}

fn explain_target(view: &View, mine: &View, rep: &str, field: RepField, period: &Period) -> Parts {
    let target = revenue_target(view, rep, period);
    let targets: Vec<_> = view
        .facts
        .targets
        .iter()
        .filter(|t| {
            t.owner == rep
                && t.owner_kind == TargetOwnerKind::User
                && t.metric == TargetMetric::Revenue
        })
        .filter_map(|t| {
            let inside = Period::parse(&t.period)
                .ok()
                .filter(|p| period.encloses(p))?;
            Some(records::target(t, &inside))
        })
        .collect();
    let target_input = input(
        TARGET,
        Span::of(period),
        records::money_figure(target.unwrap_or_default()),
        Aggregate::SumAmount,
        targets,
    );
    let target_text = target.map_or_else(|| "—".to_string(), money);
    let no_target = if target.is_none() {
        " (no revenue target of the rep lies inside the period)"
    } else {
        ""
    };
    if field == RepField::Target {
        return Parts {
            formula: "target = Σ the rep's own revenue targets whose period lies inside the \
                      period (team targets do not count)"
                .into(),
            substituted: match target {
                Some(_) => records::sum(
                    &records::amounts(&target_input.records),
                    &target_text,
                    "targets",
                ),
                None => format!("—{no_target}"),
            },
            inputs: vec![target_input],
            ..Parts::default()
        };
    }
    let revenue = revenue(mine, period);
    let attainment = target.map(|t| Fraction::new(revenue, t));
    Parts {
        formula: "attainment = revenue / target".into(),
        substituted: format!(
            "{} / {target_text} = {}{}{no_target}",
            money(revenue),
            attainment.map_or_else(|| "—".to_string(), records::quotient),
            attainment.map(records::percent).unwrap_or_default()
        ),
        inputs: vec![sales::revenue_input(mine, period, REVENUE), target_input],
        ..Parts::default()
    }
}
