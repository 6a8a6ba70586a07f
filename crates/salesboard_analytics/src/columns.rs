//! The columns, built once from the records.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use salesboard_domain::entities::{
    DealStatus, OrderStatus, Role, SurveyScale, TargetMetric, TargetOwnerKind,
};
use salesboard_domain::kpi::KpiInput;
use salesboard_domain::{Discount, Period};

/// Amounts are kept in units of 10⁻⁸ of the currency: cents × parts per
/// million, so that `price × quantity × (1 − discount)` is an exact integer.
const SCALE: u32 = 8;

pub(crate) fn amount(units: i128) -> Decimal {
    Decimal::from_i128_with_scale(units, SCALE).normalize()
}

/// Years a customer is expected to stay at most (docs/kpis.md §4).
pub(crate) const MAX_LIFESPAN_YEARS: i64 = 10;

/// A local date as a day number.
pub(crate) fn day(date: NaiveDate) -> i32 {
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
    /// The day of each customer's first counted order, by customer code
    /// (`lines.customer`).
    pub(crate) customer_first_day: Vec<i32>,
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
    /// The owner of each first order.
    pub(crate) first_order_owner: Vec<u32>,
    /// The owner of each closed deal.
    pub(crate) closed_owner: Vec<u32>,
    /// Deals by creation day, with the number of pipeline stages each reached.
    pub(crate) created_deal_day: Vec<i32>,
    pub(crate) created_deal_reached: Vec<usize>,
    /// The pipeline's stage codes, first stage first.
    pub(crate) stages: Vec<String>,
    /// Follow-ups by day, with their owner.
    pub(crate) activity_day: Vec<i32>,
    pub(crate) activity_owner: Vec<u32>,
    /// Owners (codes) of the users whose role is rep.
    pub(crate) rep_users: Vec<u32>,
    /// Users' revenue targets: owner, first day, day after, value in cents.
    pub(crate) revenue_targets: Vec<(u32, i32, i32, i64)>,
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
    pub fn new(input: &KpiInput, stage_order: &[String]) -> Engine {
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
        let mut first_order: HashMap<&str, (i64, &str, i32, u32)> = HashMap::new();
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
            // The earliest by time, then by id, as the reference decides.
            let candidate = (
                order.ordered_at.unix_seconds(),
                order.id.as_str(),
                order_day,
                owner,
            );
            let first = first_order
                .entry(order.customer_id.as_str())
                .or_insert(candidate);
            if (candidate.0, candidate.1) < (first.0, first.1) {
                *first = candidate;
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
        let mut firsts: Vec<(i32, u32, u32)> = first_order
            .iter()
            .map(|(customer, (_, _, day, owner))| {
                let channel = channels.code(channel_of.get(customer).copied().flatten());
                (*day, channel, *owner)
            })
            .collect();
        firsts.sort_unstable();
        let mut customer_first_day = vec![i32::MAX; customers.len()];
        for (customer, (_, _, day, _)) in &first_order {
            if let Some(&code) = customers.codes.get(*customer) {
                customer_first_day[code as usize] = *day;
            }
        }
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

        let mut closed: Vec<(i32, DealStatus, i64, u32)> = data
            .deals
            .iter()
            .filter_map(|deal| {
                let closed_at = deal.closed_at?;
                let cycle =
                    (zone.local_date(closed_at) - zone.local_date(deal.created_at)).num_days();
                let owner = owners.code(deal.owner.as_deref());
                Some((local_day(closed_at), deal.status, cycle, owner))
            })
            .collect();
        closed.sort_by_key(|c| c.0);
        let created_deals = created_deals(input, stage_order);
        let mut activities: Vec<(i32, u32)> = data
            .activities
            .iter()
            .map(|a| (local_day(a.occurred_at), owners.code(a.owner.as_deref())))
            .collect();
        activities.sort_by_key(|a| a.0);
        let rep_users: Vec<u32> = data
            .users
            .iter()
            .filter(|u| u.role == Role::Rep)
            .map(|u| owners.code(Some(&u.id)))
            .collect();
        let revenue_targets: Vec<(u32, i32, i32, i64)> = data
            .targets
            .iter()
            .filter(|t| t.owner_kind == TargetOwnerKind::User && t.metric == TargetMetric::Revenue)
            .filter_map(|t| {
                let period = Period::parse(&t.period).ok()?;
                Some((
                    owners.code(Some(&t.owner)),
                    day(period.from),
                    day(period.to),
                    t.value_hundredths,
                ))
            })
            .collect();
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
            customer_first_day,
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
            first_order_owner: firsts.iter().map(|f| f.2).collect(),
            closed_owner: closed.iter().map(|c| c.3).collect(),
            created_deal_day: created_deals.iter().map(|d| d.0).collect(),
            created_deal_reached: created_deals.iter().map(|d| d.1).collect(),
            stages: stage_order.to_vec(),
            activity_day: activities.iter().map(|a| a.0).collect(),
            activity_owner: activities.iter().map(|a| a.1).collect(),
            rep_users,
            revenue_targets,
        }
    }

    /// The id of an owner code.
    pub(crate) fn owner_name(&self, code: u32) -> Option<&str> {
        self.owners.names.get(code as usize).map(String::as_str)
    }

    /// Counted order lines in the engine.
    pub fn line_count(&self) -> usize {
        self.lines.day.len()
    }
}

/// Deals by creation day, each with how many pipeline stages it reached: a won
/// deal all of them, any other the furthest of its current stage and the
/// stages its history mentions.
fn created_deals(input: &KpiInput, stage_order: &[String]) -> Vec<(i32, usize)> {
    let position: HashMap<&str, usize> = stage_order
        .iter()
        .enumerate()
        .map(|(at, code)| (code.as_str(), at + 1))
        .collect();
    let mut history: HashMap<&str, Vec<&str>> = HashMap::new();
    for change in &input.stage_changes {
        let stages = history.entry(change.deal_id.as_str()).or_default();
        stages.extend(change.from_stage.as_deref());
        stages.push(change.to_stage.as_str());
    }
    let zone = input.time_zone;
    let mut deals: Vec<(i32, usize)> = input
        .dataset
        .deals
        .iter()
        .map(|deal| {
            let reached = if deal.status == DealStatus::Won {
                stage_order.len()
            } else {
                std::iter::once(deal.stage.as_str())
                    .chain(history.get(deal.id.as_str()).into_iter().flatten().copied())
                    .filter_map(|stage| position.get(stage).copied())
                    .max()
                    .unwrap_or(0)
            };
            (day(zone.local_date(deal.created_at)), reached)
        })
        .collect();
    deals.sort_by_key(|d| d.0);
    deals
}
