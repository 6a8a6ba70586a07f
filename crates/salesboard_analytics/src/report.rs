//! The whole report in the output contract's shape, from the engine: a
//! period, with filters and a breakdown as `salesboard_domain::kpi::kpi_report`
//! reads them.

use salesboard_domain::kpi::breakdown::{apply_filters, time_groups};
use salesboard_domain::kpi::{Dimension, KpiGroup, KpiReport};
use salesboard_domain::{Period, ValidationError};

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

    /// The report of `kpi_report(input, period, stage_order, by, filters)`
    /// over the engine's records: time filters narrow the period, the others
    /// select rows by their keys; a time breakdown computes each clipped
    /// sub-period as a report of its own, a record breakdown each key's rows.
    pub fn report_by(
        &self,
        period: Period,
        by: Option<Dimension>,
        filters: &[(Dimension, String)],
    ) -> Result<KpiReport, ValidationError> {
        let (period, scope) = apply_filters(period, filters)?;
        let view = self.view(&scope);
        let groups = by.map(|by| {
            if by.is_time() {
                time_groups(&period, by)
                    .into_iter()
                    .map(|(key, part)| KpiGroup {
                        key: Some(key),
                        figures: view.during(&part).figures(&part),
                    })
                    .collect()
            } else {
                view.groups(by)
                    .into_iter()
                    .map(|(key, group)| KpiGroup {
                        key,
                        figures: group.figures(&period),
                    })
                    .collect()
            }
        });
        Ok(KpiReport {
            totals: view.figures(&period),
            reps: view.rep_table(&period),
            groups,
        })
    }
}
