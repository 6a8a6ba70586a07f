//! The input prepared once for every KPI: counted order lines with their exact
//! amount and profit, every dated record with its local date (sorted by date,
//! so a period is a slice), lookups by id, and each customer's first order.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::KpiInput;
use crate::entities::*;
use crate::money::line_amount;
use crate::{OrgTimeZone, Period, Timestamp};

/// A record with the local date it counts on.
#[derive(Debug, Clone, Copy)]
pub struct Dated<T> {
    /// The local calendar date in the organization's time zone.
    pub date: NaiveDate,
    /// The record.
    pub record: T,
}

/// A counted order line (its order is not cancelled), with exact figures.
#[derive(Debug, Clone, Copy)]
pub struct LineFact<'a> {
    /// The order.
    pub order: &'a Order,
    /// The line.
    pub line: &'a OrderLine,
    /// `unit_price × quantity × (1 − discount)`.
    pub amount: Decimal,
    /// `(unit_price × (1 − discount) − unit_cost) × quantity`.
    pub profit: Decimal,
    /// The order's number among the counted orders, from 0 (for counting
    /// distinct orders without hashing ids).
    pub order_number: usize,
    /// The number of the order's customer among the customers with counted
    /// orders, from 0.
    pub customer_number: usize,
}

/// A customer's first order: its earliest counted order.
#[derive(Debug, Clone, Copy)]
pub struct FirstOrder<'a> {
    /// The customer.
    pub customer: &'a Customer,
    /// The order.
    pub order: &'a Order,
}

/// The input, indexed and sorted for the KPI functions.
#[derive(Debug)]
pub struct Facts<'a> {
    /// The organization's time zone.
    pub zone: OrgTimeZone,
    /// The lifespan setting, when set.
    pub lifespan_setting: Option<Decimal>,
    /// Users in input order.
    pub users: &'a [User],
    /// Targets in input order.
    pub targets: &'a [Target],
    /// Users by id.
    pub user_by_id: HashMap<&'a str, &'a User>,
    /// Customers by id.
    pub customer_by_id: HashMap<&'a str, &'a Customer>,
    /// Products by SKU.
    pub product_by_sku: HashMap<&'a str, &'a Product>,
    /// Orders by id (cancelled ones too).
    pub order_by_id: HashMap<&'a str, &'a Order>,
    /// Counted order lines by order date.
    pub lines: Vec<Dated<LineFact<'a>>>,
    /// How many counted orders there are (`order_number` is below it).
    pub order_count: usize,
    /// How many customers have counted orders (`customer_number` is below it).
    pub customer_count: usize,
    /// First orders by date.
    pub first_orders: Vec<Dated<FirstOrder<'a>>>,
    /// The date of each customer's first order.
    pub first_order_date: HashMap<&'a str, NaiveDate>,
    /// Customers with a counted order or a won deal at any time.
    pub converted: HashSet<&'a str>,
    /// Payments by payment date.
    pub payments: Vec<Dated<&'a Payment>>,
    /// Spend by date.
    pub spend: Vec<Dated<&'a Spend>>,
    /// Deals by creation date.
    pub deals_created: Vec<Dated<&'a Deal>>,
    /// Closed deals by closing date.
    pub deals_closed: Vec<Dated<&'a Deal>>,
    /// Follow-ups by date.
    pub activities: Vec<Dated<&'a Activity>>,
    /// Survey responses by date.
    pub surveys: Vec<Dated<&'a Survey>>,
    /// Customers by creation date.
    pub customers_created: Vec<Dated<&'a Customer>>,
    /// The stages each deal's history mentions.
    pub stage_history: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Facts<'a> {
    /// Prepares the input.
    pub fn new(input: &'a KpiInput) -> Facts<'a> {
        let data = &input.dataset;
        let zone = input.time_zone;
        let date = |at: Timestamp| zone.local_date(at);
        let product_by_sku: HashMap<&str, &Product> =
            data.products.iter().map(|p| (p.sku.as_str(), p)).collect();
        let customer_by_id: HashMap<&str, &Customer> =
            data.customers.iter().map(|c| (c.id.as_str(), c)).collect();

        let counted = || {
            data.orders
                .iter()
                .filter(|order| order.status != OrderStatus::Cancelled)
        };
        let mut customer_numbers: HashMap<&str, usize> = HashMap::new();
        let mut lines = Vec::new();
        for (order_number, order) in counted().enumerate() {
            let next = customer_numbers.len();
            let customer_number = *customer_numbers
                .entry(order.customer_id.as_str())
                .or_insert(next);
            for line in &order.lines {
                let mut fact = line_fact(order, line, &product_by_sku);
                fact.order_number = order_number;
                fact.customer_number = customer_number;
                lines.push(Dated {
                    date: date(order.ordered_at),
                    record: fact,
                });
            }
        }
        let lines = sorted(lines.into_iter());

        let mut first: HashMap<&str, &Order> = HashMap::new();
        for order in counted() {
            let earlier = |known: &&Order| {
                (order.ordered_at, order.id.as_str()) < (known.ordered_at, known.id.as_str())
            };
            match first.get(order.customer_id.as_str()) {
                Some(known) if !earlier(known) => {}
                _ => {
                    first.insert(order.customer_id.as_str(), order);
                }
            }
        }
        // Customers whose first order falls on the same day in the order of
        // those orders, not of the map (the same list on every request).
        let mut firsts: Vec<(&&str, &&Order)> = first.iter().collect();
        firsts.sort_by_key(|(_, order)| (order.ordered_at, order.id.as_str()));
        let first_orders = sorted(firsts.into_iter().filter_map(|(id, order)| {
            Some(Dated {
                date: date(order.ordered_at),
                record: FirstOrder {
                    customer: customer_by_id.get(id).copied()?,
                    order,
                },
            })
        }));
        let first_order_date = first
            .iter()
            .map(|(id, order)| (*id, date(order.ordered_at)))
            .collect();

        let mut converted: HashSet<&str> = first.keys().copied().collect();
        converted.extend(
            data.deals
                .iter()
                .filter(|deal| deal.status == DealStatus::Won)
                .map(|deal| deal.customer_id.as_str()),
        );

        let mut stage_history: HashMap<&str, Vec<&str>> = HashMap::new();
        for change in &input.stage_changes {
            let stages = stage_history.entry(change.deal_id.as_str()).or_default();
            stages.extend(change.from_stage.as_deref());
            stages.push(change.to_stage.as_str());
        }

        Facts {
            zone,
            lifespan_setting: input.customer_lifespan_years,
            users: &data.users,
            targets: &data.targets,
            user_by_id: data.users.iter().map(|u| (u.id.as_str(), u)).collect(),
            order_by_id: data.orders.iter().map(|o| (o.id.as_str(), o)).collect(),
            order_count: counted().count(),
            customer_count: customer_numbers.len(),
            lines,
            first_orders,
            first_order_date,
            converted,
            payments: dated(&data.payments, |p| Some(date(p.paid_at))),
            spend: dated(&data.spend, |s| Some(date(s.date))),
            deals_created: dated(&data.deals, |d| Some(date(d.created_at))),
            deals_closed: dated(&data.deals, |d| d.closed_at.map(date)),
            activities: dated(&data.activities, |a| Some(date(a.occurred_at))),
            surveys: dated(&data.surveys, |s| Some(date(s.responded_at))),
            customers_created: dated(&data.customers, |c| Some(date(c.created_at))),
            customer_by_id,
            product_by_sku,
            stage_history,
        }
    }

    /// The customer with this id.
    pub fn customer(&self, id: &str) -> Option<&'a Customer> {
        self.customer_by_id.get(id).copied()
    }

    /// Whether the customer's first order falls in `period`.
    pub fn is_new_in(&self, customer_id: &str, period: &Period) -> bool {
        self.first_order_date
            .get(customer_id)
            .is_some_and(|first| period.contains(*first))
    }

    /// Local days from one instant to another: `date(b) − date(a)`.
    pub fn days_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        (self.zone.local_date(b) - self.zone.local_date(a)).num_days()
    }
}

/// A set of small numbers (order or customer numbers), for counting distinct
/// ones without hashing ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marks {
    marked: Vec<bool>,
    count: usize,
}

impl Marks {
    /// An empty set of numbers below `size`.
    pub fn new(size: usize) -> Self {
        Marks {
            marked: vec![false; size],
            count: 0,
        }
    }

    /// Marks a number; whether it was new.
    pub fn mark(&mut self, number: usize) -> bool {
        match self.marked.get_mut(number) {
            Some(seen) if !*seen => {
                *seen = true;
                self.count += 1;
                true
            }
            _ => false,
        }
    }

    /// Whether a number is marked.
    pub fn contains(&self, number: usize) -> bool {
        self.marked.get(number).copied().unwrap_or(false)
    }

    /// How many numbers are marked.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The marked numbers, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.marked
            .iter()
            .enumerate()
            .filter_map(|(number, seen)| seen.then_some(number))
    }
}

/// The records dated in `[from, to)`, from records sorted by date.
pub fn between<T>(items: &[Dated<T>], from: NaiveDate, to: NaiveDate) -> &[Dated<T>] {
    let start = items.partition_point(|item| item.date < from);
    let end = items.partition_point(|item| item.date < to).max(start);
    &items[start..end]
}

/// The records dated in the period.
pub fn within<'s, T>(items: &'s [Dated<T>], period: &Period) -> &'s [Dated<T>] {
    between(items, period.from, period.to)
}

/// The records dated before `to`.
pub fn before<T>(items: &[Dated<T>], to: NaiveDate) -> &[Dated<T>] {
    between(items, NaiveDate::MIN, to)
}

fn line_fact<'a>(
    order: &'a Order,
    line: &'a OrderLine,
    products: &HashMap<&str, &Product>,
) -> LineFact<'a> {
    let unit_cost = line
        .sku
        .as_deref()
        .and_then(|sku| products.get(sku))
        .and_then(|product| product.unit_cost)
        .map(|cost| cost.to_decimal())
        .unwrap_or_default();
    let net_unit_price = line_amount(line.unit_price, 1, line.discount);
    LineFact {
        order,
        line,
        amount: line_amount(line.unit_price, line.quantity, line.discount),
        profit: (net_unit_price - unit_cost) * Decimal::from(line.quantity),
        order_number: 0,
        customer_number: 0,
    }
}

fn dated<T>(records: &[T], date: impl Fn(&T) -> Option<NaiveDate>) -> Vec<Dated<&T>> {
    sorted(records.iter().filter_map(|record| {
        Some(Dated {
            date: date(record)?,
            record,
        })
    }))
}

/// Sorted by date, keeping the input order within a day.
fn sorted<T>(items: impl Iterator<Item = Dated<T>>) -> Vec<Dated<T>> {
    let mut items: Vec<Dated<T>> = items.collect();
    items.sort_by_key(|item| item.date);
    items
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::*;

    #[test]
    fn cancelled_orders_have_no_lines_and_are_never_a_first_order() {
        let input = tiny();
        let facts = Facts::new(&input);
        assert!(facts.lines.iter().all(|l| l.record.order.id != "o6"));
        assert!(!facts.first_order_date.contains_key("c4"));
        assert!(!facts.converted.contains("c4"));
        assert!(facts.converted.contains("c5"));
    }

    #[test]
    fn a_first_order_is_the_earliest_counted_one() {
        let input = tiny();
        let facts = Facts::new(&input);
        assert_eq!(facts.first_order_date.get("c1"), Some(&date(2023, 12, 20)));
        assert_eq!(facts.first_order_date.get("c7"), Some(&date(2022, 7, 10)));
    }

    #[test]
    fn a_return_has_negative_amount_and_profit() {
        let input = tiny();
        let facts = Facts::new(&input);
        let returned = facts
            .lines
            .iter()
            .find(|l| l.record.line.quantity < 0)
            .map(|l| (l.record.amount, l.record.profit));
        assert_eq!(
            returned,
            Some((Decimal::new(-45_050, 2), Decimal::new(-15_025, 2)))
        );
    }

    #[test]
    fn marks_count_distinct_numbers() {
        let mut marks = Marks::new(4);
        assert!(marks.mark(2));
        assert!(!marks.mark(2));
        assert!(marks.mark(0));
        assert!(!marks.mark(9));
        assert_eq!(
            (marks.count(), marks.contains(2), marks.contains(1)),
            (2, true, false)
        );
        assert_eq!(marks.iter().collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn slices_are_half_open() {
        let items: Vec<Dated<u8>> = (1..=5)
            .map(|d| Dated {
                date: date(2024, 1, d),
                record: u8::try_from(d).unwrap_or_default(),
            })
            .collect();
        let slice = between(&items, date(2024, 1, 2), date(2024, 1, 4));
        assert_eq!(slice.iter().map(|d| d.record).collect::<Vec<_>>(), [2, 3]);
        assert!(between(&items, date(2024, 1, 4), date(2024, 1, 2)).is_empty());
    }
}
