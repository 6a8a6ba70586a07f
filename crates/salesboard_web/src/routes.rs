//! Every route the server answers, with the policy row it is checked
//! against: the router, the OpenAPI document and the permission tests are
//! all built from this one list, so a route cannot exist without a policy.

use salesboard_app::policy::Action;
use salesboard_store::records::ALL_KINDS;

/// Who may call a route at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anybody, signed in or not.
    Public,
    /// Anybody signed in.
    SignedIn,
    /// As the policy table says for this object and action.
    Policy(&'static str, Action),
}

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Readiness.
    Health,
    /// The OpenAPI document.
    OpenApi,
    /// Log in.
    Login,
    /// Log out.
    Logout,
    /// The one-time setup of the first admin.
    Setup,
    /// The one-time setup page.
    SetupPage,
    /// Who am I.
    Me,
    /// Change my own preferences (the UI language).
    MeUpdate,
    /// A page of records of a kind.
    List(&'static str),
    /// Every record of a kind the caller may read, as CSV or XLSX.
    Export(&'static str),
    /// One record.
    Get(&'static str),
    /// A new record.
    Create(&'static str),
    /// Change a record.
    Update(&'static str),
    /// Delete a record.
    Delete(&'static str),
    /// The KPI report.
    Kpis,
    /// The KPI table as CSV or XLSX.
    KpisExport,
    /// A KPI explained.
    Explain,
    /// The dashboard.
    Dashboard,
    /// Upload an import.
    ImportUpload,
    /// Check one file as an import would, writing nothing.
    ImportPreview,
    /// An import's progress and report.
    ImportStatus,
    /// An import's rejected rows, as CSV.
    ImportRejected,
    /// The audit log.
    Audit,
    /// The webhooks.
    WebhookList,
    /// A new webhook.
    WebhookCreate,
    /// One webhook.
    WebhookGet,
    /// Delete a webhook.
    WebhookDelete,
    /// A webhook's deliveries.
    WebhookDeliveries,
    /// A new one-time survey link for a customer.
    SurveyLinkCreate,
    /// A survey link's form (HTML, no login: the token is the credential).
    SurveyPage,
    /// A survey link's answer (form post, HTML).
    SurveyAnswer,
    /// The KPI alerts raised.
    Alerts,
    /// The login page (HTML).
    LoginPage,
    /// The dashboard page (HTML); signed-out visitors go to the login page.
    DashboardPage,
    /// A KPI's explanation page (HTML).
    ExplainPage,
    /// The import page (HTML).
    ImportPage,
    /// An embedded script or style sheet.
    Asset,
    /// A list of records of a kind (HTML), with search, filters and export.
    ListPage(&'static str),
    /// One record (HTML): a customer's page, or any record's form.
    RecordPage(&'static str),
    /// The form for a new record of a kind (HTML).
    NewRecordPage(&'static str),
    /// The public customer pool (公海) (HTML).
    PoolPage,
    /// The deals as a pipeline board (HTML).
    PipelinePage,
}

impl Endpoint {
    /// Whether the route is for browsers (a page or an asset) rather than
    /// part of the JSON API; such routes are left out of the OpenAPI document.
    pub fn is_browser(&self) -> bool {
        matches!(
            self,
            Endpoint::LoginPage
                | Endpoint::SetupPage
                | Endpoint::DashboardPage
                | Endpoint::ExplainPage
                | Endpoint::ImportPage
                | Endpoint::SurveyPage
                | Endpoint::SurveyAnswer
                | Endpoint::Asset
                | Endpoint::ListPage(_)
                | Endpoint::RecordPage(_)
                | Endpoint::NewRecordPage(_)
                | Endpoint::PoolPage
                | Endpoint::PipelinePage
        )
    }
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, `PATCH`, `DELETE`.
    pub method: &'static str,
    /// The path, with `{id}`-style parameters.
    pub path: String,
    /// Who may call it.
    pub access: Access,
    /// What it does.
    pub endpoint: Endpoint,
    /// One line for the OpenAPI document.
    pub summary: String,
}

fn route(
    method: &'static str,
    path: &str,
    access: Access,
    endpoint: Endpoint,
    summary: &str,
) -> Route {
    Route {
        method,
        path: path.to_string(),
        access,
        endpoint,
        summary: summary.to_string(),
    }
}

/// Kinds the API reads but does not write (teams come from users' `team`).
pub const READ_ONLY_KINDS: [&str; 1] = ["teams"];

/// Every route, in the order the OpenAPI document lists them.
pub fn routes() -> Vec<Route> {
    use Access::*;
    let mut all = vec![
        route(
            "GET",
            "/healthz",
            Public,
            Endpoint::Health,
            "Ready when migrations ran and the KPI engine is loaded",
        ),
        route(
            "GET",
            "/api/v1/openapi.json",
            Public,
            Endpoint::OpenApi,
            "This document",
        ),
        route(
            "POST",
            "/api/v1/login",
            Public,
            Endpoint::Login,
            "Log in; sets the session cookie",
        ),
        route(
            "POST",
            "/api/v1/logout",
            SignedIn,
            Endpoint::Logout,
            "Log out; ends the session",
        ),
        route(
            "POST",
            "/api/v1/setup",
            Public,
            Endpoint::Setup,
            "On a database where nobody can log in yet: make the first admin (once)",
        ),
        route(
            "GET",
            "/setup",
            Public,
            Endpoint::SetupPage,
            "The one-time setup page",
        ),
        route(
            "GET",
            "/api/v1/me",
            SignedIn,
            Endpoint::Me,
            "The signed-in user and the CSRF token",
        ),
        route(
            "PATCH",
            "/api/v1/me",
            SignedIn,
            Endpoint::MeUpdate,
            "Keep my UI language (zh, en, or empty for the browser's)",
        ),
    ];
    for kind in ALL_KINDS {
        let name = kind.name;
        let collection = format!("/api/v1/{name}");
        let item = format!("/api/v1/{name}/{{id}}");
        all.push(route(
            "GET",
            &collection,
            Policy(name, Action::Read),
            Endpoint::List(name),
            &format!("List {name} (paging, sorting, filtering, search)"),
        ));
        all.push(route(
            "GET",
            &format!("/api/v1/{name}/export"),
            Policy(name, Action::Read),
            Endpoint::Export(name),
            &format!("Every one of the {name} you may read, with the list's filters, search and sort, as CSV or XLSX"),
        ));
        all.push(route(
            "GET",
            &item,
            Policy(name, Action::Read),
            Endpoint::Get(name),
            &format!("One of the {name}"),
        ));
        if READ_ONLY_KINDS.contains(&name) {
            continue;
        }
        all.push(route(
            "POST",
            &collection,
            Policy(name, Action::Create),
            Endpoint::Create(name),
            &format!("Create one of the {name}"),
        ));
        all.push(route(
            "PATCH",
            &item,
            Policy(name, Action::Update),
            Endpoint::Update(name),
            &format!("Change fields of one of the {name}"),
        ));
        all.push(route(
            "DELETE",
            &item,
            Policy(name, Action::Delete),
            Endpoint::Delete(name),
            &format!("Delete one of the {name}"),
        ));
    }
    all.extend([
        route(
            "GET",
            "/api/v1/kpis",
            Policy("kpis", Action::Read),
            Endpoint::Kpis,
            "Every KPI of a period (the output contract of docs/kpis.md)",
        ),
        route(
            "GET",
            "/api/v1/kpis/export",
            Policy("kpis", Action::Read),
            Endpoint::KpisExport,
            "The KPI table (totals and groups, one column per KPI) as CSV or XLSX",
        ),
        route(
            "GET",
            "/api/v1/kpis/explain/{kpi}",
            Policy("kpis", Action::Read),
            Endpoint::Explain,
            "How one KPI was computed: formula, numbers, inputs and records",
        ),
        route(
            "GET",
            "/api/v1/dashboard",
            Policy("kpis", Action::Read),
            Endpoint::Dashboard,
            "Everything the dashboard shows, in one response",
        ),
        route(
            "POST",
            "/api/v1/imports",
            Policy("imports", Action::Create),
            Endpoint::ImportUpload,
            "Upload files to import (multipart)",
        ),
        route(
            "POST",
            "/api/v1/imports/preview",
            Policy("imports", Action::Create),
            Endpoint::ImportPreview,
            "Check one file as an import would (mapping, first rows, every problem); writes nothing",
        ),
        route(
            "GET",
            "/api/v1/imports/{id}",
            Policy("imports", Action::Create),
            Endpoint::ImportStatus,
            "An import's progress and report (only its starter or an admin sees it)",
        ),
        route(
            "GET",
            "/api/v1/imports/{id}/rejected",
            Policy("imports", Action::Create),
            Endpoint::ImportRejected,
            "An import's rejected rows as CSV, to fix and import again",
        ),
        route(
            "GET",
            "/api/v1/audit",
            Policy("audit", Action::Read),
            Endpoint::Audit,
            "The audit log, newest first",
        ),
        route(
            "GET",
            "/api/v1/webhooks",
            Policy("webhooks", Action::Read),
            Endpoint::WebhookList,
            "The webhooks",
        ),
        route(
            "POST",
            "/api/v1/webhooks",
            Policy("webhooks", Action::Create),
            Endpoint::WebhookCreate,
            "A new webhook; its signing secret is shown once",
        ),
        route(
            "GET",
            "/api/v1/webhooks/{id}",
            Policy("webhooks", Action::Read),
            Endpoint::WebhookGet,
            "One webhook",
        ),
        route(
            "DELETE",
            "/api/v1/webhooks/{id}",
            Policy("webhooks", Action::Delete),
            Endpoint::WebhookDelete,
            "Delete a webhook and its deliveries",
        ),
        route(
            "GET",
            "/api/v1/webhooks/{id}/deliveries",
            Policy("webhooks", Action::Read),
            Endpoint::WebhookDeliveries,
            "A webhook's deliveries, newest first",
        ),
        route(
            "POST",
            "/api/v1/survey-links",
            Policy("survey_links", Action::Create),
            Endpoint::SurveyLinkCreate,
            "A one-time survey link for a customer; its token is shown this once",
        ),
        route(
            "GET",
            "/api/v1/alerts",
            Policy("alerts", Action::Read),
            Endpoint::Alerts,
            "The KPI alerts raised (a week much worse than the 4 before), newest first",
        ),
    ]);
    all.extend([
        route(
            "GET",
            "/",
            SignedIn,
            Endpoint::DashboardPage,
            "The KPI dashboard (HTML)",
        ),
        route(
            "GET",
            "/login",
            Public,
            Endpoint::LoginPage,
            "The login page (HTML)",
        ),
        route(
            "GET",
            "/explain/{kpi}",
            SignedIn,
            Endpoint::ExplainPage,
            "How one KPI was computed (HTML)",
        ),
        route(
            "GET",
            "/import",
            Policy("imports", Action::Create),
            Endpoint::ImportPage,
            "Import files: preview, mapping, progress and report (HTML)",
        ),
        route(
            "GET",
            "/assets/{name}",
            Public,
            Endpoint::Asset,
            "An embedded script or style sheet",
        ),
        route(
            "GET",
            "/pool",
            Policy("customers", Action::Read),
            Endpoint::PoolPage,
            "The public customer pool (HTML)",
        ),
        route(
            "GET",
            "/pipeline",
            Policy("deals", Action::Read),
            Endpoint::PipelinePage,
            "The deals as a pipeline board (HTML)",
        ),
        route(
            "GET",
            "/s/{token}",
            Public,
            Endpoint::SurveyPage,
            "A survey link's form (HTML)",
        ),
        route(
            "POST",
            "/s/{token}",
            Public,
            Endpoint::SurveyAnswer,
            "A survey link's answer (form post, HTML)",
        ),
    ]);
    for kind in ALL_KINDS {
        let name = kind.name;
        all.push(route(
            "GET",
            &format!("/{name}"),
            Policy(name, Action::Read),
            Endpoint::ListPage(name),
            &format!("The {name} list (HTML)"),
        ));
        all.push(route(
            "GET",
            &format!("/{name}/{{id}}"),
            Policy(name, Action::Read),
            Endpoint::RecordPage(name),
            &format!("One of the {name} (HTML)"),
        ));
        if !READ_ONLY_KINDS.contains(&name) {
            all.push(route(
                "GET",
                &format!("/{name}/new"),
                Policy(name, Action::Create),
                Endpoint::NewRecordPage(name),
                &format!("The form for new {name} (HTML)"),
            ));
        }
    }
    all
}
