//! The record routes: list, get, create, update and delete, one kind at a
//! time; every call goes through `salesboard_app::records`, which applies the
//! policy.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesboard_app::records::{self, ListParams};
use serde_json::{Map, Value};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

const DEFAULT_PER_PAGE: i64 = 50;

/// The list parameters of a query: `page`, `per_page`, `sort`, `q` and
/// `field=value` filters.
pub(crate) fn list_params(query: Vec<(String, String)>) -> Result<ListParams, ApiError> {
    let mut params = ListParams {
        page: 1,
        per_page: DEFAULT_PER_PAGE,
        ..ListParams::default()
    };
    let number = |name: &str, text: &str| {
        text.parse::<i64>().map_err(|_| {
            ApiError::invalid(
                name,
                format!("\"{text}\" is not a whole number from 1 to 1000000"),
            )
        })
    };
    for (name, value) in query {
        match name.as_str() {
            "page" => params.page = number("page", &value)?,
            "per_page" => params.per_page = number("per_page", &value)?,
            "sort" => params.sort = Some(value),
            "q" => params.search = Some(value),
            _ => params.filters.push((name, value)),
        }
    }
    Ok(params)
}

/// The JSON object of a request body.
pub(crate) fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid("body", "must be a JSON object")),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not JSON: {e}"),
        )),
    }
}

/// `GET /api/v1/{kind}`.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn list(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    let params = list_params(query)?;
    let page = records::list(&app.store, &caller.actor, &kind, &params).await?;
    Ok(Json(page).into_response())
}

/// `GET /api/v1/{kind}/{id}`.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn get(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    let record = records::get(&app.store, &caller.actor, &kind, &id).await?;
    Ok(Json(record).into_response())
}

/// `POST /api/v1/{kind}`.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn create(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    let body = json_object(&body)?;
    let record = records::create(&app.store, &caller.actor, &kind, body).await?;
    app.changed(kind.name, "record.created", &record).await;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// `PATCH /api/v1/{kind}/{id}`.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn update(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    let body = json_object(&body)?;
    let record = records::update(&app.store, &caller.actor, &kind, &id, body).await?;
    app.changed(kind.name, "record.updated", &record).await;
    Ok(Json(record).into_response())
}

/// `DELETE /api/v1/{kind}/{id}`.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn delete(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let kind = records::kind(kind)?;
    records::delete(&app.store, &caller.actor, &kind, &id).await?;
    let mut gone = Map::new();
    gone.insert(kind.key_field().name.into(), Value::String(id));
    app.changed(kind.name, "record.deleted", &gone).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
