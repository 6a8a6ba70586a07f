//! The demo company: sizes, determinism, integrity, and the shape of the data.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, Months, NaiveDate, Timelike};
use rust_decimal::Decimal;
use salesboard_domain::money::line_amount;
use salesboard_domain::{
    Dataset, DealStatus, Order, OrderStatus, Role, SurveyScale, TargetMetric, TargetOwnerKind,
    Timestamp, normalize,
};

use super::{DemoConfig, generate};

fn company(lines: usize, seed: u64) -> Dataset {
    generate(&DemoConfig::new(lines, seed), &mut |_| {})
}

/// A mid-sized company, generated once for the tests that only read it.
fn mid_sized() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| company(20_000, 42))
}

fn config() -> DemoConfig {
    DemoConfig::new(0, 0)
}

fn local_date(at: Timestamp) -> NaiveDate {
    config().timezone.local_date(at)
}

fn order_total(order: &Order) -> Decimal {
    order
        .lines
        .iter()
        .map(|line| line_amount(line.unit_price, line.quantity, line.discount))
        .sum()
}

/// Revenue of counted orders placed in `[from, to)` (local dates).
fn revenue(data: &Dataset, from: NaiveDate, to: NaiveDate) -> Decimal {
    data.orders
        .iter()
        .filter(|order| order.status != OrderStatus::Cancelled)
        .filter(|order| (from..to).contains(&local_date(order.ordered_at)))
        .map(order_total)
        .sum()
}

fn all_unique<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    let mut seen = HashSet::new();
    ids.into_iter().all(|id| seen.insert(id))
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

#[test]
fn every_size_gets_exactly_the_order_lines_asked_for() {
    for lines in [0, 1, 2, 3, 5, 10, 49, 50, 100, 777, 5_000] {
        let data = company(lines, 7);
        assert_eq!(data.order_line_count(), lines, "{lines} lines");
        assert!(
            data.orders
                .iter()
                .all(|order| (1..=5).contains(&order.lines.len()))
        );
        assert!(data.customers.len() >= 3 && data.users.len() >= 7);
    }
    assert_eq!(mid_sized().order_line_count(), 20_000);
}

#[test]
fn the_same_seed_gives_the_same_company_and_another_seed_another_one() {
    assert_eq!(company(3_000, 1), company(3_000, 1));
    assert_ne!(company(3_000, 1), company(3_000, 2));
}

#[test]
fn ids_are_unique_within_each_kind() {
    for data in [&company(1, 3), &company(100, 3), mid_sized()] {
        assert!(all_unique(data.users.iter().map(|user| user.id.as_str())));
        assert!(all_unique(
            data.users.iter().filter_map(|user| user.email.as_deref())
        ));
        assert!(all_unique(
            data.products.iter().map(|product| product.sku.as_str())
        ));
        assert!(all_unique(
            data.customers.iter().map(|customer| customer.id.as_str())
        ));
        assert!(all_unique(
            data.contacts.iter().map(|contact| contact.id.as_str())
        ));
        assert!(all_unique(data.deals.iter().map(|deal| deal.id.as_str())));
        assert!(all_unique(
            data.orders.iter().map(|order| order.id.as_str())
        ));
        assert!(all_unique(
            data.payments.iter().map(|payment| payment.id.as_str())
        ));
        assert!(all_unique(
            data.activities.iter().map(|activity| activity.id.as_str())
        ));
        assert!(all_unique(data.spend.iter().map(|spend| spend.id.as_str())));
        assert!(all_unique(
            data.surveys.iter().map(|survey| survey.id.as_str())
        ));
        let targets: Vec<String> = data
            .targets
            .iter()
            .map(|t| format!("{}|{}|{}|{}", t.owner, t.owner_kind, t.period, t.metric))
            .collect();
        assert!(all_unique(targets.iter().map(String::as_str)));
    }
}

#[test]
fn every_reference_points_at_a_record_of_the_dataset() {
    for data in [
        &company(1, 5),
        &company(10, 5),
        &company(2_000, 5),
        mid_sized(),
    ] {
        assert_references(data);
    }
}

#[test]
fn tiny_companies_are_complete_at_every_size() {
    for lines in 0..=120 {
        let data = company(lines, lines as u64);
        assert_eq!(data.order_line_count(), lines);
        assert_references(&data);
    }
}

fn assert_references(data: &Dataset) {
    let users: HashSet<&str> = data.users.iter().map(|user| user.id.as_str()).collect();
    let teams: HashSet<&str> = data
        .users
        .iter()
        .filter_map(|user| user.team.as_deref())
        .collect();
    let customers: HashSet<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
    let skus: HashSet<&str> = data.products.iter().map(|p| p.sku.as_str()).collect();
    let deals: HashSet<&str> = data.deals.iter().map(|deal| deal.id.as_str()).collect();
    let orders: HashSet<&str> = data.orders.iter().map(|order| order.id.as_str()).collect();
    let known_user = |owner: &Option<String>| owner.as_deref().is_none_or(|id| users.contains(id));
    assert!(data.customers.iter().all(|c| known_user(&c.owner)));
    assert!(
        data.contacts
            .iter()
            .all(|c| customers.contains(c.customer_id.as_str()))
    );
    assert!(
        data.deals
            .iter()
            .all(|d| customers.contains(d.customer_id.as_str()) && known_user(&d.owner))
    );
    for order in &data.orders {
        assert!(customers.contains(order.customer_id.as_str()) && known_user(&order.owner));
        assert!(order.deal_id.as_deref().is_none_or(|id| deals.contains(id)));
        assert!(
            order
                .lines
                .iter()
                .all(|line| line.sku.as_deref().is_some_and(|sku| skus.contains(sku)))
        );
    }
    assert!(
        data.payments
            .iter()
            .all(|p| orders.contains(p.order_id.as_str()))
    );
    for activity in &data.activities {
        assert!(customers.contains(activity.customer_id.as_str()) && known_user(&activity.owner));
        assert!(
            activity
                .deal_id
                .as_deref()
                .is_none_or(|id| deals.contains(id))
        );
    }
    for survey in &data.surveys {
        assert!(
            survey
                .customer_id
                .as_deref()
                .is_some_and(|id| customers.contains(id))
        );
        assert!(
            survey
                .order_id
                .as_deref()
                .is_some_and(|id| orders.contains(id))
        );
    }
    for target in &data.targets {
        match target.owner_kind {
            TargetOwnerKind::User => assert!(users.contains(target.owner.as_str())),
            TargetOwnerKind::Team => assert!(teams.contains(target.owner.as_str())),
        }
    }
    let target_teams: HashSet<&str> = data
        .targets
        .iter()
        .filter(|t| t.owner_kind == TargetOwnerKind::Team)
        .map(|t| t.owner.as_str())
        .collect();
    assert_eq!(target_teams, teams);
}

#[test]
fn everything_happens_in_the_three_years_after_the_customer_appeared() {
    let data = mid_sized();
    let zone = config().timezone;
    let end = zone.start_of_day(config().end);
    let start = zone.start_of_day(config().end - Months::new(36));
    let within = |at: Timestamp| start <= at && at < end;
    let created: HashMap<&str, Timestamp> = data
        .customers
        .iter()
        .map(|c| (c.id.as_str(), c.created_at))
        .collect();
    let ordered: HashMap<&str, Timestamp> = data
        .orders
        .iter()
        .map(|o| (o.id.as_str(), o.ordered_at))
        .collect();
    let since = |customer: &str| created.get(customer).copied().unwrap_or(end);
    for customer in &data.customers {
        assert!(customer.created_at < end);
        assert!(
            customer
                .first_contact_at
                .is_some_and(|at| customer.created_at <= at && at < end)
        );
    }
    for deal in &data.deals {
        assert!(within(deal.created_at) && since(&deal.customer_id) <= deal.created_at);
        assert!(
            deal.closed_at
                .is_none_or(|closed| deal.created_at <= closed && closed < end)
        );
    }
    for order in &data.orders {
        assert!(within(order.ordered_at) && since(&order.customer_id) <= order.ordered_at);
    }
    for payment in &data.payments {
        let placed = ordered
            .get(payment.order_id.as_str())
            .copied()
            .unwrap_or(end);
        assert!(placed <= payment.paid_at && payment.paid_at < end);
        assert!(payment.paid_at.unix_seconds() - placed.unix_seconds() <= 91 * 86_400);
    }
    for activity in &data.activities {
        assert!(
            within(activity.occurred_at) && since(&activity.customer_id) <= activity.occurred_at
        );
    }
    for survey in &data.surveys {
        let placed = survey
            .order_id
            .as_deref()
            .and_then(|id| ordered.get(id))
            .copied()
            .unwrap_or(end);
        assert!(placed <= survey.responded_at && survey.responded_at < end);
    }
    assert!(data.spend.iter().all(|spend| within(spend.date)));
}

#[test]
fn orders_are_numbered_in_time_and_placed_in_office_hours() {
    let data = mid_sized();
    assert!(
        data.orders
            .windows(2)
            .all(|pair| pair[0].ordered_at <= pair[1].ordered_at)
    );
    assert!(data.orders.windows(2).all(|pair| pair[0].id < pair[1].id));
    let zone = config().timezone;
    for order in &data.orders {
        let hour = zone.local_datetime(order.ordered_at).hour();
        assert!((9..20).contains(&hour), "{} at {hour}h", order.id);
    }
    assert_eq!(
        data.orders.first().map(|order| order.id.as_str()),
        Some("SO-0000001")
    );
}

#[test]
fn deals_move_through_the_pipeline_and_won_ones_close_with_an_order() {
    let data = mid_sized();
    let stages = ["lead", "qualified", "proposal", "negotiation", "won"];
    let by_deal: HashMap<&str, &Order> = data
        .orders
        .iter()
        .filter_map(|order| Some((order.deal_id.as_deref()?, order)))
        .collect();
    for deal in &data.deals {
        assert!(stages.contains(&deal.stage.as_str()), "{}", deal.stage);
        match deal.status {
            DealStatus::Won => {
                assert_eq!(deal.stage, "won");
                let order = by_deal.get(deal.id.as_str());
                assert!(
                    order.is_some_and(|order| deal.closed_at.map(local_date)
                        == Some(local_date(order.ordered_at)))
                );
                let total = order.map(|order| order_total(order));
                assert_eq!(deal.amount.map(|amount| amount.to_decimal()), total);
            }
            DealStatus::Lost => {
                assert!(
                    deal.stage != "won" && deal.closed_at.is_some() && deal.lost_reason.is_some()
                );
            }
            DealStatus::Open => {
                assert!(
                    deal.stage != "won" && deal.closed_at.is_none() && deal.lost_reason.is_none()
                );
            }
        }
    }
    let count = |status| {
        data.deals
            .iter()
            .filter(|deal| deal.status == status)
            .count()
    };
    let win_rate = share(
        count(DealStatus::Won),
        count(DealStatus::Won) + count(DealStatus::Lost),
    );
    assert!((0.3..0.7).contains(&win_rate), "win rate {win_rate}");
    assert!(count(DealStatus::Open) > 0);
    let cycles: Vec<i64> = data
        .deals
        .iter()
        .filter(|deal| deal.status == DealStatus::Won)
        .filter_map(|deal| {
            Some((local_date(deal.closed_at?) - local_date(deal.created_at)).num_days())
        })
        .collect();
    assert!(cycles.iter().all(|&days| (0..=120).contains(&days)));
}

#[test]
fn the_last_year_sells_clearly_more_than_the_first() {
    let data = mid_sized();
    let end = config().end;
    let first = revenue(data, end - Months::new(36), end - Months::new(24));
    let last = revenue(data, end - Months::new(12), end);
    assert!(
        last > first * Decimal::new(11, 1),
        "first {first}, last {last}"
    );
}

#[test]
fn sales_slump_at_the_spring_festival_and_peak_at_the_year_end() {
    let data = mid_sized();
    let month_total = |month: u32| -> Decimal {
        (2023..=2025)
            .filter_map(|year| NaiveDate::from_ymd_opt(year, month, 1))
            .map(|from| revenue(data, from, from + Months::new(1)))
            .sum()
    };
    assert!(month_total(2) < month_total(3) * Decimal::new(8, 1));
    assert!(month_total(12) > month_total(10) * Decimal::new(13, 1));
}

#[test]
fn returns_cancellations_and_discounts_occur_in_plausible_shares() {
    let data = mid_sized();
    let lines = data.order_line_count();
    let returns = data
        .orders
        .iter()
        .flat_map(|order| &order.lines)
        .filter(|line| line.quantity < 0)
        .count();
    assert!(
        (0.01..0.03).contains(&share(returns, lines)),
        "returns {returns}"
    );
    let cancelled = data
        .orders
        .iter()
        .filter(|order| order.status == OrderStatus::Cancelled)
        .count();
    assert!(
        (0.02..0.04).contains(&share(cancelled, data.orders.len())),
        "cancelled {cancelled}"
    );
    let discounted = data
        .orders
        .iter()
        .flat_map(|order| &order.lines)
        .filter(|line| line.discount.ppm() > 0)
        .count();
    assert!(
        (0.05..0.5).contains(&share(discounted, lines)),
        "discounted {discounted}"
    );
    let mut bought: HashSet<(&str, &str)> = HashSet::new();
    for order in &data.orders {
        for line in &order.lines {
            let sku = line.sku.as_deref().unwrap_or_default();
            if line.quantity < 0 {
                assert!(
                    bought.contains(&(order.customer_id.as_str(), sku)),
                    "{} returns unbought {sku}",
                    order.id
                );
            } else {
                bought.insert((order.customer_id.as_str(), sku));
            }
        }
    }
}

#[test]
fn payments_never_exceed_what_an_order_is_worth() {
    let data = mid_sized();
    let mut paid: HashMap<&str, Decimal> = HashMap::new();
    for payment in &data.payments {
        assert!(payment.amount.cents() > 0);
        *paid.entry(payment.order_id.as_str()).or_default() += payment.amount.to_decimal();
    }
    let mut unpaid = 0;
    for order in &data.orders {
        let received = paid.get(order.id.as_str()).copied().unwrap_or_default();
        assert!(
            received <= order_total(order).max(Decimal::ZERO),
            "{} overpaid",
            order.id
        );
        if order.status == OrderStatus::Cancelled {
            assert_eq!(received, Decimal::ZERO);
        } else if received < order_total(order) {
            unpaid += 1;
        }
    }
    let sales = data
        .orders
        .iter()
        .filter(|order| order.status == OrderStatus::Completed)
        .count();
    assert!(
        (0.03..0.2).contains(&share(unpaid, sales)),
        "unpaid {unpaid} of {sales}"
    );
}

#[test]
fn customers_belong_to_reps_of_their_region_and_a_few_to_the_public_pool() {
    let data = mid_sized();
    let teams: HashMap<&str, (Role, Option<&str>)> = data
        .users
        .iter()
        .map(|user| (user.id.as_str(), (user.role, user.team.as_deref())))
        .collect();
    for customer in &data.customers {
        if let Some(owner) = customer.owner.as_deref() {
            assert_eq!(
                teams.get(owner),
                Some(&(Role::Rep, customer.region.as_deref()))
            );
        }
        assert!(customer.channel.as_deref().is_some_and(|channel| {
            ["search", "social", "referral", "email", "events", "direct"].contains(&channel)
        }));
    }
    let pool = data
        .customers
        .iter()
        .filter(|customer| customer.owner.is_none())
        .count();
    assert!(
        (0.01..0.1).contains(&share(pool, data.customers.len())),
        "pool {pool}"
    );
    let mobiles = data
        .customers
        .iter()
        .filter_map(|c| c.phone.as_deref())
        .filter(|phone| {
            phone.len() == 11
                && ["13", "15", "18"]
                    .iter()
                    .any(|prefix| phone.starts_with(prefix))
        });
    assert!(share(mobiles.count(), data.customers.len()) > 0.85);
    let persons = data
        .customers
        .iter()
        .filter(|c| c.kind == Some(salesboard_domain::CustomerKind::Person))
        .count();
    assert!((0.05..0.3).contains(&share(persons, data.customers.len())));
}

#[test]
fn a_few_customers_are_near_duplicates() {
    let data = mid_sized();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut phones: HashMap<String, usize> = HashMap::new();
    for customer in &data.customers {
        *names
            .entry(normalize::customer_name(&customer.name))
            .or_default() += 1;
        if let Some(phone) = customer.phone.as_deref().and_then(normalize::phone) {
            *phones.entry(phone).or_default() += 1;
        }
    }
    let clashes = names
        .values()
        .chain(phones.values())
        .filter(|&&count| count > 1)
        .count();
    assert!(
        (0.002..0.02).contains(&share(clashes, data.customers.len())),
        "{clashes} clashes"
    );
}

#[test]
fn targets_cover_every_rep_and_team_close_to_what_they_achieve() {
    let data = mid_sized();
    let reps: Vec<&str> = data
        .users
        .iter()
        .filter(|u| u.role == Role::Rep)
        .map(|u| u.id.as_str())
        .collect();
    assert!((3..=60).contains(&reps.len()));
    for rep in &reps {
        assert!(data.targets.iter().any(|t| t.owner == *rep
            && t.period == "2025-12"
            && t.metric == TargetMetric::Revenue));
    }
    let team_targets = data
        .targets
        .iter()
        .filter(|t| t.owner_kind == TargetOwnerKind::Team);
    assert!(team_targets.clone().any(|t| t.period == "2023-Q1"));
    assert!(
        team_targets
            .clone()
            .all(|t| t.value_hundredths > 0 && t.period.contains("-Q"))
    );
    let year_2025: Decimal = data
        .orders
        .iter()
        .filter(|order| {
            order.status != OrderStatus::Cancelled && local_date(order.ordered_at).year() == 2025
        })
        .map(order_total)
        .sum();
    let targeted: i64 = data
        .targets
        .iter()
        .filter(|t| t.owner_kind == TargetOwnerKind::User && t.period.starts_with("2025-"))
        .map(|t| t.value_hundredths)
        .sum();
    let attainment = year_2025 / Decimal::new(targeted, 2);
    assert!(
        attainment > Decimal::new(8, 1) && attainment < Decimal::new(12, 1),
        "attainment {attainment}"
    );
}

#[test]
fn spend_grows_with_the_business() {
    let data = mid_sized();
    let in_year = |year: i32| -> i64 {
        data.spend
            .iter()
            .filter(|s| local_date(s.date).year() == year)
            .map(|s| s.amount.cents())
            .sum()
    };
    assert!(in_year(2025) > in_year(2023));
    assert!(
        data.spend
            .iter()
            .all(|s| s.channel.is_some() || s.category.as_deref() == Some("sales"))
    );
    assert!(data.spend.iter().any(|s| s.id == "SP-2024-03-search"));
}

#[test]
fn surveys_are_mostly_happy_and_within_their_scales() {
    let data = mid_sized();
    let on = |scale| data.surveys.iter().filter(move |s| s.scale == scale);
    assert!(on(SurveyScale::Five).all(|s| (1..=5).contains(&s.score)));
    assert!(on(SurveyScale::Ten).all(|s| (0..=10).contains(&s.score)));
    let happy = on(SurveyScale::Five).filter(|s| s.score >= 4).count();
    assert!((0.7..0.95).contains(&share(happy, on(SurveyScale::Five).count())));
    assert!(on(SurveyScale::Ten).count() > 10 && on(SurveyScale::Five).any(|s| s.score <= 2));
}

#[test]
fn follow_ups_accompany_every_deal_and_are_logged_by_reps() {
    let data = mid_sized();
    let reps: HashSet<&str> = data
        .users
        .iter()
        .filter(|u| u.role == Role::Rep)
        .map(|u| u.id.as_str())
        .collect();
    let followed: HashSet<&str> = data
        .activities
        .iter()
        .filter_map(|a| a.deal_id.as_deref())
        .collect();
    assert!(
        data.deals
            .iter()
            .all(|deal| followed.contains(deal.id.as_str()))
    );
    assert!(
        data.activities
            .iter()
            .all(|a| a.owner.as_deref().is_some_and(|owner| reps.contains(owner)))
    );
    assert!(
        data.activities
            .iter()
            .all(|a| a.note.as_deref().is_some_and(|note| !note.is_ascii()))
    );
}

#[test]
fn the_staff_is_an_admin_and_a_manager_and_reps_per_team() {
    let data = company(200_000 / 100, 9);
    let admin = data.users.iter().find(|user| user.id == "u-admin");
    assert!(admin.is_some_and(
        |a| a.role == Role::Admin && a.email.as_deref() == Some("admin@demo.salesboard")
    ));
    let east = data.users.iter().find(|user| user.id == "u-mgr-east");
    assert!(east.is_some_and(|m| m.role == Role::Manager && m.team.as_deref() == Some("East")));
    assert!(
        data.users
            .iter()
            .any(|u| u.id == "u-rep-001" && u.email.as_deref() == Some("rep001@demo.salesboard"))
    );
    assert!(data.users.iter().all(|user| !user.name.is_ascii()));
    let big = company(400_000 / 4, 9);
    let reps = big.users.iter().filter(|u| u.role == Role::Rep).count();
    assert!((10..=15).contains(&reps), "{reps} reps");
    assert!(big.users.iter().any(|u| u.team.as_deref() == Some("West")));
}

#[test]
fn progress_is_reported_up_to_the_line_count() {
    let mut reports = Vec::new();
    let data = generate(&DemoConfig::new(50_000, 1), &mut |done| reports.push(done));
    assert_eq!(data.order_line_count(), 50_000);
    assert_eq!(reports.last(), Some(&50_000));
    assert!(reports.len() > 2 && reports.windows(2).all(|pair| pair[0] <= pair[1]));
}

/// Run with `cargo test --release -p salesboard_app --lib demo -- --ignored`.
#[test]
#[ignore = "slow in debug builds; a benchmark of the release build"]
fn a_million_lines_generate_within_seconds_in_release_builds() {
    let started = std::time::Instant::now();
    let data = company(1_000_000, 1);
    let elapsed = started.elapsed();
    assert_eq!(data.order_line_count(), 1_000_000);
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
    println!("took {elapsed:?}");
}

#[test]
fn another_time_zone_and_end_keep_office_hours_and_the_window() {
    let config = DemoConfig {
        end: NaiveDate::from_ymd_opt(2025, 7, 15).unwrap_or_default(),
        timezone: "Europe/Berlin".parse().unwrap_or_default(),
        ..DemoConfig::new(3_000, 4)
    };
    let data = generate(&config, &mut |_| {});
    assert_eq!(data.order_line_count(), 3_000);
    assert_references(&data);
    let zone = config.timezone;
    let start = zone.start_of_day(config.end - Months::new(36));
    let end = zone.start_of_day(config.end);
    for order in &data.orders {
        assert!(start <= order.ordered_at && order.ordered_at < end);
        assert!((9..20).contains(&zone.local_datetime(order.ordered_at).hour()));
    }
    assert!(
        data.targets.iter().any(|t| t.period == "2022-07")
            && data.targets.iter().any(|t| t.period == "2025-Q3")
    );
    assert!(data.spend.iter().all(|s| start <= s.date && s.date < end));
}
