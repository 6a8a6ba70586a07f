//! Imports through the API: a preview of one file (mapping, first rows,
//! every problem; nothing written), uploads run in the background with
//! pollable progress and the CLI's report, and the rejected rows to download.
//! The same reader, mapping and checks as `salesboard import`.

use std::path::Path as FilePath;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use salesboard_app::import::{ImportError, ImportRequest, run_import};
use salesboard_app::import_preview::preview_import;
use salesboard_app::policy::{self, Action};
use salesboard_io::import::{FileKind, SourceFile};
use serde::Deserialize;

use super::import_jobs::{ImportJob, ImportStep, MAX_REJECTED_BYTES, RejectedFile};
use super::import_text::{localize_job, localize_preview, localize_rejected};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::messages::RequestLang;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The fields of an upload or a preview.
#[derive(Debug, Default)]
struct UploadForm {
    /// The files, by their (safe) names.
    files: Vec<SourceFile>,
    /// Kind, sheet and mapping; `skip_invalid` and `dry_run` for uploads.
    request: ImportRequest,
    /// Whether `skip_invalid` or `dry_run` was sent.
    has_run_flags: bool,
}

/// Reads a multipart upload: files, `kind`, `sheet`, `mapping` (a JSON
/// object header → field, `-` to leave a column out), `skip_invalid`, `dry_run`.
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<UploadForm, ApiError> {
    let mut multipart =
        multipart.map_err(|e| ApiError::invalid("body", format!("not a multipart upload: {e}")))?;
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(upload_error)?;
        let text = || {
            std::str::from_utf8(&bytes)
                .map(str::trim)
                .map_err(|_| ApiError::invalid(name.as_str(), "must be UTF-8 text"))
        };
        match (name.as_str(), file_name) {
            ("skip_invalid", None) => {
                form.request.skip_invalid = flag("skip_invalid", &bytes)?;
                form.has_run_flags = true;
            }
            ("dry_run", None) => {
                form.request.dry_run = flag("dry_run", &bytes)?;
                form.has_run_flags = true;
            }
            ("kind", None) => form.request.kind = kind(text()?)?,
            ("sheet", None) => {
                form.request.sheet = Some(text()?.to_string()).filter(|s| !s.is_empty())
            }
            ("mapping", None) => form.request.overrides = mapping(text()?)?,
            (_, Some(file_name)) => form.files.push(SourceFile {
                name: safe_file_name(&file_name)?,
                bytes: bytes.to_vec(),
            }),
            (other, None) => return Err(ApiError::invalid(other, "is not a field of an import")),
        }
    }
    if form.files.is_empty() {
        return Err(ApiError::invalid("file", "no file was uploaded"));
    }
    Ok(form)
}

/// The last part of an uploaded file's name; hidden names are refused.
fn safe_file_name(file_name: &str) -> Result<String, ApiError> {
    FilePath::new(file_name)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.'))
        .map(str::to_string)
        .ok_or_else(|| ApiError::invalid("file", "the file name is not valid"))
}

/// A yes/no field of an upload: exactly `true` or `false`.
fn flag(name: &str, bytes: &[u8]) -> Result<bool, ApiError> {
    match bytes {
        b"true" => Ok(true),
        b"false" => Ok(false),
        _ => Err(ApiError::invalid(name, "must be true or false")),
    }
}

/// The `kind` field: a kind's name (English or Chinese), or empty for "tell
/// from the file".
fn kind(text: &str) -> Result<Option<FileKind>, ApiError> {
    if text.is_empty() {
        return Ok(None);
    }
    FileKind::parse(text).map(Some).ok_or_else(|| {
        let names: Vec<&str> = FileKind::ALL.iter().map(|k| k.name()).collect();
        ApiError::invalid("kind", format!("must be one of {}", names.join(", ")))
    })
}

/// The `mapping` field: a JSON object of header → field (`-` leaves the
/// column out; an empty field keeps what the header says).
fn mapping(text: &str) -> Result<Vec<(String, String)>, ApiError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|_| ApiError::invalid("mapping", "must be a JSON object of header → field"))?;
    let mut pairs = Vec::new();
    for (header, field) in object {
        let field = field.as_str().ok_or_else(|| {
            ApiError::invalid("mapping", format!("the field of \"{header}\" must be text"))
        })?;
        if !field.trim().is_empty() {
            pairs.push((header, field.trim().to_string()));
        }
    }
    Ok(pairs)
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

/// An import that could not start (the file, its kind or the mapping) as a
/// 422 naming the field; a failing store as a 500.
fn import_error(error: ImportError) -> ApiError {
    match error {
        ImportError::Table(e) => ApiError::invalid("file", e.to_string()),
        ImportError::UnknownKind(file) => ApiError::invalid(
            "kind",
            format!("cannot tell what {file} holds; choose its kind"),
        ),
        ImportError::UnknownField { .. } => ApiError::invalid("mapping", error.to_string()),
        other => ApiError::internal(other),
    }
}

/// `POST /api/v1/imports/preview` (multipart: one file, optional `kind`,
/// `sheet` and `mapping`): how the file would be imported, checked exactly as
/// an import would be, without writing anything.
#[tracing::instrument(skip_all)]
pub async fn preview(
    State(app): State<AppState>,
    caller: Caller,
    RequestLang(lang): RequestLang,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let form = read_form(multipart).await?;
    if form.has_run_flags {
        return Err(ApiError::invalid(
            "skip_invalid",
            "a preview writes nothing; send skip_invalid and dry_run with the import",
        ));
    }
    let [file] = <[SourceFile; 1]>::try_from(form.files)
        .map_err(|_| ApiError::invalid("file", "a preview takes exactly one file"))?;
    let mut preview = preview_import(&app.store, &file, &form.request)
        .await
        .map_err(import_error)?;
    localize_preview(&mut preview, lang);
    Ok(Json(preview).into_response())
}

/// `POST /api/v1/imports` (multipart: files, plus `skip_invalid`, `dry_run`,
/// `kind`, `sheet` and `mapping` fields): starts the import and answers 202
/// with its id.
#[tracing::instrument(skip_all)]
pub async fn upload(
    State(app): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let form = read_form(multipart).await?;
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let mut request = form.request;
    for file in &form.files {
        let path = dir.path().join(&file.name);
        tokio::fs::write(&path, &file.bytes)
            .await
            .map_err(ApiError::internal)?;
        request.paths.push(path);
    }
    drop(form.files);
    request.rejected_dir = Some(dir.path().to_path_buf());
    request.actor = Some(caller.actor.user_id.clone());
    let id = format!("imp-{:016x}", rand_id());
    let job = ImportJob::new(
        id.clone(),
        caller.actor.user_id.clone(),
        request.paths.len(),
    );
    let answer = serde_json::to_value(&job).map_err(ApiError::internal)?;
    app.imports.insert(job).await;
    let state = app.clone();
    tokio::spawn(async move {
        let jobs = state.imports.clone();
        let progress_id = id.clone();
        let mut progress = move |step: salesboard_app::import::ImportProgress| {
            jobs.try_update(&progress_id, |job| job.step = ImportStep::of(&step));
        };
        let outcome = run_import(&state.store, &request, &mut progress).await;
        let rejected = match &outcome {
            Ok(report) => kept_rejected(&id, report).await,
            Err(_) => Ok(Vec::new()),
        };
        state
            .imports
            .update(&id, |job| finish(job, outcome, rejected))
            .await;
        let finished = state
            .imports
            .read(
                &id,
                |job| serde_json::json!({"id": job.id, "status": job.status, "error": job.error}),
            )
            .await
            .unwrap_or_default();
        drop(dir);
        state.imported(finished).await;
    });
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// Records how an import ended.
fn finish(
    job: &mut ImportJob,
    outcome: Result<salesboard_app::import::ImportReport, ImportError>,
    rejected: Result<Vec<RejectedFile>, String>,
) {
    match outcome {
        Ok(report) => {
            job.status = "done";
            job.step = ImportStep::finished(report.files.iter().map(|f| f.accepted).sum());
            job.report = ImportJob::report_json(&report);
            match rejected {
                Ok(files) => job.rejected = files,
                Err(note) => job.rejected_note = Some(note),
            }
        }
        Err(ImportError::Invalid { problems, .. }) => {
            job.status = "failed";
            job.error = Some(format!(
                "{} problem(s), nothing was written: {}",
                problems.len(),
                problems.first().map(|p| p.to_string()).unwrap_or_default()
            ));
            job.problems = problems;
        }
        Err(error) => {
            job.status = "failed";
            job.error = Some(error.to_string());
        }
    }
}

/// The files of rejected rows an import wrote, read back to keep with the
/// job; an explanation instead when they are larger than [`MAX_REJECTED_BYTES`].
async fn kept_rejected(
    id: &str,
    report: &salesboard_app::import::ImportReport,
) -> Result<Vec<RejectedFile>, String> {
    // The importer writes one file per file with rejected rows, in this order.
    let counts = report
        .files
        .iter()
        .map(|f| f.rejected.len())
        .filter(|n| *n > 0);
    let mut kept = Vec::new();
    let mut size = 0;
    for (path, rows) in report.rejected_files.iter().zip(counts) {
        let bytes = match tokio::fs::read(path).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "rejected rows could not be read back");
                return Err("the rejected rows could not be kept".to_string());
            }
        };
        size += bytes.len();
        if size > MAX_REJECTED_BYTES {
            return Err(format!(
                "the rejected rows are larger than {} MiB and were not kept; import the file with the command line to get them",
                MAX_REJECTED_BYTES / 1024 / 1024
            ));
        }
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("rejected.csv")
            .to_string();
        kept.push(RejectedFile {
            url: format!(
                "/api/v1/imports/{id}/rejected?file={}",
                crate::pages::percent_encode(&file)
            ),
            file,
            rows,
            bytes,
        });
    }
    Ok(kept)
}

/// `GET /api/v1/imports/{id}`: progress, then the report or the problems.
/// Only whoever started the import (or an admin) sees it; others get 404.
pub async fn status(
    State(app): State<AppState>,
    caller: Caller,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let mut job = app
        .imports
        .read(&id, |job| {
            policy::may_see_import(&caller.actor, &job.started_by)
                .then(|| serde_json::to_value(job))
        })
        .await
        .flatten()
        .ok_or_else(ApiError::not_found)?
        .map_err(ApiError::internal)?;
    localize_job(&mut job, lang);
    Ok(Json(job).into_response())
}

/// The query of a rejected-rows download.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedQuery {
    /// Which file of rejected rows (default: the first).
    file: Option<String>,
}

/// `GET /api/v1/imports/{id}/rejected[?file=NAME]`: a file of rejected rows
/// as CSV, to fix and import again.
pub async fn rejected(
    State(app): State<AppState>,
    caller: Caller,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
    query: Result<Query<RejectedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await?;
    let Query(query) = query.map_err(|e| ApiError::invalid("file", e.body_text()))?;
    let (file, bytes) = app
        .imports
        .read(&id, |job| {
            if !policy::may_see_import(&caller.actor, &job.started_by) {
                return None;
            }
            job.rejected
                .iter()
                .find(|r| query.file.as_ref().is_none_or(|wanted| *wanted == r.file))
                .map(|r| (r.file.clone(), r.bytes.clone()))
        })
        .await
        .flatten()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such import, or it kept no rejected rows",
            )
        })?;
    let mut response = localize_rejected(&bytes, lang).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&attachment(&file)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `attachment` with the name in ASCII and, for other names, in UTF-8 (RFC 6266).
fn attachment(file: &str) -> String {
    let ascii: String = file
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::pages::percent_encode(file)
    )
}

fn rand_id() -> u64 {
    use rand::{Rng, SeedableRng};
    rand::rngs::StdRng::from_os_rng().random()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_a_json_object_of_texts() {
        assert_eq!(
            mapping(r#"{"Menge": "quantity", "Notiz": "-", "x": ""}"#).ok(),
            Some(vec![
                ("Menge".to_string(), "quantity".to_string()),
                ("Notiz".to_string(), "-".to_string())
            ])
        );
        assert!(mapping("[1]").is_err());
        assert!(mapping(r#"{"a": 1}"#).is_err());
        assert_eq!(mapping("").ok(), Some(vec![]));
    }

    #[test]
    fn kinds_are_named_in_english_or_chinese() {
        assert_eq!(kind("orders").ok(), Some(Some(FileKind::Orders)));
        assert_eq!(kind("客户").ok(), Some(Some(FileKind::Customers)));
        assert_eq!(kind("").ok(), Some(None));
        assert!(kind("invoices").is_err());
    }

    #[test]
    fn a_download_name_is_ascii_with_the_utf8_name_beside_it() {
        assert_eq!(
            attachment("订单.rejected.csv"),
            "attachment; filename=\"__.rejected.csv\"; filename*=UTF-8''%E8%AE%A2%E5%8D%95.rejected.csv"
        );
        assert_eq!(
            attachment("a\"b.csv"),
            "attachment; filename=\"a_b.csv\"; filename*=UTF-8''a%22b.csv"
        );
    }
}
