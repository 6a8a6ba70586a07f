//! What the web dashboard draws besides the figures of a period: revenue of
//! new and of returning customers, sales per product with units, the cycle
//! days of the deals won, and new customers per acquisition channel, each
//! from the sorted columns in one pass over the period's range.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use salesboard_domain::Period;

use crate::columns::{Engine, amount, day};
use crate::selection::{Kind, Selection};

/// A product's counted sales in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductTotal {
    /// The SKU.
    pub sku: String,
    /// Revenue of its lines.
    pub revenue: Decimal,
    /// Units (returns subtract).
    pub units: i64,
}

impl Engine {
    /// Revenue of the period.
    pub fn revenue(&self, period: &Period) -> Decimal {
        self.revenue_of(&Selection::all(), period)
    }

    pub(crate) fn revenue_of(&self, rows: &Selection, period: &Period) -> Decimal {
        amount(self.revenue_units(rows, period.from, period.to))
    }

    /// Revenue of the period split by the customer's segment: new (their
    /// first counted order falls in the period) and returning.
    pub fn segment_revenue(&self, period: &Period) -> (Decimal, Decimal) {
        self.segment_revenue_of(&Selection::all(), period)
    }

    pub(crate) fn segment_revenue_of(
        &self,
        rows: &Selection,
        period: &Period,
    ) -> (Decimal, Decimal) {
        let (from, to) = (day(period.from), day(period.to));
        let (mut new, mut returning) = (0_i128, 0_i128);
        for i in self.rows(rows, Kind::Lines, period.from, period.to) {
            // A line of a customer without a record has no segment.
            match self.clients.first_day.get(self.lines.client[i] as usize) {
                Some(first) if (from..to).contains(first) => new += self.lines.amount[i],
                Some(_) => returning += self.lines.amount[i],
                None => {}
            }
        }
        (amount(new), amount(returning))
    }

    /// Revenue and units of every SKU with a line in the period (lines
    /// without a SKU left out), by SKU.
    pub fn product_totals(&self, period: &Period) -> Vec<ProductTotal> {
        self.product_totals_of(&Selection::all(), period)
    }

    pub(crate) fn product_totals_of(&self, rows: &Selection, period: &Period) -> Vec<ProductTotal> {
        let mut sums = vec![None; self.products.names.len()];
        for i in self.rows(rows, Kind::Lines, period.from, period.to) {
            if let Some(slot) = sums.get_mut(self.lines.product[i] as usize) {
                let sum = slot.get_or_insert((0_i128, 0_i64));
                sum.0 += self.lines.amount[i];
                sum.1 += self.lines.quantity[i];
            }
        }
        let mut totals: Vec<ProductTotal> = sums
            .into_iter()
            .zip(&self.products.names)
            .filter_map(|(sum, sku)| Some((sum?, sku)))
            .map(|((revenue, units), sku)| ProductTotal {
                sku: sku.clone(),
                revenue: amount(revenue),
                units,
            })
            .collect();
        totals.sort_by(|a, b| a.sku.cmp(&b.sku));
        totals
    }

    /// Cycle days of the deals won in the period, sorted.
    pub fn won_cycle_days(&self, period: &Period) -> Vec<i64> {
        self.won_cycle_days_of(&Selection::all(), period)
    }

    pub(crate) fn won_cycle_days_of(&self, rows: &Selection, period: &Period) -> Vec<i64> {
        let mut days: Vec<i64> = self
            .rows(rows, Kind::Closed, period.from, period.to)
            .filter(|i| self.closed_won[*i])
            .map(|i| self.closed_cycle[i])
            .collect();
        days.sort_unstable();
        days
    }

    /// New customers of the period per acquisition channel (`None`: the
    /// customer has none).
    pub fn new_customers_by_channel(&self, period: &Period) -> BTreeMap<Option<&str>, usize> {
        self.new_customers_by_channel_of(&Selection::all(), period)
    }

    pub(crate) fn new_customers_by_channel_of(
        &self,
        rows: &Selection,
        period: &Period,
    ) -> BTreeMap<Option<&str>, usize> {
        let mut counts = BTreeMap::new();
        for i in self.rows(rows, Kind::FirstOrders, period.from, period.to) {
            let channel = self
                .channels
                .names
                .get(self.first_order_channel[i] as usize)
                .map(String::as_str);
            *counts.entry(channel).or_default() += 1;
        }
        counts
    }
}
