//! Organization settings kept in the database, with their defaults.

use rust_decimal::Decimal;
use salesboard_domain::OrgTimeZone;
use salesboard_store::{Store, StoreError};

/// The settings people may change, with what each means.
pub const SETTINGS: [(&str, &str); 4] = [
    (
        "timezone",
        "time zone of the organization, in which days and periods begin (default Asia/Shanghai)",
    ),
    ("currency", "currency of all amounts (default CNY)"),
    (
        "customer_lifespan_years",
        "expected customer lifespan for CLV; empty: 1 / churn rate",
    ),
    (
        "alert_drop_percent",
        "a KPI alert is raised when a week is this many percent worse than the 4 before (default 30)",
    ),
];

/// Why a setting could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Not a setting.
    #[error(
        "unknown setting \"{0}\" (settings: timezone, currency, customer_lifespan_years, alert_drop_percent)"
    )]
    Unknown(String),
    /// Not a valid value.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The organization's time zone.
pub async fn timezone(store: &impl Store) -> Result<OrgTimeZone, SettingsError> {
    match store.setting("timezone").await? {
        Some(name) => name
            .parse()
            .map_err(|e: salesboard_domain::ValidationError| SettingsError::Invalid(e.to_string())),
        None => Ok(OrgTimeZone::default()),
    }
}

/// The KPI alert threshold in percent (setting `alert_drop_percent`, default
/// [`DEFAULT_DROP_PERCENT`](crate::alerts::DEFAULT_DROP_PERCENT)).
pub async fn alert_drop_percent(store: &impl Store) -> Result<Decimal, SettingsError> {
    match store.setting("alert_drop_percent").await? {
        Some(text) if !text.trim().is_empty() => parse_drop_percent(&text),
        _ => Ok(crate::alerts::DEFAULT_DROP_PERCENT),
    }
}

/// A threshold: a decimal number of percent above 0 and at most 100, or empty
/// for the default.
fn parse_drop_percent(text: &str) -> Result<Decimal, SettingsError> {
    if text.is_empty() {
        return Ok(crate::alerts::DEFAULT_DROP_PERCENT);
    }
    text.trim()
        .parse::<Decimal>()
        .ok()
        .filter(|p| *p > Decimal::ZERO && *p <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            SettingsError::Invalid(format!(
                "\"{text}\" is not a percentage above 0 and at most 100"
            ))
        })
}

/// Changes a setting after checking its value.
pub async fn set(store: &impl Store, key: &str, value: &str) -> Result<(), SettingsError> {
    match key {
        "timezone" => {
            value
                .parse::<OrgTimeZone>()
                .map_err(|e| SettingsError::Invalid(e.to_string()))?;
        }
        "currency" => {
            if value.len() != 3 || !value.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(SettingsError::Invalid(format!(
                    "\"{value}\" is not a currency code like CNY"
                )));
            }
        }
        "customer_lifespan_years" => {
            let ok = value.is_empty()
                || value
                    .parse::<f64>()
                    .is_ok_and(|years| years > 0.0 && years <= 100.0);
            if !ok {
                return Err(SettingsError::Invalid(format!(
                    "\"{value}\" is not a number of years between 0 and 100"
                )));
            }
        }
        "alert_drop_percent" => {
            parse_drop_percent(value)?;
        }
        other => return Err(SettingsError::Unknown(other.to_string())),
    }
    store.set_setting(key, value).await?;
    Ok(())
}
