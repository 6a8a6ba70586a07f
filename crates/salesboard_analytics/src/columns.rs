//! The columns, built once from the records.

use foldhash::{HashMap, HashMapExt, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use salesboard_domain::entities::{
    DealStatus, OrderStatus, Role, SurveyScale, TargetMetric, TargetOwnerKind,
};
use salesboard_domain::kpi::KpiInput;
use salesboard_domain::{Discount, Period};

use crate::attribution::{Clients, Keys, Lookup, NONE, Tags};

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
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The code of a value already coded.
    pub(crate) fn find(&self, name: &str) -> Option<u32> {
        self.codes.get(name).copied()
    }

    /// The code of a value (`u32::MAX` for none).
    pub(crate) fn code(&mut self, name: Option<&str>) -> u32 {
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
    /// The customer record the line is attributed to (see [`Clients`]).
    pub(crate) client: Vec<u32>,
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
    pub(crate) payment_tags: Tags,
    pub(crate) spend_day: Vec<i32>,
    pub(crate) spend_cents: Vec<i64>,
    /// First orders (of customers with a record) by day, with the owner of
    /// the order and the customer.
    pub(crate) first_order_day: Vec<i32>,
    pub(crate) first_order_tags: Tags,
    /// Closed deals by closing day: won or lost, and days from creation.
    pub(crate) closed_day: Vec<i32>,
    pub(crate) closed_won: Vec<bool>,
    pub(crate) closed_lost: Vec<bool>,
    pub(crate) closed_cycle: Vec<i64>,
    pub(crate) closed_tags: Tags,
    /// Survey responses by day: the 0–10 scale or not, and the score.
    pub(crate) survey_day: Vec<i32>,
    pub(crate) survey_ten: Vec<bool>,
    pub(crate) survey_score: Vec<i64>,
    pub(crate) survey_tags: Tags,
    /// How many customers have counted orders.
    pub(crate) customers: usize,
    /// The channel of each first order's customer.
    pub(crate) first_order_channel: Vec<u32>,
    pub(crate) channels: Dictionary,
    pub(crate) spend_channel: Vec<u32>,
    /// Channels named by any spend entry.
    pub(crate) spend_channels: Vec<u32>,
    /// Customers by creation day, and whether they ever bought or won a deal;
    /// as leads they are attributed to their owner and to themselves.
    pub(crate) created_day: Vec<i32>,
    pub(crate) created_converted: Vec<bool>,
    pub(crate) created_tags: Tags,
    pub(crate) lifespan_setting: Option<Decimal>,
    /// Deals by creation day, with the number of pipeline stages each reached.
    pub(crate) created_deal_day: Vec<i32>,
    pub(crate) created_deal_reached: Vec<usize>,
    pub(crate) created_deal_tags: Tags,
    /// The pipeline's stage codes, first stage first.
    pub(crate) stages: Vec<String>,
    /// Follow-ups by day, with their owner and customer.
    pub(crate) activity_day: Vec<i32>,
    pub(crate) activity_tags: Tags,
    /// Owners (codes) of the users whose role is rep.
    pub(crate) rep_users: Vec<u32>,
    /// Users' revenue targets: owner, first day, day after, value in cents.
    pub(crate) revenue_targets: Vec<(u32, i32, i32, i64)>,
    /// The keys of the customer records rows are attributed to.
    pub(crate) clients: Clients,
    /// Teams, categories, regions and industries.
    pub(crate) keys: Keys,
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
    client: u32,
}

/// Sorted by day (the first field), keeping the input order within a day.
fn by_day<T: Copy>(mut rows: Vec<(i32, T)>) -> (Vec<i32>, Vec<T>) {
    rows.sort_by_key(|row| row.0);
    rows.into_iter().unzip()
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
        let lookup = Lookup::new(data);
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
            let client = lookup.client(&order.customer_id);
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
                    client,
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
            lines.client.push(row.client);
        }

        let (payment_day, payments) = by_day(
            data.payments
                .iter()
                .map(|p| {
                    let tag = lookup.payment(&mut owners, &p.order_id);
                    (local_day(p.paid_at), (p.amount.cents(), tag))
                })
                .collect(),
        );

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

        let mut keys = Keys::default();
        let clients = Clients::new(&data.customers, &mut channels, &mut keys, |id| {
            first_order.get(id).map(|first| first.2)
        });
        // The reference lists the first orders of customers with a record.
        let mut firsts: Vec<(i32, u32, u32, u32)> = first_order
            .iter()
            .map(|(customer, (_, _, day, owner))| (*day, lookup.client(customer), *owner))
            .filter(|(_, client, _)| *client != NONE)
            .map(|(day, client, owner)| {
                (day, Clients::key(&clients.channel, client), owner, client)
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
        let (created_day, created) = by_day(
            data.customers
                .iter()
                .enumerate()
                .map(|(at, c)| {
                    let tag = (owners.code(c.owner.as_deref()), at as u32);
                    (
                        local_day(c.created_at),
                        (converted.contains(c.id.as_str()), tag),
                    )
                })
                .collect(),
        );

        let mut closed: Vec<(i32, DealStatus, i64, u32, u32)> = data
            .deals
            .iter()
            .filter_map(|deal| {
                let closed_at = deal.closed_at?;
                let cycle =
                    (zone.local_date(closed_at) - zone.local_date(deal.created_at)).num_days();
                let owner = owners.code(deal.owner.as_deref());
                let client = lookup.client(&deal.customer_id);
                Some((local_day(closed_at), deal.status, cycle, owner, client))
            })
            .collect();
        closed.sort_by_key(|c| c.0);
        let created_deals = created_deals(input, stage_order, &mut owners, &lookup);
        let (activity_day, activity_tags) = by_day(
            data.activities
                .iter()
                .map(|a| {
                    let tag = (
                        owners.code(a.owner.as_deref()),
                        lookup.client(&a.customer_id),
                    );
                    (local_day(a.occurred_at), tag)
                })
                .collect(),
        );
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
        let (survey_day, surveys) = by_day(
            data.surveys
                .iter()
                .map(|s| {
                    let tag = lookup.survey(&mut owners, &data.customers, s);
                    (
                        local_day(s.responded_at),
                        (s.scale == SurveyScale::Ten, s.score, tag),
                    )
                })
                .collect(),
        );
        keys.link(data, &owners, &products);

        Engine {
            lines,
            orders: orders as usize,
            customers: Dictionary::len(&customers),
            owners,
            products,
            payment_day,
            payment_cents: payments.iter().map(|p| p.0).collect(),
            payment_tags: Tags::of(payments.iter().map(|p| p.1)),
            spend_day: spend.iter().map(|s| s.0).collect(),
            spend_cents: spend.iter().map(|s| s.1).collect(),
            spend_channel: spend.iter().map(|s| s.2).collect(),
            spend_channels,
            first_order_day: firsts.iter().map(|f| f.0).collect(),
            first_order_channel: firsts.iter().map(|f| f.1).collect(),
            first_order_tags: Tags::of(firsts.iter().map(|f| (f.2, f.3))),
            channels,
            created_day,
            created_converted: created.iter().map(|c| c.0).collect(),
            created_tags: Tags::of(created.iter().map(|c| c.1)),
            closed_day: closed.iter().map(|c| c.0).collect(),
            closed_won: closed.iter().map(|c| c.1 == DealStatus::Won).collect(),
            closed_lost: closed.iter().map(|c| c.1 == DealStatus::Lost).collect(),
            closed_cycle: closed.iter().map(|c| c.2).collect(),
            closed_tags: Tags::of(closed.iter().map(|c| (c.3, c.4))),
            survey_day,
            survey_ten: surveys.iter().map(|s| s.0).collect(),
            survey_score: surveys.iter().map(|s| s.1).collect(),
            survey_tags: Tags::of(surveys.iter().map(|s| s.2)),
            lifespan_setting: input.customer_lifespan_years,
            created_deal_day: created_deals.iter().map(|d| d.0).collect(),
            created_deal_reached: created_deals.iter().map(|d| d.1).collect(),
            created_deal_tags: Tags::of(created_deals.iter().map(|d| (d.2, d.3))),
            stages: stage_order.to_vec(),
            activity_day,
            activity_tags: Tags::of(activity_tags.into_iter()),
            rep_users,
            revenue_targets,
            clients,
            keys,
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

/// Deals by creation day, each with how many pipeline stages it reached (a won
/// deal all of them, any other the furthest of its current stage and the
/// stages its history mentions), its owner and its customer.
fn created_deals(
    input: &KpiInput,
    stage_order: &[String],
    owners: &mut Dictionary,
    lookup: &Lookup,
) -> Vec<(i32, usize, u32, u32)> {
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
    let mut deals: Vec<(i32, usize, u32, u32)> = input
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
            (
                day(zone.local_date(deal.created_at)),
                reached,
                owners.code(deal.owner.as_deref()),
                lookup.client(&deal.customer_id),
            )
        })
        .collect();
    deals.sort_by_key(|d| d.0);
    deals
}
