//! The KPI routes: the report of the output contract, a KPI explained, and
//! the whole dashboard in one response, each over what the caller may read.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use salesboard_app::kpi_serving;
use salesboard_domain::Period;
use salesboard_domain::kpi::explain::KpiName;
use salesboard_domain::kpi::{Dimension, parse_filter, period_between};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::messages::{RequestLang, localize_explanation};

/// The longest period a KPI request may ask for, so that no request can make
/// the server compute (and answer) without end.
pub const MAX_PERIOD_DAYS: i64 = 3_660;

/// The period, grouping and filters of a KPI request.
pub(crate) struct KpiQuery {
    /// `period=`, or `from=` and `to=` (exclusive).
    pub period: Period,
    /// `by=`.
    pub by: Option<Dimension>,
    /// Every `filter=DIM=VALUE`, in order.
    pub filters: Vec<(Dimension, String)>,
    /// `channel=` of `cac_by_channel`.
    pub channel: Option<String>,
    /// `rep=` of a `rep.*` KPI.
    pub rep: Option<String>,
}

/// Reads a KPI request's parameters (the API's, the dashboard's and the
/// explanation page's one parser); anything else is refused.
pub(crate) fn kpi_query(query: Vec<(String, String)>) -> Result<KpiQuery, ApiError> {
    let mut period = None;
    let mut from = None;
    let mut to = None;
    let mut by = None;
    let mut filters = Vec::new();
    let mut channel = None;
    let mut rep = None;
    for (name, value) in query {
        match name.as_str() {
            "period" => period = Some(value),
            "from" => from = Some(value),
            "to" => to = Some(value),
            "by" => {
                by = Some(
                    value
                        .parse::<Dimension>()
                        .map_err(|e| ApiError::invalid("by", e.to_string()))?,
                )
            }
            "filter" => filters.push(
                parse_filter(&value).map_err(|e| ApiError::invalid("filter", e.to_string()))?,
            ),
            "channel" => channel = Some(value),
            "rep" => rep = Some(value),
            // The language of the answer's texts, read by `RequestLang`
            // and the error middleware.
            "lang" => {}
            other => return Err(ApiError::invalid(other, "is not a parameter of this route")),
        }
    }
    let period = match (period, from, to) {
        (Some(period), None, None) => {
            Period::parse(&period).map_err(|e| ApiError::invalid("period", e.to_string()))?
        }
        (None, Some(from), Some(to)) => {
            period_between(&from, &to).map_err(|e| ApiError::invalid("from", e.to_string()))?
        }
        _ => {
            return Err(ApiError::invalid(
                "period",
                "give period (2024, 2024-Q1, 2024-03), or from and to",
            ));
        }
    };
    if period.days() > MAX_PERIOD_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("a period spans at most {MAX_PERIOD_DAYS} days (ten years)"),
        ));
    }
    Ok(KpiQuery {
        period,
        by,
        filters,
        channel,
        rep,
    })
}

/// `GET /api/v1/kpis?period=…&by=…&filter=…`.
#[tracing::instrument(skip_all)]
pub async fn report(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = kpi_query(query)?;
    let report = kpi_serving::report(
        &app.store,
        &app.kpis,
        &caller.actor,
        q.period,
        q.by,
        &q.filters,
    )
    .await?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/kpis/explain/{kpi}?period=…`: the formula, the substituted
/// formula, the notes and the records' notes in the language the request
/// names, else English; names, numbers and the rest of the data as they are.
#[tracing::instrument(skip_all)]
pub async fn explain(
    State(app): State<AppState>,
    caller: Caller,
    RequestLang(lang): RequestLang,
    Path(kpi): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = kpi_query(query)?;
    let name = KpiName::parse(&kpi, q.channel.as_deref(), q.rep.as_deref())
        .map_err(|e| ApiError::invalid("kpi", e.to_string()))?;
    let explanation = kpi_serving::explain(
        &app.store,
        &app.kpis,
        &caller.actor,
        &name,
        q.period,
        &q.filters,
    )
    .await?;
    let mut json = serde_json::to_value(&explanation).map_err(ApiError::internal)?;
    localize_explanation(&mut json, lang);
    Ok(Json(json).into_response())
}

/// `GET /api/v1/dashboard?period=…`.
#[tracing::instrument(skip_all)]
pub async fn dashboard(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = kpi_query(query)?;
    if q.by.is_some() || !q.filters.is_empty() {
        return Err(ApiError::invalid(
            "filter",
            "the dashboard takes a period only",
        ));
    }
    let dashboard = kpi_serving::dashboard(&app.store, &app.kpis, &caller.actor, q.period).await?;
    Ok(Json(dashboard).into_response())
}
