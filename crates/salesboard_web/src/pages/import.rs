//! The import page: choose a file (and its kind), preview how its columns
//! are read and what is wrong with which row, change the mapping, import
//! with a progress bar, and read the report. The page is a frame; the
//! script (`assets/import.js`) talks to `/api/v1/imports`, inserting every
//! cell of the file as text.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use salesboard_app::policy::{self, Action, Denied};
use salesboard_io::import::FileKind;
use serde_json::{Map, Value};

use super::i18n::Lang;
use super::{Frame, language, render, to_login};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    frame: Frame,
    /// Whether the caller may import (else the page only says who may).
    allowed: bool,
    /// The kinds of file: name and label.
    kinds: Vec<(&'static str, &'static str)>,
    /// The page's labels for the script, as a JSON object.
    messages: String,
}

/// The labels the script shows, in the page's language.
fn script_messages(lang: Lang) -> String {
    let labels: Map<String, Value> = lang
        .labels_with_prefix("import_")
        .map(|(key, label)| (key.to_string(), Value::from(label)))
        .collect();
    Value::Object(labels).to_string()
}

/// `GET /import`: the import page, for those the policy lets import.
#[tracing::instrument(skip_all)]
pub async fn page(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let allowed =
        match policy::scope_named(&app.store, &caller.actor, "imports", Action::Create).await {
            Ok(_) => true,
            Err(Denied::Forbidden { .. }) => false,
            Err(Denied::Store(error)) => return ApiError::internal(error).into_response(),
        };
    let (lang, cookie) = language(&query, &headers);
    let page = ImportPage {
        frame: Frame::new(lang, Some(&caller), "/import", query),
        allowed,
        kinds: FileKind::ALL
            .iter()
            .map(|kind| (kind.name(), lang.t(&format!("import_kind_{}", kind.name()))))
            .collect(),
        messages: script_messages(lang),
    };
    let mut response = render(&page, cookie);
    if !allowed {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_label_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for kind in FileKind::ALL {
                let key = format!("import_kind_{}", kind.name());
                assert!(lang.lookup(&key).is_some(), "{key}");
            }
        }
        let messages: Value = serde_json::from_str(&script_messages(Lang::Zh)).unwrap_or_default();
        assert_eq!(messages["import_kind_orders"], "订单");
        assert_eq!(messages["import_phase_done"], "完成");
    }
}
