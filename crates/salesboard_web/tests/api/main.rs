//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs, pages, survey links.

mod common;
mod export_round_trip;
mod exports;
mod headers;
mod imports;
mod kpis;
mod matrix;
mod pages;
mod reliability;
mod sessions;
mod surveys;
mod webhooks;
