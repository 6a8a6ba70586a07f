//! Organization settings kept in the database, with their defaults.

use salesboard_domain::OrgTimeZone;
use salesboard_store::{Store, StoreError};

/// The settings people may change, with what each means.
pub const SETTINGS: [(&str, &str); 3] = [
    (
        "timezone",
        "time zone of the organization, in which days and periods begin (default Asia/Shanghai)",
    ),
    ("currency", "currency of all amounts (default CNY)"),
    (
        "customer_lifespan_years",
        "expected customer lifespan for CLV; empty: 1 / churn rate",
    ),
];

/// Why a setting could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Not a setting.
    #[error("unknown setting \"{0}\" (settings: timezone, currency, customer_lifespan_years)")]
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
        other => return Err(SettingsError::Unknown(other.to_string())),
    }
    store.set_setting(key, value).await?;
    Ok(())
}
