//! §3 Customer acquisition cost 客户获取成本 (CAC), and the lead conversion
//! rate of §6 (the brief's 实际客户数量 / 潜在客户数量).
//!
//! A customer's first order is its earliest counted order; the customer is new
//! in P when that order's `ordered_at ∈ P`, acquired through its `channel`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::facts::FirstOrder;
use super::{Fraction, View, count};
use crate::Period;

/// The customers whose first order is in P.
pub fn new_customer_list<'a>(view: &View<'_, 'a>, period: &Period) -> Vec<FirstOrder<'a>> {
    view.first_orders_between(period.from, period.to).collect()
}

/// `new_customers(P)`: how many customers' first order is in P.
pub fn new_customers(view: &View, period: &Period) -> usize {
    new_customers_between(view, period.from, period.to)
}

/// New customers in `[from, to)`.
pub fn new_customers_between(view: &View, from: NaiveDate, to: NaiveDate) -> usize {
    view.first_orders_between(from, to).count()
}

/// `acquisition_spend(P)` = Σ spend (marketing and sales) with `date ∈ P`.
pub fn acquisition_spend(view: &View, period: &Period) -> Decimal {
    spend_between(view, period.from, period.to)
}

/// Spend dated in `[from, to)`.
pub fn spend_between(view: &View, from: NaiveDate, to: NaiveDate) -> Decimal {
    view.spend_between(from, to)
        .map(|spend| spend.amount.to_decimal())
        .sum()
}

/// `cac(P)` = acquisition_spend(P) / new_customers(P).
pub fn cac(view: &View, period: &Period) -> Fraction {
    cac_between(view, period.from, period.to)
}

/// CAC over `[from, to)` (CLV uses it over the trailing year).
pub fn cac_between(view: &View, from: NaiveDate, to: NaiveDate) -> Fraction {
    Fraction::new(
        spend_between(view, from, to),
        count(new_customers_between(view, from, to)),
    )
}

/// `cac_by_channel(P, c)` = spend of channel `c` in P / new customers in P
/// whose channel is `c`.
///
/// Keys: every channel named by a spend entry (at any date, so that the keys
/// do not change from one period to the next) and every channel of a new
/// customer in P. Spend without a channel counts only in the total.
pub fn cac_by_channel(view: &View, period: &Period) -> BTreeMap<String, Fraction> {
    let mut spend: BTreeMap<&str, Decimal> = view
        .all_spend()
        .filter_map(|entry| entry.channel.as_deref())
        .map(|channel| (channel, Decimal::ZERO))
        .collect();
    for entry in view.spend_between(period.from, period.to) {
        if let Some(channel) = entry.channel.as_deref() {
            *spend.entry(channel).or_default() += entry.amount.to_decimal();
        }
    }
    let mut customers: BTreeMap<&str, usize> = BTreeMap::new();
    for first in view.first_orders_between(period.from, period.to) {
        if let Some(channel) = first.customer.channel.as_deref() {
            *customers.entry(channel).or_default() += 1;
            spend.entry(channel).or_default();
        }
    }
    spend
        .into_iter()
        .map(|(channel, amount)| {
            let acquired = customers.get(channel).copied().unwrap_or_default();
            (channel.to_string(), Fraction::new(amount, count(acquired)))
        })
        .collect()
}

/// `lead_conversion_rate(P)`: of the customers created in P, the share that
/// has a counted order or a won deal at any time in the data.
pub fn lead_conversion_rate(view: &View, period: &Period) -> Fraction {
    let (mut cohort, mut converted) = (0, 0);
    for customer in view.customers_created(period) {
        cohort += 1;
        if view.facts.converted.contains(customer.id.as_str()) {
            converted += 1;
        }
    }
    Fraction::new(count(converted), count(cohort))
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;
    use crate::entities::DealStatus;

    #[test]
    fn new_customers_and_cac() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(new_customers(&view, &q1), 3);
        assert_eq!(acquisition_spend(&view, &q1), dec("9800"));
        let cac = cac(&view, &q1).value().map(|v| v.round_dp(2));
        assert_eq!(cac, Some(dec("3266.67")));
        // A customer whose only order was cancelled (c4) is never new.
        let february = period("2024-02");
        let names: Vec<&str> = new_customer_list(&view, &february)
            .iter()
            .map(|f| f.customer.id.as_str())
            .collect();
        assert_eq!(names, ["c3"]);
    }

    #[test]
    fn cac_by_channel_has_a_key_for_every_spend_channel_and_null_without_customers() {
        let input = tiny();
        let facts = Facts::new(&input);
        let january = period("2024-01");
        let view = View::new(&facts, Scope::all(january));
        let values: Vec<(String, Option<Decimal>)> = cac_by_channel(&view, &january)
            .into_iter()
            .map(|(k, f)| (k, f.value()))
            .collect();
        assert_eq!(
            values,
            [
                ("email".to_string(), None),
                ("search".to_string(), None),
                ("social".to_string(), Some(dec("1500"))),
            ]
        );
        // A new customer of a channel without spend: CAC 0 for that channel.
        let february = period("2024-02");
        let email = cac_by_channel(&view, &february)
            .get("email")
            .and_then(|f| f.value());
        assert_eq!(email, Some(Decimal::ZERO));
    }

    #[test]
    fn cac_is_null_without_new_customers() {
        let input = tiny();
        let facts = Facts::new(&input);
        let april = period("2024-04");
        let view = View::new(&facts, Scope::all(april));
        assert_eq!(cac(&view, &april).value(), None);
    }

    #[test]
    fn lead_conversion_counts_orders_and_won_deals_at_any_time() {
        let mut input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(lead_conversion_rate(&view, &q1).ratio(), Some(0.6));
        assert_eq!(lead_conversion_rate(&view, &period("2030")).ratio(), None);
        // c6 wins its deal later: converted without an order.
        for deal in &mut input.dataset.deals {
            if deal.id == "d6" {
                deal.status = DealStatus::Won;
            }
        }
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(lead_conversion_rate(&view, &q1).ratio(), Some(0.8));
    }
}
