//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs, pages.

mod common;
mod headers;
mod kpis;
mod matrix;
mod pages;
mod sessions;
mod webhooks;
