//! The sales pipeline: which customers buy and when, and their deals through
//! the stages (new business, add-ons, lost and open ones). Planning starts
//! here and continues in `schedule` with the orders.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{DealStatus, Timestamp};

use super::Sizes;
use super::calendar::{Day, Window};
use super::catalog::{Basket, Catalog};
use super::customers::{Client, Clients, Origin};
use super::phrases::{self, LOST_REASONS};
use super::random::{self, days_around, skewed, weighted, weighted_by};
use super::schedule::{Account, assign_lines, repeat_counts, sort_orders};
use super::staff::Staff;

/// Pipeline stage codes, in order.
pub(super) const STAGES: [&str; 5] = ["lead", "qualified", "proposal", "negotiation", "won"];
/// Index of the `won` stage.
pub(super) const WON: usize = 4;
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
    /// Title (a won deal's names what its order is mostly about).
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
pub(super) enum Path {
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
        let mut book = Book {
            deals: Vec::new(),
            orders: Vec::with_capacity(self.sizes.orders),
        };
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
                    if rng.random_bool(if client.person { 0.2 } else { 0.8 }) {
                        Path::Win(days_around(rng, 28.0, 0.7, 7, 120))
                    } else {
                        Path::Direct(skewed(rng, 0, 14, 2.5) as Day)
                    }
                } else if rng.random_bool(if client.person { 0.4 } else { 0.85 }) {
                    Path::Quote(lost_cycle(rng))
                } else {
                    Path::Lead
                }
            }
        }
    }

    /// The day of a customer's first order during the data, if any.
    pub(super) fn first_day(&self, client: &Client, path: Path) -> Option<Day> {
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
        } else if buyers.is_empty()
            && plain > 0
            && !paths.contains(&Path::Existing)
            && let Some(index) = list.iter().position(|client| client.origin == Origin::New)
        {
            paths[index] = Path::Direct(0);
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
        let (amount, category) = self.catalog.estimate(rng, basket);
        let mut deal = DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: phrases::deal_title(rng, &client.short, category, false),
            created: client.first_contact(),
            created_day: client.contact_day,
            closed: None,
            last_day: self.window.days - 1,
            status: DealStatus::Open,
            stage: open_stage(self.window.days - 1 - client.contact_day, cycle),
            lost_reason: None,
            amount,
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
            deal.lost_reason = Some(weighted_by(rng, &LOST_REASONS, |&(_, weight, _)| weight));
        }
    }

    /// A won add-on deal closing with an order at `at`, unless it would have
    /// begun before the data.
    pub(super) fn upsell_deal(
        &self,
        client: &Client,
        customer: usize,
        day: Day,
        at: Timestamp,
        rng: &mut StdRng,
    ) -> Option<DealPlan> {
        let created_day = (day - days_around(rng, 18.0, 0.6, 3, 60)).max(client.contact_day);
        if created_day < 0 {
            return None;
        }
        Some(DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: String::new(),
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
        })
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
            project: true,
            person: client.person,
            tier: client.tier,
        };
        let (amount, category) = self.catalog.estimate(rng, basket);
        DealPlan {
            id: String::new(),
            customer,
            owner: client.worked_by,
            title: phrases::deal_title(rng, &client.short, category, true),
            created: self.window.office_after(day, client.first_contact(), rng),
            created_day: day,
            closed: None,
            last_day: self.window.days - 1,
            status: DealStatus::Open,
            stage: 0,
            lost_reason: None,
            amount,
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
