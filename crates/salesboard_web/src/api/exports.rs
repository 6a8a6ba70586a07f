//! Downloads: any record list (`GET /api/v1/{kind}/export`) and the KPI
//! table (`GET /api/v1/kpis/export`) as CSV or XLSX, over exactly what the
//! caller may read, with the list's or the report's own parameters plus
//! `format=csv|xlsx` (CSV when left out). The file is an attachment named
//! `{kind}-YYYYMMDD.{csv|xlsx}` (the date in the organization's time zone).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use salesboard_app::records::{self, ListParams};
use salesboard_app::{kpi_serving, kpi_table, settings};
use salesboard_domain::Timestamp;
use salesboard_io::export::sheet::{Sheet, SheetError, SheetFormat, write_sheet};

use crate::AppState;
use crate::api::kpis::kpi_query;
use crate::api::records::list_params;
use crate::auth::Caller;
use crate::error::ApiError;

/// The `format` parameter, taken out of the query (CSV when absent).
fn take_format(query: &mut Vec<(String, String)>) -> Result<SheetFormat, ApiError> {
    let mut format = SheetFormat::Csv;
    let mut error = None;
    query.retain(|(name, value)| {
        if name != "format" {
            return true;
        }
        match SheetFormat::parse(value) {
            Some(parsed) => format = parsed,
            None => {
                error = Some(ApiError::invalid(
                    "format",
                    format!("\"{value}\" is not csv or xlsx"),
                ))
            }
        }
        false
    });
    match error {
        Some(error) => Err(error),
        None => Ok(format),
    }
}

/// Writes the table off the async workers and answers it as an attachment.
async fn attachment(
    app: &AppState,
    sheet: Sheet,
    format: SheetFormat,
    stem: &str,
) -> Result<Response, ApiError> {
    let zone = settings::timezone(&app.store)
        .await
        .map_err(ApiError::internal)?;
    let today = zone.local_date(Timestamp::now());
    let file_name = format!("{stem}-{}.{}", today.format("%Y%m%d"), format.extension());
    let bytes = tokio::task::spawn_blocking(move || write_sheet(&sheet, format))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| match error {
            SheetError::TooManyRows(_) => ApiError::invalid("format", error.to_string()),
            other => ApiError::internal(other),
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/{kind}/export?format=…&<the list's filters, q and sort>`:
/// every matching record the caller may read (`page` and `per_page` are
/// ignored, so that a list's own query exports the whole list).
#[tracing::instrument(skip_all, fields(kind))]
pub async fn export_records(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    Query(mut query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    let format = take_format(&mut query)?;
    let params: ListParams = list_params(query)?;
    // Checked as a list checks them (a client may send its list's query), then ignored.
    if !(1..=records::MAX_PAGE).contains(&params.page) {
        return Err(ApiError::invalid(
            "page",
            format!("must be between 1 and {}", records::MAX_PAGE),
        ));
    }
    if !(1..=records::MAX_PER_PAGE).contains(&params.per_page) {
        return Err(ApiError::invalid(
            "per_page",
            format!("must be between 1 and {}", records::MAX_PER_PAGE),
        ));
    }
    let sheet = records::export::sheet(&app.store, &caller.actor, &kind, &params).await?;
    attachment(&app, sheet, format, kind.name).await
}

/// `GET /api/v1/kpis/export?period=…&by=…&filter=…&format=…`: the KPI table,
/// the figures of `GET /api/v1/kpis` for the same caller and query.
#[tracing::instrument(skip_all)]
pub async fn export_kpis(
    State(app): State<AppState>,
    caller: Caller,
    Query(mut query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let format = take_format(&mut query)?;
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
    let sheet = kpi_table::sheet(&report).map_err(ApiError::internal)?;
    attachment(&app, sheet, format, "kpis").await
}
