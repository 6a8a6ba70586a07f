//! The fast KPI engine: the records as columns (local day numbers, exact
//! integer amounts, dictionary-coded dimensions), sorted by day so that a
//! period is a range, answering in one pass what the reference
//! (`salesboard_domain::kpi`) computes record by record. It must give exactly
//! the reference's numbers; the tests compare the two on random companies.
//!
//! It covers every KPI of a period without filters (revenue … CAC by
//! channel, churn and CLV, sales cycle, lead conversion, win rate, CSAT, NPS,
//! the funnel and the rep table) and the dashboard's monthly trend and revenue
//! by rep and by product, and what the web dashboard draws without filters
//! (new vs returning revenue, product totals, won deals' cycle days, new
//! customers per channel). Filters on what a customer is are answered by an
//! engine over the records they admit (`salesboard_app::kpi_filter`); other
//! filters and the other breakdowns still come from the reference.

mod board;
mod columns;
mod figures;
mod report;
mod reps;

pub use board::ProductTotal;
pub use columns::Engine;
pub use figures::Ranked;
