//! The fast KPI engine: the records as columns (local day numbers, exact
//! integer amounts, dictionary-coded dimensions), sorted by day so that a
//! period is a range, answering in one pass what the reference
//! (`salesboard_domain::kpi`) computes record by record. It must give exactly
//! the reference's numbers; the tests compare the two on random companies.
//!
//! This first part covers revenue, orders, units, AOV, gross profit,
//! collected, receivable, growth, new customers, spend, CAC, the sales cycle,
//! the win rate, CSAT and NPS of a period, and the dashboard's monthly trend
//! and revenue by rep and by product. The other KPIs (CAC by channel, churn
//! and CLV, lead conversion, the funnel, the rep table) and filters still come
//! from the reference.

mod columns;

pub use columns::{CoreFigures, Engine, Ranked};
