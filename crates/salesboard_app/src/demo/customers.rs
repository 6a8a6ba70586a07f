//! Customers (客户): mostly companies, some private persons, across the
//! regions, created as the business grows; with phones, e-mails, contacts,
//! and a few near-duplicates for the duplicate finder to report.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Contact, Customer, CustomerKind, Extra, Timestamp, normalize};

use super::Sizes;
use super::calendar::{Day, GROWTH_PER_YEAR, HISTORY_DAYS, Window};
use super::names;
use super::phrases::{CHANNEL_WEIGHTS, CHANNELS, TITLES};
use super::random::{one_of, weighted};
use super::staff::Staff;

/// Average years a customer keeps buying (also how fast old customers fade).
pub(super) const LIFETIME_YEARS: f64 = 2.2;

/// Where a customer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Won during the data.
    New,
    /// Created before the data and still buying when it begins.
    Legacy,
    /// Entered a second time by mistake.
    Duplicate,
}

/// A customer with what the generator needs to know about it.
pub(super) struct Client {
    /// The record.
    pub record: Customer,
    /// Its team (region).
    pub team: usize,
    /// The rep working the account (also when the customer is in the public pool).
    pub worked_by: usize,
    /// The day it was created.
    pub created_day: Day,
    /// The day of first contact.
    pub contact_day: Day,
    /// Size: 0 small, 1 medium, 2 large.
    pub tier: u8,
    /// A private person rather than a company.
    pub person: bool,
    /// Where it comes from.
    pub origin: Origin,
    /// Short name for deal titles.
    pub short: String,
    /// Index into `CHANNELS`.
    pub channel: usize,
}

impl Client {
    /// When the customer was first contacted.
    pub(super) fn first_contact(&self) -> Timestamp {
        self.record
            .first_contact_at
            .unwrap_or(self.record.created_at)
    }
}

/// The customers, oldest first, and their contacts.
pub(super) struct Clients {
    /// The customers.
    pub list: Vec<Client>,
    /// Their contacts.
    pub contacts: Vec<Contact>,
}

/// Names, phones and e-mails already given, so that only deliberate
/// duplicates share them.
#[derive(Default)]
struct Registry {
    names: HashSet<String>,
    phones: HashSet<u64>,
    emails: HashSet<String>,
}

/// Creates the customers and their contacts.
pub(super) fn generate(sizes: &Sizes, window: &Window, staff: &Staff, rng: &mut StdRng) -> Clients {
    let mut registry = Registry::default();
    let fresh = sizes.customers - sizes.legacy - sizes.duplicates;
    let mut list = Vec::with_capacity(sizes.customers);
    for _ in 0..sizes.legacy {
        let day = legacy_day(rng);
        list.push(create(
            window,
            staff,
            &mut registry,
            rng,
            day,
            Origin::Legacy,
        ));
    }
    for _ in 0..fresh {
        let day = window.growing_day(rng, 0, window.days);
        list.push(create(window, staff, &mut registry, rng, day, Origin::New));
    }
    for _ in 0..sizes.duplicates {
        let original = &list[rng.random_range(sizes.legacy..sizes.legacy + fresh)];
        let copy = duplicate(window, staff, &mut registry, rng, original);
        list.push(copy);
    }
    list.sort_by_key(|client| client.record.created_at);
    for (index, client) in list.iter_mut().enumerate() {
        client.record.id = format!("C-{:06}", index + 1);
    }
    let contacts = contacts(&list, &mut registry, rng);
    Clients { list, contacts }
}

/// A day before the data, recent ones likelier (growth, and old customers
/// having stopped buying).
fn legacy_day(rng: &mut StdRng) -> Day {
    let fade = GROWTH_PER_YEAR.ln() + 1.0 / LIFETIME_YEARS;
    let years = f64::from(HISTORY_DAYS) / 365.25;
    let back = -(1.0 - rng.random::<f64>() * (1.0 - (-fade * years).exp())).ln() / fade;
    (-(back * 365.25).ceil() as Day).clamp(-HISTORY_DAYS, -1)
}

fn create(
    window: &Window,
    staff: &Staff,
    registry: &mut Registry,
    rng: &mut StdRng,
    day: Day,
    origin: Origin,
) -> Client {
    let person = rng.random_bool(0.15);
    let team = staff.pick_team(rng);
    let city = names::city(rng, team);
    let rep = staff.rep_at(team, day.max(0), rng);
    let created = window.office(day, rng);
    let contact_day = match rng.random_range(0..10) {
        0..4 if origin == Origin::New => (day + rng.random_range(1..=5)).min(window.days - 1),
        _ => day,
    };
    let first_contact = if contact_day == day {
        created
    } else {
        window.office(contact_day, rng)
    };
    let channel = weighted(rng, &CHANNEL_WEIGHTS[usize::from(person)]);
    let tier = if person {
        0
    } else {
        weighted(rng, &[60, 30, 10]) as u8
    };
    let (name, short, email, industry) = if person {
        let (name, email) = person_identity(registry, rng);
        (name.clone(), name, email, None)
    } else {
        let industry = names::industry(rng);
        let (name, short, email) = company_identity(registry, rng, city, industry);
        (name, short, email, Some(industry.name.to_string()))
    };
    let phone = rng
        .random_bool(0.92)
        .then(|| unique_phone(registry, rng))
        .flatten();
    let record = Customer {
        id: String::new(),
        name,
        kind: Some(if person {
            CustomerKind::Person
        } else {
            CustomerKind::Company
        }),
        industry,
        region: Some(staff.teams[team].name.to_string()),
        channel: Some(CHANNELS[channel].to_string()),
        owner: Some(staff.rep_id(rep)),
        phone,
        email,
        created_at: created,
        first_contact_at: Some(first_contact),
        extra: Extra::from([("city".to_string(), city.0.to_string())]),
    };
    Client {
        record,
        team,
        worked_by: rep,
        created_day: day,
        contact_day,
        tier,
        person,
        origin,
        short,
        channel,
    }
}

fn person_identity(registry: &mut Registry, rng: &mut StdRng) -> (String, Option<String>) {
    let mut name = names::person(rng);
    for _ in 0..20 {
        if registry.names.insert(normalize::customer_name(&name.full)) {
            break;
        }
        name = names::person(rng);
    }
    let email = rng.random_bool(0.45).then(|| {
        let address = if rng.random_bool(0.5) {
            format!("{}@qq.com", rng.random_range(10_000..4_000_000_000_u64))
        } else {
            let host = one_of(rng, &["163.com", "126.com", "sina.com", "gmail.com"]);
            format!("{}{}@{host}", name.pinyin, rng.random_range(1..2_000))
        };
        registry.emails.insert(address.clone()).then_some(address)
    });
    (name.full, email.flatten())
}

fn company_identity(
    registry: &mut Registry,
    rng: &mut StdRng,
    city: (&str, &str),
    industry: &names::Industry,
) -> (String, String, Option<String>) {
    let mut name = names::company(rng, city, industry);
    for _ in 0..30 {
        if registry.names.insert(normalize::customer_name(&name.full)) {
            break;
        }
        name = names::company(rng, city, industry);
    }
    let email = rng.random_bool(0.55).then(|| {
        let mailbox = one_of(
            rng,
            &["info", "sales", "contact", "service", "admin", "purchase"],
        );
        let top = one_of(rng, &["com", "cn", "com.cn"]);
        let address = format!("{mailbox}@{}.{top}", name.domain);
        registry.emails.insert(address.clone()).then_some(address)
    });
    (name.full, name.short, email.flatten())
}

fn unique_phone(registry: &mut Registry, rng: &mut StdRng) -> Option<String> {
    (0..10)
        .map(|_| names::mobile(rng))
        .find(|&number| registry.phones.insert(number))
        .map(|number| number.to_string())
}

/// The same customer entered again a little later: the name written
/// differently, or another name with the same phone.
fn duplicate(
    window: &Window,
    staff: &Staff,
    registry: &mut Registry,
    rng: &mut StdRng,
    original: &Client,
) -> Client {
    let city = original.record.extra.get("city").map_or("", String::as_str);
    let same_phone = original
        .record
        .phone
        .as_deref()
        .filter(|_| rng.random_bool(0.4));
    let (name, phone) = match same_phone {
        Some(digits) => {
            let name = if original.person {
                let surname: String = original.record.name.chars().take(1).collect();
                format!("{surname}{}", one_of(rng, &["先生", "女士", "总"]))
            } else {
                original.short.clone()
            };
            (name, Some(names::formatted_mobile(rng, digits)))
        }
        None => {
            let phone = rng
                .random_bool(0.5)
                .then(|| unique_phone(registry, rng))
                .flatten();
            (names::name_variant(rng, &original.record.name, city), phone)
        }
    };
    let later = original.created_day + rng.random_range(5..=180);
    let day = if later < window.days {
        later
    } else {
        (original.created_day - rng.random_range(5..=60)).max(0)
    };
    let created = window.office(day, rng);
    let rep = staff.rep_at(original.team, day, rng);
    let channel = weighted(rng, &CHANNEL_WEIGHTS[usize::from(original.person)]);
    let record = Customer {
        id: String::new(),
        name,
        kind: original.record.kind,
        industry: original.record.industry.clone(),
        region: original.record.region.clone(),
        channel: Some(CHANNELS[channel].to_string()),
        owner: rng.random_bool(0.5).then(|| staff.rep_id(rep)),
        phone,
        email: None,
        created_at: created,
        first_contact_at: Some(created),
        extra: original.record.extra.clone(),
    };
    Client {
        record,
        team: original.team,
        worked_by: rep,
        created_day: day,
        contact_day: day,
        tier: original.tier,
        person: original.person,
        origin: Origin::Duplicate,
        short: original.short.clone(),
        channel,
    }
}

/// One or two contact persons for most companies; the first one answers the
/// company's phone.
fn contacts(list: &[Client], registry: &mut Registry, rng: &mut StdRng) -> Vec<Contact> {
    let mut contacts = Vec::new();
    for client in list
        .iter()
        .filter(|client| !client.person && client.origin != Origin::Duplicate)
    {
        if !rng.random_bool(0.8) {
            continue;
        }
        let count = if rng.random_bool(0.2) { 2 } else { 1 };
        let domain = client
            .record
            .email
            .as_deref()
            .and_then(|email| email.split_once('@'))
            .map(|(_, domain)| domain);
        for nth in 0..count {
            let name = names::person(rng);
            let phone = if nth == 0 {
                client.record.phone.clone()
            } else {
                unique_phone(registry, rng)
            };
            let email = domain
                .filter(|_| rng.random_bool(0.6))
                .map(|domain| format!("{}@{domain}", name.pinyin))
                .filter(|address| registry.emails.insert(address.clone()));
            contacts.push(Contact {
                id: format!("CT-{:06}", contacts.len() + 1),
                customer_id: client.record.id.clone(),
                name: name.full,
                title: Some(one_of(rng, &TITLES).to_string()),
                phone,
                email,
                extra: Extra::new(),
            });
        }
    }
    contacts
}
