//! §3 Customer acquisition cost 客户获取成本 and the lead conversion rate of §6,
//! explained: the spend entries, the new customers (with their first order)
//! and the leads (with what converted them).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::records::{self, Name, input, money, money_figure};
use super::{Aggregate, Figure, Input, KpiName, Parts, Span};
use crate::Period;
use crate::entities::DealStatus;
use crate::kpi::customers::{
    cac, cac_by_channel, lead_conversion_rate, new_customers_between, spend_between,
};
use crate::kpi::report::Amount;
use crate::kpi::{Fraction, View};

/// The input `new_customers`.
pub(super) const NEW_CUSTOMERS: Name = ("new_customers", "New customers", "新客户");
/// The input `acquisition_spend`.
pub(super) const SPEND: Name = ("acquisition_spend", "Acquisition spend", "获客费用");
const CHANNEL_SPEND: Name = ("channel_spend", "Spend of the channel", "渠道获客费用");
const CHANNEL_CUSTOMERS: Name = (
    "channel_new_customers",
    "New customers of the channel",
    "渠道新客户",
);
const LEADS: Name = (
    "leads",
    "Leads: customers created in the period",
    "潜在客户",
);
const CONVERTED: Name = (
    "converted",
    "Converted: with a counted order or a won deal",
    "实际客户",
);

/// Explains a §3 KPI or the lead conversion rate.
pub(super) fn explain(view: &View, kpi: &KpiName, period: &Period) -> Parts {
    match kpi {
        KpiName::NewCustomers => {
            let input = new_customers_input(view, period.from, period.to, NEW_CUSTOMERS);
            Parts {
                formula: "new_customers = the customers whose first counted order was placed in \
                          the period"
                    .into(),
                substituted: records::count(&input.records, "customers"),
                value: Some(input.value.clone()),
                inputs: vec![input],
                notes: Vec::new(),
            }
        }
        KpiName::AcquisitionSpend => {
            let value = spend_between(view, period.from, period.to);
            let input = spend_input(view, period.from, period.to, SPEND);
            Parts {
                formula: "acquisition_spend = Σ spend entries (marketing and sales) dated in the \
                          period"
                    .into(),
                substituted: records::sum(
                    &records::amounts(&input.records),
                    &money(value),
                    "spend entries",
                ),
                value: Some(money_figure(value)),
                inputs: vec![input],
                notes: Vec::new(),
            }
        }
        KpiName::Cac => {
            let value = cac(view, period);
            Parts {
                formula: "cac = acquisition_spend / new_customers".into(),
                substituted: quotient_text(value, " (no new customers)"),
                value: Amount::of(value).map(Figure::Money),
                inputs: vec![
                    spend_input(view, period.from, period.to, SPEND),
                    new_customers_input(view, period.from, period.to, NEW_CUSTOMERS),
                ],
                notes: Vec::new(),
            }
        }
        KpiName::CacByChannel(channel) => explain_channel(view, channel, period),
        KpiName::LeadConversionRate => explain_conversion(view, period),
        _ => Parts::default(),
    }
}

/// `9800.00 / 3 = 3266.67`, or `9800.00 / 0 = — (no new customers)`:
/// `without` is the reason appended when there is no value.
fn quotient_text(value: Fraction, without: &str) -> String {
    let none = if value.value().is_none() { without } else { "" };
    format!(
        "{} / {} = {}{none}",
        money(value.numerator),
        value.denominator,
        records::money_quotient(value)
    )
}

/// The spend entries dated in `[from, to)`.
pub(super) fn spend_input(view: &View, from: NaiveDate, to: NaiveDate, name: Name) -> Input {
    let entries = view
        .spend_between(from, to)
        .map(|s| records::spend(view, s))
        .collect();
    input(
        name,
        Span::new(from, to),
        money_figure(spend_between(view, from, to)),
        Aggregate::SumAmount,
        entries,
    )
}

/// The customers whose first order is in `[from, to)`.
pub(super) fn new_customers_input(
    view: &View,
    from: NaiveDate,
    to: NaiveDate,
    name: Name,
) -> Input {
    let customers = view
        .first_orders_between(from, to)
        .map(|f| records::new_customer(view, f))
        .collect();
    input(
        name,
        Span::new(from, to),
        records::count_figure(new_customers_between(view, from, to)),
        Aggregate::Count,
        customers,
    )
}

fn explain_channel(view: &View, channel: &str, period: &Period) -> Parts {
    let known = cac_by_channel(view, period).get(channel).copied();
    let value = known.unwrap_or(Fraction::new(Decimal::ZERO, Decimal::ZERO));
    let spend: Vec<_> = view
        .spend_between(period.from, period.to)
        .filter(|s| s.channel.as_deref() == Some(channel))
        .map(|s| records::spend(view, s))
        .collect();
    let customers: Vec<_> = view
        .first_orders_between(period.from, period.to)
        .filter(|f| f.customer.channel.as_deref() == Some(channel))
        .map(|f| records::new_customer(view, f))
        .collect();
    let count = value.denominator.to_i64().unwrap_or_default();
    let mut notes =
        vec!["spend without a channel counts only in the total cac, in no channel".to_string()];
    if known.is_none() {
        notes.push(format!(
            "no spend entry and no new customer has the channel {channel}: the report has no \
             cac_by_channel.{channel}"
        ));
    }
    Parts {
        formula: format!(
            "cac_by_channel.{channel} = spend of the channel {channel} / new customers whose \
             channel is {channel}"
        ),
        substituted: quotient_text(value, &format!(" (no new customers from {channel})")),
        value: Amount::of(value).map(Figure::Money),
        inputs: vec![
            input(
                CHANNEL_SPEND,
                Span::of(period),
                money_figure(value.numerator),
                Aggregate::SumAmount,
                spend,
            ),
            input(
                CHANNEL_CUSTOMERS,
                Span::of(period),
                Figure::Count(count),
                Aggregate::Count,
                customers,
            ),
        ],
        notes,
    }
}

fn explain_conversion(view: &View, period: &Period) -> Parts {
    let value = lead_conversion_rate(view, period);
    let facts = view.facts;
    let first_order: HashMap<&str, &str> = facts
        .first_orders
        .iter()
        .map(|f| (f.record.customer.id.as_str(), f.record.order.id.as_str()))
        .collect();
    let mut won_deal: HashMap<&str, &str> = HashMap::new();
    for deal in facts.deals_created.iter().map(|d| d.record) {
        if deal.status == DealStatus::Won {
            won_deal
                .entry(deal.customer_id.as_str())
                .or_insert(deal.id.as_str());
        }
    }
    let mut leads = Vec::new();
    let mut converted = Vec::new();
    for customer in view.customers_created(period) {
        let id = customer.id.as_str();
        let by = if facts.converted.contains(id) {
            match (first_order.get(id), won_deal.get(id)) {
                (Some(order), _) => Some(format!("first order {order}")),
                (None, Some(deal)) => Some(format!("won deal {deal}")),
                (None, None) => Some("converted".to_string()),
            }
        } else {
            None
        };
        let record = records::lead(view, customer, by.as_deref());
        if by.is_some() {
            converted.push(record.clone());
        }
        leads.push(record);
    }
    let none = if value.value().is_none() {
        " (no customers created in the period)"
    } else {
        ""
    };
    Parts {
        formula: "lead_conversion_rate = converted / leads: of the customers created in the \
                  period, those with a counted order or a won deal at any time in the data"
            .into(),
        substituted: format!(
            "{} / {} = {}{}{none}",
            value.numerator,
            value.denominator,
            records::quotient(value),
            records::percent(value)
        ),
        value: value.ratio().map(Figure::Ratio),
        inputs: vec![
            input(
                CONVERTED,
                Span::of(period),
                records::whole(value.numerator),
                Aggregate::Count,
                converted,
            ),
            input(
                LEADS,
                Span::of(period),
                records::whole(value.denominator),
                Aggregate::Count,
                leads,
            ),
        ],
        notes: Vec::new(),
    }
}
