//! The API's one error type: `{"error": "snake_code", "message": "…"}` with
//! the right status; validation errors also name the field. Causes that are
//! the server's fault are logged and not shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesboard_app::kpi::KpiError;
use salesboard_app::kpi_serving::ServeKpiError;
use salesboard_app::policy::Denied;
use salesboard_app::records::RecordError;
use salesboard_app::surveys::SurveyError;
use serde_json::json;

use crate::messages::ErrorText;

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable snake_case code.
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// The field at fault, for validation errors.
    pub field: Option<String>,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 404, the same for a missing record and one the caller may not see.
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such record")
    }

    /// 401.
    pub fn unauthenticated() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "log in first (session cookie or Bearer token)",
        )
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 422 naming the field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        ApiError {
            message: format!("{field}: {message}"),
            field: Some(field),
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "")
        }
    }

    /// What it says: the code, the English message without its field, the field.
    pub fn text(&self) -> ErrorText {
        let reason = match &self.field {
            Some(field) => self
                .message
                .strip_prefix(field.as_str())
                .and_then(|rest| rest.strip_prefix(": "))
                .unwrap_or(&self.message),
            None => &self.message,
        };
        ErrorText {
            code: self.code,
            message: reason.to_string(),
            field: self.field.clone(),
        }
    }

    /// The message in `lang`, the field named as the API names it.
    pub fn message_in(&self, lang: crate::pages::i18n::Lang) -> String {
        self.text().message_in("", lang)
    }

    /// 500; the cause is logged, not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; the cause is in its log",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.code, "message": self.message });
        if let Some(field) = &self.field {
            body["field"] = json!(field);
        }
        // To be said again in the reader's language
        // (`crate::messages::localize_api_errors`).
        let text = self.text();
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(text);
        if let Some(seconds) = self.retry_after
            && let Ok(value) = seconds.to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

impl From<RecordError> for ApiError {
    fn from(error: RecordError) -> Self {
        match error {
            RecordError::NotFound => ApiError::not_found(),
            RecordError::Forbidden(message) => ApiError::forbidden(message),
            RecordError::Invalid { field, message } => ApiError::invalid(field, message),
            RecordError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Forbidden { .. } => ApiError::forbidden(denied.to_string()),
            Denied::Store(error) => ApiError::internal(error),
        }
    }
}

impl From<SurveyError> for ApiError {
    fn from(error: SurveyError) -> Self {
        match error {
            SurveyError::NotFound | SurveyError::Unusable => ApiError::not_found(),
            SurveyError::Invalid { field, message } => ApiError::invalid(field, message),
            SurveyError::Denied(denied) => denied.into(),
            SurveyError::Record(error) => error.into(),
            other => ApiError::internal(other),
        }
    }
}

impl From<KpiError> for ApiError {
    fn from(error: KpiError) -> Self {
        match error {
            KpiError::Invalid(reason) => ApiError::invalid("query", reason.to_string()),
            other => ApiError::internal(other),
        }
    }
}

impl From<ServeKpiError> for ApiError {
    fn from(error: ServeKpiError) -> Self {
        match error {
            ServeKpiError::Kpi(error) => error.into(),
            ServeKpiError::Denied(denied) => denied.into(),
        }
    }
}
