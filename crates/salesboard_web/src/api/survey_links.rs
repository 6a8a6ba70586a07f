//! Survey links through the API: `POST /api/v1/survey-links` makes a
//! one-time link for a customer in the caller's reach; its token is shown
//! this once. The customer answers it on the survey page (`pages::survey`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use salesboard_app::settings;
use salesboard_app::surveys::{self, LinkRequest};
use salesboard_domain::Timestamp;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::api::records::json_object;
use crate::auth::Caller;
use crate::error::ApiError;

const FIELDS: [&str; 4] = ["customer_id", "order_id", "scale", "expires_in_days"];

fn optional_text(body: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::invalid(name, "must be a string")),
    }
}

fn optional_integer(body: &Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| ApiError::invalid(name, "must be a whole number")),
    }
}

/// The body as a [`LinkRequest`], strictly typed; unknown fields are refused.
fn link_request(body: &Map<String, Value>) -> Result<LinkRequest, ApiError> {
    if let Some(other) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            other.as_str(),
            "is not a field of a survey link",
        ));
    }
    Ok(LinkRequest {
        customer_id: optional_text(body, "customer_id")?
            .ok_or_else(|| ApiError::invalid("customer_id", "is required"))?,
        order_id: optional_text(body, "order_id")?,
        scale: optional_integer(body, "scale")?,
        expires_in_days: optional_integer(body, "expires_in_days")?,
    })
}

/// `POST /api/v1/survey-links {customer_id, order_id?, scale?, expires_in_days?}`:
/// 201 with the link's path (`url`, on this server), its token and when it
/// expires (RFC 3339 in the organization's time zone).
#[tracing::instrument(skip_all)]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = link_request(&json_object(&body)?)?;
    let now = Timestamp::now().unix_seconds();
    let created = surveys::create_link(&app.store, &caller.actor, &request, now).await?;
    let zone = settings::timezone(&app.store)
        .await
        .map_err(ApiError::internal)?;
    let expires_at = Timestamp::from_unix_seconds(created.expires_at)
        .to_utc()
        .with_timezone(&zone.tz())
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    let answer = json!({
        "url": format!("/s/{}", created.token),
        "token": created.token,
        "expires_at": expires_at,
    });
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}
