//! One record's page: its fields as a form that saves through the JSON API
//! (errors shown beside the field), with delete; a customer gets the fuller
//! page of `customer.rs`. Also the empty form for a new record.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use salesboard_app::policy::{self, Action, Reach};
use salesboard_app::records;
use salesboard_app::settings;
use salesboard_io::import::FileKind;
use salesboard_store::records::{FieldDef, FieldType, RecordKind, kind_named};
use serde_json::{Map, Value as Json};

use super::list::kind_title;
use super::view::{self, Cell, Names};
use crate::AppState;
use crate::auth::Caller;
use crate::pages::i18n::Lang;
use crate::pages::{Frame, language, render, to_login};

/// One input of a record form.
#[derive(Debug)]
pub(crate) struct FormField {
    /// The API field.
    pub name: &'static str,
    /// Its label.
    pub label: String,
    /// `text`, `number`, `money`, `datetime`, `date`, `select`, `textarea`, `bool`.
    pub input: &'static str,
    /// The current value, as the input shows it.
    pub value: String,
    /// The choices of a select box: value, label, chosen.
    pub options: Vec<(String, String, bool)>,
    /// Whether a value is needed.
    pub required: bool,
    /// Shown, not changed (the key of an existing record, read-only fields).
    pub fixed: bool,
    /// The UTC offset times are written with (`+08:00`).
    pub offset: String,
}

/// A whole form: where it saves and its fields.
#[derive(Debug)]
pub(crate) struct RecordForm {
    /// `POST` or `PATCH`.
    pub method: &'static str,
    /// The API URL it saves to.
    pub action: String,
    /// The API URL that deletes the record, when the caller may.
    pub delete: Option<String>,
    /// Where to go after saving (`{id}` is the saved record's key).
    pub next: String,
    /// The kind, for the page's script.
    pub kind: &'static str,
    /// The inputs.
    pub fields: Vec<FormField>,
}

impl RecordForm {
    /// Whether any field may be changed (else there is nothing to save).
    pub fn editable(&self) -> bool {
        self.fields.iter().any(|f| !f.fixed)
    }
}

fn required(kind: &str, field: &str) -> bool {
    FileKind::parse(kind)
        .and_then(|k| k.fields().iter().find(|f| f.name == field))
        .is_some_and(|f| f.required)
}

/// `2024-03-05T10:00:00+08:00` → (`2024-03-05T10:00`, `+08:00`).
fn split_instant(text: &str) -> (String, Option<String>) {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(at) => (
            at.format("%Y-%m-%dT%H:%M").to_string(),
            Some(at.format("%:z").to_string()),
        ),
        Err(_) => (text.to_string(), None),
    }
}

/// The form of `kind` over `record` (empty for a new one).
pub(crate) fn build_form(
    kind: &RecordKind,
    record: Option<&Map<String, Json>>,
    names: &Names,
    lang: Lang,
    zone_offset: &str,
    delete_allowed: bool,
) -> RecordForm {
    let key_name = kind.key_field().name;
    let key = record
        .and_then(|r| r.get(key_name))
        .and_then(Json::as_str)
        .map(str::to_string);
    let mut fields = Vec::new();
    for field in kind.fields {
        if record.is_none() && !field.writable {
            continue;
        }
        let value = record
            .and_then(|r| r.get(field.name))
            .unwrap_or(&Json::Null);
        fields.push(form_field(
            kind,
            field,
            value,
            names,
            lang,
            zone_offset,
            record.is_some(),
        ));
    }
    let segment = key.as_deref().map(view::url_segment);
    RecordForm {
        method: if record.is_some() { "PATCH" } else { "POST" },
        action: match &segment {
            Some(id) => format!("/api/v1/{}/{id}", kind.name),
            None => format!("/api/v1/{}", kind.name),
        },
        delete: segment
            .as_ref()
            .filter(|_| delete_allowed)
            .map(|id| format!("/api/v1/{}/{id}", kind.name)),
        next: format!("/{}/{{id}}", kind.name),
        kind: kind.name,
        fields,
    }
}

fn form_field(
    kind: &RecordKind,
    field: &'static FieldDef,
    value: &Json,
    names: &Names,
    lang: Lang,
    zone_offset: &str,
    existing: bool,
) -> FormField {
    let text = match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut offset = zone_offset.to_string();
    let mut options = Vec::new();
    let codes = view::field_codes(kind.name, field.name);
    let input = match field.ty {
        _ if !codes.is_empty() => {
            options = codes
                .iter()
                .map(|code| {
                    (
                        code.to_string(),
                        view::code_label(field.name, code, lang),
                        *code == text,
                    )
                })
                .collect();
            "select"
        }
        FieldType::Text if field.name == "stage" => {
            options = names
                .stage_codes()
                .into_iter()
                .map(|code| {
                    let chosen = code == text;
                    (code.clone(), names.stage(&code, lang), chosen)
                })
                .collect();
            "select"
        }
        FieldType::Text if field.name == "owner" && kind.name != "targets" => {
            options = names
                .users_by_name()
                .into_iter()
                .map(|(id, name)| {
                    let chosen = id == text;
                    (id, name, chosen)
                })
                .collect();
            "select"
        }
        FieldType::Text if matches!(field.name, "note" | "comment" | "lost_reason") => "textarea",
        FieldType::Integer => "number",
        FieldType::Money | FieldType::Discount => "money",
        FieldType::Instant => "datetime",
        FieldType::Date => "date",
        FieldType::Bool => "bool",
        FieldType::Text => "text",
    };
    let value = if field.ty == FieldType::Instant {
        let (local, own_offset) = split_instant(&text);
        if let Some(own) = own_offset {
            offset = own;
        }
        local
    } else {
        text
    };
    if input == "select" {
        let none_chosen = !options.iter().any(|(_, _, chosen)| *chosen);
        options.insert(0, (String::new(), "–".into(), none_chosen));
    }
    let is_key = field.name == kind.key_field().name;
    FormField {
        name: field.name,
        label: view::field_label(kind.name, field.name, lang),
        input,
        value,
        options,
        required: required(kind.name, field.name) && !is_key,
        fixed: !field.writable || (existing && is_key),
        offset,
    }
}

/// The organization's UTC offset now (`+08:00`), for new times.
pub(crate) async fn zone_offset(app: &AppState) -> String {
    match settings::timezone(&app.store).await {
        Ok(zone) => chrono::Utc::now()
            .with_timezone(&zone.tz())
            .format("%:z")
            .to_string(),
        Err(_) => "+00:00".into(),
    }
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordView {
    frame: Frame,
    title: String,
    list_href: String,
    list_label: String,
    form: RecordForm,
    lines: Vec<Vec<Cell>>,
    line_headers: Vec<String>,
}

/// `GET /{kind}/{id}`: a record's page (customers get their own).
#[tracing::instrument(skip_all, fields(kind))]
pub async fn record_page(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    if kind == "customers" {
        return super::customer::customer_page(app, caller, headers, id, query).await;
    }
    let Some(record_kind) = kind_named(kind) else {
        return super::error_page(&caller, &headers, &query, StatusCode::NOT_FOUND, None);
    };
    let record = match records::get(&app.store, &caller.actor, &record_kind, &id).await {
        Ok(record) => record,
        Err(error) => return super::failed(kind, &caller, &headers, &query, error),
    };
    let (lang, cookie) = language(&query, &headers);
    let names = Names::load(&app, &caller).await;
    let offset = zone_offset(&app).await;
    let writable = !crate::routes::READ_ONLY_KINDS.contains(&kind)
        && policy::reach(caller.actor.role, kind, Action::Update) != Reach::Never;
    let delete_allowed = policy::reach(caller.actor.role, kind, Action::Delete) != Reach::Never;
    let mut form = build_form(
        &record_kind,
        Some(&record),
        &names,
        lang,
        &offset,
        delete_allowed,
    );
    if !writable {
        for field in &mut form.fields {
            field.fixed = true;
        }
    }
    let line_kind = salesboard_store::records::ORDER_LINES;
    let line_fields: Vec<&FieldDef> = line_kind
        .fields
        .iter()
        .filter(|f| !matches!(f.name, "order_id" | "updated_at"))
        .collect();
    let lines = record
        .get("lines")
        .and_then(Json::as_array)
        .map(|lines| {
            lines
                .iter()
                .map(|line| {
                    line_fields
                        .iter()
                        .map(|f| {
                            view::cell(
                                "order_lines",
                                f,
                                line.get(f.name).unwrap_or(&Json::Null),
                                &names,
                                lang,
                            )
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let line_headers = if kind == "orders" {
        line_fields
            .iter()
            .map(|f| view::field_label("orders", f.name, lang))
            .collect()
    } else {
        Vec::new()
    };
    let page = RecordView {
        frame: Frame::new(
            lang,
            Some(&caller),
            &format!("/{kind}/{}", view::url_segment(&id)),
            query,
        ),
        title: format!("{} · {id}", kind_title(kind, lang)),
        list_href: format!("/{kind}"),
        list_label: kind_title(kind, lang).to_string(),
        form,
        lines,
        line_headers,
    };
    render(&page, cookie)
}

/// `GET /{kind}/new`: the empty form (fields may be preset by the query,
/// e.g. `?customer_id=…` from a customer's page).
#[tracing::instrument(skip_all, fields(kind))]
pub async fn new_page(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let Some(record_kind) = kind_named(kind) else {
        return super::error_page(&caller, &headers, &query, StatusCode::NOT_FOUND, None);
    };
    if policy::reach(caller.actor.role, kind, Action::Create) == Reach::Never {
        return super::error_page(&caller, &headers, &query, StatusCode::FORBIDDEN, None);
    }
    let (lang, cookie) = language(&query, &headers);
    let names = Names::load(&app, &caller).await;
    let offset = zone_offset(&app).await;
    let mut form = build_form(&record_kind, None, &names, lang, &offset, false);
    for field in &mut form.fields {
        if let Some((_, value)) = query.iter().rev().find(|(name, _)| name == field.name) {
            field.value = value.clone();
            for option in &mut field.options {
                option.2 = option.0 == *value;
            }
        }
        if field.name == "owner" && field.value.is_empty() && kind != "targets" {
            field.value = caller.actor.user_id.clone();
            for option in &mut field.options {
                option.2 = option.0 == caller.actor.user_id;
            }
        }
    }
    let is_order = kind == "orders";
    let line_headers = if is_order {
        ["sku", "unit_price", "quantity", "discount"]
            .iter()
            .map(|f| view::field_label("orders", f, lang))
            .collect()
    } else {
        Vec::new()
    };
    let page = RecordView {
        frame: Frame::new(lang, Some(&caller), &format!("/{kind}/new"), query),
        title: format!("{} · {}", kind_title(kind, lang), lang.t("new")),
        list_href: format!("/{kind}"),
        list_label: kind_title(kind, lang).to_string(),
        form,
        lines: Vec::new(),
        line_headers,
    };
    render(&page, cookie)
}
