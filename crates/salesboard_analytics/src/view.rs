//! The engine seen through a scope, as the reference's `View` sees the
//! facts: the rows the scope's conditions (the `--filter`s on record
//! dimensions, or one group of a breakdown) admit, every KPI computed over
//! them.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use salesboard_domain::Period;
use salesboard_domain::kpi::{Dimension, KpiFigures, RepRow, Scope};

use crate::board::ProductTotal;
use crate::columns::Engine;
use crate::selection::{Codes, Selection};

/// The engine through a scope.
#[derive(Debug, Clone)]
pub struct EngineView<'e> {
    engine: &'e Engine,
    conditions: Codes,
    segment_period: Period,
    rows: Arc<Selection>,
}

impl Engine {
    /// The engine through a scope: the rows whose keys meet every condition,
    /// the segment decided by the scope's period.
    pub fn view(&self, scope: &Scope) -> EngineView<'_> {
        let conditions: Codes = scope
            .conditions
            .iter()
            .map(|(dimension, key)| (*dimension, self.wanted(*dimension, key.as_deref())))
            .collect();
        EngineView {
            engine: self,
            rows: Arc::new(self.select(&conditions, &scope.segment_period).remembered()),
            conditions,
            segment_period: scope.segment_period,
        }
    }
}

impl<'e> EngineView<'e> {
    /// The same conditions with another period deciding the segment (the
    /// rows are shared unless a condition is on the segment).
    pub fn during(&self, segment_period: &Period) -> EngineView<'e> {
        let segment = self
            .conditions
            .iter()
            .any(|(dimension, _)| *dimension == Dimension::Segment);
        let rows = if segment && *segment_period != self.segment_period {
            Arc::new(
                self.engine
                    .select(&self.conditions, segment_period)
                    .remembered(),
            )
        } else {
            Arc::clone(&self.rows)
        };
        EngineView {
            engine: self.engine,
            conditions: self.conditions.clone(),
            segment_period: *segment_period,
            rows,
        }
    }

    /// The groups of a breakdown by a record dimension: every key the rows
    /// take at any date, ordered, `None` (rows without a value) last, each
    /// with the view narrowed to it.
    pub fn groups(&self, by: Dimension) -> Vec<(Option<String>, EngineView<'e>)> {
        self.engine
            .split(&self.rows, by, &self.segment_period)
            .into_iter()
            .map(|(key, code, rows)| {
                let mut conditions = self.conditions.clone();
                conditions.push((by, code));
                let view = EngineView {
                    engine: self.engine,
                    conditions,
                    segment_period: self.segment_period,
                    rows: Arc::new(rows.remembered()),
                };
                (key, view)
            })
            .collect()
    }

    /// Every KPI of the period.
    pub fn figures(&self, period: &Period) -> KpiFigures {
        self.engine.figures_of(&self.rows, period)
    }

    /// The rep table of the period.
    pub fn rep_table(&self, period: &Period) -> Vec<RepRow> {
        self.engine.rep_table_of(&self.rows, period)
    }

    /// Revenue of the period.
    pub fn revenue(&self, period: &Period) -> Decimal {
        self.engine.revenue_of(&self.rows, period)
    }

    /// Revenue of new and of returning customers (first order in the
    /// period or not).
    pub fn segment_revenue(&self, period: &Period) -> (Decimal, Decimal) {
        self.engine.segment_revenue_of(&self.rows, period)
    }

    /// Revenue and units of every SKU of the catalogue sold in the period.
    pub fn product_totals(&self, period: &Period) -> Vec<ProductTotal> {
        self.engine.product_totals_of(&self.rows, period)
    }

    /// Cycle days of the deals won in the period, sorted.
    pub fn won_cycle_days(&self, period: &Period) -> Vec<i64> {
        self.engine.won_cycle_days_of(&self.rows, period)
    }

    /// New customers of the period per acquisition channel.
    pub fn new_customers_by_channel(&self, period: &Period) -> BTreeMap<Option<&'e str>, usize> {
        self.engine.new_customers_by_channel_of(&self.rows, period)
    }
}
