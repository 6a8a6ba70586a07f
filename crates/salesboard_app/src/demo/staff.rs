//! The sales organisation: an admin, one manager per regional team, and reps
//! hired over time as the business grows.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Extra, Role, User};

use super::Sizes;
use super::calendar::{Day, Window};
use super::names;
use super::random::weighted_by;

/// Team (and region) name, id key, and share of the customers.
const TEAMS: [(&str, &str, u32); 4] = [
    ("East", "east", 38),
    ("North", "north", 22),
    ("South", "south", 28),
    ("West", "west", 12),
];
/// Share of the reps already on board when the data begins.
const FOUNDING_SHARE: f64 = 0.6;

/// A regional sales team; its name is also the customers' region.
pub(super) struct Team {
    /// `East`, `North` …
    pub name: &'static str,
    /// Share of the customers.
    pub weight: u32,
    /// Its reps (indexes into `Staff::reps`), earliest hired first.
    pub reps: Vec<usize>,
}

/// A sales rep.
pub(super) struct Rep {
    /// User id (`u-rep-001`).
    pub id: String,
    /// The day the rep started (negative: before the data).
    pub hired: Day,
    /// How well the rep converts leads, around 1.
    pub skill: f64,
}

/// Everybody who logs in, and how the reps are organised.
pub(super) struct Staff {
    /// The users, admin first.
    pub users: Vec<User>,
    /// The teams.
    pub teams: Vec<Team>,
    /// The reps.
    pub reps: Vec<Rep>,
}

impl Staff {
    /// Hires the admin, the managers and the reps.
    pub(super) fn hire(sizes: &Sizes, window: &Window, rng: &mut StdRng) -> Self {
        let team_count = if sizes.reps >= 8 { 4 } else { 3 };
        let mut teams: Vec<Team> = TEAMS[..team_count]
            .iter()
            .map(|&(name, _, weight)| Team {
                name,
                weight,
                reps: Vec::new(),
            })
            .collect();
        let mut taken = HashSet::new();
        let mut users = vec![user(
            "u-admin".into(),
            "admin@demo.salesboard".into(),
            unique_name(rng, &mut taken),
            Role::Admin,
            None,
        )];
        for &(name, key, _) in &TEAMS[..team_count] {
            let manager = unique_name(rng, &mut taken);
            users.push(user(
                format!("u-mgr-{key}"),
                format!("mgr.{key}@demo.salesboard"),
                manager,
                Role::Manager,
                Some(name),
            ));
        }
        let founders = team_count.max((sizes.reps as f64 * FOUNDING_SHARE).ceil() as usize);
        let mut reps: Vec<Rep> = Vec::with_capacity(sizes.reps);
        for index in 0..sizes.reps {
            let team = if index < team_count {
                index
            } else {
                neediest_team(&teams, index)
            };
            let hired = if index < founders {
                -rng.random_range(30..=900)
            } else {
                later_hire(window, index - founders, sizes.reps - founders, rng)
            };
            let number = index + 1;
            let id = format!("u-rep-{number:03}");
            let name = unique_name(rng, &mut taken);
            users.push(user(
                id.clone(),
                format!("rep{number:03}@demo.salesboard"),
                name,
                Role::Rep,
                Some(teams[team].name),
            ));
            teams[team].reps.push(index);
            reps.push(Rep {
                id,
                hired,
                skill: rng.random_range(0.8..1.2),
            });
        }
        for team in &mut teams {
            team.reps.sort_by_key(|&rep| (reps[rep].hired, rep));
        }
        Staff { users, teams, reps }
    }

    /// A team (region) for a new customer, by the teams' shares.
    pub(super) fn pick_team(&self, rng: &mut StdRng) -> usize {
        weighted_by(rng, &self.teams, |team| team.weight)
    }

    /// A rep of the team who was already hired on `day`.
    pub(super) fn rep_at(&self, team: usize, day: Day, rng: &mut StdRng) -> usize {
        let members = &self.teams[team].reps;
        let hired = members
            .iter()
            .take_while(|&&rep| self.reps[rep].hired <= day)
            .count();
        members[rng.random_range(0..hired.max(1))]
    }

    /// The user id of a rep.
    pub(super) fn rep_id(&self, rep: usize) -> String {
        self.reps[rep].id.clone()
    }
}

fn user(id: String, email: String, name: String, role: Role, team: Option<&str>) -> User {
    User {
        id,
        name,
        email: Some(email),
        role,
        team: team.map(str::to_string),
        extra: Extra::new(),
    }
}

fn unique_name(rng: &mut StdRng, taken: &mut HashSet<String>) -> String {
    let mut name = names::person(rng).full;
    for _ in 0..50 {
        if taken.insert(name.clone()) {
            break;
        }
        name = names::person(rng).full;
    }
    name
}

/// The team furthest below its share of the reps hired so far.
fn neediest_team(teams: &[Team], index: usize) -> usize {
    let total: u32 = teams.iter().map(|team| team.weight).sum();
    let deficit = |team: &Team| {
        f64::from(team.weight) * (index + 1) as f64 / f64::from(total.max(1))
            - team.reps.len() as f64
    };
    (0..teams.len())
        .max_by(|&a, &b| {
            deficit(&teams[a])
                .total_cmp(&deficit(&teams[b]))
                .then(b.cmp(&a))
        })
        .unwrap_or(0)
}

/// The start day of the `nth` of `count` reps hired during the data.
fn later_hire(window: &Window, nth: usize, count: usize, rng: &mut StdRng) -> Day {
    let first = 45.0;
    let span = f64::from(window.days) * 0.85 - first;
    let slot = first + span * (nth as f64 + 0.5) / count.max(1) as f64;
    (slot as Day + rng.random_range(-15..=15))
        .min(window.days - 1)
        .max(1)
}
