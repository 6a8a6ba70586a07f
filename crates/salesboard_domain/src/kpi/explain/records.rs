//! The records behind an input, built from the facts the KPI functions read,
//! and the text of numbers in the substituted formulas.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Aggregate, Exact, Figure, Input, Record, RecordKind, Span};
use crate::entities::{Activity, Customer, Deal, Payment, Spend, Survey, SurveyScale, Target};
use crate::kpi::facts::{FirstOrder, LineFact};
use crate::kpi::report::Amount;
use crate::kpi::{Fraction, View};
use crate::{Period, Timestamp};

/// Up to this many terms a sum or a count is written out in full.
const MAX_TERMS: usize = 12;

/// An input's name and labels.
pub(super) type Name = (&'static str, &'static str, &'static str);

/// An input.
pub(super) fn input(
    (name, label_en, label_zh): Name,
    period: Span,
    value: Figure,
    aggregate: Aggregate,
    records: Vec<Record>,
) -> Input {
    Input {
        name,
        label_en,
        label_zh,
        period,
        value,
        aggregate,
        records,
    }
}

/// Money as in the output contract.
pub(super) fn money_figure(value: Decimal) -> Figure {
    Figure::Money(Amount(value))
}

/// A count.
pub(super) fn count_figure(n: usize) -> Figure {
    Figure::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A count held as an exact decimal (a fraction's numerator or denominator).
pub(super) fn whole(value: Decimal) -> Figure {
    Figure::Count(value.to_i64().unwrap_or(i64::MAX))
}

/// The local date of an instant.
pub(super) fn local(view: &View, at: Timestamp) -> NaiveDate {
    view.facts.zone.local_date(at)
}

/// A counted order line, with its amount.
pub(super) fn line(view: &View, fact: LineFact) -> Record {
    let (order, line) = (fact.order, fact.line);
    let number = order
        .lines
        .iter()
        .position(|other| std::ptr::eq(other, line))
        .map_or(0, |at| at + 1);
    let sku = line.sku.as_deref().unwrap_or("(no product)");
    let amount = format!(
        "{sku}: {} × {} × (1 − {}) = {}",
        line.unit_price,
        line.quantity,
        line.discount,
        Exact(fact.amount)
    );
    Record {
        kind: RecordKind::OrderLine,
        id: format!("{}#{number}", order.id),
        date: local(view, order.ordered_at),
        amount: Some(Exact(fact.amount)),
        quantity: Some(line.quantity),
        order_id: Some(order.id.clone()),
        customer_id: Some(order.customer_id.clone()),
        sku: line.sku.clone(),
        unit_price: Some(line.unit_price),
        discount: Some(line.discount),
        note: if line.quantity < 0 {
            format!("{amount} (return)")
        } else {
            amount
        },
        ..Record::default()
    }
}

/// A counted order line, with its gross profit.
pub(super) fn line_profit(view: &View, fact: LineFact) -> Record {
    let line = fact.line;
    let unit_cost = line
        .sku
        .as_deref()
        .and_then(|sku| view.facts.product_by_sku.get(sku))
        .and_then(|product| product.unit_cost);
    let cost_text = unit_cost.map_or_else(|| "0 (unknown cost)".to_string(), |c| c.to_string());
    let sku = line.sku.as_deref().unwrap_or("(no product)");
    Record {
        amount: None,
        profit: Some(Exact(fact.profit)),
        unit_cost,
        note: format!(
            "{sku}: ({} × (1 − {}) − {cost_text}) × {} = {}",
            line.unit_price,
            line.discount,
            line.quantity,
            Exact(fact.profit)
        ),
        ..self::line(view, fact)
    }
}

/// The orders of some counted lines, each with the sum of its lines, in the
/// order of their first line.
pub(super) fn orders<'a>(
    view: &View<'_, 'a>,
    lines: impl Iterator<Item = LineFact<'a>>,
) -> Vec<Record> {
    let mut records: Vec<(Record, usize)> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for fact in lines {
        let at = *index.entry(fact.order_number).or_insert_with(|| {
            let order = fact.order;
            records.push((
                Record {
                    kind: RecordKind::Order,
                    id: order.id.clone(),
                    date: local(view, order.ordered_at),
                    amount: Some(Exact(Decimal::ZERO)),
                    customer_id: Some(order.customer_id.clone()),
                    ..Record::default()
                },
                0,
            ));
            records.len() - 1
        });
        if let Some((record, lines)) = records.get_mut(at) {
            record.amount = Some(Exact(record.amount.unwrap_or_default().0 + fact.amount));
            *lines += 1;
        }
    }
    records
        .into_iter()
        .map(|(mut record, lines)| {
            let customer = record.customer_id.as_deref().unwrap_or("");
            record.note = if lines == 1 {
                format!("customer {customer}, 1 counted line")
            } else {
                format!("customer {customer}, {lines} counted lines")
            };
            record
        })
        .collect()
}

/// The customers with a counted order among the lines, dated by their first
/// one, with the orders listed.
pub(super) fn active_customers<'a>(
    view: &View<'_, 'a>,
    lines: impl Iterator<Item = LineFact<'a>>,
) -> Vec<Record> {
    let mut records: Vec<(Record, Vec<&str>)> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for fact in lines {
        let at = *index.entry(fact.customer_number).or_insert_with(|| {
            records.push((
                Record {
                    kind: RecordKind::Customer,
                    id: fact.order.customer_id.clone(),
                    date: local(view, fact.order.ordered_at),
                    channel: customer_channel(view, &fact.order.customer_id),
                    ..Record::default()
                },
                Vec::new(),
            ));
            records.len() - 1
        });
        if let Some((_, orders)) = records.get_mut(at)
            && !orders.contains(&fact.order.id.as_str())
        {
            orders.push(&fact.order.id);
        }
    }
    records
        .into_iter()
        .map(|(mut record, orders)| {
            record.note = format!("orders {}", orders.join(", "));
            record
        })
        .collect()
}

fn customer_channel(view: &View, id: &str) -> Option<String> {
    view.facts.customer(id).and_then(|c| c.channel.clone())
}

/// A new customer, dated by its first order.
pub(super) fn new_customer(view: &View, first: FirstOrder) -> Record {
    let channel = first.customer.channel.clone();
    Record {
        kind: RecordKind::Customer,
        id: first.customer.id.clone(),
        date: local(view, first.order.ordered_at),
        order_id: Some(first.order.id.clone()),
        note: match channel.as_deref() {
            Some(channel) => format!("first order {}, channel {channel}", first.order.id),
            None => format!("first order {}, no channel", first.order.id),
        },
        channel,
        ..Record::default()
    }
}

/// A lead: a customer dated by its creation, and what converted it.
pub(super) fn lead(view: &View, customer: &Customer, converted_by: Option<&str>) -> Record {
    Record {
        kind: RecordKind::Customer,
        id: customer.id.clone(),
        date: local(view, customer.created_at),
        channel: customer.channel.clone(),
        note: match converted_by {
            Some(by) => format!("created; converted: {by}"),
            None => "created; no counted order or won deal".to_string(),
        },
        ..Record::default()
    }
}

/// A deal, dated by its closing (else its creation).
pub(super) fn deal(view: &View, deal: &Deal) -> Record {
    let created = local(view, deal.created_at);
    let closed = deal.closed_at.map(|at| local(view, at));
    let days = deal
        .closed_at
        .map(|at| view.facts.days_between(deal.created_at, at));
    let note = match (closed, days) {
        (Some(closed), Some(days)) => {
            format!(
                "{}, created {created}, closed {closed}: {days} days",
                deal.status
            )
        }
        _ => format!("{}, created {created}", deal.status),
    };
    Record {
        kind: RecordKind::Deal,
        id: deal.id.clone(),
        date: closed.unwrap_or(created),
        days,
        customer_id: Some(deal.customer_id.clone()),
        status: Some(deal.status.to_string()),
        created: Some(created),
        closed,
        note,
        ..Record::default()
    }
}

/// A survey response.
pub(super) fn survey(view: &View, survey: &Survey) -> Record {
    let scale = match survey.scale {
        SurveyScale::Five => 5,
        SurveyScale::Ten => 10,
    };
    Record {
        kind: RecordKind::Survey,
        id: survey.id.clone(),
        date: local(view, survey.responded_at),
        score: Some(survey.score),
        scale: Some(scale),
        customer_id: survey.customer_id.clone(),
        order_id: survey.order_id.clone(),
        note: format!("score {} of {scale}", survey.score),
        ..Record::default()
    }
}

/// A payment.
pub(super) fn payment(view: &View, payment: &Payment) -> Record {
    Record {
        kind: RecordKind::Payment,
        id: payment.id.clone(),
        date: local(view, payment.paid_at),
        amount: Some(Exact(payment.amount.to_decimal())),
        order_id: Some(payment.order_id.clone()),
        note: format!("for order {}", payment.order_id),
        ..Record::default()
    }
}

/// A spend entry.
pub(super) fn spend(view: &View, spend: &Spend) -> Record {
    let channel = match spend.channel.as_deref() {
        Some(channel) => format!("channel {channel}"),
        None => "no channel (counts only in the total)".to_string(),
    };
    let what = match spend.category.as_deref() {
        Some(category) => format!("{category} spend, {channel}"),
        None => channel,
    };
    let typed: Vec<&str> = spend.campaign.iter().map(String::as_str).collect();
    Record {
        kind: RecordKind::Spend,
        id: spend.id.clone(),
        date: local(view, spend.date),
        amount: Some(Exact(spend.amount.to_decimal())),
        channel: spend.channel.clone(),
        note: with_typed(what, &typed),
        ..Record::default()
    }
}

/// A follow-up.
pub(super) fn activity(view: &View, activity: &Activity) -> Record {
    let customer = &activity.customer_id;
    let what = match activity.kind {
        Some(kind) => format!("customer {customer}, {kind}"),
        None => format!("customer {customer}"),
    };
    let typed: Vec<&str> = activity.note.iter().map(String::as_str).collect();
    Record {
        kind: RecordKind::Activity,
        id: activity.id.clone(),
        date: local(view, activity.occurred_at),
        customer_id: Some(activity.customer_id.clone()),
        note: with_typed(what, &typed),
        ..Record::default()
    }
}

/// A note followed by what a person typed (a category, a campaign, a
/// follow-up's text), quoted so that it is never taken for words of ours.
fn with_typed(note: String, typed: &[&str]) -> String {
    if typed.is_empty() {
        note
    } else {
        format!("{note}, \"{}\"", typed.join(", "))
    }
}

/// A revenue target, dated by the start of its period.
pub(super) fn target(target: &Target, period: &Period) -> Record {
    Record {
        kind: RecordKind::Target,
        id: format!("{} {}", target.owner, target.period),
        date: period.from,
        amount: Some(Exact(Decimal::new(target.value_hundredths, 2))),
        note: format!("revenue target of {} for {}", target.owner, target.period),
        ..Record::default()
    }
}

// ---- numbers in formulas ----

/// Money as in the output contract: `9800.00`.
pub(super) fn money(value: Decimal) -> String {
    Amount(value).to_string()
}

/// A number with at most six decimals: `0.6`, `1.467428`, `10`.
pub(super) fn number(value: Decimal) -> String {
    let rounded = value
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if rounded.is_zero() {
        "0".to_string()
    } else {
        rounded.to_string()
    }
}

/// A quotient as a number, `—` without a value.
pub(super) fn quotient(fraction: Fraction) -> String {
    fraction.value().map_or_else(|| "—".to_string(), number)
}

/// A quotient as money, `—` without a value.
pub(super) fn money_quotient(fraction: Fraction) -> String {
    Amount::of(fraction).map_or_else(|| "—".to_string(), |a| a.to_string())
}

/// ` (60.00%)` for a ratio with a value.
pub(super) fn percent(fraction: Fraction) -> String {
    fraction
        .value()
        .map(|v| {
            let percent = (v * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            format!(" ({percent:.2}%)")
        })
        .unwrap_or_default()
}

/// `3200.00 + 901.00 − 450.50`; none when there are no terms or too many
/// to write out.
pub(super) fn terms(terms: &[String]) -> Option<String> {
    if terms.is_empty() || terms.len() > MAX_TERMS {
        return None;
    }
    let mut text = String::new();
    for (at, term) in terms.iter().enumerate() {
        match (at, term.strip_prefix('-')) {
            (0, _) => text.push_str(term),
            (_, Some(positive)) => {
                text.push_str(" − ");
                text.push_str(positive);
            }
            (_, None) => {
                text.push_str(" + ");
                text.push_str(term);
            }
        }
    }
    Some(text)
}

/// `3200.00 + 901.00 − 450.50 = 3650.50`, or `Σ of 40 order lines = …`
/// when there are many terms.
pub(super) fn sum(terms: &[String], total: &str, what: &str) -> String {
    match self::terms(terms) {
        Some(text) => format!("{text} = {total}"),
        None => format!("Σ of {} {what} = {total}", terms.len()),
    }
}

/// `count(o4, o5) = 2`, or `count of 40 orders = 40` when there are many.
pub(super) fn count(records: &[Record], what: &str) -> String {
    if records.is_empty() || records.len() > MAX_TERMS {
        return format!("count of {} {what} = {}", records.len(), records.len());
    }
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    format!("count({}) = {}", ids.join(", "), records.len())
}

/// The amounts of records, as sum terms.
pub(super) fn amounts(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.amount.unwrap_or_default().to_string())
        .collect()
}
