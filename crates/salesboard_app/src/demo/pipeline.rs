//! The sales pipeline: which customers buy and when, their deals through the
//! stages, and the plan of every order (day, number of lines, returns,
//! cancellations), with exactly as many orders and lines as asked for.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{DealStatus, Timestamp};

use super::Sizes;
use super::calendar::{Day, Window};
use super::catalog::{Basket, Catalog};
use super::customers::{Client, Clients, LIFETIME_YEARS, Origin};
use super::names::{self, LOST_REASONS};
use super::random::{self, days_around, log_normal, poisson, skewed, weighted};
use super::staff::Staff;

/// Pipeline stage codes, in order.
pub(super) const STAGES: [&str; 5] = ["lead", "qualified", "proposal", "negotiation", "won"];
/// Index of the `won` stage.
pub(super) const WON: usize = 4;
/// Share of repeat orders from companies that close an add-on deal.
const UPSELL_SHARE: f64 = 0.06;
/// Lines per first (project) order and per repeat order: weights of 1 … 5.
const PROJECT_LINES: [u32; 5] = [15, 25, 30, 18, 12];
const TOP_UP_LINES: [u32; 5] = [45, 28, 15, 8, 4];
/// Repeat purchases by company size.
const TIER_RATES: [f64; 3] = [1.0, 1.5, 2.2];
/// How well each channel's leads convert.
const CHANNEL_FIT: [f64; 6] = [0.95, 0.8, 1.3, 0.8, 1.1, 1.05];

/// A deal (商机).
pub(super) struct DealPlan {
    /// `D-000001`, set once all deals are known.
    pub id: String,
    /// Index of the customer.
    pub customer: usize,
    /// The rep.
    pub owner: usize,
    /// Title.
    pub title: String,
    /// Created (first contact on this opportunity).
    pub created: Timestamp,
    /// The day it was created.
    pub created_day: Day,
    /// Won or lost at.
    pub closed: Option<Timestamp>,
    /// The day it closed, or the last day of the data when open.
    pub last_day: Day,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Index into `STAGES`: current or last reached.
    pub stage: usize,
    /// Why it was lost: index into `LOST_REASONS`.
    pub lost_reason: Option<usize>,
    /// Amount in cents (a won deal's is its order's total).
    pub amount: i64,
    /// Sold to an existing customer.
    pub existing: bool,
}

/// What an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrderKind {
    /// The customer's first purchase.
    First,
    /// A later purchase.
    Repeat,
    /// Goods sent back from the order at this index.
    Return(usize),
}

/// An order before its lines are drawn.
#[derive(Debug, Clone, Copy)]
pub(super) struct OrderPlan {
    /// Index of the customer.
    pub customer: usize,
    /// The day.
    pub day: Day,
    /// The instant.
    pub at: Timestamp,
    /// The deal it closes.
    pub deal: Option<usize>,
    /// What it is.
    pub kind: OrderKind,
    /// Number of lines.
    pub lines: usize,
    /// Cancelled orders count nowhere.
    pub cancelled: bool,
}

/// All deals and orders, sorted by time.
#[derive(Default)]
pub(super) struct Book {
    /// Deals, by creation.
    pub deals: Vec<DealPlan>,
    /// Orders, by time.
    pub orders: Vec<OrderPlan>,
}

/// How a customer's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Contacted, no deal.
    Lead,
    /// A deal over this many days that does not close with a sale.
    Quote(Day),
    /// A deal over this many days that is won.
    Win(Day),
    /// Buys without a deal this many days after first contact.
    Direct(Day),
    /// Bought before the data began.
    Existing,
}

/// A buying customer's stretch of repeat purchases.
struct Account {
    customer: usize,
    from: Day,
    to: Day,
    weight: f64,
}

/// Shared inputs of the planning steps.
pub(super) struct Planner<'a> {
    /// Sizes.
    pub sizes: &'a Sizes,
    /// Days.
    pub window: &'a Window,
    /// Reps.
    pub staff: &'a Staff,
    /// Products.
    pub catalog: &'a Catalog,
}

impl Planner<'_> {
    /// Plans every deal and order; may release some leads to the public pool.
    pub(super) fn plan(&self, clients: &mut Clients, rng: &mut StdRng) -> Book {
        let plain = self.sizes.orders - self.sizes.returns;
        let mut paths: Vec<Path> = clients
            .list
            .iter()
            .map(|client| self.path(client, rng))
            .collect();
        self.limit_buyers(&clients.list, &mut paths, plain, rng);
        let mut book = Book::default();
        let firsts = self.open_accounts(&clients.list, &paths, &mut book, rng);
        release_to_pool(clients, &paths, self.window.days, rng);
        let accounts = self.accounts(&clients.list, &paths, rng);
        let counts = repeat_counts(&accounts, plain - firsts, rng);
        self.schedule(&clients.list, &accounts, &counts, &mut book, rng);
        let placed = self.returns(&mut book, rng);
        if placed < self.sizes.returns {
            let counts = repeat_counts(&accounts, self.sizes.returns - placed, rng);
            self.schedule(&clients.list, &accounts, &counts, &mut book, rng);
        }
        self.cancel(&mut book, rng);
        assign_lines(&mut book.orders, self.sizes.lines, rng);
        self.side_deals(&clients.list, &accounts, &mut book, rng);
        sort_deals(&mut book);
        sort_orders(&mut book);
        book
    }

    fn path(&self, client: &Client, rng: &mut StdRng) -> Path {
        match client.origin {
            Origin::Legacy => Path::Existing,
            Origin::Duplicate if rng.random_bool(0.3) => Path::Quote(lost_cycle(rng)),
            Origin::Duplicate => Path::Lead,
            Origin::New => {
                let base = if client.person { 0.5 } else { 0.45 };
                let chance =
                    base * self.staff.reps[client.worked_by].skill * CHANNEL_FIT[client.channel];
                if rng.random_bool(chance.min(0.95)) {
                    if rng.random_bool(if client.person { 0.35 } else { 0.8 }) {
                        Path::Win(days_around(rng, 28.0, 0.7, 7, 120))
                    } else {
                        Path::Direct(skewed(rng, 0, 14, 2.5) as Day)
                    }
                } else if rng.random_bool(0.85) {
                    Path::Quote(lost_cycle(rng))
                } else {
                    Path::Lead
                }
            }
        }
    }

    /// The day of a customer's first order during the data, if any.
    fn first_day(&self, client: &Client, path: Path) -> Option<Day> {
        let day = match path {
            Path::Win(cycle) => client.contact_day + cycle,
            Path::Direct(lag) => client.contact_day + lag,
            _ => return None,
        };
        (day < self.window.days).then_some(day)
    }

    /// Keeps the first orders within the orders asked for, and makes sure
    /// somebody buys when orders are asked for.
    fn limit_buyers(&self, list: &[Client], paths: &mut [Path], plain: usize, rng: &mut StdRng) {
        let mut buyers: Vec<usize> = (0..list.len())
            .filter(|&index| self.first_day(&list[index], paths[index]).is_some())
            .collect();
        if buyers.len() > plain {
            random::shuffle(rng, &mut buyers);
            for &index in &buyers[plain..] {
                paths[index] = match paths[index] {
                    Path::Win(cycle) => Path::Quote(cycle),
                    _ => Path::Lead,
                };
            }
        } else if buyers.is_empty() && plain > 0 && !paths.contains(&Path::Existing) {
            if let Some(index) = list.iter().position(|client| client.origin == Origin::New) {
                paths[index] = Path::Direct(0);
            }
        }
    }

    /// New-business deals and first orders; returns the number of first orders.
    fn open_accounts(
        &self,
        list: &[Client],
        paths: &[Path],
        book: &mut Book,
        rng: &mut StdRng,
    ) -> usize {
        let mut firsts = 0;
        for (customer, (client, &path)) in list.iter().zip(paths).enumerate() {
            let deal = match path {
                Path::Win(cycle) | Path::Quote(cycle) => {
                    let wins = matches!(path, Path::Win(_));
                    book.deals
                        .push(self.new_deal(client, customer, cycle, wins, rng));
                    Some(book.deals.len() - 1).filter(|_| wins)
                }
                _ => None,
            };
            let Some(day) = self.first_day(client, path) else {
                continue;
            };
            let at = match deal.and_then(|index| book.deals[index].closed) {
                Some(closed) => closed,
                None => self.window.office_after(day, client.first_contact(), rng),
            };
            book.orders.push(OrderPlan {
                customer,
                day,
                at,
                deal,
                kind: OrderKind::First,
                lines: 0,
                cancelled: false,
            });
            firsts += 1;
        }
        firsts
    }

    fn new_deal(
        &self,
        client: &Client,
        customer: usize,
        cycle: Day,
        wins: bool,
        rng: &mut StdRng,
    ) -> DealPlan {
        let basket = Basket {
            project: true,
            person: client.person,
            tier: client.tier,
        };
        let mut deal = DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: names::deal_title(rng, &client.short, false),
            created: client.first_contact(),
            created_day: client.contact_day,
            closed: None,
            last_day: self.window.days - 1,
            status: DealStatus::Open,
            stage: open_stage(self.window.days - 1 - client.contact_day, cycle),
            lost_reason: None,
            amount: self.catalog.estimate(rng, basket),
            existing: client.origin == Origin::Legacy,
        };
        let close_day = client.contact_day + cycle;
        if close_day < self.window.days {
            self.close(&mut deal, close_day, wins, rng);
        }
        deal
    }

    fn close(&self, deal: &mut DealPlan, day: Day, wins: bool, rng: &mut StdRng) {
        deal.closed = Some(self.window.office_after(day, deal.created, rng));
        deal.last_day = day;
        if wins {
            deal.status = DealStatus::Won;
            deal.stage = WON;
        } else {
            deal.status = DealStatus::Lost;
            deal.stage = weighted(rng, &[30, 30, 25, 15]);
            let weights: Vec<u32> = LOST_REASONS.iter().map(|&(_, weight, _)| weight).collect();
            deal.lost_reason = Some(weighted(rng, &weights));
        }
    }

    /// The stretch over which each buying customer buys again, and how much.
    fn accounts(&self, list: &[Client], paths: &[Path], rng: &mut StdRng) -> Vec<Account> {
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
            let one_time = client.origin == Origin::New && rng.random_bool(0.25);
            let person = if client.person { 0.5 } else { 1.0 };
            let rate = if one_time {
                0.0
            } else {
                log_normal(rng, 1.0, 0.7) * TIER_RATES[usize::from(client.tier)] * person
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
    fn schedule(
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
                let deal = (!client.person && rng.random_bool(UPSELL_SHARE)).then(|| {
                    book.deals
                        .push(self.upsell_deal(client, account.customer, day, at, rng));
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

    /// A won add-on deal closing with an order at `at`.
    fn upsell_deal(
        &self,
        client: &Client,
        customer: usize,
        day: Day,
        at: Timestamp,
        rng: &mut StdRng,
    ) -> DealPlan {
        let created_day = (day - days_around(rng, 18.0, 0.6, 3, 60))
            .max(client.contact_day)
            .max(0);
        DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: names::deal_title(rng, &client.short, true),
            created: self
                .window
                .office_after(created_day, client.first_contact(), rng)
                .min(at),
            created_day,
            closed: Some(at),
            last_day: day,
            status: DealStatus::Won,
            stage: WON,
            lost_reason: None,
            amount: 0,
            existing: true,
        }
    }

    /// Returns of earlier purchases, each a one-line order a few days later;
    /// gives how many were placed.
    fn returns(&self, book: &mut Book, rng: &mut StdRng) -> usize {
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
    fn cancel(&self, book: &mut Book, rng: &mut StdRng) {
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

    /// Deals that bring no order: lost or still open add-on deals.
    fn side_deals(&self, list: &[Client], accounts: &[Account], book: &mut Book, rng: &mut StdRng) {
        let days = self.window.days;
        for account in accounts {
            let client = &list[account.customer];
            if client.person {
                continue;
            }
            let from = account.from.max(0);
            if from + 10 < days && rng.random_bool(0.2) {
                let day = rng.random_range(from..days);
                let cycle = lost_cycle(rng);
                let mut deal = self.side_deal(client, account.customer, day, rng);
                deal.stage = open_stage(days - 1 - day, cycle);
                if day + cycle < days {
                    self.close(&mut deal, day + cycle, false, rng);
                }
                book.deals.push(deal);
            }
            if account.to >= days && rng.random_bool(0.1) {
                let day = rng.random_range(from.max(days - 75).min(days - 1)..days);
                let mut deal = self.side_deal(client, account.customer, day, rng);
                deal.stage = weighted(rng, &[35, 30, 20, 15]);
                book.deals.push(deal);
            }
        }
    }

    fn side_deal(&self, client: &Client, customer: usize, day: Day, rng: &mut StdRng) -> DealPlan {
        let basket = Basket {
            project: false,
            person: client.person,
            tier: client.tier,
        };
        DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: names::deal_title(rng, &client.short, true),
            created: self.window.office_after(day, client.first_contact(), rng),
            created_day: day,
            closed: None,
            last_day: self.window.days - 1,
            status: DealStatus::Open,
            stage: 0,
            lost_reason: None,
            amount: self.catalog.estimate(rng, basket),
            existing: true,
        }
    }
}

fn lost_cycle(rng: &mut StdRng) -> Day {
    days_around(rng, 21.0, 0.8, 3, 90)
}

/// The stage an open deal has reached after `elapsed` of `cycle` days.
fn open_stage(elapsed: Day, cycle: Day) -> usize {
    let progress = f64::from(elapsed.max(0)) / f64::from(cycle.max(1));
    ((progress * 4.0) as usize).min(WON - 1)
}

/// Some leads that did not buy go back to the public pool (公海).
fn release_to_pool(clients: &mut Clients, paths: &[Path], days: Day, rng: &mut StdRng) {
    for (client, &path) in clients.list.iter_mut().zip(paths) {
        let lapsed = match path {
            Path::Lead => true,
            Path::Quote(cycle) => client.contact_day + cycle < days,
            _ => false,
        };
        if client.origin == Origin::New && lapsed && rng.random_bool(0.08) {
            client.record.owner = None;
        }
    }
}

/// How many repeat orders each account places, `target` in all.
fn repeat_counts(accounts: &[Account], target: usize, rng: &mut StdRng) -> Vec<usize> {
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
fn assign_lines(orders: &mut [OrderPlan], total: usize, rng: &mut StdRng) {
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

/// Sorts deals by creation, numbers them, and points orders at the new places.
fn sort_deals(book: &mut Book) {
    let mut order: Vec<usize> = (0..book.deals.len()).collect();
    order.sort_by_key(|&index| (book.deals[index].created, book.deals[index].customer, index));
    let mut place = vec![0; order.len()];
    for (position, &index) in order.iter().enumerate() {
        place[index] = position;
    }
    let mut deals: Vec<Option<DealPlan>> = std::mem::take(&mut book.deals)
        .into_iter()
        .map(Some)
        .collect();
    book.deals = order
        .iter()
        .filter_map(|&index| deals[index].take())
        .collect();
    for (position, deal) in book.deals.iter_mut().enumerate() {
        deal.id = format!("D-{:06}", position + 1);
    }
    for plan in &mut book.orders {
        plan.deal = plan.deal.map(|index| place[index]);
    }
}

/// Sorts orders by time and points returns at their originals' new places.
fn sort_orders(book: &mut Book) {
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

/// The deals as records.
pub(super) fn records(
    book: &Book,
    clients: &Clients,
    staff: &Staff,
) -> Vec<salesboard_domain::Deal> {
    book.deals
        .iter()
        .map(|deal| salesboard_domain::Deal {
            id: deal.id.clone(),
            customer_id: clients.list[deal.customer].record.id.clone(),
            owner: Some(staff.rep_id(deal.owner)),
            title: Some(deal.title.clone()),
            stage: STAGES[deal.stage].to_string(),
            amount: Some(salesboard_domain::Money::from_cents(deal.amount)),
            created_at: deal.created,
            closed_at: deal.closed,
            status: deal.status,
            lost_reason: deal
                .lost_reason
                .map(|reason| LOST_REASONS[reason].0.to_string()),
            extra: salesboard_domain::Extra::new(),
        })
        .collect()
}
