//! The whole report of a period without filters, in the output contract's
//! shape, from the engine.

use salesboard_domain::Period;
use salesboard_domain::kpi::{KpiFigures, KpiReport};

use crate::columns::Engine;

impl Engine {
    /// Every KPI of `period` and the rep table, as `salesboard kpi` prints
    /// them (no filters, no groups).
    pub fn report(&self, period: &Period) -> KpiReport {
        let figures = self.figures(period);
        KpiReport {
            totals: KpiFigures {
                period: *period,
                revenue: figures.revenue,
                orders: figures.orders,
                units: figures.units,
                aov: figures.aov,
                gross_profit: figures.gross_profit,
                collected: figures.collected,
                receivable: figures.receivable,
                growth_rate: figures.growth_rate,
                yoy_growth_rate: figures.yoy_growth_rate,
                new_customers: figures.new_customers,
                acquisition_spend: figures.acquisition_spend,
                cac: figures.cac,
                cac_by_channel: figures.cac_by_channel,
                annual_churn_rate: figures.annual_churn_rate,
                lifespan_years: figures.lifespan_years,
                clv_profit: figures.clv_profit,
                clv_revenue: figures.clv_revenue,
                sales_cycle: figures.sales_cycle,
                lead_conversion_rate: figures.lead_conversion_rate,
                win_rate: figures.win_rate,
                csat: figures.csat,
                csat_avg_score: figures.csat_avg_score,
                csat_responses: figures.csat_responses,
                nps: figures.nps,
                funnel: self.funnel(period),
            },
            reps: self.rep_table(period),
            groups: None,
        }
    }
}
