//! §7 Customer satisfaction 客户满意度: CSAT over 1–5 answers, NPS over 0–10
//! answers, both over responses with `responded_at ∈ P`.

use rust_decimal::Decimal;

use super::{Fraction, View, count};
use crate::Period;
use crate::entities::SurveyScale;

/// The lowest 1–5 score that counts as satisfied.
pub const SATISFIED_FROM: i64 = 4;
/// The lowest 0–10 score of a promoter.
pub const PROMOTER_FROM: i64 = 9;
/// The highest 0–10 score of a detractor.
pub const DETRACTOR_UP_TO: i64 = 6;

fn scores(view: &View, period: &Period, scale: SurveyScale) -> Vec<i64> {
    view.surveys(period)
        .filter(|survey| survey.scale == scale)
        .map(|survey| survey.score)
        .collect()
}

/// `csat_responses`: 1–5 responses in P.
pub fn csat_responses(view: &View, period: &Period) -> usize {
    scores(view, period, SurveyScale::Five).len()
}

/// `csat` = 1–5 responses with score ≥ 4 / 1–5 responses.
pub fn csat(view: &View, period: &Period) -> Fraction {
    let scores = scores(view, period, SurveyScale::Five);
    let satisfied = scores.iter().filter(|s| **s >= SATISFIED_FROM).count();
    Fraction::new(count(satisfied), count(scores.len()))
}

/// `csat_avg_score`: mean of the 1–5 scores.
pub fn csat_avg_score(view: &View, period: &Period) -> Fraction {
    let scores = scores(view, period, SurveyScale::Five);
    let total: Decimal = scores.iter().copied().map(Decimal::from).sum();
    Fraction::new(total, count(scores.len()))
}

/// `nps` = share of 9–10 − share of 0–6, over the 0–10 responses.
pub fn nps(view: &View, period: &Period) -> Fraction {
    let scores = scores(view, period, SurveyScale::Ten);
    let promoters = scores.iter().filter(|s| **s >= PROMOTER_FROM).count();
    let detractors = scores.iter().filter(|s| **s <= DETRACTOR_UP_TO).count();
    Fraction::new(count(promoters) - count(detractors), count(scores.len()))
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;

    #[test]
    fn csat_and_nps() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(csat_responses(&view, &q1), 5);
        assert_eq!(csat(&view, &q1).ratio(), Some(0.6));
        assert_eq!(csat_avg_score(&view, &q1).ratio(), Some(3.8));
        // One promoter (9), one detractor (6).
        assert_eq!(nps(&view, &q1).ratio(), Some(0.0));
        let february = period("2024-02");
        assert_eq!(nps(&view, &february).ratio(), None);
    }

    #[test]
    fn no_responses_no_values() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q4 = period("2023-Q4");
        let view = View::new(&facts, Scope::all(q4));
        assert_eq!(csat_responses(&view, &q4), 0);
        assert_eq!(csat(&view, &q4).ratio(), None);
        assert_eq!(csat_avg_score(&view, &q4).ratio(), None);
        assert_eq!(nps(&view, &q4).ratio(), None);
    }

    #[test]
    fn a_passive_neither_promotes_nor_detracts() {
        let mut input = tiny();
        input
            .dataset
            .surveys
            .push(survey("s8", "c1", "", 7, SurveyScale::Ten, "2024-03-05"));
        input
            .dataset
            .surveys
            .push(survey("s9", "c1", "", 10, SurveyScale::Ten, "2024-03-06"));
        let facts = Facts::new(&input);
        let march = period("2024-03");
        let view = View::new(&facts, Scope::all(march));
        // 9, 6, 7, 10: two promoters, one detractor, of four.
        assert_eq!(nps(&view, &march).ratio(), Some(0.25));
    }
}
