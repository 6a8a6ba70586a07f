//! Salesboard's use cases, shared by the command line and the web server:
//! opening a store from a URL, importing files, generating demo data, users.

pub mod demo;
