//! Test data: `tests/fixtures/tiny` rebuilt in code (the domain cannot use
//! the importer), and helpers to write records briefly.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::KpiInput;
use crate::entities::*;
use crate::{Dataset, Discount, Money, OrgTimeZone, Period, Timestamp};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad date {y}-{m}-{d}"))
}

pub fn period(text: &str) -> Period {
    Period::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

/// A local Shanghai time: `2024-01-31 23:59` or `2024-01-31`.
pub fn at(text: &str) -> Timestamp {
    OrgTimeZone::default()
        .parse_timestamp(text)
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn money(text: &str) -> Money {
    Money::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

pub fn dec(text: &str) -> Decimal {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn opt(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

pub fn user(id: &str, role: Role, team: &str) -> User {
    User {
        id: id.into(),
        name: id.into(),
        email: None,
        role,
        team: opt(team),
        extra: Extra::new(),
    }
}

pub fn customer(id: &str, channel: &str, owner: &str, created: &str) -> Customer {
    Customer {
        id: id.into(),
        name: id.into(),
        kind: None,
        industry: None,
        region: Some("East".into()),
        channel: opt(channel),
        owner: opt(owner),
        phone: None,
        email: None,
        created_at: at(created),
        first_contact_at: None,
        extra: Extra::new(),
    }
}

pub fn product(sku: &str, category: &str, cost: &str) -> Product {
    Product {
        sku: sku.into(),
        name: sku.into(),
        category: opt(category),
        unit_price: None,
        unit_cost: Some(money(cost)),
        extra: Extra::new(),
    }
}

pub fn deal(
    id: &str,
    customer: &str,
    owner: &str,
    stage: &str,
    created: &str,
    closed: &str,
    status: DealStatus,
) -> Deal {
    Deal {
        id: id.into(),
        customer_id: customer.into(),
        owner: opt(owner),
        title: None,
        stage: stage.into(),
        amount: None,
        created_at: at(created),
        closed_at: opt(closed).map(|c| at(&c)),
        status,
        lost_reason: None,
        extra: Extra::new(),
    }
}

/// One line: `(sku, unit price, quantity, discount)`.
pub type Line<'s> = (&'s str, &'s str, i64, &'s str);

pub fn order(
    id: &str,
    customer: &str,
    owner: &str,
    when: &str,
    status: OrderStatus,
    lines: &[Line],
) -> Order {
    Order {
        id: id.into(),
        customer_id: customer.into(),
        owner: opt(owner),
        ordered_at: at(when),
        status,
        deal_id: None,
        lines: lines
            .iter()
            .map(|(sku, price, quantity, discount)| OrderLine {
                sku: opt(sku),
                unit_price: money(price),
                quantity: *quantity,
                discount: Discount::parse(discount).unwrap_or_else(|e| panic!("{e}")),
            })
            .collect(),
        extra: Extra::new(),
    }
}

pub fn payment(id: &str, order: &str, amount: &str, when: &str) -> Payment {
    Payment {
        id: id.into(),
        order_id: order.into(),
        amount: money(amount),
        paid_at: at(when),
    }
}

pub fn activity(id: &str, customer: &str, owner: &str, when: &str) -> Activity {
    Activity {
        id: id.into(),
        customer_id: customer.into(),
        deal_id: None,
        owner: opt(owner),
        kind: None,
        occurred_at: at(when),
        note: None,
    }
}

pub fn spend(when: &str, channel: &str, amount: &str) -> Spend {
    Spend {
        id: format!("{when}-{channel}"),
        date: at(when),
        channel: opt(channel),
        category: None,
        amount: money(amount),
        campaign: None,
    }
}

pub fn survey(
    id: &str,
    customer: &str,
    order: &str,
    score: i64,
    scale: SurveyScale,
    when: &str,
) -> Survey {
    Survey {
        id: id.into(),
        customer_id: opt(customer),
        order_id: opt(order),
        score,
        scale,
        responded_at: at(when),
        comment: None,
    }
}

pub fn target(owner: &str, kind: TargetOwnerKind, period: &str, value: &str) -> Target {
    Target {
        owner: owner.into(),
        owner_kind: kind,
        period: period.into(),
        metric: TargetMetric::Revenue,
        value_hundredths: money(value).cents(),
    }
}

/// The tiny fixture of `tests/fixtures/tiny`, as the importer stores it.
pub fn tiny() -> KpiInput {
    use DealStatus::{Lost, Open, Won};
    use OrderStatus::{Cancelled, Completed};
    use SurveyScale::{Five, Ten};
    let dataset = Dataset {
        users: vec![
            user("u-admin", Role::Admin, ""),
            user("u-li", Role::Rep, "East"),
            user("u-zhang", Role::Rep, "East"),
            user("u-chen", Role::Manager, "East"),
        ],
        products: vec![
            product("P-CRM", "Software", "200.00"),
            product("P-ANA", "Software", "100.00"),
            product("P-TRN", "Service", "1800.00"),
            product("P-HW", "Hardware", "300.25"),
        ],
        customers: vec![
            customer("c1", "search", "u-li", "2023-11-02 09:00"),
            customer("c2", "social", "u-li", "2024-01-05 10:30"),
            customer("c3", "email", "u-zhang", "2024-01-20"),
            customer("c4", "social", "u-zhang", "2024-02-11"),
            customer("c5", "search", "u-zhang", "2024-03-01"),
            customer("c6", "email", "", "2024-03-15"),
            customer("c7", "referral", "u-li", "2022-06-01"),
        ],
        contacts: vec![],
        deals: vec![
            deal("d1", "c1", "u-li", "won", "2023-11-02", "2023-12-20", Won),
            deal("d2", "c2", "u-li", "won", "2024-01-05", "2024-01-31", Won),
            deal(
                "d3",
                "c3",
                "u-zhang",
                "won",
                "2024-01-22",
                "2024-02-01",
                Won,
            ),
            deal(
                "d4",
                "c4",
                "u-zhang",
                "proposal",
                "2024-02-11",
                "2024-02-25",
                Lost,
            ),
            deal(
                "d5",
                "c5",
                "u-zhang",
                "won",
                "2024-03-03",
                "2024-03-28",
                Won,
            ),
            deal("d6", "c6", "", "qualified", "2024-03-15", "", Open),
            deal(
                "d7",
                "c2",
                "u-li",
                "negotiation",
                "2024-02-01",
                "2024-03-31",
                Lost,
            ),
        ],
        orders: vec![
            order(
                "o0",
                "c7",
                "u-li",
                "2022-07-10 11:00",
                Completed,
                &[("P-CRM", "1200.00", 5, "0")],
            ),
            order(
                "o1",
                "c7",
                "u-li",
                "2023-07-15 11:00",
                Completed,
                &[("P-CRM", "1200.00", 5, "0")],
            ),
            order(
                "o2",
                "c1",
                "u-li",
                "2023-12-20 16:00",
                Completed,
                &[
                    ("P-CRM", "1200.00", 10, "0.1"),
                    ("P-TRN", "3000.00", 1, "0"),
                ],
            ),
            order(
                "o3",
                "c2",
                "u-li",
                "2024-01-31 23:59",
                Completed,
                &[("P-CRM", "1200.00", 3, "0")],
            ),
            order(
                "o4",
                "c3",
                "u-zhang",
                "2024-02-01 00:00",
                Completed,
                &[("P-ANA", "800.00", 4, "0"), ("P-HW", "450.50", 2, "0")],
            ),
            order(
                "o5",
                "c1",
                "u-li",
                "2024-02-14",
                Completed,
                &[("P-ANA", "800.00", 10, "0.2")],
            ),
            order(
                "o6",
                "c4",
                "u-zhang",
                "2024-02-20",
                Cancelled,
                &[("P-HW", "450.50", 1, "0")],
            ),
            order(
                "o7",
                "c5",
                "u-zhang",
                "2024-03-28",
                Completed,
                &[
                    ("P-CRM", "1200.00", 20, "0.15"),
                    ("P-HW", "450.50", -1, "0"),
                ],
            ),
            order(
                "o8",
                "c2",
                "u-li",
                "2024-04-02",
                Completed,
                &[("P-TRN", "3000.00", 2, "0")],
            ),
        ],
        payments: vec![
            payment("pay1", "o2", "13800.00", "2024-01-10"),
            payment("pay2", "o3", "3600.00", "2024-02-15"),
            payment("pay3", "o4", "2000.00", "2024-03-01"),
            payment("pay4", "o7", "10000.00", "2024-04-10"),
            payment("pay5", "o0", "6000.00", "2022-08-01"),
            payment("pay6", "o1", "6000.00", "2023-08-01"),
        ],
        activities: vec![
            activity("a1", "c1", "u-li", "2023-11-02 09:00"),
            activity("a2", "c2", "u-li", "2024-01-05 10:30"),
            activity("a3", "c2", "u-li", "2024-01-20"),
            activity("a4", "c3", "u-zhang", "2024-01-22"),
            activity("a5", "c4", "u-zhang", "2024-02-11"),
            activity("a6", "c5", "u-zhang", "2024-03-03"),
            activity("a7", "c5", "u-zhang", "2024-03-20"),
        ],
        spend: vec![
            spend("2023-12-01", "search", "2000.00"),
            spend("2024-01-01", "social", "1500.00"),
            spend("2024-01-15", "email", "300.00"),
            spend("2024-02-01", "social", "1500.00"),
            spend("2024-03-01", "search", "2500.00"),
            spend("2024-03-31", "", "4000.00"),
        ],
        surveys: vec![
            survey("s1", "c1", "o2", 5, Five, "2024-01-03"),
            survey("s2", "c2", "o3", 3, Five, "2024-02-05"),
            survey("s3", "c3", "o4", 4, Five, "2024-02-10"),
            survey("s4", "c1", "o5", 2, Five, "2024-02-28"),
            survey("s5", "c5", "o7", 5, Five, "2024-03-30"),
            survey("s6", "c5", "o7", 9, Ten, "2024-03-30"),
            survey("s7", "c3", "o4", 6, Ten, "2024-03-02"),
        ],
        targets: vec![
            target("u-li", TargetOwnerKind::User, "2024-01", "5000"),
            target("u-li", TargetOwnerKind::User, "2024-02", "5000"),
            target("u-li", TargetOwnerKind::User, "2024-03", "5000"),
            target("u-zhang", TargetOwnerKind::User, "2024-Q1", "20000"),
            target("East", TargetOwnerKind::Team, "2024-Q1", "40000"),
        ],
    };
    let stage_changes = dataset
        .deals
        .iter()
        .map(|d| StageChange {
            deal_id: d.id.clone(),
            from_stage: None,
            to_stage: d.stage.clone(),
            changed_at: d.created_at,
        })
        .collect();
    KpiInput {
        dataset,
        stage_changes,
        time_zone: OrgTimeZone::default(),
        customer_lifespan_years: None,
    }
}

/// The pipeline of the default installation.
pub fn stages() -> Vec<String> {
    ["lead", "qualified", "proposal", "negotiation", "won"]
        .map(String::from)
        .to_vec()
}
