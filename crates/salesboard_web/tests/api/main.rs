//! The API's integration tests, one binary: permissions, sessions, security
//! headers, KPIs.

mod common;
mod headers;
mod imports;
mod kpis;
mod matrix;
mod reliability;
mod sessions;
mod webhooks;
