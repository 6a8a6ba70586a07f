//! Survey responses (满意度): satisfaction on 1–5 after some orders, mostly
//! happy, and some 0–10 recommendation (NPS) answers.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Survey, SurveyScale, Timestamp};

use super::calendar::Window;
use super::customers::Clients;
use super::orders::Sold;
use super::phrases::SURVEY_COMMENTS;
use super::pipeline::{Book, OrderKind};
use super::random::{one_of, weighted};

/// Share of orders followed by a 1–5 satisfaction survey, and by an NPS one.
const SATISFACTION_SHARE: f64 = 0.07;
const NPS_SHARE: f64 = 0.025;
/// How often each score is given: 1 … 5, and 0 … 10.
const FIVE: [u32; 5] = [3, 4, 10, 33, 50];
const TEN: [u32; 11] = [2, 1, 1, 1, 2, 2, 4, 8, 17, 26, 36];

/// The responses, by time.
pub(super) fn collect(
    window: &Window,
    clients: &Clients,
    book: &Book,
    sold: &Sold,
    rng: &mut StdRng,
) -> Vec<Survey> {
    let mut answers: Vec<(Timestamp, usize, SurveyScale, i64)> = Vec::new();
    for (index, plan) in book.orders.iter().enumerate() {
        if plan.cancelled || matches!(plan.kind, OrderKind::Return(_)) {
            continue;
        }
        let asks = [
            (SATISFACTION_SHARE, SurveyScale::Five, 2, 14),
            (NPS_SHARE, SurveyScale::Ten, 7, 30),
        ];
        for (share, scale, least, most) in asks {
            if !rng.random_bool(share) {
                continue;
            }
            let day = plan.day + rng.random_range(least..=most);
            if day < window.days {
                let score = match scale {
                    SurveyScale::Five => 1 + weighted(rng, &FIVE),
                    SurveyScale::Ten => weighted(rng, &TEN),
                };
                answers.push((
                    window.office_after(day, plan.at, rng),
                    index,
                    scale,
                    score as i64,
                ));
            }
        }
    }
    answers.sort_by_key(|&(at, index, _, _)| (at, index));
    answers
        .into_iter()
        .enumerate()
        .map(|(number, (responded_at, index, scale, score))| Survey {
            id: format!("SV-{:06}", number + 1),
            customer_id: Some(clients.list[book.orders[index].customer].record.id.clone()),
            order_id: Some(sold.orders[index].id.clone()),
            score,
            scale,
            responded_at,
            comment: comment(rng, scale, score),
        })
        .collect()
}

/// A comment matching the score, for about a third of the answers.
fn comment(rng: &mut StdRng, scale: SurveyScale, score: i64) -> Option<String> {
    if !rng.random_bool(0.35) {
        return None;
    }
    let mood = match (scale, score) {
        (SurveyScale::Five, 0..=2) | (SurveyScale::Ten, 0..=6) => 0,
        (SurveyScale::Five, 3) | (SurveyScale::Ten, 7..=8) => 1,
        _ => 2,
    };
    Some(one_of(rng, SURVEY_COMMENTS[mood]).to_string())
}
