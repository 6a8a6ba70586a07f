//! The whole report of a period without filters, in the output contract's
//! shape, from the engine.

use salesboard_domain::Period;
use salesboard_domain::kpi::KpiReport;

use crate::columns::Engine;

impl Engine {
    /// Every KPI of `period` and the rep table, as `salesboard kpi` prints
    /// them (no filters, no groups).
    pub fn report(&self, period: &Period) -> KpiReport {
        KpiReport {
            totals: self.figures(period),
            reps: self.rep_table(period),
            groups: None,
        }
    }
}
