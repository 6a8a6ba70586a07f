//! The KPI reference: every KPI of `docs/kpis.md`, as plain functions over the
//! records, written to be read next to the spec.
//!
//! - [`KpiInput`] is what the KPIs are computed from: the records, the deal
//!   stage history, the time zone and the lifespan setting.
//! - [`Facts`] prepares the input once: counted order lines with their exact
//!   amounts, every record with its local date, sorted by date, and customers'
//!   first orders.
//! - [`View`] is the facts seen through a [`Scope`] (the `--filter`s, or one
//!   group of a breakdown); every KPI function takes a view and a [`Period`].
//! - [`report::kpi_report`] assembles the output contract, [`KpiReport`].
//!
//! Money is summed exactly in [`Decimal`]; a quotient is kept as a
//! [`Fraction`] and divided once, at the end, so that rounding to cents (half
//! away from zero) happens only in the output. A ratio whose denominator is
//! zero is `None`.

pub mod breakdown;
pub mod customers;
pub mod explain;
pub mod facts;
pub mod lifetime;
pub mod pipeline;
pub mod predictive;
pub mod report;
pub mod reps;
pub mod revenue;
pub mod satisfaction;
pub mod scope;

#[cfg(test)]
mod testdata;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::{Dataset, OrgTimeZone, StageChange};

pub use breakdown::{Dimension, parse_filter, period_between};
pub use facts::Facts;
pub use report::{Amount, FunnelStage, KpiFigures, KpiGroup, KpiReport, SalesCycle, kpi_report};
pub use reps::RepRow;
pub use scope::{Scope, View};

/// Everything the KPIs are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KpiInput {
    /// Every stored record.
    pub dataset: Dataset,
    /// The deal stage history, oldest first.
    pub stage_changes: Vec<StageChange>,
    /// The organization's time zone, in which dates and periods are counted.
    pub time_zone: OrgTimeZone,
    /// The setting `customer_lifespan_years`, when set (CLV uses it instead of
    /// 1 / churn).
    pub customer_lifespan_years: Option<Decimal>,
}

/// An exact quotient `numerator / denominator`, divided only when reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    /// Above the line.
    pub numerator: Decimal,
    /// Below the line; zero makes the value `None`.
    pub denominator: Decimal,
}

impl Fraction {
    /// `numerator / denominator`.
    pub fn new(numerator: impl Into<Decimal>, denominator: impl Into<Decimal>) -> Self {
        Fraction {
            numerator: numerator.into(),
            denominator: denominator.into(),
        }
    }

    /// A whole value (`value / 1`).
    pub fn whole(value: impl Into<Decimal>) -> Self {
        Fraction::new(value, Decimal::ONE)
    }

    /// The product of two fractions.
    pub fn times(self, other: Fraction) -> Option<Fraction> {
        Some(Fraction {
            numerator: self.numerator.checked_mul(other.numerator)?,
            denominator: self.denominator.checked_mul(other.denominator)?,
        })
    }

    /// The difference of two fractions, over the product of their denominators.
    pub fn minus(self, other: Fraction) -> Option<Fraction> {
        let left = self.numerator.checked_mul(other.denominator)?;
        let right = other.numerator.checked_mul(self.denominator)?;
        Some(Fraction {
            numerator: left.checked_sub(right)?,
            denominator: self.denominator.checked_mul(other.denominator)?,
        })
    }

    /// The quotient as a decimal (28 significant digits), `None` for a zero
    /// denominator.
    pub fn value(self) -> Option<Decimal> {
        if self.denominator.is_zero() {
            return None;
        }
        self.numerator.checked_div(self.denominator)
    }

    /// The quotient as a float, for ratios and averages in the output: the
    /// float nearest to the decimal quotient (Rust's float parsing rounds
    /// correctly; `Decimal::to_f64` may be off in the last bit).
    pub fn ratio(self) -> Option<f64> {
        let value = self.value()?;
        value.to_string().parse().ok().or_else(|| value.to_f64())
    }
}

/// The count of something, as an exact decimal for fractions.
pub(crate) fn count(n: usize) -> Decimal {
    Decimal::from(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_denominator_has_no_value() {
        assert_eq!(Fraction::new(5, 0).value(), None);
        assert_eq!(Fraction::new(0, 0).ratio(), None);
        assert_eq!(Fraction::new(0, 4).ratio(), Some(0.0));
        assert_eq!(Fraction::new(1, 3).ratio(), Some(1.0 / 3.0));
        assert_eq!(Fraction::new(-17, 23).ratio(), Some(-17.0 / 23.0));
    }

    #[test]
    fn fractions_combine_exactly() {
        let third = Fraction::new(1, 3);
        let product = third.times(Fraction::whole(3)).and_then(Fraction::value);
        assert_eq!(product, Some(Decimal::ONE));
        let difference = Fraction::new(1, 2)
            .minus(Fraction::new(1, 3))
            .and_then(|f| f.times(Fraction::whole(6)))
            .and_then(Fraction::value);
        assert_eq!(difference, Some(Decimal::ONE));
    }
}
