//! Demo data: a generated Chinese SME selling B2B software, hardware and
//! services, with three years of customers, deals, orders, payments,
//! follow-ups, marketing spend, surveys and targets.
//!
//! Everything comes from one seeded random generator, so a seed always gives
//! the same company, and the work grows linearly with the number of order
//! lines. The business grows about 30% a year; sales slump around the Spring
//! Festival and Golden Week and peak before quarter ends and in
//! November–December. Customers who were already buying when the data begins
//! were created up to two years before it; every other timestamp lies in the
//! three years before `end`.

mod activities;
mod calendar;
mod catalog;
mod customers;
mod feedback;
mod finance;
mod names;
mod orders;
mod payments;
mod phrases;
mod pipeline;
mod random;
mod schedule;
mod staff;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand::rngs::StdRng;
use salesboard_domain::{Dataset, OrgTimeZone};

use calendar::Window;
use catalog::Catalog;
use finance::Ledger;
use pipeline::Planner;
use staff::Staff;

/// Settings of a generated company.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Order lines to generate, exactly (summed over all orders).
    pub order_lines: usize,
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
    /// The first day after the data; the data covers the three years before it.
    pub end: NaiveDate,
    /// The organization's time zone: office hours and days are local to it.
    pub timezone: OrgTimeZone,
}

impl DemoConfig {
    /// `order_lines` lines from `seed`, ending on 2026-01-01, in Asia/Shanghai.
    pub fn new(order_lines: usize, seed: u64) -> Self {
        DemoConfig {
            order_lines,
            seed,
            end: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            timezone: OrgTimeZone::default(),
        }
    }
}

/// Generates a realistic company; calls `progress(lines_done)` now and then
/// (for a progress bar), lastly with `config.order_lines`.
pub fn generate(config: &DemoConfig, progress: &mut dyn FnMut(usize)) -> Dataset {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let rng = &mut rng;
    let window = Window::new(config.end, config.timezone);
    let sizes = Sizes::for_lines(config.order_lines);
    let catalog = Catalog::load();
    let staff = Staff::hire(&sizes, &window, rng);
    let mut clients = customers::generate(&sizes, &window, &staff, rng);
    let planner = Planner {
        sizes: &sizes,
        window: &window,
        staff: &staff,
        catalog: &catalog,
    };
    let mut book = planner.plan(&mut clients, rng);
    let sold = orders::materialize(&catalog, &staff, &clients, &mut book, rng, progress);
    let payments = payments::collect(&window, &clients, &book, &sold, rng);
    let surveys = feedback::collect(&window, &clients, &book, &sold, rng);
    let activities = activities::collect(&window, &staff, &clients, &book, rng);
    let ledger = Ledger::new(&window, &staff, &clients, &book, &sold);
    let spend = finance::spend(&window, &staff, &ledger, rng);
    let targets = finance::targets(&window, &staff, &clients, &ledger, rng);
    let deals = pipeline::records(&book, &clients, &staff);
    progress(config.order_lines);
    Dataset {
        users: staff.users,
        products: catalog::products(),
        customers: clients
            .list
            .into_iter()
            .map(|client| client.record)
            .collect(),
        contacts: clients.contacts,
        deals,
        orders: sold.orders,
        payments,
        activities,
        spend,
        surveys,
        targets,
    }
}

/// How many records of each kind a number of order lines calls for.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Order lines.
    lines: usize,
    /// Orders, returns included.
    orders: usize,
    /// Return orders (one line each).
    returns: usize,
    /// Cancelled orders.
    cancellations: usize,
    /// Customers, all kinds.
    customers: usize,
    /// Customers from before the data.
    legacy: usize,
    /// Near-duplicate customers.
    duplicates: usize,
    /// Sales reps.
    reps: usize,
}

impl Sizes {
    fn for_lines(lines: usize) -> Self {
        let orders = if lines == 0 {
            0
        } else {
            ((lines as f64 / 2.15).round() as usize).clamp(lines.div_ceil(5), lines)
        };
        let returns = if lines >= 50 {
            (lines / 50).min(orders / 4)
        } else {
            0
        };
        let customers = (lines / 10).max(3);
        Sizes {
            lines,
            orders,
            returns,
            cancellations: (orders as f64 * 0.03).round() as usize,
            customers,
            legacy: customers * 5 / 100,
            duplicates: customers / 200,
            reps: ((lines as f64 / 8_000.0).round() as usize).clamp(3, 60),
        }
    }
}
