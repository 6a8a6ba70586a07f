//! Admin routes: the audit log. (Imports are in `imports`.)

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use salesboard_app::policy::{self, Action};
use salesboard_store::Store;
use serde_json::json;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// The query of a route whose only parameter is `limit` (1 to 1000, default
/// 100): the limit, or the parameter at fault.
pub(crate) fn limit_only(query: &HashMap<String, String>) -> Result<i64, ApiError> {
    let limit = match query.get("limit") {
        None => 100,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "must be a whole number from 1 to 1000"))?,
    };
    if let Some(other) = query.keys().find(|k| k.as_str() != "limit") {
        return Err(ApiError::invalid(
            other.as_str(),
            "is not a parameter of this route",
        ));
    }
    Ok(limit)
}

/// `GET /api/v1/audit?limit=N`: who changed what, newest first.
#[tracing::instrument(skip_all)]
pub async fn audit(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "audit", Action::Read).await?;
    let limit = limit_only(&query)?;
    let entries = app
        .store
        .audit_log(limit)
        .await
        .map_err(ApiError::internal)?;
    let items: Vec<_> = entries
        .into_iter()
        .map(|e| {
            let parse = |text: Option<String>| {
                text.map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap_or(json!(t)))
            };
            json!({
                "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
                "entity_id": e.entity_id, "before": parse(e.before), "after": parse(e.after),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}
