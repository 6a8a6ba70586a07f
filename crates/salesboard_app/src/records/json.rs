//! Stored values to JSON and back: money as exact decimal strings, instants
//! as RFC 3339 in the organization's time zone, dates as `YYYY-MM-DD`.

use chrono::SecondsFormat;
use salesboard_domain::{Discount, Money, OrgTimeZone, Timestamp};
use salesboard_store::records::{FieldDef, FieldType, RecordKind, RecordRow, Value};
use serde_json::{Map, Value as Json};

use super::RecordError;

/// One stored value as JSON.
pub fn to_json(field: &FieldDef, value: &Value, zone: OrgTimeZone) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Text(text) => Json::String(text.clone()),
        Value::Int(number) => match field.ty {
            FieldType::Money => Json::String(Money::from_cents(*number).to_string()),
            FieldType::Discount => Json::String(
                Discount::from_ppm(*number)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            FieldType::Instant => Json::String(
                Timestamp::from_unix_seconds(*number)
                    .to_utc()
                    .with_timezone(&zone.tz())
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
            ),
            FieldType::Date => Json::String(
                zone.local_date(Timestamp::from_unix_seconds(*number))
                    .to_string(),
            ),
            FieldType::Bool => Json::Bool(*number != 0),
            FieldType::Integer | FieldType::Text => Json::from(*number),
        },
    }
}

/// A stored record as a JSON object, field by field.
pub fn row_to_json(kind: &RecordKind, row: &RecordRow, zone: OrgTimeZone) -> Map<String, Json> {
    kind.fields
        .iter()
        .zip(row)
        .map(|(field, value)| (field.name.to_string(), to_json(field, value, zone)))
        .collect()
}

/// A JSON value as the text an import cell would hold (`None`: empty).
pub fn cell_text(field: &str, value: &Json) -> Result<Option<String>, RecordError> {
    match value {
        Json::Null => Ok(None),
        Json::String(text) => Ok(Some(text.clone())),
        Json::Number(number) => Ok(Some(number.to_string())),
        _ => Err(RecordError::invalid(
            field,
            "must be a string, a number or null",
        )),
    }
}

/// A filter's text as a stored value of the field's type.
pub fn filter_value(field: &FieldDef, text: &str, zone: OrgTimeZone) -> Result<Value, RecordError> {
    let invalid = |reason: String| RecordError::invalid(field.name, reason);
    if text.is_empty() {
        return Ok(Value::Null);
    }
    Ok(match field.ty {
        FieldType::Text => Value::Text(text.to_string()),
        FieldType::Integer => Value::Int(
            text.parse()
                .map_err(|_| invalid(format!("\"{text}\" is not a whole number")))?,
        ),
        FieldType::Money => Value::Int(
            Money::parse(text)
                .map_err(|e| invalid(e.to_string()))?
                .cents(),
        ),
        FieldType::Discount => Value::Int(
            Discount::parse(text)
                .map_err(|e| invalid(e.to_string()))?
                .ppm(),
        ),
        FieldType::Instant => Value::Int(
            zone.parse_timestamp(text)
                .map_err(|e| invalid(e.to_string()))?
                .unix_seconds(),
        ),
        FieldType::Date => {
            let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid(format!("\"{text}\" is not a date (YYYY-MM-DD)")))?;
            Value::Int(zone.start_of_day(date).unix_seconds())
        }
        FieldType::Bool => match text {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(invalid(format!("\"{text}\" is not true or false"))),
        },
    })
}
