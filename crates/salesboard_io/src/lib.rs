//! Reading and writing the files people exchange with Salesboard: the
//! canonical import files (CSV in UTF-8 or GBK, XLSX; English or Chinese
//! headers) and exports. Pure over bytes and writers: no database.

pub mod export;
pub mod import;

pub use import::{
    FileKind, ImportOptions, ImportOutcome, Problem, SourceFile, Table, read_table, validate,
};
