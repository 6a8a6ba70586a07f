//! The orders of the plan: repeat purchases spread over each buying
//! customer's active stretch, returns of earlier purchases, cancellations,
//! and the number of lines of every order, adding up exactly to what was
//! asked for.

use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::Day;
use super::customers::{Client, LIFETIME_YEARS, Origin};
use super::pipeline::{Book, OrderKind, OrderPlan, Path, Planner};
use super::random::{log_normal, poisson, skewed, weighted};

/// Share of repeat orders from companies that close an add-on deal.
const UPSELL_SHARE: f64 = 0.06;
/// Lines per first (project) order and per repeat order: weights of 1 … 5.
const PROJECT_LINES: [u32; 5] = [15, 25, 30, 18, 12];
const TOP_UP_LINES: [u32; 5] = [45, 28, 15, 8, 4];
/// Repeat purchases by company size.
const TIER_RATES: [f64; 3] = [1.0, 1.4, 1.9];
/// Customers still buying from before the data are the loyal, busy ones.
const LEGACY_RATE: f64 = 2.2;

/// A buying customer's stretch of repeat purchases.
pub(super) struct Account {
    /// Index of the customer.
    pub customer: usize,
    /// The first day of the stretch.
    pub from: Day,
    /// The first day after it.
    pub to: Day,
    /// Expected purchases, before scaling to the orders asked for.
    pub weight: f64,
}

impl Planner<'_> {
    /// The stretch over which each buying customer buys again, and how much.
    pub(super) fn accounts(
        &self,
        list: &[Client],
        paths: &[Path],
        rng: &mut StdRng,
    ) -> Vec<Account> {
        let days = self.window.days;
        let mut accounts = Vec::new();
        for (customer, (client, &path)) in list.iter().zip(paths).enumerate() {
            let from = match (path, self.first_day(client, path)) {
                (Path::Existing, _) => 0,
                (_, Some(first)) => first + 1,
                _ => continue,
            };
            let lifetime = 1 + (-(1.0 - rng.random::<f64>()).ln() * LIFETIME_YEARS * 365.25) as Day;
            let to = from.saturating_add(lifetime).min(days);
            let one_time = client.origin == Origin::New && rng.random_bool(0.15);
            let person = if client.person { 0.5 } else { 1.0 };
            let loyal = if path == Path::Existing {
                LEGACY_RATE
            } else {
                1.0
            };
            let rate = if one_time {
                0.0
            } else {
                log_normal(rng, 1.0, 0.7).min(4.0)
                    * TIER_RATES[usize::from(client.tier)]
                    * person
                    * loyal
            };
            let weight = if from < to {
                rate * self.window.season_weight(from, to)
            } else {
                0.0
            };
            accounts.push(Account {
                customer,
                from,
                to,
                weight,
            });
        }
        accounts
    }

    /// Repeat orders: `counts[i]` for account `i`, on seasonal days.
    pub(super) fn schedule(
        &self,
        list: &[Client],
        accounts: &[Account],
        counts: &[usize],
        book: &mut Book,
        rng: &mut StdRng,
    ) {
        let last = self.window.days - 1;
        for (account, &count) in accounts.iter().zip(counts) {
            let client = &list[account.customer];
            for _ in 0..count {
                let day = if account.from < account.to {
                    self.window.seasonal_day(rng, account.from, account.to)
                } else {
                    (account.from - 1).clamp(0, last)
                };
                let at = self.window.office_after(day, client.first_contact(), rng);
                let upsell = !client.person && rng.random_bool(UPSELL_SHARE);
                let deal = upsell
                    .then(|| self.upsell_deal(client, account.customer, day, at, rng))
                    .flatten()
                    .map(|deal| {
                        book.deals.push(deal);
                        book.deals.len() - 1
                    });
                let kind = OrderKind::Repeat;
                book.orders.push(OrderPlan {
                    customer: account.customer,
                    day,
                    at,
                    deal,
                    kind,
                    lines: 0,
                    cancelled: false,
                });
            }
        }
    }

    /// Returns of earlier purchases, each a one-line order a few days later;
    /// gives how many were placed.
    pub(super) fn returns(&self, book: &mut Book, rng: &mut StdRng) -> usize {
        let days = self.window.days;
        let eligible: Vec<usize> = (0..book.orders.len())
            .filter(|&index| book.orders[index].day + 1 < days)
            .collect();
        let mut returned = vec![false; book.orders.len()];
        let mut placed = 0;
        for _ in 0..self.sizes.returns * 20 {
            if placed == self.sizes.returns || eligible.is_empty() {
                break;
            }
            let original = eligible[rng.random_range(0..eligible.len())];
            if std::mem::replace(&mut returned[original], true) {
                continue;
            }
            let source = book.orders[original];
            let day = (source.day + skewed(rng, 1, 45, 1.5) as Day).min(days - 1);
            let at = self.window.office_after(day, source.at, rng);
            let kind = OrderKind::Return(original);
            book.orders.push(OrderPlan {
                customer: source.customer,
                day,
                at,
                deal: None,
                kind,
                lines: 1,
                cancelled: false,
            });
            placed += 1;
        }
        placed
    }

    /// Cancels some orders that close no deal and have no return.
    pub(super) fn cancel(&self, book: &mut Book, rng: &mut StdRng) {
        let mut returned = vec![false; book.orders.len()];
        for order in &book.orders {
            if let OrderKind::Return(original) = order.kind {
                returned[original] = true;
            }
        }
        let candidates: Vec<usize> = (0..book.orders.len())
            .filter(|&index| {
                let order = &book.orders[index];
                order.deal.is_none()
                    && order.kind != OrderKind::First
                    && !returned[index]
                    && !matches!(order.kind, OrderKind::Return(_))
            })
            .collect();
        let mut left = self.sizes.cancellations;
        for _ in 0..self.sizes.cancellations * 20 {
            if left == 0 || candidates.is_empty() {
                break;
            }
            let order = &mut book.orders[candidates[rng.random_range(0..candidates.len())]];
            if !order.cancelled {
                order.cancelled = true;
                left -= 1;
            }
        }
    }
}

/// How many repeat orders each account places, `target` in all.
pub(super) fn repeat_counts(accounts: &[Account], target: usize, rng: &mut StdRng) -> Vec<usize> {
    let total: f64 = accounts.iter().map(|account| account.weight).sum();
    let scale = if total > 0.0 {
        target as f64 / total
    } else {
        0.0
    };
    let mut counts: Vec<usize> = accounts
        .iter()
        .map(|account| poisson(rng, account.weight * scale))
        .collect();
    let drawn: usize = counts.iter().sum();
    if drawn > target {
        thin(&mut counts, drawn - target, rng);
    } else if !accounts.is_empty() {
        let sums: Vec<f64> = accounts
            .iter()
            .scan(0.0, |sum, account| {
                *sum += account.weight;
                Some(*sum)
            })
            .collect();
        for _ in drawn..target {
            let index = if total > 0.0 {
                let roll = rng.random::<f64>() * total;
                sums.partition_point(|&sum| sum <= roll)
                    .min(accounts.len() - 1)
            } else {
                rng.random_range(0..accounts.len())
            };
            counts[index] += 1;
        }
    }
    counts
}

/// Removes `remove` of the counted units, each equally likely.
fn thin(counts: &mut [usize], mut remove: usize, rng: &mut StdRng) {
    let mut left: usize = counts.iter().sum();
    for count in counts.iter_mut() {
        let mut kept = 0;
        for _ in 0..*count {
            if remove > 0 && rng.random_range(0..left) < remove {
                remove -= 1;
            } else {
                kept += 1;
            }
            left -= 1;
        }
        *count = kept;
    }
}

/// Gives every order 1–5 lines (returns 1), `total` in all.
pub(super) fn assign_lines(orders: &mut [OrderPlan], total: usize, rng: &mut StdRng) {
    let mut sum = 0;
    let mut plain = Vec::with_capacity(orders.len());
    for (index, order) in orders.iter_mut().enumerate() {
        order.lines = match order.kind {
            OrderKind::Return(_) => 1,
            OrderKind::First => 1 + weighted(rng, &PROJECT_LINES),
            OrderKind::Repeat if order.deal.is_some() => 1 + weighted(rng, &PROJECT_LINES),
            OrderKind::Repeat => 1 + weighted(rng, &TOP_UP_LINES),
        };
        sum += order.lines;
        if order.kind == OrderKind::First || order.kind == OrderKind::Repeat {
            plain.push(index);
        }
    }
    while sum != total && !plain.is_empty() {
        let grow = sum < total;
        let fits = |order: &OrderPlan| {
            if grow {
                order.lines < 5
            } else {
                order.lines > 1
            }
        };
        let tried = (0..64)
            .map(|_| plain[rng.random_range(0..plain.len())])
            .find(|&index| fits(&orders[index]));
        let Some(index) =
            tried.or_else(|| plain.iter().copied().find(|&index| fits(&orders[index])))
        else {
            break;
        };
        if grow {
            orders[index].lines += 1;
            sum += 1;
        } else {
            orders[index].lines -= 1;
            sum -= 1;
        }
    }
}

/// Sorts orders by time and points returns at their originals' new places.
pub(super) fn sort_orders(book: &mut Book) {
    let mut order: Vec<usize> = (0..book.orders.len()).collect();
    order.sort_by_key(|&index| (book.orders[index].at, book.orders[index].customer, index));
    let mut place = vec![0; order.len()];
    for (position, &index) in order.iter().enumerate() {
        place[index] = position;
    }
    book.orders = order
        .iter()
        .map(|&index| {
            let mut plan = book.orders[index];
            if let OrderKind::Return(original) = plan.kind {
                plan.kind = OrderKind::Return(place[original]);
            }
            plan
        })
        .collect();
}
