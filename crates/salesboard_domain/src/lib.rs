//! Salesboard's domain: the records a sales team keeps, the value types they are
//! made of (money, time, periods), and parsing from text into those types.
//!
//! Pure: no I/O, no async. Everything else in the workspace builds on it.

pub mod dataset;
pub mod entities;
pub mod known;
pub mod kpi;
pub mod money;
pub mod normalize;
pub mod period;
pub mod time;
pub mod validation;

pub use dataset::Dataset;
pub use entities::*;
pub use money::{Discount, Money};
pub use period::Period;
pub use time::{OrgTimeZone, Timestamp};
pub use validation::ValidationError;
