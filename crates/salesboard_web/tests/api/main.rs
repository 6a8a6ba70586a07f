//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs.

mod common;
mod headers;
mod kpis;
mod matrix;
mod sessions;
mod webhooks;
