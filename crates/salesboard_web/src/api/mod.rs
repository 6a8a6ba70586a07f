//! The JSON API under `/api/v1`.

pub mod admin;
pub mod alerts;
pub mod exports;
pub mod import_jobs;
mod import_text;
pub mod imports;
pub mod kpis;
pub mod records;
pub mod survey_links;
pub mod webhooks;
