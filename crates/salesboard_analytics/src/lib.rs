//! The fast KPI engine: the records as columns (local day numbers, exact
//! integer amounts, dictionary-coded dimensions), sorted by day so that a
//! period is a range, answering in one pass what the reference
//! (`salesboard_domain::kpi`) computes record by record. It must give exactly
//! the reference's numbers; the tests compare the two on random companies.
//!
//! It covers every KPI of a period (revenue … CAC by channel, churn and CLV,
//! sales cycle, lead conversion, win rate, CSAT, NPS, the funnel and the rep
//! table), the dashboard's monthly trend and revenue by rep and by product,
//! and what the web dashboard draws (new vs returning revenue, product
//! totals, won deals' cycle days, new customers per channel). Filters and
//! breakdowns by any dimension are answered as the reference answers them
//! ([`Engine::report_by`]): every row carries what it is attributed to
//! (owner, customer, product, channel), a scope selects rows by their keys
//! ([`EngineView`]), and a time breakdown is a report per sub-period.

mod attribution;
mod board;
mod columns;
mod figures;
mod report;
mod reps;
mod selection;
mod view;

pub use board::ProductTotal;
pub use columns::Engine;
pub use figures::Ranked;
pub use view::EngineView;
