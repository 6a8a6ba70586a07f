//! Orders with their lines, drawn from the plan: project baskets for first
//! purchases and deals, top-ups for repeat purchases, one-line returns.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Extra, Order, OrderLine, OrderStatus};

use super::catalog::{Basket, Catalog, line_cents, main_category};
use super::customers::Clients;
use super::phrases;
use super::pipeline::{Book, OrderKind};
use super::staff::Staff;

/// Lines between two progress reports.
const PROGRESS_STEP: usize = 1 << 14;

/// The orders, with each order's total in cents.
pub(super) struct Sold {
    /// Orders, by time (same positions as the plans).
    pub orders: Vec<Order>,
    /// Total of each order in cents.
    pub totals: Vec<i64>,
}

/// Draws the lines of every planned order, and sets won deals' amounts to
/// their orders' totals.
pub(super) fn materialize(
    catalog: &Catalog,
    staff: &Staff,
    clients: &Clients,
    book: &mut Book,
    rng: &mut StdRng,
    progress: &mut dyn FnMut(usize),
) -> Sold {
    let Book {
        deals,
        orders: plans,
    } = book;
    let mut orders: Vec<Order> = Vec::with_capacity(plans.len());
    let mut totals = Vec::with_capacity(plans.len());
    let (mut done, mut next_report) = (0, PROGRESS_STEP);
    for (index, plan) in plans.iter().enumerate() {
        let client = &clients.list[plan.customer];
        let lines = match plan.kind {
            OrderKind::Return(original) => {
                vec![returned_line(
                    rng,
                    orders.get(original).map_or(&[][..], |order| &order.lines),
                )]
            }
            OrderKind::First | OrderKind::Repeat => {
                let project = plan.kind == OrderKind::First || plan.deal.is_some();
                let basket = Basket {
                    project,
                    person: client.person,
                    tier: client.tier,
                };
                catalog.draw(rng, basket, plan.lines)
            }
        };
        let total = lines.iter().map(line_cents).sum();
        let deal = plan.deal.and_then(|deal| deals.get_mut(deal));
        let deal_id = deal.map(|deal| {
            deal.amount = total;
            deal.title =
                phrases::deal_title(rng, &client.short, main_category(&lines), deal.existing);
            deal.id.clone()
        });
        done += lines.len();
        orders.push(Order {
            id: format!("SO-{:07}", index + 1),
            customer_id: client.record.id.clone(),
            owner: Some(staff.rep_id(client.worked_by)),
            ordered_at: plan.at,
            status: if plan.cancelled {
                OrderStatus::Cancelled
            } else {
                OrderStatus::Completed
            },
            deal_id,
            lines,
            extra: Extra::new(),
        });
        totals.push(total);
        if done >= next_report {
            progress(done);
            next_report = done + PROGRESS_STEP;
        }
    }
    Sold { orders, totals }
}

/// Part or all of one line of an earlier order, sent back.
fn returned_line(rng: &mut StdRng, original: &[OrderLine]) -> OrderLine {
    let Some(line) = original.get(rng.random_range(0..original.len().max(1))) else {
        return OrderLine {
            sku: None,
            unit_price: salesboard_domain::Money::from_cents(10_000),
            quantity: -1,
            discount: salesboard_domain::Discount::NONE,
        };
    };
    let bought = line.quantity.max(1);
    let quantity = if bought == 1 || rng.random_bool(0.6) {
        1
    } else {
        rng.random_range(1..=bought)
    };
    OrderLine {
        quantity: -quantity,
        ..line.clone()
    }
}
