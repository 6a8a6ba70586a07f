//! §1 Revenue 销售额 and §2 Sales growth rate 销售增长率, explained: the
//! counted order lines (or orders, payments) behind each figure.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::records::{self, Name, count_figure, input, local, money, money_figure};
use super::{Aggregate, Figure, Input, KpiName, Parts, Span};
use crate::Period;
use crate::entities::OrderStatus;
use crate::kpi::View;
use crate::kpi::report::Amount;
use crate::kpi::revenue::{
    aov, collected, gross_profit, growth_rate, orders, receivable, revenue, units, yoy_growth_rate,
};
use crate::kpi::scope::Attribution;

const REVENUE: Name = ("revenue", "Revenue", "销售额");
const REVENUE_PREVIOUS: Name = ("revenue_previous", "Revenue, previous period", "上期销售额");
const REVENUE_LAST_YEAR: Name = (
    "revenue_last_year",
    "Revenue, same period last year",
    "去年同期销售额",
);
const ORDERS: Name = ("orders", "Orders", "订单数");
const UNITS: Name = ("units", "Units", "件数");
const GROSS_PROFIT: Name = ("gross_profit", "Gross profit", "毛利");
const PAYMENTS: Name = ("collected", "Payments received", "回款");
const BILLED: Name = (
    "billed",
    "Revenue of orders before the end",
    "期末前累计销售额",
);
const PAID: Name = ("paid", "Payments before the end", "期末前累计回款");

/// Explains a §1 or §2 KPI.
pub(super) fn explain(view: &View, kpi: &KpiName, period: &Period) -> Parts {
    match kpi {
        KpiName::Revenue => explain_revenue(view, period),
        KpiName::Orders => explain_orders(view, period),
        KpiName::Units => explain_units(view, period),
        KpiName::Aov => explain_aov(view, period),
        KpiName::GrossProfit => explain_gross_profit(view, period),
        KpiName::Collected => explain_collected(view, period),
        KpiName::Receivable => explain_receivable(view, period.to),
        KpiName::GrowthRate => explain_growth(view, period, false),
        KpiName::YoyGrowthRate => explain_growth(view, period, true),
        _ => Parts::default(),
    }
}

/// Revenue of the period with its counted order lines.
pub(super) fn revenue_input(view: &View, period: &Period, name: Name) -> Input {
    let lines = view.lines(period).map(|l| records::line(view, l)).collect();
    input(
        name,
        Span::of(period),
        money_figure(revenue(view, period)),
        Aggregate::SumAmount,
        lines,
    )
}

fn explain_revenue(view: &View, period: &Period) -> Parts {
    let value = revenue(view, period);
    let lines = revenue_input(view, period, REVENUE);
    Parts {
        formula: "revenue = Σ unit_price × quantity × (1 − discount), over the counted lines \
                  (order not cancelled) of the orders placed in the period"
            .into(),
        substituted: records::sum(
            &records::amounts(&lines.records),
            &money(value),
            "order lines",
        ),
        value: Some(money_figure(value)),
        inputs: vec![lines],
        notes: cancelled(view, period),
    }
}

/// The orders of the period (each with its counted lines' sum).
pub(super) fn orders_input(view: &View, period: &Period, name: Name) -> Input {
    let records = records::orders(view, view.lines(period));
    input(
        name,
        Span::of(period),
        count_figure(orders(view, period)),
        Aggregate::Count,
        records,
    )
}

fn explain_orders(view: &View, period: &Period) -> Parts {
    let input = orders_input(view, period, ORDERS);
    Parts {
        formula: "orders = the number of distinct orders with a counted line placed in the period"
            .into(),
        substituted: records::count(&input.records, "orders"),
        value: Some(input.value.clone()),
        inputs: vec![input],
        notes: cancelled(view, period),
    }
}

fn explain_units(view: &View, period: &Period) -> Parts {
    let value = units(view, period);
    let lines: Vec<_> = view.lines(period).map(|l| records::line(view, l)).collect();
    let quantities: Vec<String> = lines
        .iter()
        .map(|r| r.quantity.unwrap_or_default().to_string())
        .collect();
    Parts {
        formula: "units = Σ quantity of the counted order lines of the period (returns subtract)"
            .into(),
        substituted: records::sum(&quantities, &value.to_string(), "order lines"),
        value: Some(Figure::Count(value)),
        inputs: vec![input(
            UNITS,
            Span::of(period),
            Figure::Count(value),
            Aggregate::SumQuantity,
            lines,
        )],
        notes: cancelled(view, period),
    }
}

fn explain_aov(view: &View, period: &Period) -> Parts {
    let value = aov(view, period);
    let orders = records::orders(view, view.lines(period));
    let count = self::orders(view, period);
    let revenue = input(
        REVENUE,
        Span::of(period),
        money_figure(value.numerator),
        Aggregate::SumAmount,
        orders.clone(),
    );
    let orders = input(
        ORDERS,
        Span::of(period),
        count_figure(count),
        Aggregate::Count,
        orders,
    );
    let none = if count == 0 { " (no orders)" } else { "" };
    Parts {
        formula: "aov = revenue / orders".into(),
        substituted: format!(
            "{} / {count} = {}{none}",
            money(value.numerator),
            records::money_quotient(value)
        ),
        value: Amount::of(value).map(Figure::Money),
        inputs: vec![revenue, orders],
        notes: cancelled(view, period),
    }
}

fn explain_gross_profit(view: &View, period: &Period) -> Parts {
    let value = gross_profit(view, period);
    let lines: Vec<_> = view
        .lines(period)
        .map(|l| records::line_profit(view, l))
        .collect();
    let profits: Vec<String> = lines
        .iter()
        .map(|r| r.profit.unwrap_or_default().to_string())
        .collect();
    Parts {
        formula: "gross_profit = Σ (unit_price × (1 − discount) − unit_cost) × quantity, over the \
                  counted order lines of the period (unit_cost from the product, 0 when unknown)"
            .into(),
        substituted: records::sum(&profits, &money(value), "order lines"),
        value: Some(money_figure(value)),
        inputs: vec![input(
            GROSS_PROFIT,
            Span::of(period),
            money_figure(value),
            Aggregate::SumProfit,
            lines,
        )],
        notes: cancelled(view, period),
    }
}

fn explain_collected(view: &View, period: &Period) -> Parts {
    let value = collected(view, period);
    let payments: Vec<_> = view
        .payments_between(period.from, period.to)
        .map(|p| records::payment(view, p))
        .collect();
    Parts {
        formula: "collected = Σ payments received in the period".into(),
        substituted: records::sum(&records::amounts(&payments), &money(value), "payments"),
        value: Some(money_figure(value)),
        inputs: vec![input(
            PAYMENTS,
            Span::of(period),
            money_figure(value),
            Aggregate::SumAmount,
            payments,
        )],
        notes: Vec::new(),
    }
}

fn explain_receivable(view: &View, to: NaiveDate) -> Parts {
    let value = receivable(view, to);
    let billed_records = records::orders(view, view.lines_before(to));
    let billed: Decimal = view.lines_before(to).map(|line| line.amount).sum();
    let paid_records: Vec<_> = view
        .payments_between(NaiveDate::MIN, to)
        .map(|p| records::payment(view, p))
        .collect();
    let paid: Decimal = paid_records
        .iter()
        .map(|r| r.amount.unwrap_or_default().0)
        .sum();
    let span = Span::new(NaiveDate::MIN, to);
    Parts {
        formula: format!(
            "receivable = billed − paid: the revenue of the orders placed before {to} − the \
             payments received before {to}"
        ),
        substituted: format!("{} − {} = {}", money(billed), money(paid), money(value)),
        value: Some(money_figure(value)),
        inputs: vec![
            input(
                BILLED,
                span,
                money_figure(billed),
                Aggregate::SumAmount,
                billed_records,
            ),
            input(
                PAID,
                span,
                money_figure(paid),
                Aggregate::SumAmount,
                paid_records,
            ),
        ],
        notes: Vec::new(),
    }
}

fn explain_growth(view: &View, period: &Period, year_on_year: bool) -> Parts {
    let (value, base, base_name, name, prime, which) = if year_on_year {
        (
            yoy_growth_rate(view, period),
            period.same_period_last_year(),
            REVENUE_LAST_YEAR,
            "yoy_growth_rate",
            "P″",
            "the same period last year",
        )
    } else {
        (
            growth_rate(view, period),
            period.previous(),
            REVENUE_PREVIOUS,
            "growth_rate",
            "P′",
            "the previous period",
        )
    };
    let (now, before) = (revenue(view, period), revenue(view, &base));
    let none = if value.value().is_none() {
        format!(" (no revenue in {base})")
    } else {
        String::new()
    };
    Parts {
        formula: format!(
            "{name} = (revenue(P) − revenue({prime})) / revenue({prime}), P = {period}, \
             {prime} = {base} ({which})"
        ),
        substituted: format!(
            "({} − {}) / {} = {}{}{none}",
            money(now),
            money(before),
            money(before),
            records::quotient(value),
            records::percent(value)
        ),
        value: value.ratio().map(Figure::Ratio),
        inputs: vec![
            revenue_input(view, period, REVENUE),
            revenue_input(view, &base, base_name),
        ],
        notes: Vec::new(),
    }
}

/// The cancelled orders placed in the period that the filters would select:
/// they are not counted, which a user checking by hand may wonder about.
fn cancelled(view: &View, period: &Period) -> Vec<String> {
    let mut left_out: Vec<(NaiveDate, &str)> = view
        .facts
        .order_by_id
        .values()
        .filter(|order| order.status == OrderStatus::Cancelled)
        .map(|order| (local(view, order.ordered_at), *order))
        .filter(|(date, order)| {
            period.contains(*date)
                && order.lines.iter().any(|line| {
                    view.admits(&Attribution {
                        sku: line.sku.as_deref(),
                        ..view.order(order)
                    })
                })
        })
        .map(|(date, order)| (date, order.id.as_str()))
        .collect();
    left_out.sort_unstable();
    left_out
        .into_iter()
        .map(|(date, id)| format!("order {id} of {date} is cancelled: not counted"))
        .collect()
}
