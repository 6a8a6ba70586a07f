//! `GET /api/v1/alerts`: the KPI alerts the background check raised, for the
//! roles the policy row `alerts` lets read them.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use salesboard_app::alerts;
use salesboard_app::policy::{self, Action};
use serde_json::json;

use crate::AppState;
use crate::api::admin::limit_only;
use crate::auth::Caller;
use crate::error::ApiError;

/// `GET /api/v1/alerts?limit=N`: the newest alerts first (default 100).
#[tracing::instrument(skip_all)]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "alerts", Action::Read).await?;
    let limit = limit_only(&query)?;
    let items: Vec<_> = alerts::recent(&app.store, limit)
        .await
        .map_err(ApiError::internal)?
        .iter()
        .map(|stored| alerts::alert_json(&stored.alert))
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}
