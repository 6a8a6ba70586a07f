//! A customer's page: the customer's fields (editable), contacts, deals,
//! orders with their payments, surveys, and one timeline of everything that
//! happened with the customer, newest first, with a two-click form to log a
//! follow-up (跟进).

use askama::Template;
use axum::http::HeaderMap;
use axum::response::Response;
use rust_decimal::Decimal;
use salesboard_app::policy::{self, Action, Reach};
use salesboard_app::records::{self, ListParams};
use salesboard_domain::money::{self, Discount, Money};
use salesboard_store::records::{
    ACTIVITIES, CONTACTS, CUSTOMERS, DEALS, ORDERS, PAYMENTS, RecordKind, SURVEYS,
};
use serde_json::{Map, Value as Json};

use super::detail::{RecordForm, build_form, zone_offset};
use super::view::{self, Cell, Names, Row};
use crate::AppState;
use crate::auth::Caller;
use crate::pages::i18n::Lang;
use crate::pages::{Frame, format, language, render};

/// Related records shown per section.
const RELATED: i64 = 100;

/// A table of related records.
#[derive(Debug)]
struct Related {
    kind: &'static str,
    title: String,
    headers: Vec<String>,
    rows: Vec<Row>,
    total: i64,
    new_href: Option<String>,
}

/// One event of the timeline.
#[derive(Debug)]
struct Event {
    at: String,
    /// When, for the order of the timeline (untimed events last).
    seconds: i64,
    what: String,
    text: String,
    href: String,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerView {
    frame: Frame,
    id: String,
    name: String,
    facts: Vec<(String, Cell)>,
    in_pool: bool,
    may_claim: bool,
    may_log: bool,
    form: RecordForm,
    sections: Vec<Related>,
    timeline: Vec<Event>,
    activity_kinds: Vec<(String, String)>,
    now_offset: String,
}

/// Up to [`RELATED`] records of `kind` whose `filter` field has its value,
/// sorted by `sort`, and how many there are in all.
async fn records_of(
    app: &AppState,
    caller: &Caller,
    kind: &RecordKind,
    filter: (&str, &str),
    sort: &str,
) -> (i64, Vec<Map<String, Json>>) {
    let params = ListParams {
        filters: vec![(filter.0.to_string(), filter.1.to_string())],
        sort: Some(sort.to_string()),
        page: 1,
        per_page: RELATED,
        search: None,
    };
    match records::list(&app.store, &caller.actor, kind, &params).await {
        Ok(page) => (page.total, page.items),
        Err(_) => (0, Vec::new()),
    }
}

/// A section of the page: `items` in a table of every field but `left_out`.
fn section(
    kind: &RecordKind,
    left_out: &str,
    items: &[Map<String, Json>],
    total: i64,
    new_href: Option<String>,
    names: &Names,
    lang: Lang,
) -> Related {
    let fields: Vec<_> = kind
        .fields
        .iter()
        .filter(|f| f.name != left_out && f.name != "updated_at")
        .collect();
    Related {
        kind: kind.name,
        title: super::kind_title(kind.name, lang).to_string(),
        headers: fields
            .iter()
            .map(|f| view::field_label(kind.name, f.name, lang))
            .collect(),
        rows: view::rows(kind, &fields, items, names, lang),
        total,
        new_href,
    }
}

/// The customer's records of `kind` as a section, and the records.
async fn related(
    app: &AppState,
    caller: &Caller,
    kind: RecordKind,
    customer_id: &str,
    sort: &str,
    names: &Names,
    lang: Lang,
) -> (Related, Vec<Map<String, Json>>) {
    let (total, items) = records_of(app, caller, &kind, ("customer_id", customer_id), sort).await;
    let may_create = policy::reach(caller.actor.role, kind.name, Action::Create) != Reach::Never;
    let new_href = may_create.then(|| {
        format!(
            "/{}/new?customer_id={}",
            kind.name,
            view::url_segment(customer_id)
        )
    });
    let section = section(&kind, "customer_id", &items, total, new_href, names, lang);
    (section, items)
}

fn text_of(item: &Map<String, Json>, field: &str) -> String {
    item.get(field)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

fn event(at: &str, what: String, text: String, href: String, class: &'static str) -> Event {
    Event {
        at: at.get(..16).unwrap_or(at).replace('T', " "),
        seconds: chrono::DateTime::parse_from_rfc3339(at).map_or(i64::MIN, |t| t.timestamp()),
        what,
        text,
        href,
        class,
    }
}

/// The customer's page (`GET /customers/{id}`).
pub(super) async fn customer_page(
    app: AppState,
    caller: Caller,
    headers: HeaderMap,
    id: String,
    query: Vec<(String, String)>,
) -> Response {
    let customer = match records::get(&app.store, &caller.actor, &CUSTOMERS, &id).await {
        Ok(customer) => customer,
        Err(error) => return super::failed("customers", &caller, &headers, &query, error),
    };
    let (lang, cookie) = language(&query, &headers);
    let names = Names::load(&app, &caller).await;
    let offset = zone_offset(&app).await;
    let facts = CUSTOMERS
        .fields
        .iter()
        .filter(|f| !matches!(f.name, "customer_id" | "name" | "updated_at"))
        .map(|f| {
            (
                view::field_label("customers", f.name, lang),
                view::cell(
                    "customers",
                    f,
                    customer.get(f.name).unwrap_or(&Json::Null),
                    &names,
                    lang,
                ),
            )
        })
        .collect();
    let in_pool = customer.get("owner").is_none_or(Json::is_null);
    let role = caller.actor.role;
    let delete_allowed = policy::reach(role, "customers", Action::Delete) != Reach::Never;
    let form = build_form(
        &CUSTOMERS,
        Some(&customer),
        &names,
        lang,
        &offset,
        delete_allowed,
    );
    let by_customer = id.as_str();
    let (contacts, _) = related(&app, &caller, CONTACTS, by_customer, "name", &names, lang).await;
    let (deals, deal_items) = related(
        &app,
        &caller,
        DEALS,
        by_customer,
        "-created_at",
        &names,
        lang,
    )
    .await;
    let (orders, order_items) = related(
        &app,
        &caller,
        ORDERS,
        by_customer,
        "-ordered_at",
        &names,
        lang,
    )
    .await;
    let (_, activity_items) = related(
        &app,
        &caller,
        ACTIVITIES,
        by_customer,
        "-occurred_at",
        &names,
        lang,
    )
    .await;
    let (surveys, survey_items) = related(
        &app,
        &caller,
        SURVEYS,
        by_customer,
        "-responded_at",
        &names,
        lang,
    )
    .await;
    // Payments belong to orders: those of the orders shown.
    let mut payment_items = Vec::new();
    let mut payment_total = 0;
    for order in &order_items {
        let order_id = text_of(order, "order_id");
        let (total, items) = records_of(
            &app,
            &caller,
            &PAYMENTS,
            ("order_id", &order_id),
            "-paid_at",
        )
        .await;
        payment_total += total;
        payment_items.extend(items);
    }
    let payments = section(
        &PAYMENTS,
        "",
        &payment_items,
        payment_total,
        None,
        &names,
        lang,
    );
    let mut timeline = Vec::new();
    for item in &activity_items {
        let kind = text_of(item, "kind");
        timeline.push(event(
            &text_of(item, "occurred_at"),
            format!(
                "{} · {}",
                view::code_label("kind", &kind, lang),
                names.user(&text_of(item, "owner"))
            ),
            text_of(item, "note"),
            format!(
                "/activities/{}",
                view::url_segment(&text_of(item, "activity_id"))
            ),
            "activity",
        ));
    }
    for item in &deal_items {
        let href = format!("/deals/{}", view::url_segment(&text_of(item, "deal_id")));
        timeline.push(event(
            &text_of(item, "created_at"),
            lang.t("deal_opened").to_string(),
            format!(
                "{} · {}",
                text_of(item, "title"),
                format::money(item.get("amount").and_then(Json::as_str))
            ),
            href.clone(),
            "deal",
        ));
        let status = text_of(item, "status");
        if status == "won" || status == "lost" {
            let mut text = text_of(item, "title");
            let reason = text_of(item, "lost_reason");
            if !reason.is_empty() {
                text = format!("{text} · {reason}");
            }
            timeline.push(event(
                &text_of(item, "closed_at"),
                view::code_label("status", &status, lang),
                text,
                href,
                if status == "won" { "won" } else { "lost" },
            ));
        }
    }
    for item in &order_items {
        let total: Decimal = item
            .get("lines")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(line_amount)
            .sum();
        timeline.push(event(
            &text_of(item, "ordered_at"),
            format!(
                "{} · {}",
                lang.t("order_placed"),
                view::code_label("status", &text_of(item, "status"), lang)
            ),
            format::money(Some(&total.round_dp(2).to_string())),
            format!("/orders/{}", view::url_segment(&text_of(item, "order_id"))),
            "order",
        ));
    }
    for item in &payment_items {
        timeline.push(event(
            &text_of(item, "paid_at"),
            lang.t("payment_received").to_string(),
            format::money(item.get("amount").and_then(Json::as_str)),
            format!(
                "/payments/{}",
                view::url_segment(&text_of(item, "payment_id"))
            ),
            "payment",
        ));
    }
    for item in &survey_items {
        let score = item.get("score").map(Json::to_string).unwrap_or_default();
        let scale = item.get("scale").map(Json::to_string).unwrap_or_default();
        timeline.push(event(
            &text_of(item, "responded_at"),
            lang.t("survey_answered").to_string(),
            format!("{score} / {scale} {}", text_of(item, "comment")),
            format!(
                "/surveys/{}",
                view::url_segment(&text_of(item, "response_id"))
            ),
            "survey",
        ));
    }
    timeline.sort_by_key(|event| std::cmp::Reverse(event.seconds));
    let may_update = policy::reach(role, "customers", Action::Update) != Reach::Never;
    let page = CustomerView {
        frame: Frame::new(
            lang,
            Some(&caller),
            &format!("/customers/{}", view::url_segment(&id)),
            query,
        ),
        name: text_of(&customer, "name"),
        id,
        facts,
        in_pool,
        may_claim: in_pool && may_update,
        may_log: policy::reach(role, "activities", Action::Create) != Reach::Never,
        form,
        sections: vec![contacts, deals, orders, payments, surveys],
        timeline,
        activity_kinds: view::field_codes("activities", "kind")
            .into_iter()
            .map(|code| (code.to_string(), view::code_label("kind", code, lang)))
            .collect(),
        now_offset: offset,
    };
    render(&page, cookie)
}

/// A line's amount, as the KPIs count it (`salesboard_domain::money::line_amount`).
fn line_amount(line: &Json) -> Decimal {
    let text = |name: &str| line.get(name).and_then(Json::as_str).unwrap_or("0");
    let quantity = line
        .get("quantity")
        .and_then(Json::as_i64)
        .unwrap_or_default();
    match (
        Money::parse(text("unit_price")),
        Discount::parse(text("discount")),
    ) {
        (Ok(price), Ok(discount)) => money::line_amount(price, quantity, discount),
        _ => Decimal::ZERO,
    }
}
