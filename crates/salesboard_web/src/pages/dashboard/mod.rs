//! The KPI dashboard page: the period picker and comparison, the filters,
//! the KPI cards with their change and sparkline, the charts' data (handed to
//! the script in an escaped data attribute) and the rep leaderboard. Every
//! number links to its explanation over the same period and filters.

mod cards;
mod charts;
mod query;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use salesboard_app::kpi_board::{self, Choices, Compare};
use salesboard_domain::kpi::Dimension;

use super::i18n::Lang;
use super::{Frame, encode_query, format, language, render, to_login};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use cards::{Card, RepLine};
use charts::Links;
use query::{BoardQuery, CUSTOM, board_query};

/// The current year: the period shown when none is asked for.
pub(super) fn default_year() -> i32 {
    chrono::Local::now().year()
}

/// One choice of a select box.
#[derive(Debug)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One filter's select box.
#[derive(Debug)]
struct FilterBox {
    dimension: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    frame: Frame,
    period_label: String,
    compared_label: String,
    years: Vec<String>,
    year: String,
    parts: Vec<Choice>,
    custom: bool,
    start: String,
    end: String,
    compares: Vec<Choice>,
    filters: Vec<FilterBox>,
    error: Option<String>,
    cards: Vec<Card>,
    card_query: String,
    reps: Vec<RepLine>,
    charts: String,
}

/// A select box's choices: `(value, label)`, `selected` the chosen value.
fn choices(items: Vec<(String, String)>, selected: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

/// A select box's `(value, label)` pairs.
type Items = Vec<(String, String)>;

/// The filters' select boxes, from what the caller may read; the first
/// choice of each (an empty value) is "all".
fn filter_boxes(all: &Choices, chosen: &[(Dimension, String)], lang: Lang) -> Vec<FilterBox> {
    let plain = |values: &[String]| values.iter().map(|v| (v.clone(), v.clone())).collect();
    let people = all
        .people
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let boxes: [(Dimension, &str, Items); 5] = [
        (Dimension::Team, "team", plain(&all.teams)),
        (Dimension::Rep, "rep", people),
        (Dimension::Channel, "channel", plain(&all.channels)),
        (Dimension::Category, "category", plain(&all.categories)),
        (Dimension::Region, "region", plain(&all.regions)),
    ];
    boxes
        .into_iter()
        .map(|(dimension, label, values)| {
            let selected = chosen
                .iter()
                .find(|(d, _)| *d == dimension)
                .map(|(_, v)| format!("{dimension}={v}"))
                .unwrap_or_default();
            let mut items = vec![(String::new(), lang.t("all").to_string())];
            items.extend(
                values
                    .into_iter()
                    .map(|(value, label)| (format!("{dimension}={value}"), label)),
            );
            FilterBox {
                dimension: dimension.as_str(),
                label: lang.t(label),
                choices: choices(items, &selected),
            }
        })
        .collect()
}

/// The picker's period parts of `year`: the whole year, quarters, months
/// and a custom range.
fn parts(year: &str, lang: Lang) -> Vec<(String, String)> {
    let mut parts = vec![(String::new(), lang.t("year").to_string())];
    parts.extend((1..=4).map(|q| {
        let code = format!("Q{q}");
        let label = format::period(&format!("{year}-{code}"), lang);
        (code, label)
    }));
    parts.extend((1..=12).map(|m| {
        let code = format!("{m:02}");
        let label = format::period(&format!("{year}-{code}"), lang);
        (code, label)
    }));
    parts.push((CUSTOM.to_string(), lang.t("custom_range").to_string()));
    parts
}

/// `GET /`: the dashboard of a period, over what the caller may read.
#[tracing::instrument(skip_all)]
pub async fn dashboard(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let (lang, cookie) = language(&query, &headers);
    let (asked, error) = match board_query(&query, default_year()) {
        Ok(asked) => (asked, None),
        Err(error) => {
            let fallback = board_query(&[], default_year());
            match fallback {
                Ok(fallback) => (fallback, Some(error.message_in(lang))),
                Err(error) => return error.into_response(),
            }
        }
    };
    let BoardQuery {
        period,
        compare,
        ref filters,
    } = asked;
    let board = match kpi_board::board(
        &app.store,
        &app.kpis,
        &caller.actor,
        period,
        compare,
        filters.clone(),
    )
    .await
    {
        Ok(board) => board,
        Err(e) => return ApiError::from(e).into_response(),
    };
    // Time filters narrow the period: show and link the one computed.
    let shown = board.totals.period;
    let links = Links {
        period: &shown,
        filters,
    };
    let mut page_pairs = asked.kpi_pairs();
    page_pairs.push(("compare".into(), compare.as_str().into()));
    let (year, part, start, end) = asked.picker();
    let this_year = default_year();
    let mut card_pairs = query::period_pairs(&shown);
    card_pairs.extend(query::filter_pairs(filters));
    let page = DashboardPage {
        frame: Frame::new(lang, Some(&caller), "/", page_pairs),
        period_label: format::period_of(&shown, lang),
        compared_label: format::period_of(&board.compared.period, lang),
        years: (this_year - 6..=this_year + 1)
            .rev()
            .map(|y| y.to_string())
            .collect(),
        parts: choices(parts(&year, lang), &part),
        custom: part == CUSTOM,
        year,
        start,
        end,
        compares: choices(
            [Compare::Previous, Compare::LastYear]
                .into_iter()
                .map(|c| {
                    let key = match c {
                        Compare::Previous => "compare_previous",
                        Compare::LastYear => "compare_last_year",
                    };
                    (c.as_str().to_string(), lang.t(key).to_string())
                })
                .collect(),
            compare.as_str(),
        ),
        filters: filter_boxes(&board.choices, filters, lang),
        error,
        cards: cards::cards(&board, compare, lang),
        card_query: encode_query(&card_pairs),
        reps: cards::rep_lines(&board),
        charts: charts::charts(&board, &links, lang).to_string(),
    };
    let failed = page.error.is_some();
    let mut response = render(&page, cookie);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}
