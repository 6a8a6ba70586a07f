//! The KPI dashboard page: the period picker, the KPI cards with their change
//! over the previous period, the charts' data (handed to the script in an
//! escaped data attribute) and the rep leaderboard.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use salesboard_app::kpi_serving;
use salesboard_domain::Period;
use serde_json::{Value, json};

use super::i18n::Lang;
use super::{Frame, encode_query, format, language, query_value, render, to_login};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// The current year: the period shown when none is asked for.
pub(super) fn default_period() -> String {
    chrono::Local::now().year().to_string()
}

/// The period asked for: `period=`, or `year=` with `part=` (`Q1`, `03`,
/// empty for the whole year) from the picker; else the current year.
fn period_code(query: &[(String, String)]) -> String {
    let asked = match (query_value(query, "period"), query_value(query, "year")) {
        (Some(period), _) => period.to_string(),
        (None, Some(year)) => match query_value(query, "part").unwrap_or("") {
            "" => year.to_string(),
            part => format!("{year}-{part}"),
        },
        _ => String::new(),
    };
    match Period::parse(&asked) {
        Ok(_) => asked,
        Err(_) => default_period(),
    }
}

/// A change over the previous period.
#[derive(Debug)]
struct Change {
    text: String,
    arrow: &'static str,
    class: &'static str,
}

/// One KPI card.
#[derive(Debug)]
struct Card {
    kpi: &'static str,
    label: &'static str,
    value: String,
    raw: String,
    change: Option<Change>,
}

/// One row of the leaderboard.
#[derive(Debug)]
struct RepLine {
    rank: String,
    rep: String,
    revenue: String,
    orders: String,
    target: String,
    attainment: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    frame: Frame,
    period: String,
    period_label: String,
    years: Vec<String>,
    year: String,
    parts: Vec<(String, String)>,
    part: String,
    cards: Vec<Card>,
    reps: Vec<RepLine>,
    charts: String,
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::String(s) => s.parse().ok(),
        other => other.as_f64(),
    }
}

/// How a card's number is written.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Money,
    Count,
    Percent,
    Days,
}

fn written(value: &Value, kind: Kind, lang: Lang) -> String {
    match kind {
        Kind::Money => format::money(value.as_str()),
        Kind::Count => value
            .as_i64()
            .map_or_else(|| "–".to_string(), format::count),
        Kind::Percent => format::percent(value.as_f64()),
        Kind::Days => format::days(value.as_f64(), lang),
    }
}

/// The change of `now` over `before`; `lower_is_better` for costs and delays.
fn change(now: Option<f64>, before: Option<f64>, lower_is_better: bool) -> Option<Change> {
    let (now, before) = (now?, before?);
    if before == 0.0 {
        return None;
    }
    let ratio = (now - before) / before.abs();
    let up = ratio >= 0.0;
    Some(Change {
        text: format::percent(Some(ratio.abs())),
        arrow: if up { "↑" } else { "↓" },
        class: if up != lower_is_better { "good" } else { "bad" },
    })
}

fn cards(now: &Value, before: &Value, lang: Lang) -> Vec<Card> {
    use Kind::*;
    let spec: [(&str, &str, &str, Kind, bool); 10] = [
        ("revenue", "revenue", "/revenue", Money, false),
        (
            "yoy_growth_rate",
            "growth",
            "/yoy_growth_rate",
            Percent,
            false,
        ),
        (
            "new_customers",
            "new_customers",
            "/new_customers",
            Count,
            false,
        ),
        ("cac", "cac", "/cac", Money, true),
        ("clv_revenue", "clv", "/clv_revenue", Money, false),
        (
            "sales_cycle",
            "sales_cycle",
            "/sales_cycle/mean",
            Days,
            true,
        ),
        ("win_rate", "win_rate", "/win_rate", Percent, false),
        (
            "lead_conversion_rate",
            "conversion",
            "/lead_conversion_rate",
            Percent,
            false,
        ),
        ("csat", "csat", "/csat", Percent, false),
        ("aov", "aov", "/aov", Money, false),
    ];
    spec.into_iter()
        .map(|(kpi, label, pointer, kind, lower_is_better)| {
            let value = now.pointer(pointer).unwrap_or(&Value::Null);
            let previous = before.pointer(pointer).unwrap_or(&Value::Null);
            Card {
                kpi,
                label: lang.t(label),
                value: written(value, kind, lang),
                raw: match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                },
                change: if kpi == "yoy_growth_rate" {
                    // A growth rate's own sign is its direction.
                    number(value).map(|g| Change {
                        text: lang.t("vs_last_year").to_string(),
                        arrow: if g >= 0.0 { "↑" } else { "↓" },
                        class: if g >= 0.0 { "good" } else { "bad" },
                    })
                } else {
                    change(number(value), number(previous), lower_is_better)
                },
            }
        })
        .collect()
}

fn explain_link(kpi: &str, period: &str, extra: Option<(&str, &str)>) -> String {
    let mut pairs = vec![("period".to_string(), period.to_string())];
    if let Some((name, value)) = extra {
        pairs.push((name.to_string(), value.to_string()));
    }
    format!("/explain/{kpi}?{}", encode_query(&pairs))
}

/// The charts, for `assets/app.js`: titles in the page's language, numbers,
/// and the explanation behind each bar or point.
fn charts(dashboard: &Value, period: &str, lang: Lang) -> Value {
    let kpis = &dashboard["kpis"];
    let list = |value: &Value| value.as_array().cloned().unwrap_or_default();
    let months = list(&dashboard["monthly_revenue"]);
    let last_year = list(&dashboard["monthly_revenue_last_year"]);
    let month_keys: Vec<String> = months
        .iter()
        .map(|m| m["key"].as_str().unwrap_or_default().to_string())
        .collect();
    let trend = json!({
        "id": "trend", "kind": "line", "money": true, "title": lang.t("chart_trend"),
        "categories": month_keys.iter().map(|k| format::period(k, lang)).collect::<Vec<_>>(),
        "series": [
            {"name": lang.t("this_year"), "data": months.iter().map(|m| number(&m["revenue"])).collect::<Vec<_>>()},
            {"name": lang.t("last_year"), "data": last_year.iter().map(|m| number(&m["revenue"])).collect::<Vec<_>>()},
        ],
        "links": month_keys.iter().map(|k| explain_link("revenue", k, None)).collect::<Vec<_>>(),
    });
    let stages = list(&kpis["funnel"]);
    let funnel = json!({
        "id": "funnel", "kind": "funnel", "title": lang.t("chart_funnel"),
        "categories": stages.iter().map(|s| {
            let code = s["stage"].as_str().unwrap_or_default();
            lang.lookup(&format!("stage_{code}")).unwrap_or(code).to_string()
        }).collect::<Vec<_>>(),
        "series": [{"name": lang.t("chart_funnel"), "data": stages.iter().map(|s| s["reached"].clone()).collect::<Vec<_>>()}],
        "links": stages.iter().map(|_| explain_link("win_rate", period, None)).collect::<Vec<_>>(),
    });
    let channels: Vec<(String, Option<f64>)> = kpis["cac_by_channel"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), number(v))).collect())
        .unwrap_or_default();
    let cac = json!({
        "id": "cac", "kind": "bar", "money": true, "title": lang.t("chart_cac"),
        "categories": channels.iter().map(|(c, _)| c).collect::<Vec<_>>(),
        "series": [{"name": lang.t("cac"), "data": channels.iter().map(|(_, v)| v).collect::<Vec<_>>()}],
        "links": channels.iter().map(|(c, _)| explain_link("cac_by_channel", period, Some(("channel", c)))).collect::<Vec<_>>(),
    });
    let mut reps = list(&kpis["reps"]);
    reps.truncate(15);
    let rep_ids: Vec<String> = reps
        .iter()
        .map(|r| r["rep"].as_str().unwrap_or_default().to_string())
        .collect();
    let rep_revenue = json!({
        "id": "reps", "kind": "hbar", "money": true, "title": lang.t("chart_rep_revenue"),
        "categories": rep_ids,
        "series": [{"name": lang.t("revenue"), "data": reps.iter().map(|r| number(&r["revenue"])).collect::<Vec<_>>()}],
        "links": rep_ids.iter().map(|r| explain_link("rep.revenue", period, Some(("rep", r)))).collect::<Vec<_>>(),
    });
    let mut products = list(&dashboard["top_products"]);
    products.truncate(10);
    let top = json!({
        "id": "products", "kind": "hbar", "money": true, "title": lang.t("chart_products"),
        "categories": products.iter().map(|p| p["key"].clone()).collect::<Vec<_>>(),
        "series": [{"name": lang.t("revenue"), "data": products.iter().map(|p| number(&p["revenue"])).collect::<Vec<_>>()}],
        "links": products.iter().map(|_| explain_link("revenue", period, None)).collect::<Vec<_>>(),
    });
    let attainment = json!({
        "id": "attainment", "kind": "bar", "percent": true, "title": lang.t("chart_attainment"),
        "categories": rep_ids,
        "series": [{"name": lang.t("attainment"), "data": reps.iter().map(|r| r["attainment"].as_f64().map(|a| (a * 1000.0).round() / 10.0)).collect::<Vec<_>>()}],
        "links": rep_ids.iter().map(|r| explain_link("rep.attainment", period, Some(("rep", r)))).collect::<Vec<_>>(),
    });
    json!({
        "locale": match lang { Lang::Zh => "ZH", Lang::En => "EN" },
        "lang": lang.tag(),
        "charts": [trend, funnel, cac, rep_revenue, top, attainment],
    })
}

fn rep_lines(kpis: &Value) -> Vec<RepLine> {
    kpis["reps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| RepLine {
            rank: r["rank"].to_string(),
            rep: r["rep"].as_str().unwrap_or_default().to_string(),
            revenue: format::money(r["revenue"].as_str()),
            orders: format::count(r["orders"].as_i64().unwrap_or_default()),
            target: format::money(r["target"].as_str()),
            attainment: format::percent(r["attainment"].as_f64()),
        })
        .collect()
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
    let code = period_code(&query);
    let Ok(period) = Period::parse(&code) else {
        return ApiError::invalid("period", "not a period").into_response();
    };
    let now = kpi_serving::dashboard(&app.store, &app.kpis, &caller.actor, period).await;
    let before = kpi_serving::report(
        &app.store,
        &app.kpis,
        &caller.actor,
        period.previous(),
        None,
        &[],
    )
    .await;
    let (now, before) = match (now, before) {
        (Ok(now), Ok(before)) => (
            serde_json::to_value(&now).unwrap_or_default(),
            serde_json::to_value(&before).unwrap_or_default(),
        ),
        (Err(e), _) | (_, Err(e)) => return ApiError::from(e).into_response(),
    };
    let (year, part) = code.split_once('-').unwrap_or((&code, ""));
    let this_year = default_period().parse::<i32>().unwrap_or(2025);
    let mut parts = vec![(String::new(), lang.t("year").to_string())];
    parts.extend((1..=4).map(|q| {
        (
            format!("Q{q}"),
            format::period(&format!("{year}-Q{q}"), lang),
        )
    }));
    parts.extend((1..=12).map(|m| {
        (
            format!("{m:02}"),
            format::period(&format!("{year}-{m:02}"), lang),
        )
    }));
    let page = DashboardPage {
        frame: Frame::new(
            lang,
            Some(&caller),
            "/",
            vec![("period".into(), code.clone())],
        ),
        period_label: format::period(&code, lang),
        years: (this_year - 5..=this_year)
            .rev()
            .map(|y| y.to_string())
            .collect(),
        year: year.to_string(),
        part: part.to_string(),
        parts,
        cards: cards(&now["kpis"], &before, lang),
        reps: rep_lines(&now["kpis"]),
        charts: charts(&now, &code, lang).to_string(),
        period: code,
    };
    render(&page, cookie)
}
