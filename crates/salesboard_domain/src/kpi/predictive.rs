//! §4 `clv_predictive` (预测客户终身价值): each customer's expected value in
//! the next 365 days, from the BG/NBD purchase model and the Gamma-Gamma
//! spend model fitted by maximum likelihood on the purchases before a
//! cut-off date.
//!
//! - [`rfm_summary`] turns the counted orders before `to` into each
//!   customer's frequency, recency, age and mean repeat value ("RFM"), in
//!   weeks, with purchases counted per local day.
//! - [`bgnbd`] and [`gamma_gamma`] hold the two models: likelihood, fit and
//!   conditional expectations.
//! - [`predictive_clv`] fits both and reports [`PredictiveClv`].
//!
//! Amounts are exact decimals until they enter the models, which are
//! floating point; the CLV leaves as an [`Amount`] (2 decimals in output).

pub mod bgnbd;
pub mod gamma_gamma;
mod optimize;
mod special;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use super::facts::before;
use super::{Amount, Facts, KpiInput};
use crate::ValidationError;

pub use bgnbd::{BgNbd, BgNbdFit};
pub use gamma_gamma::{GammaGamma, GammaGammaFit};

/// The prediction horizon: the next 365 days (§4), i.e. 365 / 7 ≈ 52.14 weeks.
pub const HORIZON_DAYS: i64 = 365;

/// Days in the models' time unit.
const DAYS_PER_WEEK: f64 = 7.0;

/// One customer's purchases before the cut-off, as the models see them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rfm {
    /// The customer's id.
    pub customer_id: String,
    /// Purchase days after the first (`x`).
    pub frequency: u32,
    /// Weeks from the first to the last purchase day (`t_x`).
    pub recency: f64,
    /// Weeks from the first purchase day to the last day before the cut-off
    /// (`T`).
    #[serde(rename = "T")]
    pub age: f64,
    /// The mean value of the repeat purchase days, the first excluded (`m̄`);
    /// `None` without a repeat purchase.
    pub monetary_value: Option<f64>,
}

/// Each customer with a counted order before `to`, by id: purchases are the
/// local days with counted orders (one customer's orders of one day are one
/// purchase, their line amounts summed).
pub fn rfm_summary(input: &KpiInput, to: NaiveDate) -> Vec<Rfm> {
    let facts = Facts::new(input);
    let mut days: BTreeMap<&str, BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
    for line in before(&facts.lines, to) {
        let fact = &line.record;
        *days
            .entry(fact.order.customer_id.as_str())
            .or_default()
            .entry(line.date)
            .or_default() += fact.amount;
    }
    let last_day = to.pred_opt().unwrap_or(to);
    let weeks = |from: NaiveDate, to: NaiveDate| (to - from).num_days() as f64 / DAYS_PER_WEEK;
    days.into_iter()
        .filter_map(|(customer_id, days)| {
            let (&first, _) = days.first_key_value()?;
            let (&last, _) = days.last_key_value()?;
            let repeats = days.len() - 1;
            let repeat_total: Decimal = days.values().skip(1).sum();
            let monetary_value = (repeats > 0)
                .then(|| repeat_total.checked_div(Decimal::from(repeats)))
                .flatten()
                .and_then(|mean| mean.to_f64());
            Some(Rfm {
                customer_id: customer_id.to_string(),
                frequency: u32::try_from(repeats).unwrap_or(u32::MAX),
                recency: weeks(first, last),
                age: weeks(first, last_day),
                monetary_value,
            })
        })
        .collect()
}

/// One customer's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerClv {
    /// The customer's history.
    #[serde(flatten)]
    pub rfm: Rfm,
    /// Expected purchases (days) in the horizon, from BG/NBD.
    pub expected_purchases: Option<f64>,
    /// Expected value of one purchase, from Gamma-Gamma (the population mean
    /// for a customer without repeat purchases).
    pub expected_average_value: Option<f64>,
    /// `expected_purchases × expected_average_value`.
    pub expected_value: Option<Amount>,
}

/// The fitted models and the predictive CLV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictiveClv {
    /// The cut-off: purchases before this local date are used.
    pub to: NaiveDate,
    /// The days predicted, from `to` on.
    pub horizon_days: i64,
    /// The purchase model; `None` without customers with repeat purchases.
    pub bgnbd: Option<BgNbdFit>,
    /// The spend model; `None` without customers whose repeat purchases
    /// averaged more than zero.
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Customers with a purchase before `to`.
    pub customers: usize,
    /// Of those, the ones with a repeat purchase.
    pub repeat_customers: usize,
    /// The mean expected value per customer over the horizon; `None` when
    /// a model is missing or there are no customers.
    pub clv_predictive: Option<Amount>,
    /// Every customer's prediction, by id, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_customer: Option<Vec<CustomerClv>>,
}

/// Fits both models on the purchases before `to` and predicts the next
/// [`HORIZON_DAYS`]; with `per_customer`, lists every customer.
pub fn predictive_clv(input: &KpiInput, to: NaiveDate, per_customer: bool) -> PredictiveClv {
    let summary = rfm_summary(input, to);
    let bgnbd = bgnbd::fit(&summary);
    let gamma_gamma = gamma_gamma::fit(&summary);
    let horizon = HORIZON_DAYS as f64 / DAYS_PER_WEEK;
    let values: Vec<(Option<f64>, Option<f64>, Option<f64>)> = summary
        .iter()
        .map(|c| {
            let purchases = bgnbd
                .map(|fit| {
                    fit.params
                        .expected_purchases(c.frequency, c.recency, c.age, horizon)
                })
                .filter(|n| n.is_finite());
            let average = gamma_gamma
                .and_then(|fit| {
                    fit.params
                        .expected_average_value(c.frequency, c.monetary_value)
                })
                .filter(|v| v.is_finite());
            let value = purchases.zip(average).map(|(n, v)| n * v);
            (purchases, average, value)
        })
        .collect();
    let total: Option<f64> = values.iter().map(|(_, _, value)| *value).sum();
    let clv_predictive = total
        .filter(|_| !values.is_empty())
        .and_then(|total| amount(total / values.len() as f64));
    PredictiveClv {
        to,
        horizon_days: HORIZON_DAYS,
        bgnbd,
        gamma_gamma,
        customers: summary.len(),
        repeat_customers: summary.iter().filter(|c| c.frequency > 0).count(),
        clv_predictive,
        per_customer: per_customer.then(|| {
            summary
                .into_iter()
                .zip(values)
                .map(|(rfm, (purchases, average, value))| CustomerClv {
                    rfm,
                    expected_purchases: purchases,
                    expected_average_value: average,
                    expected_value: value.and_then(amount),
                })
                .collect()
        }),
    }
}

/// A model's money figure as an amount (rounded to cents only in output).
fn amount(value: f64) -> Option<Amount> {
    Decimal::from_f64(value).map(Amount)
}

/// Parses a cut-off date, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ValidationError::new(format!("\"{text}\" is not a date (like 2024-03-05)")))
}

#[cfg(test)]
mod tests {
    use super::super::testdata::{customer, date, order};
    use super::*;
    use crate::{Dataset, OrderStatus};

    fn input(orders: Vec<crate::Order>) -> KpiInput {
        let ids = ["c1", "c2", "c3"];
        KpiInput {
            dataset: Dataset {
                customers: ids.map(|id| customer(id, "", "", "2023-12-01")).to_vec(),
                orders,
                ..Dataset::default()
            },
            ..KpiInput::default()
        }
    }

    fn sale(id: &str, customer: &str, when: &str, price: &str) -> crate::Order {
        order(
            id,
            customer,
            "",
            when,
            OrderStatus::Completed,
            &[("", price, 1, "")],
        )
    }

    fn history() -> KpiInput {
        let mut cancelled = sale("o5", "c1", "2024-01-20", "99");
        cancelled.status = OrderStatus::Cancelled;
        input(vec![
            sale("o1", "c1", "2024-01-01 09:00", "10"),
            sale("o2", "c1", "2024-01-01 23:30", "5"),
            order(
                "o3",
                "c1",
                "",
                "2024-01-15",
                OrderStatus::Completed,
                &[("", "12.5", 2, ""), ("", "10", -1, "")],
            ),
            cancelled,
            sale("o4", "c1", "2024-02-12", "30"),
            sale("o6", "c1", "2024-03-01", "1000"),
            sale("o7", "c2", "2024-02-29 23:59", "40"),
            sale("o8", "c3", "2024-03-01 00:00", "40"),
        ])
    }

    #[test]
    fn purchases_are_counted_per_local_day_before_the_cut_off() {
        let summary = rfm_summary(&history(), date(2024, 3, 1));
        let expected = [
            Rfm {
                customer_id: "c1".into(),
                frequency: 2,
                recency: 42.0 / 7.0,
                age: 59.0 / 7.0,
                // (12.5 × 2 − 10 + 30) / 2; the first day (10 + 5) excluded.
                monetary_value: Some(22.5),
            },
            Rfm {
                customer_id: "c2".into(),
                frequency: 0,
                recency: 0.0,
                age: 0.0,
                monetary_value: None,
            },
        ];
        assert_eq!(summary, expected);
    }

    #[test]
    fn without_customers_nothing_is_fitted() {
        let result = predictive_clv(&input(Vec::new()), date(2024, 3, 1), true);
        assert_eq!(result.customers, 0);
        assert_eq!(result.bgnbd, None);
        assert_eq!(result.gamma_gamma, None);
        assert_eq!(result.clv_predictive, None);
        assert_eq!(result.per_customer, Some(Vec::new()));
    }

    #[test]
    fn without_repeat_purchases_there_is_no_clv() {
        let once = input(vec![
            sale("o1", "c1", "2024-01-01", "10"),
            sale("o2", "c2", "2024-02-01", "20"),
            sale("o3", "c2", "2024-03-05", "20"),
        ]);
        let result = predictive_clv(&once, date(2024, 3, 1), false);
        assert_eq!((result.customers, result.repeat_customers), (2, 0));
        assert_eq!(result.gamma_gamma, None);
        assert_eq!(result.clv_predictive, None);
        assert_eq!(result.bgnbd, None);
        assert_eq!(result.per_customer, None);
    }

    #[test]
    fn the_cut_off_parses_as_a_date() {
        assert_eq!(parse_date(" 1997-10-01 "), Ok(date(1997, 10, 1)));
        assert!(parse_date("1997-13-01").is_err());
    }
}
