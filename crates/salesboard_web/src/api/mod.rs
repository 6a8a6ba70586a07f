//! The JSON API under `/api/v1`.

pub mod admin;
pub mod alerts;
pub mod kpis;
pub mod records;
pub mod webhooks;
