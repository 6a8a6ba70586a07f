//! The predictive CLV use case (`docs/kpis.md` §4 `clv_predictive`): reads
//! the records and settings from the store, as the KPI report does, and fits
//! the BG/NBD and Gamma-Gamma models of `salesboard_domain::kpi::predictive`.

use chrono::NaiveDate;
use salesboard_domain::kpi::predictive::{self, PredictiveClv};
use salesboard_store::Store;

use crate::kpi::{KpiError, kpi_input};

/// Fits both models on the counted orders before `to` (a local date in the
/// organization's time zone) and predicts the next 365 days; with
/// `per_customer`, every customer's prediction too.
pub async fn predictive_clv(
    store: &impl Store,
    to: NaiveDate,
    per_customer: bool,
) -> Result<PredictiveClv, KpiError> {
    let input = kpi_input(store).await?;
    Ok(predictive::predictive_clv(&input, to, per_customer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_store;

    #[tokio::test]
    async fn the_tiny_fixture_has_a_prediction_per_customer() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let to = predictive::parse_date("2024-04-01").unwrap_or_else(|e| panic!("{e}"));
        let result = predictive_clv(&store, to, true)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = result.per_customer.clone().unwrap_or_default();
        assert_eq!(rows.len(), result.customers);
        assert!(result.customers > 0);
        let json = serde_json::to_value(&result).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json["to"], "2024-04-01");
        for field in ["bgnbd", "gamma_gamma", "customers", "clv_predictive"] {
            assert!(json.get(field).is_some(), "{field} missing: {json}");
        }
        assert!(json["per_customer"][0].get("T").is_some(), "{json}");
    }
}
