//! The role × object × verb matrix: every route of the server, called as
//! anon, repa, repa2 (same team), repb (other team), mgr1, mgr2 and admin,
//! on records owned by each of them and on the public pool. The expected
//! answer of every cell comes from `docs/permissions.md` and the fixture's
//! ownership written out below, not from the server's code.

use std::collections::{BTreeSet, HashMap, HashSet};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use salesboard_web::routes::{Access, Endpoint, routes};
use serde_json::{Value, json};

use crate::common::{Db, TestApp, USERS};

/// Who may be calling.
const ACTORS: [Option<&str>; 7] = [
    None,
    Some("repa"),
    Some("repa2"),
    Some("repb"),
    Some("mgr1"),
    Some("mgr2"),
    Some("admin"),
];

/// Whose a fixture record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    User(&'static str),
    Pool,
    Team(&'static str),
    Everyone,
}

/// The fixture's records by kind, with their owners (see the CSV files).
fn fixture(kind: &str) -> Vec<(&'static str, Owner)> {
    use Owner::*;
    match kind {
        "users" => USERS.iter().map(|(id, ..)| (*id, User(id))).collect(),
        "teams" => vec![("T1", Team("T1")), ("T2", Team("T2"))],
        "products" => vec![("P1", Everyone)],
        "customers" => vec![
            ("c-repa", User("repa")),
            ("c-repa2", User("repa2")),
            ("c-repb", User("repb")),
            ("c-pool", Pool),
            ("c-mgr1", User("mgr1")),
            ("c-mgr2", User("mgr2")),
        ],
        "contacts" => vec![
            ("ct-repa", User("repa")),
            ("ct-repa2", User("repa2")),
            ("ct-repb", User("repb")),
            ("ct-pool", Pool),
        ],
        "deals" => vec![
            ("d-repa", User("repa")),
            ("d-repa2", User("repa2")),
            ("d-repb", User("repb")),
            ("d-pool", Pool),
        ],
        "orders" => vec![
            ("o-repa", User("repa")),
            ("o-repa2", User("repa2")),
            ("o-repb", User("repb")),
            ("o-mgr1", User("mgr1")),
            ("o-mgr2", User("mgr2")),
        ],
        "payments" => vec![
            ("pay-repa", User("repa")),
            ("pay-repa2", User("repa2")),
            ("pay-repb", User("repb")),
        ],
        "activities" => vec![
            ("act-repa", User("repa")),
            ("act-repa2", User("repa2")),
            ("act-repb", User("repb")),
            ("act-pool", Pool),
        ],
        "spend" => vec![("sp-1", Everyone)],
        "surveys" => vec![
            ("sv-repa", User("repa")),
            ("sv-repa2", User("repa2")),
            ("sv-repb", User("repb")),
        ],
        "targets" => vec![
            ("repa:2024-02:revenue", User("repa")),
            ("repa2:2024-02:revenue", User("repa2")),
            ("repb:2024-02:revenue", User("repb")),
            ("T1:2024-02:revenue", Team("T1")),
            ("T2:2024-02:revenue", Team("T2")),
        ],
        other => panic!("no fixture for {other}"),
    }
}

fn role_of(actor: &str) -> &'static str {
    USERS
        .iter()
        .find(|(id, ..)| *id == actor)
        .map(|(_, _, role, _)| *role)
        .unwrap_or_else(|| panic!("{actor}"))
}

/// The fixture's spelling of a user id (for [`Owner::User`]).
fn actor_static(actor: &str) -> &'static str {
    USERS
        .iter()
        .find(|(id, ..)| *id == actor)
        .map(|(id, ..)| *id)
        .unwrap_or_else(|| panic!("{actor}"))
}

fn team_of(actor: &str) -> Option<&'static str> {
    USERS
        .iter()
        .find(|(id, ..)| *id == actor)
        .and_then(|(_, _, _, team)| *team)
}

/// `docs/permissions.md` as (object, action) → the cells of rep, manager, admin.
fn documented() -> HashMap<(String, String), [String; 3]> {
    include_str!("../../../../docs/permissions.md")
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| object"))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            (
                (cells[0].clone(), cells[1].clone()),
                [cells[2].clone(), cells[3].clone(), cells[4].clone()],
            )
        })
        .collect()
}

fn cell(
    table: &HashMap<(String, String), [String; 3]>,
    object: &str,
    action: &str,
    actor: &str,
) -> String {
    let row = table
        .get(&(object.to_string(), action.to_string()))
        .unwrap_or_else(|| panic!("no policy row for {object} {action}"));
    match role_of(actor) {
        "rep" => row[0].clone(),
        "manager" => row[1].clone(),
        _ => row[2].clone(),
    }
}

fn reaches(reach: &str, actor: &str, owner: Owner) -> bool {
    match (reach, owner) {
        ("all", _) => true,
        ("-", _) => false,
        (_, Owner::Everyone | Owner::Pool) => true,
        (_, Owner::Team(team)) => team_of(actor) == Some(team),
        ("own", Owner::User(user)) => user == actor,
        ("team", Owner::User(user)) => team_of(actor).is_some() && team_of(user) == team_of(actor),
        (other, _) => panic!("unknown cell {other}"),
    }
}

fn key_name(kind: &str) -> &'static str {
    salesboard_store::records::kind_named(kind)
        .map(|k| k.key_field().name)
        .unwrap_or_else(|| panic!("{kind}"))
}

fn update_body(kind: &str) -> Value {
    match kind {
        "users" | "products" => json!({"name": "Renamed"}),
        "customers" => json!({"industry": "Tea"}),
        "contacts" => json!({"title": "Boss"}),
        "deals" => json!({"title": "Renamed"}),
        "orders" => json!({"status": "completed"}),
        "payments" => json!({"paid_at": "2024-02-20"}),
        "activities" => json!({"note": "updated"}),
        "spend" => json!({"campaign": "Renamed"}),
        "surveys" => json!({"comment": "updated"}),
        "targets" => json!({"target": "999"}),
        other => panic!("{other}"),
    }
}

fn own_customer(actor: &str) -> &'static str {
    match actor {
        "mgr1" => "c-mgr1",
        "repa2" => "c-repa2",
        "mgr2" => "c-mgr2",
        "repb" => "c-repb",
        _ => "c-repa",
    }
}

fn own_order(actor: &str) -> &'static str {
    match actor {
        "mgr1" => "o-mgr1",
        "repa2" => "o-repa2",
        "mgr2" => "o-mgr2",
        "repb" => "o-repb",
        _ => "o-repa",
    }
}

/// A user, a customer and an order of the other team.
fn foreign(actor: &str) -> (&'static str, &'static str, &'static str) {
    match team_of(actor) {
        Some("T2") => ("repa", "c-repa", "o-repa"),
        _ => ("repb", "c-repb", "o-repb"),
    }
}

/// A body creating a record of `kind` that is the actor's own.
fn create_body(kind: &str, actor: &str) -> Value {
    let customer = own_customer(actor);
    match kind {
        "users" => {
            json!({"user_id": format!("new-{actor}"), "name": "New", "email": format!("new-{actor}@example.com"), "role": "rep", "team": "T1"})
        }
        "products" => json!({"sku": format!("NEW-{actor}"), "name": "New"}),
        "customers" => json!({"name": "New", "created_at": "2024-03-01 10:00", "owner": actor}),
        "contacts" => json!({"customer_id": customer, "name": "New"}),
        "deals" => {
            json!({"customer_id": customer, "owner": actor, "stage": "lead", "created_at": "2024-03-01", "status": "open"})
        }
        "orders" => {
            json!({"customer_id": customer, "owner": actor, "ordered_at": "2024-03-01 10:00", "lines": [{"sku": "P1", "unit_price": "100.00", "quantity": 2}]})
        }
        "payments" => {
            json!({"order_id": own_order(actor), "amount": "10.00", "paid_at": "2024-03-02"})
        }
        "activities" => {
            json!({"customer_id": customer, "owner": actor, "kind": "call", "occurred_at": "2024-03-01 10:00"})
        }
        "spend" => json!({"date": "2024-03-01", "amount": "10.00", "channel": "search"}),
        "surveys" => {
            json!({"customer_id": customer, "score": 4, "scale": 5, "responded_at": "2024-03-01"})
        }
        "targets" => {
            json!({"owner": actor, "period": "2024-03", "metric": "revenue", "target": "100"})
        }
        other => panic!("{other}"),
    }
}

/// The same body made to belong to the other team; the status expected of a
/// caller who may create but not reach the other team.
fn foreign_body(kind: &str, actor: &str) -> Option<(Value, StatusCode)> {
    let (user, customer, order) = foreign(actor);
    let mut body = create_body(kind, actor);
    let status = match kind {
        "customers" | "deals" | "orders" | "activities" | "targets" => {
            body["owner"] = json!(user);
            StatusCode::FORBIDDEN
        }
        "contacts" | "surveys" => {
            body["customer_id"] = json!(customer);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        "payments" => {
            body["order_id"] = json!(order);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => return None,
    };
    Some((body, status))
}

fn ids_of(page: &Value, kind: &str) -> BTreeSet<String> {
    let key = key_name(kind);
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(|item| item[key].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Counts the cells checked and the unexpected successes.
#[derive(Default)]
struct Tally {
    cells: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, what: String, got: StatusCode, expected: &[StatusCode], body: &Value) {
        self.cells += 1;
        if !expected.contains(&got) {
            self.failures
                .push(format!("{what}: got {got}, expected {expected:?}: {body}"));
        }
    }
}

/// Posts a one-product CSV file to `path` (an import or a preview).
async fn multipart_to(app: &TestApp, path: &str, actor: Option<&str>) -> (StatusCode, Value) {
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"products.csv\"\r\nContent-Type: text/csv\r\n\r\nsku,name\r\nP-IMP,Imported\r\n--{boundary}--\r\n"
    );
    let mut builder = Request::builder().method("POST").uri(path).header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(actor) = actor {
        builder = builder.header("authorization", format!("Bearer {}", app.tokens[actor]));
    }
    app.send(
        builder
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await
}

/// One KPI alert, as the background check would raise it.
async fn raise_an_alert(app: &TestApp) {
    let alert = salesboard_store::KpiAlert {
        kpi: "revenue".into(),
        week: "2024-W10".into(),
        value: "500.00".into(),
        baseline: "1000.00".into(),
        change_percent: "-50.00".into(),
        raised_at: 1_710_118_800,
    };
    salesboard_store::AlertStore::raise_alert(&app.state.store, &alert, "{}")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn run_matrix(db: Db) {
    let table = documented();
    let app = TestApp::spawn(db).await;
    raise_an_alert(&app).await;
    let mut tally = Tally::default();
    let mut exercised = HashSet::new();
    for route in routes() {
        let actors = ACTORS;
        match route.access {
            Access::Public => {
                exercised.insert((route.method, route.path.clone()));
                continue;
            }
            Access::SignedIn => {
                // Pages send signed-out visitors to the login page instead of 401.
                let page = route.endpoint.is_browser();
                let path = route.path.replace("{kpi}", "revenue?period=2024");
                // The one signed-in change: the caller's own UI language.
                let request_body =
                    (route.endpoint == Endpoint::MeUpdate).then(|| json!({"language": "en"}));
                for actor in actors {
                    let (status, body) = app
                        .call(route.method, &path, actor, request_body.as_ref())
                        .await;
                    let expected = match (actor, page) {
                        (None, false) => vec![StatusCode::UNAUTHORIZED],
                        (None, true) => vec![StatusCode::SEE_OTHER],
                        (Some(_), _) => vec![StatusCode::OK, StatusCode::NO_CONTENT],
                    };
                    tally.check(
                        format!("{} {} as {actor:?}", route.method, route.path),
                        status,
                        &expected,
                        &body,
                    );
                }
                exercised.insert((route.method, route.path.clone()));
                continue;
            }
            Access::Policy(..) => {}
        }
        let Access::Policy(object, action) = route.access else {
            continue;
        };
        for actor in actors {
            let what =
                |detail: &str| format!("{} {} {detail} as {actor:?}", route.method, route.path);
            let Some(actor) = actor else {
                let path = route.path.replace("{id}", "x").replace("{kpi}", "revenue");
                let (status, body) = app.call(route.method, &path, None, Some(&json!({}))).await;
                // Pages send signed-out visitors to the login page instead of 401.
                let expected = match route.endpoint.is_browser() {
                    true => StatusCode::SEE_OTHER,
                    false => StatusCode::UNAUTHORIZED,
                };
                tally.check(what(""), status, &[expected], &body);
                continue;
            };
            let reach = cell(&table, object, action.as_str(), actor);
            if reach == "-" {
                let path = route.path.replace("{id}", "x").replace("{kpi}", "revenue");
                let (status, body) = app
                    .call(route.method, &path, Some(actor), Some(&json!({})))
                    .await;
                tally.check(what("(never)"), status, &[StatusCode::FORBIDDEN], &body);
                continue;
            }
            match route.endpoint {
                Endpoint::List(kind) => {
                    let path = format!("/api/v1/{kind}?per_page=500");
                    let (status, body) = app.call("GET", &path, Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                    let expected: BTreeSet<String> = fixture(kind)
                        .into_iter()
                        .filter(|(_, owner)| reaches(&reach, actor, *owner))
                        .map(|(id, _)| id.to_string())
                        .collect();
                    let got = ids_of(&body, kind);
                    tally.cells += 1;
                    if got != expected {
                        tally
                            .failures
                            .push(format!("{}: ids {got:?}, expected {expected:?}", what("")));
                    }
                }
                Endpoint::Export(kind) => {
                    let expected: BTreeSet<String> = fixture(kind)
                        .into_iter()
                        .filter(|(_, owner)| reaches(&reach, actor, *owner))
                        .map(|(id, _)| id.to_string())
                        .collect();
                    for format in ["csv", "xlsx"] {
                        let path = format!("/api/v1/{kind}/export?format={format}");
                        let (status, bytes) = app.download(&path, actor).await;
                        tally.check(what(format), status, &[StatusCode::OK], &Value::Null);
                        let got = crate::exports::exported_ids(kind, &bytes);
                        tally.cells += 1;
                        if got != expected {
                            tally.failures.push(format!(
                                "{}: ids {got:?}, expected {expected:?}",
                                what(format)
                            ));
                        }
                    }
                }
                Endpoint::Get(kind) => {
                    for (id, owner) in fixture(kind) {
                        let path = format!("/api/v1/{kind}/{id}");
                        let (status, body) = app.call("GET", &path, Some(actor), None).await;
                        let expected = match reaches(&reach, actor, owner) {
                            true => StatusCode::OK,
                            false => StatusCode::NOT_FOUND,
                        };
                        tally.check(what(id), status, &[expected], &body);
                    }
                }
                Endpoint::Update(kind) => {
                    for (id, owner) in fixture(kind) {
                        let path = format!("/api/v1/{kind}/{id}");
                        let (status, body) = app
                            .call("PATCH", &path, Some(actor), Some(&update_body(kind)))
                            .await;
                        let expected = match reaches(&reach, actor, owner) {
                            true => StatusCode::OK,
                            false => StatusCode::NOT_FOUND,
                        };
                        tally.check(what(id), status, &[expected], &body);
                    }
                }
                Endpoint::Create(kind) => {
                    let path = format!("/api/v1/{kind}");
                    let (status, body) = app
                        .call("POST", &path, Some(actor), Some(&create_body(kind, actor)))
                        .await;
                    tally.check(what("own"), status, &[StatusCode::CREATED], &body);
                    if let Some((mut foreign, refused)) = foreign_body(kind, actor) {
                        if kind == "targets" {
                            foreign["period"] = json!("2024-04");
                        }
                        let (status, body) =
                            app.call("POST", &path, Some(actor), Some(&foreign)).await;
                        let expected = if reach == "all" {
                            StatusCode::CREATED
                        } else {
                            refused
                        };
                        tally.check(what("foreign"), status, &[expected], &body);
                    }
                }
                Endpoint::Delete(_) => {
                    // Checked in `deleting_follows_the_policy`, on fresh data.
                }
                Endpoint::Kpis | Endpoint::KpisExport | Endpoint::Explain | Endpoint::Dashboard => {
                    let path = route.path.replace("{kpi}", "revenue") + "?period=2024";
                    let (status, body) = app.call("GET", &path, Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                }
                Endpoint::ImportUpload => {
                    let (status, body) = multipart_to(&app, "/api/v1/imports", Some(actor)).await;
                    tally.check(what(""), status, &[StatusCode::ACCEPTED], &body);
                }
                Endpoint::ImportPreview => {
                    let (status, body) =
                        multipart_to(&app, "/api/v1/imports/preview", Some(actor)).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                }
                Endpoint::ImportStatus | Endpoint::ImportRejected => {
                    let path = route.path.replace("{id}", "imp-none");
                    let (status, body) = app.call("GET", &path, Some(actor), None).await;
                    tally.check(what("(missing)"), status, &[StatusCode::NOT_FOUND], &body);
                }
                Endpoint::ImportPage => {
                    let (status, body) = app.call("GET", "/import", Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                }
                Endpoint::WebhookList => {
                    let (status, body) =
                        app.call("GET", "/api/v1/webhooks", Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                }
                Endpoint::WebhookCreate => {
                    let hook =
                        json!({"url": "http://127.0.0.1:9/hook", "events": ["record.created"]});
                    let (status, body) = app
                        .call("POST", "/api/v1/webhooks", Some(actor), Some(&hook))
                        .await;
                    tally.check(what(""), status, &[StatusCode::CREATED], &body);
                }
                Endpoint::WebhookGet | Endpoint::WebhookDeliveries | Endpoint::WebhookDelete => {
                    let path = route.path.replace("{id}", "wh-none");
                    let (status, body) = app.call(route.method, &path, Some(actor), None).await;
                    tally.check(what("(missing)"), status, &[StatusCode::NOT_FOUND], &body);
                }
                Endpoint::SurveyLinkCreate => {
                    // A link for the caller's own customer, the pool's, and
                    // the other team's (404 like a missing one unless `all`).
                    let (_, foreign_customer, _) = foreign(actor);
                    for (customer, owner) in [
                        (own_customer(actor), Owner::User(actor_static(actor))),
                        ("c-pool", Owner::Pool),
                        (foreign_customer, Owner::User(foreign(actor).0)),
                    ] {
                        let (status, body) = app
                            .call(
                                "POST",
                                "/api/v1/survey-links",
                                Some(actor),
                                Some(&json!({"customer_id": customer})),
                            )
                            .await;
                        let expected = match reaches(&reach, actor, owner) {
                            true => StatusCode::CREATED,
                            false => StatusCode::NOT_FOUND,
                        };
                        tally.check(what(customer), status, &[expected], &body);
                    }
                }
                Endpoint::Audit => {
                    let (status, body) = app.call("GET", "/api/v1/audit", Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                }
                Endpoint::ListPage(_) | Endpoint::PoolPage | Endpoint::PipelinePage => {
                    let (path, kind, pool_only) = match route.endpoint {
                        Endpoint::PoolPage => ("/pool".to_string(), "customers", true),
                        Endpoint::PipelinePage => ("/pipeline".to_string(), "deals", false),
                        Endpoint::ListPage(kind) => (format!("/{kind}"), kind, false),
                        _ => unreachable!(),
                    };
                    let (status, html) = app.page(&path, Some(actor)).await;
                    tally.check(what(""), status, &[StatusCode::OK], &Value::Null);
                    let got = data_ids(&html);
                    // The fixture's records: those in reach are listed, the others not.
                    // (Records the create cells above made are the creators' own.)
                    for (id, owner) in fixture(kind) {
                        let shown =
                            reaches(&reach, actor, owner) && (!pool_only || owner == Owner::Pool);
                        tally.cells += 1;
                        if got.contains(id) != shown {
                            tally.failures.push(format!(
                                "{}: {id} listed {}, expected {shown}",
                                what(""),
                                got.contains(id)
                            ));
                        }
                    }
                    // And the page lists exactly what the API lists.
                    let filter = if pool_only { "&owner=" } else { "" };
                    let (_, listed) = app
                        .call(
                            "GET",
                            &format!("/api/v1/{kind}?per_page=500{filter}"),
                            Some(actor),
                            None,
                        )
                        .await;
                    let api_ids = ids_of(&listed, kind);
                    tally.cells += 1;
                    if got != api_ids {
                        tally.failures.push(format!(
                            "{}: page ids {got:?}, API ids {api_ids:?}",
                            what("")
                        ));
                    }
                }
                Endpoint::RecordPage(kind) => {
                    for (id, owner) in fixture(kind) {
                        let (status, _) = app.page(&format!("/{kind}/{id}"), Some(actor)).await;
                        let expected = match reaches(&reach, actor, owner) {
                            true => StatusCode::OK,
                            false => StatusCode::NOT_FOUND,
                        };
                        tally.check(what(id), status, &[expected], &Value::Null);
                    }
                }
                Endpoint::NewRecordPage(kind) => {
                    let (status, _) = app.page(&format!("/{kind}/new"), Some(actor)).await;
                    tally.check(what(""), status, &[StatusCode::OK], &Value::Null);
                }
                Endpoint::Alerts => {
                    // Alerts are the company's: whoever reads them reads all.
                    let (status, body) = app.call("GET", "/api/v1/alerts", Some(actor), None).await;
                    tally.check(what(""), status, &[StatusCode::OK], &body);
                    tally.cells += 1;
                    if body["items"][0]["week"] != json!("2024-W10")
                        || body["items"].as_array().map(Vec::len) != Some(1)
                    {
                        tally
                            .failures
                            .push(format!("{}: {body}", what("the raised alert")));
                    }
                }
                Endpoint::Health
                | Endpoint::OpenApi
                | Endpoint::Login
                | Endpoint::Logout
                | Endpoint::Me
                | Endpoint::MeUpdate
                | Endpoint::LoginPage
                | Endpoint::Setup
                | Endpoint::SetupPage
                | Endpoint::DashboardPage
                | Endpoint::ExplainPage
                | Endpoint::SurveyPage
                | Endpoint::SurveyAnswer
                | Endpoint::Asset => {
                    panic!("{} is not a policy route", route.path)
                }
            }
        }
        exercised.insert((route.method, route.path.clone()));
    }
    assert_eq!(exercised.len(), routes().len(), "every route is exercised");
    assert!(tally.cells > 500, "{} cells", tally.cells);
    assert!(
        tally.failures.is_empty(),
        "{} of {} cells differ:\n{}",
        tally.failures.len(),
        tally.cells,
        tally.failures.join("\n")
    );
}

/// The record ids a page lists (`data-id="…"` of its rows and cards).
fn data_ids(html: &str) -> BTreeSet<String> {
    html.split("data-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|id| id.replace("&#58;", ":").replace("&#x3a;", ":"))
        .collect()
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_table_says() {
    run_matrix(Db::Sqlite).await;
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_table_says_on_postgres() {
    if crate::common::postgres_url().is_none() {
        eprintln!("skipped: SALESBOARD_TEST_POSTGRES_URL is not set");
        return;
    }
    run_matrix(Db::Postgres).await;
}

#[tokio::test]
async fn deleting_follows_the_policy() {
    let table = documented();
    let mut tally = Tally::default();
    for route in routes() {
        let (Endpoint::Delete(kind), Access::Policy(object, action)) =
            (route.endpoint, route.access)
        else {
            continue;
        };
        let app = TestApp::spawn(Db::Sqlite).await;
        let mut gone: HashSet<&str> = HashSet::new();
        // Least reach first, so that what a wider reach deletes later was
        // still there for the narrower ones to be refused.
        for actor in [
            None,
            Some("repb"),
            Some("repa2"),
            Some("repa"),
            Some("mgr2"),
            Some("mgr1"),
            Some("admin"),
        ] {
            for (id, owner) in fixture(kind) {
                let path = format!("/api/v1/{kind}/{id}");
                let (status, body) = app.call("DELETE", &path, actor, None).await;
                let expected: Vec<StatusCode> = match actor {
                    None => vec![StatusCode::UNAUTHORIZED],
                    Some(actor) => {
                        let reach = cell(&table, object, action.as_str(), actor);
                        if reach == "-" {
                            vec![StatusCode::FORBIDDEN]
                        } else if reaches(&reach, actor, owner) && !gone.contains(id) {
                            vec![StatusCode::NO_CONTENT, StatusCode::CONFLICT]
                        } else {
                            vec![StatusCode::NOT_FOUND]
                        }
                    }
                };
                if status == StatusCode::NO_CONTENT {
                    gone.insert(id);
                }
                tally.check(
                    format!("DELETE {path} as {actor:?}"),
                    status,
                    &expected,
                    &body,
                );
            }
        }
    }
    assert!(tally.cells > 200, "{} cells", tally.cells);
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
}

#[test]
fn every_route_has_a_policy_row() {
    let table = documented();
    for route in routes() {
        if let Access::Policy(object, action) = route.access {
            assert!(
                table.contains_key(&(object.to_string(), action.as_str().to_string())),
                "{} {} has no row in docs/permissions.md",
                route.method,
                route.path
            );
        }
    }
}
