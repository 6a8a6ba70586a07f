//! Admin routes: the audit log, and imports uploaded as multipart files,
//! run in the background with pollable progress and the CLI's report.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesboard_app::import::{ImportError, ImportProgress, ImportRequest, run_import};
use salesboard_app::policy::{self, Action};
use salesboard_store::Store;
use serde::Serialize;
use serde_json::json;
use tokio::sync::Mutex;

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

/// An import started through the API.
#[derive(Debug, Clone, Serialize)]
pub struct ImportJob {
    /// Its id.
    pub id: String,
    /// `running`, `done` or `failed`.
    pub status: &'static str,
    /// The last step reached.
    pub step: String,
    /// The report, once done.
    pub report: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// Every problem found (file, line, field, reason), when rows are invalid.
    pub problems: Vec<String>,
}

/// The imports of this server's life, by id.
pub type ImportJobs = Arc<Mutex<HashMap<String, ImportJob>>>;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// `POST /api/v1/imports` (multipart: files, plus `skip_invalid` and
/// `dry_run` fields): starts the import and answers 202 with its id.
#[tracing::instrument(skip_all)]
pub async fn upload(
    State(app): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let mut multipart =
        multipart.map_err(|e| ApiError::invalid("body", format!("not a multipart upload: {e}")))?;
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let mut request = ImportRequest::default();
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(upload_error)?;
        match (name.as_str(), file_name) {
            ("skip_invalid", None) => request.skip_invalid = flag("skip_invalid", &bytes)?,
            ("dry_run", None) => request.dry_run = flag("dry_run", &bytes)?,
            (_, Some(file_name)) => {
                let safe = std::path::Path::new(&file_name)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .filter(|n| !n.starts_with('.'))
                    .ok_or_else(|| ApiError::invalid("file", "the file name is not valid"))?
                    .to_string();
                let path = dir.path().join(&safe);
                tokio::fs::write(&path, &bytes)
                    .await
                    .map_err(ApiError::internal)?;
                request.paths.push(path);
            }
            (other, None) => return Err(ApiError::invalid(other, "is not a field of an import")),
        }
    }
    if request.paths.is_empty() {
        return Err(ApiError::invalid("file", "no file was uploaded"));
    }
    request.rejected_dir = Some(dir.path().to_path_buf());
    request.actor = Some(caller.actor.user_id.clone());
    let id = format!("imp-{:016x}", rand_id());
    let job = ImportJob {
        id: id.clone(),
        status: "running",
        step: "queued".into(),
        report: None,
        error: None,
        problems: Vec::new(),
    };
    app.imports.lock().await.insert(id.clone(), job.clone());
    let jobs = Arc::clone(&app.imports);
    let state = app.clone();
    let job_id = id.clone();
    tokio::spawn(async move {
        let progress_jobs = Arc::clone(&jobs);
        let progress_id = job_id.clone();
        let mut progress = move |step: ImportProgress| {
            if let Ok(mut jobs) = progress_jobs.try_lock()
                && let Some(job) = jobs.get_mut(&progress_id)
            {
                job.step = format!("{step:?}");
            }
        };
        let outcome = run_import(&state.store, &request, &mut progress).await;
        let mut jobs = jobs.lock().await;
        if let Some(job) = jobs.get_mut(&job_id) {
            match outcome {
                Ok(report) => {
                    job.status = "done";
                    job.report = serde_json::to_value(&report).ok();
                }
                Err(ImportError::Invalid { problems, .. }) => {
                    job.status = "failed";
                    job.error = Some(format!(
                        "{} problem(s), nothing was written: {}",
                        problems.len(),
                        problems.first().map(|p| p.to_string()).unwrap_or_default()
                    ));
                    job.problems = problems.iter().map(|p| p.to_string()).collect();
                }
                Err(error) => {
                    job.status = "failed";
                    job.error = Some(error.to_string());
                }
            }
        }
        let finished = jobs
            .get(&job_id)
            .map(|job| serde_json::json!({"id": job.id, "status": job.status, "error": job.error}))
            .unwrap_or_default();
        drop(jobs);
        drop(dir);
        state.imported(finished).await;
    });
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

/// A yes/no field of an upload: exactly `true` or `false`.
fn flag(name: &str, bytes: &[u8]) -> Result<bool, ApiError> {
    match bytes {
        b"true" => Ok(true),
        b"false" => Ok(false),
        _ => Err(ApiError::invalid(name, "must be true or false")),
    }
}

/// A failed upload: 413 when it is larger than the limit, else 422.
fn upload_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "uploads are limited to {} MiB",
                MAX_UPLOAD_BYTES / 1024 / 1024
            ),
        ),
        _ => ApiError::invalid("body", error.body_text()),
    }
}

/// `GET /api/v1/imports/{id}`.
pub async fn status(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let jobs = app.imports.lock().await;
    let job = jobs.get(&id).cloned().ok_or_else(ApiError::not_found)?;
    Ok(Json(job).into_response())
}

fn rand_id() -> u64 {
    use rand::{Rng, SeedableRng};
    rand::rngs::StdRng::from_os_rng().random()
}
