//! The record pages: a list of any kind of record with search, filters and
//! export; a customer's page with contacts, the follow-up timeline, deals,
//! orders, payments and surveys; the public pool; the pipeline board; and the
//! forms of every kind. Data comes from `salesboard_app::records` (the policy
//! applies there); changes go through the JSON API from `assets/records.js`.

mod board;
mod customer;
mod detail;
mod list;
mod view;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use salesboard_app::records::RecordError;

pub use board::pipeline_page;
pub use detail::{new_page, record_page};
pub(crate) use list::kind_title;
pub use list::{list_page, pool_page};
pub(crate) use view::chinese_field_label;

use crate::auth::Caller;
use crate::messages::{about_field, translate};
use crate::pages::{Frame, language, render};

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    frame: Frame,
    title: String,
    message: String,
}

/// A page saying why the request failed, with its status.
pub(crate) fn error_page(
    caller: &Caller,
    headers: &HeaderMap,
    query: &[(String, String)],
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let (lang, cookie) = language(query, headers);
    let title = match status {
        StatusCode::NOT_FOUND => lang.t("not_found"),
        StatusCode::FORBIDDEN => lang.t("forbidden"),
        StatusCode::UNPROCESSABLE_ENTITY => lang.t("invalid_request"),
        _ => lang.t("server_error"),
    };
    let page = ProblemPage {
        frame: Frame::new(lang, Some(caller), "/", Vec::new()),
        title: title.to_string(),
        message: message.unwrap_or_default(),
    };
    let mut response = render(&page, cookie);
    *response.status_mut() = status;
    response
}

/// The page for a failed records call on `kind`: 404, 403, 422 with the
/// field's message (in the page's language), or 500 (logged).
pub(crate) fn failed(
    kind: &str,
    caller: &Caller,
    headers: &HeaderMap,
    query: &[(String, String)],
    error: RecordError,
) -> Response {
    let (lang, _) = language(query, headers);
    let (status, message) = match error {
        RecordError::NotFound => (StatusCode::NOT_FOUND, None),
        RecordError::Forbidden(_) => (StatusCode::FORBIDDEN, None),
        RecordError::Invalid { field, message } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(about_field(
                &field,
                chinese_field_label(kind, &field),
                &message,
                lang,
            )),
        ),
        RecordError::Conflict(message) => (StatusCode::CONFLICT, Some(translate(&message, lang))),
        other => {
            tracing::error!(error = %other, "a record page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    };
    error_page(caller, headers, query, status, message)
}
