//! The columns, built once from the records.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use salesboard_domain::Discount;
use salesboard_domain::entities::{DealStatus, OrderStatus, SurveyScale};
use salesboard_domain::kpi::KpiInput;

/// Amounts are kept in units of 10⁻⁸ of the currency: cents × parts per
/// million, so that `price × quantity × (1 − discount)` is an exact integer.
const SCALE: u32 = 8;

pub(crate) fn amount(units: i128) -> Decimal {
    Decimal::from_i128_with_scale(units, SCALE).normalize()
}

/// Years a customer is expected to stay at most (docs/kpis.md §4).
pub(crate) const MAX_LIFESPAN_YEARS: i64 = 10;

/// A local date as a day number.
fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The index range of `[from, to)` in a sorted day column.
pub(crate) fn range(days: &[i32], from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
    let start = days.partition_point(|d| *d < day(from));
    let end = days.partition_point(|d| *d < day(to));
    start..end.max(start)
}

/// Values of a dimension, coded as small numbers.
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    pub(crate) names: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Dictionary {
    /// How many values.
    fn len(&self) -> usize {
        self.names.len()
    }

    /// The code of a value (`u32::MAX` for none).
    fn code(&mut self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return u32::MAX };
        if let Some(code) = self.codes.get(name) {
            return *code;
        }
        let code = self.names.len() as u32;
        self.names.push(name.to_string());
        self.codes.insert(name.to_string(), code);
        code
    }
}

/// Counted order lines (of orders that are not cancelled), by order day.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    pub(crate) day: Vec<i32>,
    pub(crate) amount: Vec<i128>,
    pub(crate) profit: Vec<i128>,
    pub(crate) quantity: Vec<i64>,
    pub(crate) order: Vec<u32>,
    pub(crate) owner: Vec<u32>,
    pub(crate) product: Vec<u32>,
    pub(crate) customer: Vec<u32>,
}

/// The engine's columns.
#[derive(Debug)]
pub struct Engine {
    pub(crate) lines: Lines,
    pub(crate) orders: usize,
    pub(crate) owners: Dictionary,
    pub(crate) products: Dictionary,
    pub(crate) payment_day: Vec<i32>,
    pub(crate) payment_cents: Vec<i64>,
    pub(crate) spend_day: Vec<i32>,
    pub(crate) spend_cents: Vec<i64>,
    pub(crate) first_order_day: Vec<i32>,
    /// Closed deals by closing day: won or lost, and days from creation.
    pub(crate) closed_day: Vec<i32>,
    pub(crate) closed_won: Vec<bool>,
    pub(crate) closed_lost: Vec<bool>,
    pub(crate) closed_cycle: Vec<i64>,
    /// Survey responses by day: the 0–10 scale or not, and the score.
    pub(crate) survey_day: Vec<i32>,
    pub(crate) survey_ten: Vec<bool>,
    pub(crate) survey_score: Vec<i64>,
    /// How many customers have counted orders.
    pub(crate) customers: usize,
    /// The channel of each first order's customer.
    pub(crate) first_order_channel: Vec<u32>,
    pub(crate) channels: Dictionary,
    pub(crate) spend_channel: Vec<u32>,
    /// Channels named by any spend entry.
    pub(crate) spend_channels: Vec<u32>,
    /// Customers by creation day, and whether they ever bought or won a deal.
    pub(crate) created_day: Vec<i32>,
    pub(crate) created_converted: Vec<bool>,
    pub(crate) lifespan_setting: Option<Decimal>,
}

/// One counted order line before the columns are sorted by day.
struct LineRow {
    day: i32,
    amount: i128,
    profit: i128,
    quantity: i64,
    order: u32,
    owner: u32,
    product: u32,
    customer: u32,
}

impl Engine {
    /// Builds the columns from the records.
    pub fn new(input: &KpiInput) -> Engine {
        let data = &input.dataset;
        let zone = input.time_zone;
        let local_day = |at| day(zone.local_date(at));
        let cost: HashMap<&str, i64> = data
            .products
            .iter()
            .map(|p| (p.sku.as_str(), p.unit_cost.map_or(0, |c| c.cents())))
            .collect();
        let (mut owners, mut products, mut customers) = Default::default();
        let mut rows: Vec<LineRow> = Vec::with_capacity(data.order_line_count());
        let mut first_order: HashMap<&str, (i64, i32)> = HashMap::new();
        let mut orders = 0_u32;
        for order in data
            .orders
            .iter()
            .filter(|o| o.status != OrderStatus::Cancelled)
        {
            let order_day = local_day(order.ordered_at);
            let owner = Dictionary::code(&mut owners, order.owner.as_deref());
            let customer = Dictionary::code(&mut customers, Some(&order.customer_id));
            for line in &order.lines {
                let kept = i128::from(Discount::WHOLE - line.discount.ppm());
                let price = i128::from(line.unit_price.cents());
                let quantity = i128::from(line.quantity);
                let unit_cost = line
                    .sku
                    .as_deref()
                    .and_then(|sku| cost.get(sku))
                    .copied()
                    .unwrap_or(0);
                rows.push(LineRow {
                    day: order_day,
                    amount: price * quantity * kept,
                    profit: (price * kept - i128::from(unit_cost) * i128::from(Discount::WHOLE))
                        * quantity,
                    quantity: line.quantity,
                    order: orders,
                    owner,
                    product: Dictionary::code(&mut products, line.sku.as_deref()),
                    customer,
                });
            }
            let at = order.ordered_at.unix_seconds();
            let first = first_order
                .entry(order.customer_id.as_str())
                .or_insert((at, order_day));
            if at < first.0 {
                *first = (at, order_day);
            }
            orders += 1;
        }
        rows.sort_by_key(|row| row.day);
        let mut lines = Lines::default();
        for row in rows {
            lines.day.push(row.day);
            lines.amount.push(row.amount);
            lines.profit.push(row.profit);
            lines.quantity.push(row.quantity);
            lines.order.push(row.order);
            lines.owner.push(row.owner);
            lines.product.push(row.product);
            lines.customer.push(row.customer);
        }

        let mut payments: Vec<(i32, i64)> = data
            .payments
            .iter()
            .map(|p| (local_day(p.paid_at), p.amount.cents()))
            .collect();
        payments.sort_by_key(|p| p.0);

        let mut channels = Dictionary::default();
        let mut spend: Vec<(i32, i64, u32)> = data
            .spend
            .iter()
            .map(|s| {
                (
                    local_day(s.date),
                    s.amount.cents(),
                    channels.code(s.channel.as_deref()),
                )
            })
            .collect();
        spend.sort_by_key(|s| s.0);
        let mut spend_channels: Vec<u32> = spend
            .iter()
            .map(|s| s.2)
            .filter(|c| *c != u32::MAX)
            .collect();
        spend_channels.sort_unstable();
        spend_channels.dedup();

        let channel_of: HashMap<&str, Option<&str>> = data
            .customers
            .iter()
            .map(|c| (c.id.as_str(), c.channel.as_deref()))
            .collect();
        let mut firsts: Vec<(i32, u32)> = first_order
            .iter()
            .map(|(customer, (_, day))| {
                (
                    *day,
                    channels.code(channel_of.get(customer).copied().flatten()),
                )
            })
            .collect();
        firsts.sort_unstable();
        let mut converted: HashSet<&str> = first_order.keys().copied().collect();
        converted.extend(
            data.deals
                .iter()
                .filter(|d| d.status == DealStatus::Won)
                .map(|d| d.customer_id.as_str()),
        );
        let mut created: Vec<(i32, bool)> = data
            .customers
            .iter()
            .map(|c| (local_day(c.created_at), converted.contains(c.id.as_str())))
            .collect();
        created.sort_by_key(|c| c.0);

        let mut closed: Vec<(i32, DealStatus, i64)> = data
            .deals
            .iter()
            .filter_map(|deal| {
                let closed_at = deal.closed_at?;
                let cycle =
                    (zone.local_date(closed_at) - zone.local_date(deal.created_at)).num_days();
                Some((local_day(closed_at), deal.status, cycle))
            })
            .collect();
        closed.sort_by_key(|c| c.0);
        let mut surveys: Vec<(i32, bool, i64)> = data
            .surveys
            .iter()
            .map(|s| {
                (
                    local_day(s.responded_at),
                    s.scale == SurveyScale::Ten,
                    s.score,
                )
            })
            .collect();
        surveys.sort_by_key(|s| s.0);

        Engine {
            lines,
            orders: orders as usize,
            customers: Dictionary::len(&customers),
            owners,
            products,
            payment_day: payments.iter().map(|p| p.0).collect(),
            payment_cents: payments.iter().map(|p| p.1).collect(),
            spend_day: spend.iter().map(|s| s.0).collect(),
            spend_cents: spend.iter().map(|s| s.1).collect(),
            spend_channel: spend.iter().map(|s| s.2).collect(),
            spend_channels,
            first_order_day: firsts.iter().map(|f| f.0).collect(),
            first_order_channel: firsts.iter().map(|f| f.1).collect(),
            channels,
            created_day: created.iter().map(|c| c.0).collect(),
            created_converted: created.iter().map(|c| c.1).collect(),
            closed_day: closed.iter().map(|c| c.0).collect(),
            closed_won: closed.iter().map(|c| c.1 == DealStatus::Won).collect(),
            closed_lost: closed.iter().map(|c| c.1 == DealStatus::Lost).collect(),
            closed_cycle: closed.iter().map(|c| c.2).collect(),
            survey_day: surveys.iter().map(|s| s.0).collect(),
            survey_ten: surveys.iter().map(|s| s.1).collect(),
            survey_score: surveys.iter().map(|s| s.2).collect(),
            lifespan_setting: input.customer_lifespan_years,
        }
    }

    /// Counted order lines in the engine.
    pub fn line_count(&self) -> usize {
        self.lines.day.len()
    }
}
