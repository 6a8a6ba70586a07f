//! The JSON API under `/api/v1`.

pub mod admin;
pub mod kpis;
pub mod records;
pub mod survey_links;
pub mod webhooks;
