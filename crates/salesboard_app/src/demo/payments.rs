//! Payments received (回款): most orders paid in one to three instalments
//! within 90 days; some never, some not yet (receivables at the end).

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Money, Payment, Timestamp};

use super::calendar::Window;
use super::customers::Clients;
use super::orders::Sold;
use super::pipeline::{Book, OrderKind};
use super::random::weighted_by;

/// Share of orders never paid (disputes, bad debt).
const NEVER_PAID: f64 = 0.03;
/// Instalment plans, as percentages, and how often each is used.
const PLANS: [(&[i64], u32); 5] = [
    (&[100], 55),
    (&[50, 50], 15),
    (&[30, 70], 12),
    (&[30, 60, 10], 10),
    (&[30, 40, 30], 8),
];
/// Days from order to first payment: ranges and how often.
const FIRST_LAG: [((i32, i32), u32); 4] =
    [((0, 0), 30), ((1, 10), 30), ((11, 30), 30), ((31, 60), 10)];

/// The payments of all orders, by time.
pub(super) fn collect(
    window: &Window,
    clients: &Clients,
    book: &Book,
    sold: &Sold,
    rng: &mut StdRng,
) -> Vec<Payment> {
    let mut received: Vec<(Timestamp, usize, i64)> = Vec::with_capacity(book.orders.len() * 5 / 4);
    for (index, (plan, &total)) in book.orders.iter().zip(&sold.totals).enumerate() {
        let sale = !plan.cancelled && !matches!(plan.kind, OrderKind::Return(_));
        if !sale || total <= 0 || rng.random_bool(NEVER_PAID) {
            continue;
        }
        let person = clients.list[plan.customer].person;
        let shares: &[i64] = if person || total < 300_000 {
            &[100]
        } else {
            PLANS[weighted_by(rng, &PLANS, |&(_, weight)| weight)].0
        };
        let withheld = shares.len() > 1 && rng.random_bool(0.06);
        let paid_shares = if withheld {
            &shares[..shares.len() - 1]
        } else {
            shares
        };
        let latest = plan.day + 90;
        let mut day = plan.day + if person { 0 } else { first_lag(rng) };
        let mut paid = 0;
        for (nth, &share) in paid_shares.iter().enumerate() {
            if nth > 0 {
                day = (day + rng.random_range(15..=40)).min(latest);
            }
            if day >= window.days {
                break;
            }
            let amount = if nth + 1 == shares.len() {
                total - paid
            } else {
                total * share / 100
            };
            if amount > 0 {
                received.push((window.office_after(day, plan.at, rng), index, amount));
                paid += amount;
            }
        }
    }
    received.sort_by_key(|&(at, index, _)| (at, index));
    received
        .into_iter()
        .enumerate()
        .map(|(number, (paid_at, index, amount))| Payment {
            id: format!("PAY-{:07}", number + 1),
            order_id: sold.orders[index].id.clone(),
            amount: Money::from_cents(amount),
            paid_at,
        })
        .collect()
}

fn first_lag(rng: &mut StdRng) -> i32 {
    let (least, most) = FIRST_LAG[weighted_by(rng, &FIRST_LAG, |&(_, weight)| weight)].0;
    rng.random_range(least..=most)
}
