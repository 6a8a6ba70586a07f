//! Filters the engine can answer: those on what a customer is (acquisition
//! channel, region, industry). Every record of a customer shares these, so
//! the records a filter admits are a copy of the data with the other
//! customers' records (and the spend it excludes) left out, and an engine
//! built over that copy gives what the reference computes under the filter.
//! Other filters (rep, team, product, category, segment, time) attribute
//! records one by one: the dashboard answers them from the caller's engine
//! seen through them (`kpi_board::from_engine_filtered`).

use std::collections::HashMap;

use salesboard_domain::entities::{
    Activity, Contact, Customer, Deal, Order, Payment, Product, Spend, Survey, Target, User,
};
use salesboard_domain::kpi::{Dimension, KpiInput};

use crate::kpi_scope::{Keep, subset};

/// Whether every filter is on what a customer is.
pub fn engine_answers(filters: &[(Dimension, String)]) -> bool {
    filters.iter().all(|(dimension, _)| {
        matches!(
            dimension,
            Dimension::Channel | Dimension::Region | Dimension::Industry
        )
    })
}

/// A customer's key in a customer dimension (`None`: no value, or no such
/// customer).
fn customer_key(customer: Option<&Customer>, dimension: Dimension) -> Option<&str> {
    let customer = customer?;
    match dimension {
        Dimension::Channel => customer.channel.as_deref(),
        Dimension::Region => customer.region.as_deref(),
        Dimension::Industry => customer.industry.as_deref(),
        _ => None,
    }
}

/// Whether keys pass every filter: a filter's empty value admits records
/// without a key, as the reference reads it.
fn admitted<'a>(
    filters: &[(Dimension, String)],
    key: impl Fn(Dimension) -> Option<&'a str>,
) -> bool {
    filters.iter().all(|(dimension, value)| {
        let wanted = (!value.is_empty()).then_some(value.as_str());
        key(*dimension) == wanted
    })
}

/// The records `filters` (each on what a customer is, see
/// [`engine_answers`]) admit: the admitted customers and their orders,
/// payments, deals and stage changes, follow-ups and surveys; spend by its
/// own channel (a region or industry filter admits none, since spend has
/// neither); users, products and targets whole.
pub fn filtered_input(input: &KpiInput, filters: &[(Dimension, String)]) -> KpiInput {
    let data = &input.dataset;
    let by_id: HashMap<&str, &Customer> =
        data.customers.iter().map(|c| (c.id.as_str(), c)).collect();
    let of_customer = |id: Option<&str>| {
        let customer = id.and_then(|id| by_id.get(id).copied());
        admitted(filters, |dimension| customer_key(customer, dimension))
    };
    let orders: HashMap<&str, &str> = data
        .orders
        .iter()
        .map(|o| (o.id.as_str(), o.customer_id.as_str()))
        .collect();
    subset(
        input,
        &Keep {
            users: &|_: &User| true,
            products: &|_: &Product| true,
            customers: &|c: &Customer| of_customer(Some(&c.id)),
            contacts: &|c: &Contact| of_customer(Some(&c.customer_id)),
            deals: &|d: &Deal| of_customer(Some(&d.customer_id)),
            orders: &|o: &Order| of_customer(Some(&o.customer_id)),
            payments: &|p: &Payment| of_customer(orders.get(p.order_id.as_str()).copied()),
            activities: &|a: &Activity| of_customer(Some(&a.customer_id)),
            spend: &|s: &Spend| {
                admitted(filters, |dimension| match dimension {
                    Dimension::Channel => s.channel.as_deref(),
                    _ => None,
                })
            },
            surveys: &|s: &Survey| {
                let order_customer = s.order_id.as_deref().and_then(|id| orders.get(id).copied());
                of_customer(s.customer_id.as_deref().or(order_customer))
            },
            targets: &|_: &Target| true,
        },
    )
}
