//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs, pages.

mod alerts;
mod common;
mod headers;
mod hostile_uploads;
mod imports;
mod kpis;
mod matrix;
mod pages;
mod reliability;
mod sessions;
mod webhooks;
