//! Salesboard's use cases, shared by the command line and the web server:
//! opening a store from a URL, importing files, generating demo data, users
//! and settings. No SQL here: everything goes through the `Store` trait.

pub mod alerts;
pub mod auth;
pub mod clv;
pub mod demo;
pub mod import;
pub mod import_preview;
pub mod kpi;
pub mod kpi_board;
pub mod kpi_refresh;
pub mod kpi_scope;
pub mod kpi_serving;
pub mod kpi_table;
pub mod policy;
pub mod records;
pub mod settings;
pub mod store;
pub mod surveys;
pub mod users;
pub mod webhooks;

#[cfg(test)]
mod test_support;

pub use store::{AppStore, open_store};
