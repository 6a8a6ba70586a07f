//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs, pages, survey links.

mod alerts;
mod common;
mod explain_languages;
mod export_round_trip;
mod exports;
mod headers;
mod hostile_uploads;
mod imports;
mod kpi_refresh;
mod kpis;
mod languages;
mod matrix;
mod pages;
mod reliability;
mod sessions;
mod surveys;
mod webhooks;
