//! Money around the sales: monthly marketing spend per channel and sales
//! travel per team, growing with the business; and revenue and new-customer
//! targets set close to what reps and teams actually achieve.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Money, Spend, Target, TargetMetric, TargetOwnerKind};

use super::calendar::{Window, growth_factor};
use super::customers::{Clients, Origin};
use super::orders::Sold;
use super::pipeline::Book;
use super::staff::Staff;

/// Marketing spend as a share of revenue, and each channel's share of it.
const MARKETING_SHARE: f64 = 0.07;
const CHANNEL_BUDGET: [(&str, f64, &str); 5] = [
    ("search", 0.34, "百度搜索推广"),
    ("social", 0.24, "微信/抖音信息流"),
    ("referral", 0.14, "老客户转介绍奖励"),
    ("email", 0.06, "EDM 邮件营销"),
    ("events", 0.22, "行业展会与沙龙"),
];
/// Smallest monthly marketing budget in cents, before growth.
const MIN_BUDGET: f64 = 2_000_000.0;

/// Revenue (cents) per month, and per rep and month.
pub(super) struct Ledger {
    month: Vec<f64>,
    rep_month: Vec<Vec<i64>>,
}

impl Ledger {
    /// Sums completed orders' totals (returns count negative).
    pub(super) fn new(
        window: &Window,
        staff: &Staff,
        clients: &Clients,
        book: &Book,
        sold: &Sold,
    ) -> Self {
        let months = window.months.len();
        let mut month = vec![0.0; months];
        let mut rep_month = vec![vec![0; months]; staff.reps.len()];
        for (plan, &total) in book.orders.iter().zip(&sold.totals) {
            if plan.cancelled {
                continue;
            }
            let index = window.month_of(plan.day);
            month[index] += total as f64;
            rep_month[clients.list[plan.customer].worked_by][index] += total;
        }
        Ledger { month, rep_month }
    }

    /// Revenue of a month averaged with its neighbours.
    fn smoothed(&self, month: usize) -> f64 {
        let around = &self.month[month.saturating_sub(1)..(month + 2).min(self.month.len())];
        around.iter().sum::<f64>() / around.len().max(1) as f64
    }
}

/// Marketing spend per channel and month, and travel per team and month.
pub(super) fn spend(
    window: &Window,
    staff: &Staff,
    ledger: &Ledger,
    rng: &mut StdRng,
) -> Vec<Spend> {
    let mut spend = Vec::new();
    for (index, &first) in window.months.iter().enumerate() {
        let (from, to) = window.month_days(index);
        let date = window.tz.start_of_day(first.max(window.start));
        let label = format!("{}-{:02}", first.year(), first.month());
        let budget =
            (ledger.smoothed(index) * MARKETING_SHARE).max(MIN_BUDGET * growth_factor(from));
        for &(channel, share, campaign) in &CHANNEL_BUDGET {
            let season = if channel == "events" {
                events_season(first)
            } else {
                1.0
            };
            let amount = round_to(
                budget * share * season * rng.random_range(0.85..1.2),
                10_000,
            );
            spend.push(Spend {
                id: format!("SP-{label}-{channel}"),
                date,
                channel: Some(channel.to_string()),
                category: Some("marketing".to_string()),
                amount: Money::from_cents(amount),
                campaign: Some(format!("{label} {campaign}")),
            });
        }
        for team in &staff.teams {
            let travelling = team
                .reps
                .iter()
                .filter(|&&rep| staff.reps[rep].hired < to)
                .count();
            let per_rep = rng.random_range(2_500.0..5_500.0) * 100.0;
            spend.push(Spend {
                id: format!("SP-{label}-sales-{}", team.name.to_lowercase()),
                date,
                channel: None,
                category: Some("sales".to_string()),
                amount: Money::from_cents(round_to(per_rep * travelling as f64, 1_000)),
                campaign: Some(format!("{} 差旅与招待", team.name)),
            });
        }
    }
    spend
}

/// Trade fairs cluster in spring and autumn.
fn events_season(month: NaiveDate) -> f64 {
    match month.month() {
        3 | 4 | 9 | 10 | 11 => 2.2,
        1 | 2 => 0.2,
        _ => 0.6,
    }
}

/// Monthly revenue targets per rep, quarterly revenue and new-customer
/// targets per team.
pub(super) fn targets(
    window: &Window,
    staff: &Staff,
    clients: &Clients,
    ledger: &Ledger,
    rng: &mut StdRng,
) -> Vec<Target> {
    let months = window.months.len();
    let mut rep_targets = vec![vec![0; months]; staff.reps.len()];
    let mut targets = Vec::new();
    for (rep, (person, planned)) in staff.reps.iter().zip(&mut rep_targets).enumerate() {
        for (month, slot) in planned.iter_mut().enumerate() {
            let (_, to) = window.month_days(month);
            if person.hired >= to {
                continue;
            }
            let around = month.saturating_sub(1)..(month + 2).min(months);
            let achieved = &ledger.rep_month[rep][around];
            let typical = achieved.iter().sum::<i64>() as f64 / achieved.len().max(1) as f64;
            let value = round_to(
                (typical * rng.random_range(0.85..1.2)).max(1_000_000.0),
                100_000,
            );
            *slot = value;
            targets.push(revenue_target(
                person.id.clone(),
                TargetOwnerKind::User,
                month_label(window.months[month]),
                value,
            ));
        }
    }
    for (label, quarter_months) in quarters(&window.months) {
        for (team_index, team) in staff.teams.iter().enumerate() {
            let planned: i64 = team
                .reps
                .iter()
                .flat_map(|&rep| quarter_months.iter().map(move |&m| (rep, m)))
                .map(|(rep, m)| rep_targets[rep][m])
                .sum();
            let value = round_to(planned as f64 * rng.random_range(0.95..1.08), 1_000_000);
            targets.push(revenue_target(
                team.name.to_string(),
                TargetOwnerKind::Team,
                label.clone(),
                value,
            ));
            let won = new_customers(window, clients, team_index, &quarter_months);
            targets.push(Target {
                owner: team.name.to_string(),
                owner_kind: TargetOwnerKind::Team,
                period: label.clone(),
                metric: TargetMetric::NewCustomers,
                value_hundredths: ((won as f64 * rng.random_range(0.9..1.25)).round() as i64)
                    .max(1)
                    * 100,
            });
        }
    }
    targets
}

fn revenue_target(
    owner: String,
    owner_kind: TargetOwnerKind,
    period: String,
    value: i64,
) -> Target {
    Target {
        owner,
        owner_kind,
        period,
        metric: TargetMetric::Revenue,
        value_hundredths: value,
    }
}

/// Customers a team gained in some months.
fn new_customers(window: &Window, clients: &Clients, team: usize, months: &[usize]) -> usize {
    let (Some(&first), Some(&last)) = (months.first(), months.last()) else {
        return 0;
    };
    let (from, to) = (window.month_days(first).0, window.month_days(last).1);
    clients
        .list
        .iter()
        .filter(|client| client.team == team && client.origin == Origin::New)
        .filter(|client| (from..to).contains(&client.created_day))
        .count()
}

/// The quarters (`2024-Q1`) of the months, with the months' indexes.
fn quarters(months: &[NaiveDate]) -> Vec<(String, Vec<usize>)> {
    let mut quarters: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, first) in months.iter().enumerate() {
        let label = format!("{}-Q{}", first.year(), first.month0() / 3 + 1);
        match quarters.last_mut() {
            Some((last, members)) if *last == label => members.push(index),
            _ => quarters.push((label, vec![index])),
        }
    }
    quarters
}

fn month_label(first: NaiveDate) -> String {
    format!("{}-{:02}", first.year(), first.month())
}

/// Rounds cents to a multiple of `step` cents.
fn round_to(cents: f64, step: i64) -> i64 {
    ((cents / step as f64).round() as i64).max(0) * step
}
