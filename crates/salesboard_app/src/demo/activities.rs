//! Follow-ups (跟进): calls, visits, e-mails, meetings and messages along each
//! deal's stages, first contacts with leads, and after-sale visits.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Activity, ActivityKind, DealStatus, Timestamp};

use super::calendar::{Day, Window};
use super::customers::{Clients, Origin};
use super::phrases::{AFTER_SALE_NOTES, LOST_REASONS, PROSPECT_NOTES, STAGE_NOTES};
use super::pipeline::{Book, DealPlan, OrderKind, WON};
use super::random::{one_of, weighted};
use super::staff::Staff;

/// Kinds of follow-up and how often reps use them.
const KINDS: [ActivityKind; 5] = [
    ActivityKind::Call,
    ActivityKind::Message,
    ActivityKind::Visit,
    ActivityKind::Email,
    ActivityKind::Meeting,
];
const USUAL: [u32; 5] = [30, 25, 18, 12, 15];
const OPENING: [u32; 5] = [55, 20, 15, 10, 0];
const CLOSING: [u32; 5] = [20, 10, 35, 5, 30];
/// Share of repeat orders followed by an after-sale visit or call.
const AFTER_SALE_SHARE: f64 = 0.05;

/// A follow-up before its record is written.
struct Entry {
    at: Timestamp,
    customer: usize,
    deal: Option<usize>,
    owner: usize,
    kind: ActivityKind,
    note: &'static str,
}

/// All follow-ups, by time.
pub(super) fn collect(
    window: &Window,
    staff: &Staff,
    clients: &Clients,
    book: &Book,
    rng: &mut StdRng,
) -> Vec<Activity> {
    let mut entries = Vec::with_capacity(book.deals.len() * 3 + book.orders.len() / 10);
    let mut touched = vec![false; clients.list.len()];
    for (index, deal) in book.deals.iter().enumerate() {
        touched[deal.customer] = true;
        deal_entries(window, index, deal, rng, &mut entries);
    }
    for plan in &book.orders {
        touched[plan.customer] = true;
        let after = plan.day + rng.random_range(2..=20);
        if plan.kind == OrderKind::Repeat
            && !plan.cancelled
            && after < window.days
            && rng.random_bool(AFTER_SALE_SHARE)
        {
            let kind = if rng.random_bool(0.5) {
                ActivityKind::Visit
            } else {
                ActivityKind::Call
            };
            let owner = clients.list[plan.customer].worked_by;
            let at = window.office_after(after, plan.at, rng);
            entries.push(Entry {
                at,
                customer: plan.customer,
                deal: None,
                owner,
                kind,
                note: one_of(rng, &AFTER_SALE_NOTES),
            });
        }
    }
    for (customer, client) in clients.list.iter().enumerate() {
        if touched[customer] || client.origin == Origin::Legacy {
            continue;
        }
        for nth in 0..rng.random_range(1..=2) {
            let day = (client.contact_day + nth * rng.random_range(3..=30)).min(window.days - 1);
            let at = window.office_after(day, client.first_contact(), rng);
            let kind = KINDS[weighted(rng, &OPENING)];
            entries.push(Entry {
                at,
                customer,
                deal: None,
                owner: client.worked_by,
                kind,
                note: one_of(rng, &PROSPECT_NOTES),
            });
        }
    }
    entries.sort_by_key(|entry| (entry.at, entry.customer));
    entries
        .into_iter()
        .enumerate()
        .map(|(number, entry)| Activity {
            id: format!("ACT-{:07}", number + 1),
            customer_id: clients.list[entry.customer].record.id.clone(),
            deal_id: entry.deal.map(|deal| book.deals[deal].id.clone()),
            owner: Some(staff.rep_id(entry.owner)),
            kind: Some(entry.kind),
            occurred_at: entry.at,
            note: Some(entry.note.to_string()),
        })
        .collect()
}

/// A few follow-ups spread over a deal, noted by the stage reached; the last
/// one of a closed deal says how it ended.
fn deal_entries(
    window: &Window,
    index: usize,
    deal: &DealPlan,
    rng: &mut StdRng,
    entries: &mut Vec<Entry>,
) {
    let count = match deal.status {
        DealStatus::Won if deal.existing => rng.random_range(1..=3),
        DealStatus::Won => rng.random_range(3..=6),
        DealStatus::Lost | DealStatus::Open => rng.random_range(1..=4),
    };
    let span = (deal.last_day - deal.created_day).max(1);
    let mut days: Vec<Day> = (0..count)
        .map(|_| deal.created_day + rng.random_range(0..=span))
        .collect();
    days.sort_unstable();
    let reach = if deal.status == DealStatus::Won {
        WON - 1
    } else {
        deal.stage.min(WON - 1)
    };
    for (nth, &day) in days.iter().enumerate() {
        let closing = deal.closed.is_some() && nth + 1 == count && count > 1;
        let (at, weights, note) = if nth == 0 {
            (deal.created, &OPENING, one_of(rng, STAGE_NOTES[0]))
        } else if closing {
            (
                deal.closed.unwrap_or(deal.created),
                &CLOSING,
                closing_note(rng, deal),
            )
        } else {
            let progress = f64::from(day - deal.created_day) / f64::from(span);
            let stage = ((progress * (reach + 1) as f64) as usize).min(reach);
            let at = window.office_after(day.min(window.days - 1), deal.created, rng);
            (
                deal.closed.map_or(at, |closed| at.min(closed)),
                &USUAL,
                one_of(rng, STAGE_NOTES[stage]),
            )
        };
        let kind = KINDS[weighted(rng, weights)];
        entries.push(Entry {
            at,
            customer: deal.customer,
            deal: Some(index),
            owner: deal.owner,
            kind,
            note,
        });
    }
}

fn closing_note(rng: &mut StdRng, deal: &DealPlan) -> &'static str {
    match deal.lost_reason {
        Some(reason) => LOST_REASONS[reason].2,
        None => one_of(rng, STAGE_NOTES[WON]),
    }
}
