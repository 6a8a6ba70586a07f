//! The HTML pages, rendered on the server from compiled-in askama templates
//! (auto-escaped): the login form, the KPI dashboard, a KPI's explanation,
//! the import page and the survey page of a one-time link.
//! The script is a file (`assets/app.js`), so the CSP allows no inline code.

pub mod assets;
mod dashboard;
pub mod format;
pub mod i18n;
pub mod import;
pub mod records;
pub mod survey;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use cookie::{Cookie, SameSite};
use salesboard_app::kpi_serving;
use salesboard_domain::Period;
use salesboard_domain::kpi::explain::KpiName;
use salesboard_store::AuthStore;
use serde_json::Value;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::messages::{localize_explanation, translate};
use i18n::{LANG_COOKIE, Lang};

pub use dashboard::dashboard;

/// What every page's frame shows.
#[derive(Debug)]
pub(crate) struct Frame {
    /// The language of the page.
    pub lang: Lang,
    /// The signed-in user's name, if any.
    pub user: Option<String>,
    /// The CSRF token, for the log-out button.
    pub csrf: String,
    /// The link that switches the language of this page.
    pub switch_href: String,
    /// The main navigation: link, label, whether it is the current section.
    pub nav: Vec<(&'static str, &'static str, bool)>,
}

/// The sections of the navigation, with the policy object each needs.
const SECTIONS: &[(&str, &str, &str)] = &[
    ("/", "dashboard", "kpis"),
    ("/customers", "kind_customers", "customers"),
    ("/pool", "pool", "customers"),
    ("/pipeline", "pipeline", "deals"),
    ("/orders", "kind_orders", "orders"),
    ("/activities", "kind_activities", "activities"),
    ("/products", "kind_products", "products"),
    ("/targets", "kind_targets", "targets"),
    ("/spend", "kind_spend", "spend"),
    ("/surveys", "kind_surveys", "surveys"),
    ("/users", "kind_users", "users"),
    ("/teams", "kind_teams", "teams"),
    ("/import", "import", "imports"),
];

/// The navigation a caller sees: the sections their role may open.
fn navigation(lang: Lang, caller: &Caller, path: &str) -> Vec<(&'static str, &'static str, bool)> {
    use salesboard_app::policy::{Action, Reach, reach};
    let role = caller.actor.role;
    SECTIONS
        .iter()
        .filter(|(_, _, object)| {
            let action = if *object == "imports" {
                Action::Create
            } else {
                Action::Read
            };
            let min = match *object {
                // Everyone reads their own user and team; the lists are for those who see more.
                "users" | "teams" => Reach::Team,
                _ => Reach::Own,
            };
            let granted = reach(role, object, action);
            granted != Reach::Never && (min == Reach::Own || granted != Reach::Own)
        })
        .map(|(href, key, _)| {
            let active = match *href {
                "/" => path == "/",
                "/pipeline" => path == "/pipeline" || path.starts_with("/deals"),
                href => path == href || path.starts_with(&format!("{href}/")),
            };
            (*href, lang.t(key), active)
        })
        .collect()
}

impl Frame {
    fn new(
        lang: Lang,
        caller: Option<&Caller>,
        path: &str,
        mut query: Vec<(String, String)>,
    ) -> Self {
        query.retain(|(name, _)| name != "lang");
        query.push(("lang".into(), lang.other().code().into()));
        Frame {
            lang,
            user: caller.map(|c| c.actor.name.clone()),
            csrf: caller.and_then(|c| c.csrf.clone()).unwrap_or_default(),
            switch_href: format!("{path}?{}", encode_query(&query)),
            nav: caller.map_or_else(Vec::new, |c| navigation(lang, c, path)),
        }
    }

    /// `/assets/NAME?v=…`.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }
}

/// Text percent-encoded for a URL's query or a header's `filename*`:
/// every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// `a=b&c=d`, percent-encoded.
pub(crate) fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The page's language; when `?lang=` chose it, the cookie that keeps it.
pub(crate) fn language(
    query: &[(String, String)],
    headers: &HeaderMap,
) -> (Lang, Option<HeaderValue>) {
    let asked = query_value(query, "lang");
    let lang = Lang::of_request(asked, headers);
    let cookie = asked.and_then(Lang::parse).and_then(|lang| {
        let cookie = Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .secure(true)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::days(365))
            .build();
        HeaderValue::from_str(&cookie.to_string()).ok()
    });
    (lang, cookie)
}

/// Renders a template into a response, with the language cookie if set.
pub(crate) fn render(template: &impl Template, cookie: Option<HeaderValue>) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            if let Some(cookie) = cookie {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

/// Where a signed-out visitor of a page is sent.
pub(crate) fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    frame: Frame,
}

/// `GET /login`: the form; the script posts it to `/api/v1/login`.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    // A new installation: nobody can log in yet, so the setup comes first.
    if matches!(app.store.has_login_users().await, Ok(false)) {
        return Redirect::to("/setup").into_response();
    }
    let (lang, cookie) = language(&query, &headers);
    let frame = Frame::new(lang, caller.as_ref(), "/login", query);
    render(&LoginPage { frame }, cookie)
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    frame: Frame,
}

/// `GET /setup`: on a database where nobody can log in yet, the form that
/// makes the first admin; afterwards the login page.
#[tracing::instrument(skip_all)]
pub async fn setup(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    match app.store.has_login_users().await {
        Ok(false) => {}
        Ok(true) => return to_login(),
        Err(error) => return crate::error::ApiError::internal(error).into_response(),
    }
    let (lang, cookie) = language(&query, &headers);
    let frame = Frame::new(lang, None, "/setup", query);
    render(&SetupPage { frame }, cookie)
}

/// One input of an explanation, for people.
#[derive(Debug)]
struct InputRow {
    label: String,
    value: String,
    records: usize,
}

#[derive(Template)]
#[template(path = "explain.html")]
struct ExplainPage {
    frame: Frame,
    label: String,
    period: String,
    back_href: String,
    filters: String,
    formula: String,
    substituted: String,
    value: String,
    inputs: Vec<InputRow>,
    notes: Vec<String>,
    raw: String,
    error: Option<String>,
}

fn figure(value: &Value) -> String {
    match value {
        Value::Null => "–".into(),
        Value::String(s) => format::money(Some(s)),
        Value::Object(cycle) => cycle
            .get("mean")
            .and_then(Value::as_f64)
            .map_or("–".into(), |d| format!("{d:.1}")),
        Value::Number(n) if n.is_i64() => format::count(n.as_i64().unwrap_or_default()),
        Value::Number(n) => format!("{:.4}", n.as_f64().unwrap_or_default()),
        other => other.to_string(),
    }
}

/// The explanation with at most [`RAW_RECORDS`] records per input shown raw.
fn shortened(mut json: Value) -> Value {
    for input in json["inputs"].as_array_mut().into_iter().flatten() {
        if let Some(records) = input["records"].as_array_mut() {
            records.truncate(RAW_RECORDS);
        }
    }
    json
}

/// An explanation's `{from, to}`.
#[derive(serde::Deserialize)]
struct PeriodJson {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
}

impl PeriodJson {
    /// The period's name when it is a calendar one, else its days.
    fn label(&self, lang: Lang) -> String {
        let calendar = [
            self.from.format("%Y-%m").to_string(),
            format!("{}-Q{}", self.from.format("%Y"), self.from.month0() / 3 + 1),
            self.from.format("%Y").to_string(),
        ]
        .into_iter()
        .filter_map(|code| Period::parse(&code).ok())
        .find(|p| p.from == self.from && p.to == self.to);
        match calendar.or_else(|| Period::range(self.from, self.to).ok()) {
            Some(period) => format::period_of(&period, lang),
            None => String::new(),
        }
    }
}

/// Records per input in the raw view of an explanation.
const RAW_RECORDS: usize = 50;

/// `GET /explain/{kpi}?period=…` (or `from=&to=`) `[&filter=DIM=VALUE…][&channel=…][&rep=…]`:
/// how a number was computed, read with the API's parameters.
#[tracing::instrument(skip_all)]
pub async fn explain(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Path(kpi): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let (lang, cookie) = language(&query, &headers);
    let asked: Vec<(String, String)> = query
        .iter()
        .filter(|(name, _)| name != "lang")
        .cloned()
        .collect();
    // Back to the dashboard of the same period and filters.
    let back: Vec<(String, String)> = asked
        .iter()
        .filter(|(name, _)| matches!(name.as_str(), "period" | "from" | "to" | "filter"))
        .cloned()
        .collect();
    let mut page = ExplainPage {
        frame: Frame::new(
            lang,
            Some(&caller),
            &format!("/explain/{kpi}"),
            query.clone(),
        ),
        label: kpi.clone(),
        period: String::new(),
        back_href: format!("/?{}", encode_query(&back)),
        filters: String::new(),
        formula: String::new(),
        substituted: String::new(),
        value: String::new(),
        inputs: Vec::new(),
        notes: Vec::new(),
        raw: String::new(),
        error: None,
    };
    let mut asked = asked;
    if !asked
        .iter()
        .any(|(name, _)| matches!(name.as_str(), "period" | "from" | "to"))
    {
        asked.push(("period".into(), dashboard::default_year().to_string()));
    }
    let result = async {
        let q = crate::api::kpis::kpi_query(asked).map_err(|e| e.message_in(lang))?;
        if q.by.is_some() {
            let by = ApiError::invalid("by", "is not a parameter of an explanation");
            return Err(by.message_in(lang));
        }
        let name = KpiName::parse(&kpi, q.channel.as_deref(), q.rep.as_deref())
            .map_err(|e| translate(&e.to_string(), lang))?;
        let explanation = kpi_serving::explain(
            &app.store,
            &app.kpis,
            &caller.actor,
            &name,
            q.period,
            &q.filters,
        )
        .await
        .map_err(|e| translate(&e.to_string(), lang))?;
        serde_json::to_value(&explanation).map_err(|e| e.to_string())
    }
    .await;
    match result {
        Ok(json) => {
            let text = |name: &str| json[name].as_str().unwrap_or_default().to_string();
            let label_key = match lang {
                Lang::Zh => "label_zh",
                Lang::En => "label_en",
            };
            page.label = text(label_key);
            if let Ok(period) = serde_json::from_value::<PeriodJson>(json["period"].clone()) {
                page.period = period.label(lang);
            }
            page.filters = json["filters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    let value = f["value"].as_str().unwrap_or("–");
                    format!("{}={value}", f["dimension"].as_str().unwrap_or_default())
                })
                .collect::<Vec<_>>()
                .join(", ");
            // The texts people read, in the page's language, and the raw
            // view of at most RAW_RECORDS records per input.
            let mut shown = shortened(json.clone());
            localize_explanation(&mut shown, lang);
            let shown_text = |name: &str| shown[name].as_str().unwrap_or_default().to_string();
            page.formula = shown_text("formula");
            page.substituted = shown_text("substituted");
            page.value = figure(&json["value"]);
            for input in json["inputs"].as_array().into_iter().flatten() {
                page.inputs.push(InputRow {
                    label: input[label_key].as_str().unwrap_or_default().to_string(),
                    value: figure(&input["value"]),
                    records: input["records"].as_array().map_or(0, Vec::len),
                });
            }
            page.notes = shown["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            page.raw = serde_json::to_string_pretty(&shown).unwrap_or_default();
        }
        Err(message) => page.error = Some(message),
    }
    let failed = page.error.is_some();
    let mut response = render(&page, cookie);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}
