//! §7 Customer satisfaction 客户满意度, explained: the survey responses of
//! the period with their scores.

use rust_decimal::prelude::ToPrimitive;

use super::records::{self, Name, count_figure, input, whole};
use super::{Aggregate, Figure, KpiName, Parts, Record, Span};
use crate::Period;
use crate::entities::SurveyScale;
use crate::kpi::View;
use crate::kpi::satisfaction::{
    DETRACTOR_UP_TO, PROMOTER_FROM, SATISFIED_FROM, csat, csat_avg_score, csat_responses, nps,
};

const RESPONSES: Name = ("responses", "Responses on the 1–5 scale", "问卷数");
const SATISFIED: Name = ("satisfied", "Satisfied: score 4 or 5", "满意");
const SCORES: Name = ("scores", "Sum of the 1–5 scores", "总分");
const NPS_RESPONSES: Name = ("responses", "Responses on the 0–10 scale", "问卷数");
const PROMOTERS: Name = ("promoters", "Promoters: score 9 or 10", "推荐者");
const DETRACTORS: Name = ("detractors", "Detractors: score 0 to 6", "贬损者");

/// Explains a §7 KPI.
pub(super) fn explain(view: &View, kpi: &KpiName, period: &Period) -> Parts {
    let responses = |scale: SurveyScale| -> Vec<Record> {
        view.surveys(period)
            .filter(|survey| survey.scale == scale)
            .map(|survey| records::survey(view, survey))
            .collect()
    };
    let scoring = |records: &[Record], keep: &dyn Fn(i64) -> bool| -> Vec<Record> {
        records
            .iter()
            .filter(|r| keep(r.score.unwrap_or_default()))
            .cloned()
            .collect()
    };
    let span = Span::of(period);
    let none = |n: usize| if n == 0 { " (no responses)" } else { "" };
    match kpi {
        KpiName::Csat => {
            let value = csat(view, period);
            let all = responses(SurveyScale::Five);
            let satisfied = scoring(&all, &|score| score >= SATISFIED_FROM);
            Parts {
                formula: format!(
                    "csat = responses scoring {SATISFIED_FROM} or more / responses, on the 1–5 \
                     scale, answered in the period"
                ),
                substituted: format!(
                    "{} / {} = {}{}{}",
                    satisfied.len(),
                    all.len(),
                    records::quotient(value),
                    records::percent(value),
                    none(all.len())
                ),
                value: value.ratio().map(Figure::Ratio),
                inputs: vec![
                    input(
                        SATISFIED,
                        span,
                        whole(value.numerator),
                        Aggregate::Count,
                        satisfied,
                    ),
                    input(
                        RESPONSES,
                        span,
                        count_figure(csat_responses(view, period)),
                        Aggregate::Count,
                        all,
                    ),
                ],
                notes: Vec::new(),
            }
        }
        KpiName::CsatAvgScore => {
            let value = csat_avg_score(view, period);
            let all = responses(SurveyScale::Five);
            let scores: Vec<String> = all
                .iter()
                .map(|r| r.score.unwrap_or_default().to_string())
                .collect();
            let total = value.numerator.to_i64().unwrap_or_default();
            let sum = match records::terms(&scores) {
                Some(terms) if all.len() > 1 => format!("({terms})"),
                _ => total.to_string(),
            };
            Parts {
                formula: "csat_avg_score = Σ scores / responses, on the 1–5 scale, answered in \
                          the period"
                    .into(),
                substituted: format!(
                    "{sum} / {} = {}{}",
                    all.len(),
                    records::quotient(value),
                    none(all.len())
                ),
                value: value.ratio().map(Figure::Ratio),
                inputs: vec![
                    input(
                        SCORES,
                        span,
                        Figure::Count(total),
                        Aggregate::SumScore,
                        all.clone(),
                    ),
                    input(
                        RESPONSES,
                        span,
                        whole(value.denominator),
                        Aggregate::Count,
                        all,
                    ),
                ],
                notes: Vec::new(),
            }
        }
        KpiName::CsatResponses => {
            let value = csat_responses(view, period);
            let all = responses(SurveyScale::Five);
            Parts {
                formula: "csat_responses = the number of responses on the 1–5 scale answered in \
                          the period"
                    .into(),
                substituted: records::count(&all, "responses"),
                value: Some(count_figure(value)),
                inputs: vec![input(
                    RESPONSES,
                    span,
                    count_figure(value),
                    Aggregate::Count,
                    all,
                )],
                notes: Vec::new(),
            }
        }
        KpiName::Nps => {
            let value = nps(view, period);
            let all = responses(SurveyScale::Ten);
            let promoters = scoring(&all, &|score| score >= PROMOTER_FROM);
            let detractors = scoring(&all, &|score| score <= DETRACTOR_UP_TO);
            Parts {
                formula: format!(
                    "nps = (promoters − detractors) / responses, on the 0–10 scale, answered in \
                     the period: promoters score {PROMOTER_FROM}–10, detractors 0–{DETRACTOR_UP_TO}"
                ),
                substituted: format!(
                    "({} − {}) / {} = {}{}",
                    promoters.len(),
                    detractors.len(),
                    all.len(),
                    records::quotient(value),
                    none(all.len())
                ),
                value: value.ratio().map(Figure::Ratio),
                inputs: vec![
                    input(
                        PROMOTERS,
                        span,
                        count_figure(promoters.len()),
                        Aggregate::Count,
                        promoters,
                    ),
                    input(
                        DETRACTORS,
                        span,
                        count_figure(detractors.len()),
                        Aggregate::Count,
                        detractors,
                    ),
                    input(
                        NPS_RESPONSES,
                        span,
                        whole(value.denominator),
                        Aggregate::Count,
                        all,
                    ),
                ],
                notes: Vec::new(),
            }
        }
        _ => Parts::default(),
    }
}
