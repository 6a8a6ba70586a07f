//! The pipeline board: one column per stage of the open deals the caller
//! may see, with the count and the money in each, then the won and lost
//! columns; a card is dragged (or moved with its select box, from the
//! keyboard or a phone) to another column, which saves through the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use salesboard_app::policy::{self, Action, Reach};
use salesboard_app::records::{self, ListParams};
use salesboard_store::records::DEALS;
use serde_json::Value as Json;

use super::view::{self, Names};
use crate::AppState;
use crate::auth::Caller;
use crate::pages::{Frame, encode_query, format, language, render, to_login};

/// Cards shown per column; the column's count and money cover them all.
const CARDS: i64 = 30;

/// `field=value` filters of a list.
type Filters = Vec<(String, String)>;

/// One deal on the board.
#[derive(Debug)]
struct Card {
    id: String,
    href: String,
    title: String,
    customer: String,
    customer_href: String,
    owner: String,
    amount: String,
}

/// One column: a stage of the open deals, or won, or lost.
#[derive(Debug)]
struct Column {
    /// `stage:CODE`, `won` or `lost`: where a card dropped here goes.
    target: String,
    label: String,
    count: String,
    money: String,
    cards: Vec<Card>,
    more_href: Option<String>,
    more: i64,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
struct BoardView {
    frame: Frame,
    columns: Vec<Column>,
    may_move: bool,
    owner_filter: Vec<(String, String, bool)>,
    list_href: String,
}

/// `GET /pipeline[?owner=…]`: the board.
#[tracing::instrument(skip_all)]
pub async fn pipeline_page(
    State(app): State<AppState>,
    caller: Option<Caller>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(caller) = caller else {
        return to_login();
    };
    let (lang, cookie) = language(&query, &headers);
    let names = Names::load(&app, &caller).await;
    let owner = query
        .iter()
        .rev()
        .find(|(k, v)| k == "owner" && !v.is_empty())
        .map(|(_, v)| v.clone());
    let base = |status: &str| {
        let mut filters = vec![("status".to_string(), status.to_string())];
        if let Some(owner) = &owner {
            filters.push(("owner".into(), owner.clone()));
        }
        ListParams {
            filters,
            page: 1,
            per_page: CARDS,
            ..ListParams::default()
        }
    };
    let open_totals = match records::totals(
        &app.store,
        &caller.actor,
        &DEALS,
        &base("open"),
        "stage",
        Some("amount"),
    )
    .await
    {
        Ok(totals) => totals,
        Err(error) => return super::failed("deals", &caller, &headers, &query, error),
    };
    let mut columns = Vec::new();
    let mut targets: Vec<(String, Filters, String)> = names
        .stage_codes()
        .into_iter()
        .map(|code| {
            let label = names.stage(&code, lang);
            (
                format!("stage:{code}"),
                vec![("status".into(), "open".into()), ("stage".into(), code)],
                label,
            )
        })
        .collect();
    targets.push((
        "won".into(),
        vec![("status".into(), "won".into())],
        view::code_label("status", "won", lang),
    ));
    targets.push((
        "lost".into(),
        vec![("status".into(), "lost".into())],
        view::code_label("status", "lost", lang),
    ));
    for (target, filters, label) in targets {
        let mut params = base("open");
        params.filters = filters;
        if let Some(owner) = &owner {
            params.filters.push(("owner".into(), owner.clone()));
        }
        let closed = !target.starts_with("stage:");
        params.sort = Some(if closed { "-closed_at" } else { "-amount" }.into());
        let (count, money) = if closed {
            let totals = records::totals(
                &app.store,
                &caller.actor,
                &DEALS,
                &params,
                "status",
                Some("amount"),
            )
            .await
            .unwrap_or_default();
            totals
                .first()
                .map_or((0, "0.00".to_string()), |t| (t.count, t.sum.clone()))
        } else {
            let code = &target["stage:".len()..];
            open_totals
                .iter()
                .find(|t| t.group.as_str() == Some(code))
                .map_or((0, "0.00".to_string()), |t| (t.count, t.sum.clone()))
        };
        let page = match records::list(&app.store, &caller.actor, &DEALS, &params).await {
            Ok(page) => page,
            Err(error) => return super::failed("deals", &caller, &headers, &query, error),
        };
        let cards = page
            .items
            .iter()
            .map(|deal| {
                let text = |name: &str| {
                    deal.get(name)
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let id = text("deal_id");
                let customer = text("customer_id");
                Card {
                    href: format!("/deals/{}", view::url_segment(&id)),
                    id,
                    title: text("title"),
                    customer_href: format!("/customers/{}", view::url_segment(&customer)),
                    customer,
                    owner: names.user(&text("owner")),
                    amount: format::money(deal.get("amount").and_then(Json::as_str)),
                }
            })
            .collect::<Vec<_>>();
        let more = count - cards.len() as i64;
        columns.push(Column {
            more_href: (more > 0).then(|| format!("/deals?{}", encode_query(&params.filters))),
            more,
            target,
            label,
            count: format::count(count),
            money: format::money(Some(&money)),
            cards,
        });
    }
    let may_move = policy::reach(caller.actor.role, "deals", Action::Update) != Reach::Never;
    let mut owner_filter = vec![(String::new(), lang.t("all").to_string(), owner.is_none())];
    if policy::reach(caller.actor.role, "deals", Action::Read) != Reach::Own {
        for (id, name) in names.users_by_name() {
            let chosen = owner.as_deref() == Some(id.as_str());
            owner_filter.push((id, name, chosen));
        }
    }
    let page = BoardView {
        frame: Frame::new(lang, Some(&caller), "/pipeline", query.clone()),
        columns,
        may_move,
        owner_filter,
        list_href: "/deals".into(),
    };
    render(&page, cookie)
}
