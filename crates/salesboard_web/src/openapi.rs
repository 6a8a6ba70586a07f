//! The OpenAPI 3.1 document, generated from the route list and the record
//! kinds' field descriptions, so it cannot drift from what the server does.
//! Browser routes (pages, assets) are not part of the API and are left out.

use salesboard_app::records::json_type;
use salesboard_io::export::sheet::XLSX_CONTENT_TYPE;
use salesboard_io::import::FileKind;
use salesboard_store::records::{FieldType, ORDER_LINES, ORDERS, RecordKind, TARGETS, kind_named};
use serde_json::{Map, Value, json};

use crate::routes::{Access, Endpoint, Route, routes};

/// The values some text fields take (the import's own lists); an empty
/// string, like null, means none (the default where there is one).
fn enum_values(kind: &str, field: &str) -> Option<Value> {
    Some(match (kind, field) {
        ("customers", "kind") => json!(["company", "person", "", null]),
        ("deals", "status") => json!(["open", "won", "lost", "", null]),
        ("orders", "status") => json!(["completed", "cancelled", "", null]),
        ("activities", "kind") => json!(["call", "visit", "email", "meeting", "message", "", null]),
        ("users", "role") => json!(["admin", "manager", "rep", "", null]),
        ("targets", "metric") => json!(["revenue", "new_customers", "deals_won", "", null]),
        ("surveys", "scale") => json!([5, 10, null]),
        _ => return None,
    })
}

/// Money as the API writes it (also `salesboard_app::records::json::is_api_money`).
const MONEY_PATTERN: &str = "^-?[0-9]{1,13}(\\.[0-9]{1,2})?$";
/// A discount as the API writes it (also `is_api_discount`).
const DISCOUNT_PATTERN: &str = "^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$";

fn field_schema(kind: &str, field: &str, ty: FieldType, read_only: bool) -> Value {
    let mut schema = match ty {
        FieldType::Money => {
            json!({"type": ["string", "null"], "pattern": MONEY_PATTERN, "description": "money, exact decimal"})
        }
        FieldType::Discount => {
            json!({"type": ["string", "null"], "pattern": DISCOUNT_PATTERN, "description": "discount as a fraction, 0 to 1"})
        }
        FieldType::Instant => {
            json!({"type": ["string", "null"], "format": "date-time", "description": "RFC 3339; times are answered in the organization's time zone"})
        }
        FieldType::Date => json!({"type": ["string", "null"], "format": "date"}),
        other => json!({"type": [json_type(other), "null"]}),
    };
    if let Some(values) = enum_values(kind, field) {
        schema["enum"] = values;
    }
    if read_only {
        schema["readOnly"] = json!(true);
    }
    schema
}

/// The schema of a list filter on a field: its value as text, or empty for
/// "without one".
fn filter_schema(ty: FieldType) -> Value {
    let empty = json!({"type": "string", "maxLength": 0});
    match ty {
        FieldType::Text => json!({"type": "string"}),
        FieldType::Integer => json!({"type": "string", "pattern": "^(-?[0-9]{1,18})?$"}),
        FieldType::Money => {
            json!({"type": "string", "pattern": MONEY_PATTERN.replacen('^', "^(", 1).replacen('$', ")?$", 1)})
        }
        FieldType::Discount => {
            json!({"type": "string", "pattern": DISCOUNT_PATTERN.replacen('^', "^(", 1).replacen('$', ")?$", 1)})
        }
        FieldType::Instant => json!({"anyOf": [{"type": "string", "format": "date-time"}, empty]}),
        FieldType::Date => json!({"anyOf": [{"type": "string", "format": "date"}, empty]}),
        FieldType::Bool => json!({"type": "string", "enum": ["true", "false", ""]}),
    }
}

/// How a record's schema is used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// As answered.
    Read,
    /// As the body of a POST: the import's required fields are required.
    Create,
    /// As the body of a PATCH: any writable field but the key.
    Change,
}

/// The fields a new record must have: the import's required fields, but not
/// a key the server makes up when it is missing.
fn required_on_create(kind: &RecordKind) -> Vec<&'static str> {
    let Some(file_kind) = FileKind::parse(kind.name) else {
        return Vec::new();
    };
    let generated_key = kind.name != TARGETS.name;
    file_kind
        .fields()
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .filter(|name| kind.field(name).is_some_and(|f| f.writable))
        .filter(|name| !(generated_key && *name == kind.key_field().name))
        .collect()
}

/// A required field: its type without null, and text not empty.
fn not_null(mut schema: Value) -> Value {
    if let Some(types) = schema["type"].as_array() {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        schema["type"] = if kept.len() == 1 {
            kept[0].clone()
        } else {
            json!(kept)
        };
        if schema["type"] == "string" {
            schema["minLength"] = json!(1);
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let kept: Vec<Value> = values
            .iter()
            .filter(|v| !v.is_null() && *v != "")
            .cloned()
            .collect();
        schema["enum"] = json!(kept);
    }
    schema
}

fn record_schema(kind: &RecordKind, use_: Use) -> Value {
    let required = if use_ == Use::Create {
        required_on_create(kind)
    } else {
        Vec::new()
    };
    let mut properties = Map::new();
    for field in kind.fields {
        if use_ != Use::Read && !field.writable {
            continue;
        }
        if use_ == Use::Change && field.name == kind.key_field().name {
            continue;
        }
        let schema = field_schema(kind.name, field.name, field.ty, !field.writable);
        let schema = if required.contains(&field.name) {
            not_null(schema)
        } else {
            schema
        };
        properties.insert(field.name.into(), schema);
    }
    if kind.name == ORDERS.name {
        let mut line = Map::new();
        for field in ORDER_LINES.fields.iter().filter(|f| f.name != "order_id") {
            let schema = field_schema("order_lines", field.name, field.ty, false);
            let required_in_line =
                use_ != Use::Read && ["unit_price", "quantity"].contains(&field.name);
            line.insert(
                field.name.into(),
                if required_in_line {
                    not_null(schema)
                } else {
                    schema
                },
            );
        }
        let mut lines = json!({"type": "array", "items": {"type": "object", "properties": line}});
        if use_ != Use::Read {
            lines["minItems"] = json!(1);
            lines["items"]["required"] = json!(["unit_price", "quantity"]);
            lines["items"]["additionalProperties"] = json!(false);
        }
        properties.insert("lines".into(), lines);
    }
    let mut schema = json!({"type": "object", "properties": properties});
    match use_ {
        Use::Read => {
            schema["required"] = json!(kind.fields.iter().map(|f| f.name).collect::<Vec<_>>());
        }
        Use::Create => {
            let mut all = required;
            if kind.name == ORDERS.name {
                all.retain(|name| !["unit_price", "quantity"].contains(name));
                all.push("lines");
            }
            schema["required"] = json!(all);
            schema["additionalProperties"] = json!(false);
        }
        Use::Change => {
            schema["additionalProperties"] = json!(false);
        }
    }
    schema
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn operation(route: &Route) -> Value {
    let kind_ref = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let mut parameters = Vec::new();
    if route.path.contains("{id}") {
        parameters.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}));
    }
    if route.path.contains("{kpi}") {
        parameters.push(
            json!({"name": "kpi", "in": "path", "required": true, "schema": {"type": "string"}}),
        );
    }
    let mut responses = Map::new();
    let mut body = None;
    match route.endpoint {
        Endpoint::Health => {
            responses.insert(
                "200".into(),
                json_response("ready", json!({"type": "object"})),
            );
            responses.insert("503".into(), error_response("not ready yet"));
        }
        Endpoint::OpenApi => {
            responses.insert(
                "200".into(),
                json_response("this document", json!({"type": "object"})),
            );
        }
        Endpoint::Setup => {
            body = Some(
                json!({"type": "object", "required": ["email", "name", "password"], "additionalProperties": false, "properties": {"email": {"type": "string"}, "name": {"type": "string"}, "password": {"type": "string"}}}),
            );
            responses.insert(
                "201".into(),
                json_response(
                    "the first admin",
                    json!({"type": "object", "properties": {"user_id": {"type": "string"}}}),
                ),
            );
            responses.insert("409".into(), error_response("set up already"));
        }
        Endpoint::Login => {
            body = Some(
                json!({"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}),
            );
            responses.insert(
                "200".into(),
                json_response("signed in; the session cookie is set", kind_ref("Me")),
            );
            responses.insert("401".into(), error_response("wrong e-mail or password"));
            responses.insert("429".into(), error_response("too many attempts"));
        }
        Endpoint::Logout => {
            responses.insert("204".into(), json!({"description": "signed out"}));
        }
        Endpoint::Me => {
            responses.insert(
                "200".into(),
                json_response("the signed-in user", kind_ref("Me")),
            );
        }
        Endpoint::MeUpdate => {
            body = Some(
                json!({"type": "object", "required": ["language"], "additionalProperties": false, "properties": {"language": {"type": "string", "enum": ["zh", "en", ""]}}}),
            );
            responses.insert(
                "200".into(),
                json_response("the signed-in user, with the language kept", kind_ref("Me")),
            );
            responses.insert("422".into(), error_response("not zh, en or empty"));
        }
        Endpoint::List(name) | Endpoint::Export(name) => {
            let (page_help, per_page_help) = match route.endpoint {
                Endpoint::Export(_) => (
                    "checked as in a list, then ignored: every page is exported",
                    "checked as in a list, then ignored: every page is exported",
                ),
                _ => ("page, from 1", "records per page"),
            };
            parameters.extend([
                query(
                    "page",
                    page_help,
                    json!({"type": "integer", "minimum": 1, "maximum": 1_000_000}),
                ),
                query(
                    "per_page",
                    per_page_help,
                    json!({"type": "integer", "minimum": 1, "maximum": 500}),
                ),
                query(
                    "sort",
                    "a field, or -field for descending",
                    json!({"type": "string", "enum": kind_named(name).map(|k| {
                        std::iter::once(String::new()).chain(k.fields.iter().flat_map(|f| [f.name.to_string(), format!("-{}", f.name)])).collect::<Vec<_>>()
                    }).unwrap_or_default()}),
                ),
                query(
                    "q",
                    "text searched in the text fields",
                    json!({"type": "string"}),
                ),
            ]);
            if let Some(kind) = kind_named(name) {
                for field in kind.fields {
                    parameters.push(query(
                        field.name,
                        "keep records with this value (empty: without one)",
                        filter_schema(field.ty),
                    ));
                }
            }
            if let Endpoint::Export(_) = route.endpoint {
                parameters.push(format_parameter());
                responses.insert("200".into(), file_response(&format!("every matching one of the {name} you may read, with the columns of the {name} import file")));
                return finish(route, parameters, responses, body);
            }
            responses.insert("200".into(), json_response("a page", json!({
                "type": "object", "required": ["items", "total", "page", "per_page"],
                "properties": {"items": {"type": "array", "items": kind_ref(name)}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}
            })));
        }
        Endpoint::Get(name) => {
            responses.insert("200".into(), json_response("the record", kind_ref(name)));
            responses.insert(
                "404".into(),
                error_response("no such record, or not yours to see"),
            );
        }
        Endpoint::Create(name) => {
            body = Some(kind_ref(&format!("{name}_create")));
            responses.insert("201".into(), json_response("created", kind_ref(name)));
            responses.insert("409".into(), error_response("the id is taken"));
        }
        Endpoint::Update(name) => {
            body = Some(kind_ref(&format!("{name}_change")));
            responses.insert("200".into(), json_response("changed", kind_ref(name)));
            responses.insert(
                "404".into(),
                error_response("no such record, or not yours to change"),
            );
            responses.insert("409".into(), error_response("conflicts with other records"));
        }
        Endpoint::Delete(_) => {
            responses.insert("204".into(), json!({"description": "deleted"}));
            responses.insert(
                "404".into(),
                error_response("no such record, or not yours to delete"),
            );
            responses.insert("409".into(), error_response("other records refer to it"));
        }
        Endpoint::Kpis | Endpoint::KpisExport | Endpoint::Explain | Endpoint::Dashboard => {
            parameters.extend([
                query(
                    "period",
                    "2024, 2024-Q1 or 2024-03",
                    json!({"type": "string"}),
                ),
                query(
                    "from",
                    "first day, YYYY-MM-DD (with to)",
                    json!({"type": "string", "format": "date"}),
                ),
                query(
                    "to",
                    "day after the last, YYYY-MM-DD",
                    json!({"type": "string", "format": "date"}),
                ),
                query(
                    "lang",
                    "zh or en: the language of the messages (and of an explanation's texts); \
                     else the user's own, the salesboard_lang cookie, Accept-Language, English",
                    json!({"type": "string", "enum": ["zh", "en"]}),
                ),
            ]);
            if route.endpoint != Endpoint::Dashboard {
                parameters.extend([query(
                    "filter",
                    "DIM=VALUE, repeatable",
                    json!({"type": "string"}),
                )]);
            }
            if matches!(route.endpoint, Endpoint::Kpis | Endpoint::KpisExport) {
                parameters.push(query(
                    "by",
                    "group by a dimension",
                    json!({"type": "string"}),
                ));
            }
            if route.endpoint == Endpoint::KpisExport {
                parameters.push(format_parameter());
                responses.insert(
                    "200".into(),
                    file_response("the totals and one row per group, one column per KPI"),
                );
                return finish(route, parameters, responses, body);
            }
            if route.endpoint == Endpoint::Explain {
                parameters.push(query(
                    "channel",
                    "for cac_by_channel",
                    json!({"type": "string"}),
                ));
                parameters.push(query("rep", "for rep.* fields", json!({"type": "string"})));
            }
            responses.insert(
                "200".into(),
                json_response(
                    "the numbers (docs/kpis.md, output contract)",
                    json!({"type": "object"}),
                ),
            );
        }
        Endpoint::ImportUpload => {
            responses.insert(
                "202".into(),
                json_response("started", kind_ref("ImportJob")),
            );
            responses.insert("413".into(), error_response("the upload is too large"));
        }
        Endpoint::ImportPreview => {
            responses.insert(
                "200".into(),
                json_response(
                    "what importing the file would do",
                    kind_ref("ImportPreview"),
                ),
            );
            responses.insert("413".into(), error_response("the upload is too large"));
        }
        Endpoint::ImportStatus => {
            responses.insert(
                "200".into(),
                json_response(
                    "progress, then the report or the problems",
                    kind_ref("ImportJob"),
                ),
            );
            responses.insert("404".into(), error_response("no such import, or not yours"));
        }
        Endpoint::ImportRejected => {
            parameters.push(query(
                "file",
                "which file of rejected rows (default: the first)",
                json!({"type": "string"}),
            ));
            responses.insert(
                "200".into(),
                json!({"description": "the rejected rows with an error column (UTF-8 CSV, an attachment)", "content": {"text/csv": {"schema": {"type": "string"}}}}),
            );
            responses.insert(
                "404".into(),
                error_response("no such import, not yours, or no rejected rows kept"),
            );
        }
        Endpoint::WebhookList | Endpoint::WebhookDeliveries => {
            responses.insert("200".into(), json_response("the list", json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}})));
            if route.endpoint == Endpoint::WebhookDeliveries {
                responses.insert("404".into(), error_response("no such webhook"));
            }
        }
        Endpoint::WebhookCreate => {
            body = Some(
                json!({"type": "object", "required": ["url"], "additionalProperties": false, "properties": {"url": {"type": "string"}, "events": {"type": "array", "items": {"type": "string", "enum": ["record.created", "record.updated", "record.deleted", "kpi.alert", "*"]}}}}),
            );
            responses.insert(
                "201".into(),
                json_response(
                    "created; the secret is shown this once",
                    json!({"type": "object"}),
                ),
            );
        }
        Endpoint::WebhookGet => {
            responses.insert(
                "200".into(),
                json_response("the webhook", json!({"type": "object"})),
            );
            responses.insert("404".into(), error_response("no such webhook"));
        }
        Endpoint::WebhookDelete => {
            responses.insert("204".into(), json!({"description": "deleted"}));
            responses.insert("404".into(), error_response("no such webhook"));
        }
        Endpoint::SurveyLinkCreate => {
            body = Some(json!({
                "type": "object", "required": ["customer_id"], "additionalProperties": false,
                "properties": {
                    "customer_id": {"type": "string", "minLength": 1},
                    "order_id": {"type": ["string", "null"]},
                    "scale": {"type": ["integer", "null"], "enum": [5, 10, null]},
                    "expires_in_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 90},
                }
            }));
            responses.insert(
                "201".into(),
                json_response(
                    "created; the token is shown this once (url is the link's path on this server)",
                    json!({"type": "object", "required": ["url", "token", "expires_at"], "properties": {
                        "url": {"type": "string"}, "token": {"type": "string"},
                        "expires_at": {"type": "string", "format": "date-time"}}}),
                ),
            );
            responses.insert(
                "404".into(),
                error_response("no such customer, or one out of reach"),
            );
        }
        Endpoint::LoginPage
        | Endpoint::SetupPage
        | Endpoint::DashboardPage
        | Endpoint::ExplainPage
        | Endpoint::Asset
        | Endpoint::SurveyPage
        | Endpoint::SurveyAnswer
        | Endpoint::ImportPage
        | Endpoint::ListPage(_)
        | Endpoint::RecordPage(_)
        | Endpoint::NewRecordPage(_)
        | Endpoint::PoolPage
        | Endpoint::PipelinePage => {
            // Not in the document (see `document`); described for completeness.
            responses.insert(
                "200".into(),
                json!({"description": "for browsers", "content": {"text/html": {}}}),
            );
        }
        Endpoint::Alerts => {
            parameters.push(query(
                "limit",
                "alerts, 1 to 1000",
                json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            ));
            let figure = json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"});
            let alert = json!({"type": "object", "properties": {
                "kpi": {"type": "string", "enum": salesboard_app::alerts::WATCHED.map(|k| k.name)},
                "week": {"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$"},
                "value": figure, "baseline": figure, "change_percent": figure,
                "raised_at": {"type": "integer", "description": "seconds since the epoch"},
            }});
            responses.insert(
                "200".into(),
                json_response(
                    "the alerts",
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": alert}}}),
                ),
            );
        }
        Endpoint::Audit => {
            parameters.push(query(
                "limit",
                "entries, 1 to 1000",
                json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            ));
            responses.insert(
                "200".into(),
                json_response("the entries", json!({"type": "object"})),
            );
        }
    }
    finish(route, parameters, responses, body)
}

/// The `format` of a download.
fn format_parameter() -> Value {
    query(
        "format",
        "the file's format (default csv)",
        json!({"type": "string", "enum": ["csv", "xlsx"]}),
    )
}

/// A file to download: CSV or XLSX, as an attachment.
fn file_response(description: &str) -> Value {
    let mut content = Map::new();
    content.insert("text/csv".into(), json!({"schema": {"type": "string"}}));
    content.insert(
        XLSX_CONTENT_TYPE.into(),
        json!({"schema": {"type": "string", "format": "binary"}}),
    );
    json!({
        "description": format!("{description}; Content-Disposition: attachment"),
        "headers": {"Content-Disposition": {"schema": {"type": "string"}, "description": "attachment; filename=\"{name}-YYYYMMDD.csv\" (or .xlsx)"}},
        "content": content,
    })
}

/// The responses every operation has, and the operation object.
fn finish(
    route: &Route,
    parameters: Vec<Value>,
    mut responses: Map<String, Value>,
    body: Option<Value>,
) -> Value {
    responses.insert(
        "400".into(),
        error_response("the request is not well formed"),
    );
    responses.insert(
        "422".into(),
        error_response("a field is not valid (the field is named)"),
    );
    if route.access != Access::Public {
        responses.insert("401".into(), error_response("not signed in"));
        responses.insert(
            "403".into(),
            error_response("not allowed, or a missing CSRF token"),
        );
    }
    let mut op = json!({
        "summary": route.summary,
        "operationId": format!("{}_{}", route.method.to_lowercase(), route.path.trim_start_matches('/').replace(['/', '{', '}', '.'], "_")),
        "parameters": parameters,
        "responses": responses,
    });
    if route.access == Access::Public {
        op["security"] = json!([]);
    }
    if let Some(schema) = body {
        op["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    if matches!(
        route.endpoint,
        Endpoint::ImportUpload | Endpoint::ImportPreview
    ) {
        op["requestBody"] = import_form(route.endpoint == Endpoint::ImportUpload);
    }
    op
}

/// The multipart form of an upload (with `skip_invalid` and `dry_run`) or
/// of a preview (one file).
fn import_form(upload: bool) -> Value {
    let kinds: Vec<&str> = std::iter::once("")
        .chain(FileKind::ALL.iter().map(|k| k.name()))
        .collect();
    let mut properties = json!({
        "file": {"type": "string", "format": "binary", "description": "CSV (UTF-8 or GBK) or XLSX"},
        "kind": {"type": "string", "enum": kinds, "description": "what the file holds; empty: told by its name or headers"},
        "sheet": {"type": "string", "description": "the XLSX sheet (default: the first)"},
        "mapping": {"type": "string", "contentMediaType": "application/json", "description": "a JSON object header → field; \"-\" leaves a column out"},
    });
    if upload {
        properties["skip_invalid"] = json!({"type": "string", "enum": ["true", "false"]});
        properties["dry_run"] = json!({"type": "string", "enum": ["true", "false"]});
    }
    json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": properties, "required": ["file"]}}}})
}

/// The schemas of import previews and jobs.
fn import_schemas(schemas: &mut Map<String, Value>) {
    let text_or_null = json!({"type": ["string", "null"]});
    let problem = json!({"type": "object", "required": ["file", "line", "field", "reason"], "properties": {
        "file": {"type": "string"}, "line": {"type": "integer", "minimum": 1},
        "field": text_or_null, "reason": {"type": "string"}}});
    let mut preview_problem = problem.clone();
    preview_problem["properties"]["header"] = text_or_null.clone();
    preview_problem["description"] = json!("field: the canonical field; header: the file's column");
    schemas.insert("ImportPreview".into(), json!({"type": "object",
        "required": ["file", "kind", "encoding", "columns", "fields", "rows", "total_rows", "problem_count", "problems", "warnings"],
        "properties": {
            "file": {"type": "string"},
            "kind": {"type": "string"},
            "encoding": {"type": "string", "enum": ["UTF-8", "GBK", "XLSX"]},
            "columns": {"type": "array", "items": {"type": "object", "required": ["header", "field", "target", "required"], "properties": {
                "header": {"type": "string"}, "field": text_or_null,
                "target": {"type": "string", "enum": ["field", "extra", "ignored"]}, "required": {"type": "boolean"}}}},
            "fields": {"type": "array", "items": {"type": "object", "required": ["name", "required", "label_zh", "label_en"], "properties": {
                "name": {"type": "string"}, "required": {"type": "boolean"}, "label_zh": text_or_null, "label_en": {"type": "string"}}}},
            "rows": {"type": "array", "maxItems": salesboard_app::import_preview::PREVIEW_ROWS, "items": {"type": "object", "required": ["line", "cells", "problems"], "properties": {
                "line": {"type": "integer"}, "cells": {"type": "array", "items": {"type": "string"}},
                "problems": {"type": "array", "items": {"type": "object", "required": ["field", "column", "reason"], "properties": {
                    "field": text_or_null, "column": {"type": ["integer", "null"]}, "reason": {"type": "string"}}}}}}},
            "total_rows": {"type": "integer"},
            "problem_count": {"type": "integer"},
            "problems": {"type": "array", "maxItems": salesboard_app::import_preview::PREVIEW_PROBLEMS, "items": preview_problem},
            "warnings": {"type": "array", "items": {"type": "string"}},
        }}));
    schemas.insert("ImportJob".into(), json!({"type": "object",
        "required": ["id", "status", "step", "report", "error", "problems", "rejected", "rejected_note"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["running", "done", "failed"]},
            "step": {"type": "object", "required": ["phase", "file", "done", "total", "percent"], "properties": {
                "phase": {"type": "string", "enum": ["reading", "validating", "writing", "done"]},
                "file": text_or_null, "done": {"type": "integer"}, "total": {"type": "integer"},
                "percent": {"type": "integer", "minimum": 0, "maximum": 100}}},
            "report": {"type": ["object", "null"], "description": "files read, records written per kind, rows set aside, warnings, duplicates"},
            "error": text_or_null,
            "problems": {"type": "array", "items": problem, "description": "field: the column as the file names it, with the field when they differ"},
            "rejected": {"type": "array", "items": {"type": "object", "required": ["file", "rows", "url"], "properties": {
                "file": {"type": "string"}, "rows": {"type": "integer"}, "url": {"type": "string"}}}},
            "rejected_note": text_or_null,
        }}));
}

/// The whole document.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for route in routes().into_iter().filter(|r| !r.endpoint.is_browser()) {
        let entry = paths.entry(route.path.clone()).or_insert_with(|| json!({}));
        entry[route.method.to_lowercase()] = operation(&route);
    }
    let mut schemas = Map::new();
    schemas.insert("Error".into(), json!({"type": "object", "required": ["error", "message"], "properties": {"error": {"type": "string", "description": "A stable code"}, "message": {"type": "string", "description": "For people, in the language the request names (?lang=, the user's own, the salesboard_lang cookie, Accept-Language: zh or en), else English"}, "field": {"type": "string", "description": "The field at fault, as named in the API"}}}));
    schemas.insert("Me".into(), json!({"type": "object", "properties": {"user_id": {"type": "string"}, "name": {"type": "string"}, "role": {"type": "string"}, "team": {"type": ["string", "null"]}, "language": {"type": ["string", "null"], "enum": ["zh", "en", null]}, "csrf_token": {"type": ["string", "null"]}}}));
    import_schemas(&mut schemas);
    for kind in salesboard_store::records::ALL_KINDS {
        schemas.insert(kind.name.into(), record_schema(&kind, Use::Read));
        schemas.insert(
            format!("{}_create", kind.name),
            record_schema(&kind, Use::Create),
        );
        schemas.insert(
            format!("{}_change", kind.name),
            record_schema(&kind, Use::Change),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Salesboard API", "version": env!("CARGO_PKG_VERSION"), "description": "Salesboard (销售看板): records, KPIs and imports. Sign in with POST /api/v1/login (cookie; send X-CSRF-Token on changes) or an API token (Authorization: Bearer)."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    })
}
