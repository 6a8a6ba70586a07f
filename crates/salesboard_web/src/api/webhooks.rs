//! Webhook administration: create (the secret is shown once), list, get,
//! delete, and each webhook's deliveries with their attempts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesboard_app::policy::{self, Action};
use salesboard_app::webhooks::{self, Webhook, WebhookError, WebhookStore};
use serde_json::{Value, json};

use crate::AppState;
use crate::api::records::json_object;
use crate::auth::Caller;
use crate::error::ApiError;

fn shown(webhook: &Webhook) -> Value {
    json!({
        "id": webhook.id, "url": webhook.url, "events": webhook.events,
        "active": webhook.active, "created_at": webhook.created_at,
    })
}

fn webhook_error(error: WebhookError) -> ApiError {
    match error {
        WebhookError::Invalid { field, message } => ApiError::invalid(field, message),
        other => ApiError::internal(other),
    }
}

/// `GET /api/v1/webhooks`.
pub async fn list(State(app): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "webhooks", Action::Read).await?;
    let all = app
        .store
        .list_webhooks()
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(json!({"items": all.iter().map(shown).collect::<Vec<_>>()})).into_response())
}

/// `POST /api/v1/webhooks {url, events}`: the answer holds the signing
/// secret, shown this once.
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "webhooks", Action::Create).await?;
    let body = json_object(&body)?;
    if let Some(other) = body
        .keys()
        .find(|k| !["url", "events"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid(
            other.as_str(),
            "is not a field of a webhook",
        ));
    }
    let url = body
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("url", "is required"))?;
    let events: Vec<&str> = match body.get("events") {
        None => vec![webhooks::ALL_EVENTS],
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| ApiError::invalid("events", "must be a list of event names"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::invalid("events", "must be a list of event names")),
    };
    let (webhook, secret) = webhooks::create_webhook(&app.store, url, &events)
        .await
        .map_err(webhook_error)?;
    let mut answer = shown(&webhook);
    answer["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `GET /api/v1/webhooks/{id}`.
pub async fn get(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "webhooks", Action::Read).await?;
    let webhook = app
        .store
        .get_webhook(&id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(shown(&webhook)).into_response())
}

/// `DELETE /api/v1/webhooks/{id}`.
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "webhooks", Action::Delete).await?;
    match app
        .store
        .delete_webhook(&id)
        .await
        .map_err(ApiError::internal)?
    {
        true => Ok(StatusCode::NO_CONTENT.into_response()),
        false => Err(ApiError::not_found()),
    }
}

/// `GET /api/v1/webhooks/{id}/deliveries`: newest first, with attempts,
/// status codes and errors.
pub async fn deliveries(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "webhooks", Action::Read).await?;
    if app
        .store
        .get_webhook(&id)
        .await
        .map_err(ApiError::internal)?
        .is_none()
    {
        return Err(ApiError::not_found());
    }
    let list = app
        .store
        .deliveries(&id, 100)
        .await
        .map_err(ApiError::internal)?;
    let items: Vec<Value> = list
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "event": d.event, "status": d.status.as_str(), "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at, "last_status_code": d.last_status_code,
                "last_error": d.last_error, "created_at": d.created_at, "delivered_at": d.delivered_at,
                "payload": serde_json::from_str::<Value>(&d.payload).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(Json(json!({"items": items})).into_response())
}
