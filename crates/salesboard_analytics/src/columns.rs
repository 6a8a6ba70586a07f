//! The columns, built once from the records, and the figures computed from
//! them.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use salesboard_domain::entities::{DealStatus, OrderStatus, SurveyScale};
use salesboard_domain::kpi::pipeline::nearest_rank;
use salesboard_domain::kpi::{Amount, Fraction, KpiInput, SalesCycle};
use salesboard_domain::{Discount, Period};
use serde::Serialize;

/// Amounts are kept in units of 10⁻⁸ of the currency: cents × parts per
/// million, so that `price × quantity × (1 − discount)` is an exact integer.
const SCALE: u32 = 8;

fn amount(units: i128) -> Decimal {
    Decimal::from_i128_with_scale(units, SCALE)
}

/// A local date as a day number.
fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The index range of `[from, to)` in a sorted day column.
fn range(days: &[i32], from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
    let start = days.partition_point(|d| *d < day(from));
    let end = days.partition_point(|d| *d < day(to));
    start..end.max(start)
}

/// Values of a dimension, coded as small numbers.
#[derive(Debug, Default)]
struct Dictionary {
    names: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Dictionary {
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
struct Lines {
    day: Vec<i32>,
    amount: Vec<i128>,
    profit: Vec<i128>,
    quantity: Vec<i64>,
    order: Vec<u32>,
    owner: Vec<u32>,
    product: Vec<u32>,
}

/// The engine's columns.
#[derive(Debug)]
pub struct Engine {
    lines: Lines,
    orders: usize,
    owners: Dictionary,
    products: Dictionary,
    payment_day: Vec<i32>,
    payment_cents: Vec<i64>,
    spend_day: Vec<i32>,
    spend_cents: Vec<i64>,
    first_order_day: Vec<i32>,
    /// Closed deals by closing day: won or lost, and days from creation.
    closed_day: Vec<i32>,
    closed_won: Vec<bool>,
    closed_lost: Vec<bool>,
    closed_cycle: Vec<i64>,
    /// Survey responses by day: the 0–10 scale or not, and the score.
    survey_day: Vec<i32>,
    survey_ten: Vec<bool>,
    survey_score: Vec<i64>,
}

/// The additive figures of a period, as the output contract shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreFigures {
    /// Revenue.
    pub revenue: Amount,
    /// Distinct orders.
    pub orders: usize,
    /// Units.
    pub units: i64,
    /// Average order value.
    pub aov: Option<Amount>,
    /// Gross profit.
    pub gross_profit: Amount,
    /// Payments received.
    pub collected: Amount,
    /// Billed before the end minus paid before the end.
    pub receivable: Amount,
    /// Against the previous period.
    pub growth_rate: Option<f64>,
    /// Against the same period a year earlier.
    pub yoy_growth_rate: Option<f64>,
    /// Customers whose first order is in the period.
    pub new_customers: usize,
    /// Spend dated in the period.
    pub acquisition_spend: Amount,
    /// Spend per new customer.
    pub cac: Option<Amount>,
    /// Days from creation to winning, of deals won in the period.
    pub sales_cycle: SalesCycle,
    /// Won / (won + lost) of deals closed in the period.
    pub win_rate: Option<f64>,
    /// Share of 1–5 answers of 4 or 5.
    pub csat: Option<f64>,
    /// Mean 1–5 answer.
    pub csat_avg_score: Option<f64>,
    /// 1–5 answers.
    pub csat_responses: usize,
    /// Share of 9–10 minus share of 0–6, on the 0–10 scale.
    pub nps: Option<f64>,
}

/// A key with its revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// Rep id, product SKU or month (`2024-03`); `None` for records without one.
    pub key: Option<String>,
    /// Revenue.
    pub revenue: Amount,
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
        let mut owners = Dictionary::default();
        let mut products = Dictionary::default();
        let mut rows: Vec<(i32, i128, i128, i64, u32, u32, u32)> =
            Vec::with_capacity(data.order_line_count());
        let mut first_order: HashMap<&str, (i64, i32)> = HashMap::new();
        let mut orders = 0_u32;
        for order in data
            .orders
            .iter()
            .filter(|o| o.status != OrderStatus::Cancelled)
        {
            let order_day = local_day(order.ordered_at);
            let owner = owners.code(order.owner.as_deref());
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
                let profit =
                    (price * kept - i128::from(unit_cost) * i128::from(Discount::WHOLE)) * quantity;
                let product = products.code(line.sku.as_deref());
                rows.push((
                    order_day,
                    price * quantity * kept,
                    profit,
                    line.quantity,
                    orders,
                    owner,
                    product,
                ));
            }
            let at = order.ordered_at.unix_seconds();
            first_order
                .entry(order.customer_id.as_str())
                .and_modify(|first| {
                    if at < first.0 {
                        *first = (at, order_day);
                    }
                })
                .or_insert((at, order_day));
            orders += 1;
        }
        rows.sort_by_key(|row| row.0);
        let mut lines = Lines::default();
        for (day, amount, profit, quantity, order, owner, product) in rows {
            lines.day.push(day);
            lines.amount.push(amount);
            lines.profit.push(profit);
            lines.quantity.push(quantity);
            lines.order.push(order);
            lines.owner.push(owner);
            lines.product.push(product);
        }
        let mut payments: Vec<(i32, i64)> = data
            .payments
            .iter()
            .map(|p| (local_day(p.paid_at), p.amount.cents()))
            .collect();
        payments.sort_by_key(|p| p.0);
        let mut spend: Vec<(i32, i64)> = data
            .spend
            .iter()
            .map(|s| (local_day(s.date), s.amount.cents()))
            .collect();
        spend.sort_by_key(|s| s.0);
        let mut first_order_day: Vec<i32> = first_order.into_values().map(|(_, day)| day).collect();
        first_order_day.sort_unstable();
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
            owners,
            products,
            payment_day: payments.iter().map(|p| p.0).collect(),
            payment_cents: payments.iter().map(|p| p.1).collect(),
            spend_day: spend.iter().map(|s| s.0).collect(),
            spend_cents: spend.iter().map(|s| s.1).collect(),
            first_order_day,
            closed_day: closed.iter().map(|c| c.0).collect(),
            closed_won: closed.iter().map(|c| c.1 == DealStatus::Won).collect(),
            closed_lost: closed.iter().map(|c| c.1 == DealStatus::Lost).collect(),
            closed_cycle: closed.iter().map(|c| c.2).collect(),
            survey_day: surveys.iter().map(|s| s.0).collect(),
            survey_ten: surveys.iter().map(|s| s.1).collect(),
            survey_score: surveys.iter().map(|s| s.2).collect(),
        }
    }

    /// Counted order lines in the engine.
    pub fn line_count(&self) -> usize {
        self.lines.day.len()
    }

    fn revenue_units(&self, from: NaiveDate, to: NaiveDate) -> i128 {
        self.lines.amount[range(&self.lines.day, from, to)]
            .iter()
            .sum()
    }

    fn cents(days: &[i32], cents: &[i64], from: NaiveDate, to: NaiveDate) -> Decimal {
        Decimal::new(cents[range(days, from, to)].iter().sum(), 2)
    }

    /// The additive figures of a period.
    pub fn figures(&self, period: &Period) -> CoreFigures {
        let lines = range(&self.lines.day, period.from, period.to);
        let mut seen = vec![false; self.orders];
        let (mut revenue, mut profit, mut units, mut orders) = (0_i128, 0_i128, 0_i64, 0_usize);
        for i in lines {
            revenue += self.lines.amount[i];
            profit += self.lines.profit[i];
            units += self.lines.quantity[i];
            let order = self.lines.order[i] as usize;
            if !seen[order] {
                seen[order] = true;
                orders += 1;
            }
        }
        let revenue = amount(revenue);
        let growth = |base: Period| {
            let before = amount(self.revenue_units(base.from, base.to));
            Fraction::new(revenue - before, before).ratio()
        };
        let billed = amount(self.revenue_units(NaiveDate::MIN, period.to));
        let paid = Self::cents(
            &self.payment_day,
            &self.payment_cents,
            NaiveDate::MIN,
            period.to,
        );
        let spend = Self::cents(&self.spend_day, &self.spend_cents, period.from, period.to);
        let new_customers = range(&self.first_order_day, period.from, period.to).len();
        CoreFigures {
            revenue: Amount(revenue),
            orders,
            units,
            aov: Amount::of(Fraction::new(revenue, Decimal::from(orders))),
            gross_profit: Amount(amount(profit)),
            collected: Amount(Self::cents(
                &self.payment_day,
                &self.payment_cents,
                period.from,
                period.to,
            )),
            receivable: Amount(billed - paid),
            growth_rate: growth(period.previous()),
            yoy_growth_rate: growth(period.same_period_last_year()),
            new_customers,
            acquisition_spend: Amount(spend),
            cac: Amount::of(Fraction::new(spend, Decimal::from(new_customers))),
            ..self.deals_and_surveys(period)
        }
    }

    /// The figures of closed deals and survey answers (the rest left zero).
    fn deals_and_surveys(&self, period: &Period) -> CoreFigures {
        let (mut won, mut lost) = (0_usize, 0_usize);
        let mut cycles = Vec::new();
        for i in range(&self.closed_day, period.from, period.to) {
            if self.closed_won[i] {
                won += 1;
                cycles.push(self.closed_cycle[i]);
            } else if self.closed_lost[i] {
                lost += 1;
            }
        }
        cycles.sort_unstable();
        let (mut five, mut satisfied, mut five_total) = (0_usize, 0_usize, 0_i64);
        let (mut ten, mut promoters, mut detractors) = (0_usize, 0_usize, 0_usize);
        for i in range(&self.survey_day, period.from, period.to) {
            let score = self.survey_score[i];
            if self.survey_ten[i] {
                ten += 1;
                promoters += usize::from(score >= 9);
                detractors += usize::from(score <= 6);
            } else {
                five += 1;
                satisfied += usize::from(score >= 4);
                five_total += score;
            }
        }
        let count = |n: usize| Decimal::from(n);
        CoreFigures {
            revenue: Amount::default(),
            orders: 0,
            units: 0,
            aov: None,
            gross_profit: Amount::default(),
            collected: Amount::default(),
            receivable: Amount::default(),
            growth_rate: None,
            yoy_growth_rate: None,
            new_customers: 0,
            acquisition_spend: Amount::default(),
            cac: None,
            sales_cycle: SalesCycle {
                mean: Fraction::new(
                    cycles.iter().copied().map(Decimal::from).sum::<Decimal>(),
                    count(cycles.len()),
                )
                .ratio(),
                median: nearest_rank(&cycles, 50),
                p90: nearest_rank(&cycles, 90),
                deals: cycles.len(),
            },
            win_rate: Fraction::new(count(won), count(won + lost)).ratio(),
            csat: Fraction::new(count(satisfied), count(five)).ratio(),
            csat_avg_score: Fraction::new(Decimal::from(five_total), count(five)).ratio(),
            csat_responses: five,
            nps: Fraction::new(count(promoters) - count(detractors), count(ten)).ratio(),
        }
    }

    /// Revenue per calendar month of the period (months clipped to it).
    pub fn monthly_revenue(&self, period: &Period) -> Vec<Ranked> {
        let mut months = Vec::new();
        let mut from = period.from;
        while from < period.to {
            let next = NaiveDate::from_ymd_opt(from.year(), from.month(), 1)
                .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
                .map_or(period.to, |next| next.min(period.to));
            months.push(Ranked {
                key: Some(format!("{}-{:02}", from.year(), from.month())),
                revenue: Amount(amount(self.revenue_units(from, next))),
            });
            from = next;
        }
        months
    }

    /// Revenue per rep (order owner), highest first, then by key.
    pub fn revenue_by_rep(&self, period: &Period) -> Vec<Ranked> {
        self.ranked(period, &self.lines.owner, &self.owners, usize::MAX)
    }

    /// The `top` products by revenue, highest first, then by SKU.
    pub fn top_products(&self, period: &Period, top: usize) -> Vec<Ranked> {
        self.ranked(period, &self.lines.product, &self.products, top)
    }

    fn ranked(
        &self,
        period: &Period,
        codes: &[u32],
        dictionary: &Dictionary,
        top: usize,
    ) -> Vec<Ranked> {
        let mut sums = vec![0_i128; dictionary.names.len() + 1];
        for i in range(&self.lines.day, period.from, period.to) {
            let code = codes[i];
            let slot = if code == u32::MAX {
                dictionary.names.len()
            } else {
                code as usize
            };
            sums[slot] += self.lines.amount[i];
        }
        let mut ranked: Vec<Ranked> = sums
            .into_iter()
            .enumerate()
            .map(|(slot, units)| Ranked {
                key: dictionary.names.get(slot).cloned(),
                revenue: Amount(amount(units)),
            })
            .collect();
        ranked.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.key.cmp(&b.key)));
        ranked.truncate(top);
        ranked
    }
}
