//! The list pages: any kind of record the caller may read, with search,
//! filters (select boxes of the values the caller's records have), sorting,
//! paging and CSV/XLSX export links; and the public customer pool (公海).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use salesboard_app::policy::{self, Action, Reach};
use salesboard_app::records::{self, ListParams};
use salesboard_store::records::{RecordKind, kind_named};

use super::view::{self, Names, Row};
use crate::AppState;
use crate::auth::Caller;
use crate::pages::i18n::Lang;
use crate::pages::{Frame, encode_query, format, language, query_value, render, to_login};

/// Records per page.
const PER_PAGE: i64 = 50;

/// The fields each list offers as filters.
fn filter_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "customers" => &["owner", "channel", "region", "industry", "kind"],
        "deals" => &["owner", "stage", "status"],
        "orders" => &["owner", "status"],
        "activities" => &["owner", "kind"],
        "products" => &["category"],
        "spend" => &["channel", "category"],
        "targets" => &["metric", "period"],
        "users" => &["role", "team"],
        _ => &[],
    }
}

/// The columns a list shows (all fields but the bookkeeping ones).
fn columns(kind: &RecordKind) -> Vec<&'static salesboard_store::records::FieldDef> {
    kind.fields
        .iter()
        .filter(|f| !matches!(f.name, "updated_at" | "owner_kind"))
        .collect()
}

/// One header of the table, with the link that sorts by it.
#[derive(Debug)]
struct Header {
    label: String,
    href: String,
    sorted: &'static str,
    numeric: bool,
}

/// A filter's select box.
#[derive(Debug)]
struct Filter {
    name: &'static str,
    label: String,
    options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "records.html")]
struct ListView {
    frame: Frame,
    kind: &'static str,
    title: String,
    action: String,
    total: String,
    headers: Vec<Header>,
    rows: Vec<Row>,
    search: String,
    filters: Vec<Filter>,
    page_text: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    export_csv: String,
    export_xlsx: String,
    new_href: Option<String>,
    error: Option<String>,
    pool: bool,
}

/// The kind's name in the navigation and titles.
pub(crate) fn kind_title(kind: &str, lang: Lang) -> &'static str {
    lang.lookup(&format!("kind_{kind}")).unwrap_or("?")
}

/// The list's parameters from the page's query; unknown names are ignored
/// (a page is forgiving where the API is strict).
fn params_of(kind: &RecordKind, query: &[(String, String)]) -> ListParams {
    let page = query_value(query, "page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=records::MAX_PAGE).contains(p))
        .unwrap_or(1);
    let filters = query
        .iter()
        .filter(|(name, value)| !value.is_empty() && kind.field(name).is_some())
        .cloned()
        .collect();
    ListParams {
        filters,
        search: query_value(query, "q").map(str::to_string),
        sort: query_value(query, "sort")
            .filter(|s| kind.field(s.trim_start_matches('-')).is_some())
            .map(str::to_string),
        page,
        per_page: PER_PAGE,
    }
}

/// `query` with `name` set to `value` (or removed when `None`).
fn with(query: &[(String, String)], name: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| k != name && k != "lang")
        .cloned()
        .collect();
    if let Some(value) = value {
        pairs.push((name.to_string(), value.to_string()));
    }
    encode_query(&pairs)
}

/// `GET /{kind}`: a list page.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn list_page(
    kind: &'static str,
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    list_or_pool(kind, false, app, caller, headers, query).await
}

/// `GET /pool`: the customers nobody owns (公海), for anybody to claim.
#[tracing::instrument(skip_all)]
pub async fn pool_page(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    list_or_pool("customers", true, app, caller, headers, query).await
}

async fn list_or_pool(
    kind_name: &'static str,
    pool: bool,
    app: AppState,
    caller: Option<Caller>,
    headers: HeaderMap,
    mut query: Vec<(String, String)>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let Some(kind) = kind_named(kind_name) else {
        return super::error_page(&caller, &headers, &query, StatusCode::NOT_FOUND, None);
    };
    let (lang, cookie) = language(&query, &headers);
    let path = if pool {
        "/pool".to_string()
    } else {
        format!("/{kind_name}")
    };
    if pool {
        query.retain(|(name, _)| name != "owner");
    }
    let mut params = params_of(&kind, &query);
    if pool {
        params.filters.push(("owner".into(), String::new()));
    }
    let page = match records::list(&app.store, &caller.actor, &kind, &params).await {
        Ok(page) => page,
        Err(error) => return super::failed(kind_name, &caller, &headers, &query, error),
    };
    let names = Names::load(&app, &caller).await;
    let sort = params.sort.clone().unwrap_or_default();
    let shown = columns(&kind);
    let headers_row = shown
        .iter()
        .map(|field| {
            let (sorted, next) = if sort == field.name {
                ("asc", format!("-{}", field.name))
            } else if sort == format!("-{}", field.name) {
                ("desc", field.name.to_string())
            } else {
                ("", field.name.to_string())
            };
            Header {
                label: view::field_label(kind_name, field.name, lang),
                href: format!("{path}?{}", with(&query, "sort", Some(&next))),
                sorted,
                numeric: matches!(
                    field.ty,
                    salesboard_store::records::FieldType::Money
                        | salesboard_store::records::FieldType::Integer
                ),
            }
        })
        .collect();
    let rows = view::rows(&kind, &shown, &page.items, &names, lang);
    let mut filters = Vec::new();
    let offered: &[&str] = if pool {
        &["channel", "region", "industry"]
    } else {
        filter_fields(kind_name)
    };
    for &name in offered {
        if name == "owner"
            && policy::reach(caller.actor.role, kind_name, Action::Read) == Reach::Own
        {
            continue;
        }
        let chosen = query_value(&query, name).unwrap_or("");
        let mut options = vec![(String::new(), lang.t("all").to_string(), chosen.is_empty())];
        let mut others = params.clone();
        others.filters.retain(|(n, _)| n != name);
        others.search = None;
        let values = records::totals(&app.store, &caller.actor, &kind, &others, name, None)
            .await
            .unwrap_or_default();
        for total in values {
            let Some(value) = total.group.as_str().filter(|v| !v.is_empty()) else {
                continue;
            };
            let label = match name {
                "owner" => names.user(value),
                "team" => names.team(value),
                "stage" => names.stage(value, lang),
                _ => view::code_label(name, value, lang),
            };
            options.push((
                value.to_string(),
                format!("{label} ({})", total.count),
                value == chosen,
            ));
        }
        filters.push(Filter {
            name,
            label: view::field_label(kind_name, name, lang),
            options,
        });
    }
    let pages = (page.total + PER_PAGE - 1) / PER_PAGE;
    let page_link = |n: i64| format!("{path}?{}", with(&query, "page", Some(&n.to_string())));
    let export = |format: &str| {
        let mut pairs: Vec<(String, String)> = params.filters.clone();
        if let Some(q) = params.search.as_ref().filter(|q| !q.is_empty()) {
            pairs.push(("q".into(), q.clone()));
        }
        if let Some(sort) = params.sort.as_ref() {
            pairs.push(("sort".into(), sort.clone()));
        }
        pairs.push(("format".into(), format.into()));
        format!("/api/v1/{kind_name}/export?{}", encode_query(&pairs))
    };
    let may_create = !crate::routes::READ_ONLY_KINDS.contains(&kind_name)
        && policy::reach(caller.actor.role, kind_name, Action::Create) != Reach::Never;
    let title = if pool {
        lang.t("pool").to_string()
    } else {
        kind_title(kind_name, lang).to_string()
    };
    let view = ListView {
        frame: Frame::new(lang, Some(&caller), &path, query.clone()),
        kind: kind_name,
        title,
        action: path.clone(),
        total: format::count(page.total),
        headers: headers_row,
        rows,
        search: params.search.clone().unwrap_or_default(),
        filters,
        page_text: format!("{} / {}", page.page, pages.max(1)),
        prev_href: (page.page > 1).then(|| page_link(page.page - 1)),
        next_href: (page.page < pages).then(|| page_link(page.page + 1)),
        export_csv: export("csv"),
        export_xlsx: export("xlsx"),
        new_href: (may_create && !pool).then(|| format!("/{kind_name}/new")),
        error: None,
        pool,
    };
    render(&view, cookie)
}
