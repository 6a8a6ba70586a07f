//! "Explain" for every KPI (docs/kpis.md): the formula, the formula with the
//! actual numbers substituted, the inputs, and the records behind each input
//! (ids, local dates, amounts), so that a sales manager can check any number
//! of the report by hand.
//!
//! The value and the inputs come from the reference functions of the sibling
//! modules (never computed a second way); the records are listed from the
//! same [`View`] iterators those functions read, so that summing (or
//! counting) the records of an input gives the input exactly — see
//! [`Aggregate`].

mod acquisition;
mod deals;
mod lifetime;
mod names;
mod records;
mod reps;
mod sales;
mod satisfaction;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

pub use names::{KpiName, RepField};

use super::breakdown::{self, Dimension};
use super::report::{Amount, SalesCycle};
use super::{Facts, KpiInput, View};
use crate::{Discount, Money, Period, ValidationError};

/// The explanation of one KPI over a period and filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The KPI's name (`cac`, `cac_by_channel`, `rep.attainment`).
    pub kpi: String,
    /// English label.
    pub label_en: &'static str,
    /// Chinese label (the UI's zh-CN name).
    pub label_zh: &'static str,
    /// The channel of `cac_by_channel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The rep of a `rep.*` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rep: Option<String>,
    /// `{from, to}`, `to` exclusive (narrowed by time filters).
    pub period: Period,
    /// The filters, as given.
    pub filters: Vec<Filter>,
    /// The definition, e.g. `cac = acquisition_spend / new_customers`.
    pub formula: String,
    /// The formula with the numbers, e.g. `9800.00 / 3 = 3266.67`.
    pub substituted: String,
    /// The value as in the output contract (`null` when it has none).
    pub value: Option<Figure>,
    /// What the value is computed from.
    pub inputs: Vec<Input>,
    /// Remarks for checking by hand (records left out and why).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One `--filter DIM=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// The dimension (`rep`, `channel`, `month` …).
    pub dimension: String,
    /// The key; `null` selects the records without a value.
    pub value: Option<String>,
}

/// A value in the output contract's form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    /// Money: a string with two decimals.
    Money(Amount),
    /// A whole number: a count, units, days.
    Count(i64),
    /// A ratio or an average.
    Ratio(f64),
    /// §5 `{mean, median, p90, deals}`.
    Cycle(SalesCycle),
}

/// One input of a KPI and the records that make it up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// Its name in the formula (`acquisition_spend`, `new_customers` …).
    pub name: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Chinese label.
    pub label_zh: &'static str,
    /// The dates the records are taken from.
    pub period: Span,
    /// The input's value.
    pub value: Figure,
    /// How the records give the value.
    pub aggregate: Aggregate,
    /// The records, by date (by days for the sales cycle).
    pub records: Vec<Record>,
}

/// How the records of an input give its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The number of records.
    Count,
    /// Σ `amount`.
    SumAmount,
    /// Σ `profit`.
    SumProfit,
    /// Σ `quantity`.
    SumQuantity,
    /// Σ `score`.
    SumScore,
    /// Σ `days`.
    SumDays,
    /// A setting, not records.
    Setting,
}

/// Local dates `[from, to)`; `from` is `null` for "since the first record".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The first day, if any.
    pub from: Option<NaiveDate>,
    /// The first day after.
    pub to: NaiveDate,
}

impl Span {
    /// `[from, to)`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Span {
            from: (from != NaiveDate::MIN).then_some(from),
            to,
        }
    }

    /// The dates of a period.
    pub fn of(period: &Period) -> Self {
        Span::new(period.from, period.to)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            Some(from) => write!(f, "[{from}, {})", self.to),
            None => write!(f, "before {}", self.to),
        }
    }
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A counted order line (`o4#2`: order o4, second line).
    #[default]
    OrderLine,
    /// An order (its counted lines in scope).
    Order,
    /// A spend entry.
    Spend,
    /// A customer.
    Customer,
    /// A deal.
    Deal,
    /// A payment.
    Payment,
    /// A survey response.
    Survey,
    /// A follow-up.
    Activity,
    /// A revenue target.
    Target,
}

/// A record behind an input: its id, local date, the figure that is summed,
/// and the fields that let the user find and check it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Record {
    /// What it is.
    pub kind: RecordKind,
    /// Its id as imported (an order line: `order#line`, 1-based).
    pub id: String,
    /// The local date it counts on.
    pub date: NaiveDate,
    /// Money (exact: more than two decimals only when the line has them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Exact>,
    /// Gross profit of an order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profit: Option<Exact>,
    /// Units of an order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// A survey score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// Days from creation to closing of a deal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// The order (of a line, payment or survey; a customer's first order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The product of an order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Unit price of an order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    /// Discount of an order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Discount>,
    /// Unit cost of an order line's product (gross profit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<Money>,
    /// Channel of spend or of a customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// A deal's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A deal's creation date (first contact 首次接触).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    /// A deal's closing date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<NaiveDate>,
    /// The highest score of a survey's scale (5 or 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    /// What the record is, in words.
    pub note: String,
}

/// An exact amount, shown with at least two decimals (`3200.00`, `382.925`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Exact(pub Decimal);

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0.normalize();
        if value.is_zero() {
            value = Decimal::ZERO;
        }
        if value.scale() < 2 {
            value.rescale(2);
        }
        write!(f, "{value}")
    }
}

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What an explainer returns; [`explain`] adds the name, labels and scope.
#[derive(Debug, Default)]
struct Parts {
    formula: String,
    substituted: String,
    value: Option<Figure>,
    inputs: Vec<Input>,
    notes: Vec<String>,
}

/// Explains one KPI over the period in the view (the view's scope holds the
/// record filters; the period is already narrowed by the time filters).
pub fn explain(view: &View, kpi: &KpiName, period: &Period) -> Explanation {
    let parts = match kpi {
        KpiName::Revenue
        | KpiName::Orders
        | KpiName::Units
        | KpiName::Aov
        | KpiName::GrossProfit
        | KpiName::Collected
        | KpiName::Receivable
        | KpiName::GrowthRate
        | KpiName::YoyGrowthRate => sales::explain(view, kpi, period),
        KpiName::NewCustomers
        | KpiName::AcquisitionSpend
        | KpiName::Cac
        | KpiName::CacByChannel(_)
        | KpiName::LeadConversionRate => acquisition::explain(view, kpi, period),
        KpiName::AnnualChurnRate
        | KpiName::LifespanYears
        | KpiName::ClvProfit
        | KpiName::ClvRevenue => lifetime::explain(view, kpi, period.to),
        KpiName::SalesCycle | KpiName::WinRate => deals::explain(view, kpi, period),
        KpiName::Csat | KpiName::CsatAvgScore | KpiName::CsatResponses | KpiName::Nps => {
            satisfaction::explain(view, kpi, period)
        }
        KpiName::Rep { rep, field } => reps::explain(view, rep, *field, period),
    };
    let (_, label_en, label_zh) = kpi.labels();
    Explanation {
        kpi: kpi.to_string(),
        label_en,
        label_zh,
        channel: match kpi {
            KpiName::CacByChannel(channel) => Some(channel.clone()),
            _ => None,
        },
        rep: match kpi {
            KpiName::Rep { rep, .. } => Some(rep.clone()),
            _ => None,
        },
        period: *period,
        filters: view
            .scope
            .conditions
            .iter()
            .map(|(dimension, value)| Filter {
                dimension: dimension.to_string(),
                value: value.clone(),
            })
            .collect(),
        formula: parts.formula,
        substituted: parts.substituted,
        value: parts.value,
        inputs: parts.inputs,
        notes: parts.notes,
    }
}

/// The explanation `salesboard kpi explain` shows: the period narrowed by the
/// time filters and the records the other filters select, as
/// [`super::kpi_report`] computes the report.
pub fn explain_report(
    input: &KpiInput,
    kpi: &KpiName,
    period: Period,
    filters: &[(Dimension, String)],
) -> Result<Explanation, ValidationError> {
    let facts = Facts::new(input);
    let (period, scope) = breakdown::apply_filters(period, filters)?;
    let view = View::new(&facts, scope);
    let mut explanation = explain(&view, kpi, &period);
    explanation.filters = filters
        .iter()
        .map(|(dimension, value)| Filter {
            dimension: dimension.to_string(),
            value: (!value.is_empty()).then(|| value.clone()),
        })
        .collect();
    Ok(explanation)
}
