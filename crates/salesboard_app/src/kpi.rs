//! The KPI report use case: reads the records, the stage history, the
//! pipeline and the settings from the store and hands them to the KPI
//! engine (`salesboard_analytics`), which computes `docs/kpis.md` as the
//! reference (`salesboard_domain::kpi`) does; and "explain", which shows how
//! one KPI of the report was computed.

use std::str::FromStr;

use rust_decimal::Decimal;
use salesboard_domain::Period;
use salesboard_domain::ValidationError;
use salesboard_domain::kpi::explain::{self, Explanation, KpiName};
use salesboard_domain::kpi::{Dimension, KpiInput, KpiReport};
use salesboard_store::{Store, StoreError};

use crate::settings::{self, SettingsError};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A setting is not valid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A filter or the period is not valid.
    #[error("{0}")]
    Invalid(#[from] ValidationError),
}

/// Every KPI of `period` (narrowed by time filters, over the records the
/// other filters select), the rep table, and with `by` the groups, from the
/// engine (`salesboard_analytics`), which is tested to agree with the
/// reference (`salesboard_domain::kpi::kpi_report`) under every breakdown
/// and filter.
pub async fn kpi_report(
    store: &impl Store,
    period: Period,
    by: Option<Dimension>,
    filters: &[(Dimension, String)],
) -> Result<KpiReport, KpiError> {
    let input = kpi_input(store).await?;
    let stage_order = stage_order(store).await?;
    let engine = salesboard_analytics::Engine::new(&input, &stage_order);
    Ok(engine.report_by(period, by, filters)?)
}

/// How one KPI of the report for `period` and `filters` was computed: its
/// formula, the numbers, the inputs and the records behind them.
pub async fn explain_kpi(
    store: &impl Store,
    kpi: &KpiName,
    period: Period,
    filters: &[(Dimension, String)],
) -> Result<Explanation, KpiError> {
    let input = kpi_input(store).await?;
    Ok(explain::explain_report(&input, kpi, period, filters)?)
}

/// What the KPIs are computed from, read from the store, in the order
/// [`canonical_order`](crate::kpi_refresh::canonical_order) gives.
pub async fn kpi_input(store: &impl Store) -> Result<KpiInput, KpiError> {
    let mut input = KpiInput {
        dataset: store.read_dataset().await?,
        stage_changes: store.stage_changes().await?,
        time_zone: settings::timezone(store).await?,
        customer_lifespan_years: customer_lifespan_years(store).await?,
    };
    crate::kpi_refresh::canonical_order(&mut input);
    Ok(input)
}

/// The pipeline's stage codes, first stage first.
pub async fn stage_order(store: &impl Store) -> Result<Vec<String>, KpiError> {
    let mut stages = store.pipeline_stages().await?;
    stages.sort_by_key(|stage| stage.position);
    Ok(stages.into_iter().map(|stage| stage.code).collect())
}

/// The setting `customer_lifespan_years` (empty or missing: none).
pub async fn customer_lifespan_years(store: &impl Store) -> Result<Option<Decimal>, KpiError> {
    let Some(text) = store.setting("customer_lifespan_years").await? else {
        return Ok(None);
    };
    parse_years(&text).map_err(|e| KpiError::Settings(SettingsError::Invalid(e.to_string())))
}

fn parse_years(text: &str) -> Result<Option<Decimal>, ValidationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(trimmed)
        .or_else(|_| Decimal::from_scientific(trimmed))
        .ok()
        .filter(|years| *years > Decimal::ZERO)
        .map(Some)
        .ok_or_else(|| {
            ValidationError::new(format!(
                "setting customer_lifespan_years: \"{text}\" is not a positive number of years"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_store;

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_lifespan_setting_parses_or_is_refused() {
        assert_eq!(parse_years(""), Ok(None));
        assert_eq!(parse_years(" 2.5 "), Ok(Some(Decimal::new(25, 1))));
        assert!(parse_years("abc").is_err());
        assert!(parse_years("-1").is_err());
    }

    #[tokio::test]
    async fn the_report_serializes_to_the_contract() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let report = kpi_report(&store, period("2024-Q1"), None, &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_value(&report).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            json["period"],
            serde_json::json!({"from": "2024-01-01", "to": "2024-04-01"})
        );
        assert_eq!(json["revenue"], "34050.50");
        assert_eq!(json["aov"], "8512.63");
        assert_eq!(json["yoy_growth_rate"], serde_json::Value::Null);
        assert_eq!(
            json["sales_cycle"],
            serde_json::json!({"mean": 61.0 / 3.0, "median": 25, "p90": 26, "deals": 3})
        );
        assert_eq!(json["reps"][0]["rep"], "u-zhang");
        assert_eq!(json["reps"][0]["attainment"], 1.202525);
        assert_eq!(json["funnel"][4]["stage"], "won");
        assert!(json.get("groups").is_none());
    }

    #[tokio::test]
    async fn the_lifespan_setting_is_used() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        settings::set(&store, "customer_lifespan_years", "3")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let report = kpi_report(&store, period("2024"), None, &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.totals.lifespan_years, Some(3.0));
        assert_eq!(
            report.totals.clv_profit.map(|a| a.to_string()).as_deref(),
            Some("19846.02")
        );
    }

    #[tokio::test]
    async fn an_explanation_has_the_reports_value() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let explained = explain_kpi(&store, &KpiName::Cac, period("2024-Q1"), &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_value(&explained).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json["value"], "3266.67");
        assert_eq!(json["substituted"], "9800.00 / 3 = 3266.67");
        assert_eq!(json["inputs"][1]["records"][0]["id"], "c2");
        let outside = [(Dimension::Month, "2024-05".to_string())];
        let refused = explain_kpi(&store, &KpiName::Cac, period("2024-Q1"), &outside).await;
        assert!(matches!(refused, Err(KpiError::Invalid(_))));
    }

    #[tokio::test]
    async fn filters_and_groups() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let filters = [(Dimension::Rep, "u-li".to_string())];
        let report = kpi_report(&store, period("2024-Q1"), Some(Dimension::Month), &filters)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.totals.revenue.to_string(), "10000.00");
        let months: Vec<(Option<String>, String)> = report
            .groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.key, g.figures.revenue.to_string()))
            .collect();
        assert_eq!(
            months,
            [
                (Some("2024-01".to_string()), "3600.00".to_string()),
                (Some("2024-02".to_string()), "6400.00".to_string()),
                (Some("2024-03".to_string()), "0.00".to_string()),
            ]
        );
        let outside = [(Dimension::Month, "2024-05".to_string())];
        let refused = kpi_report(&store, period("2024-Q1"), None, &outside).await;
        assert!(matches!(refused, Err(KpiError::Invalid(_))));
    }
}
