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

/// Whether `text` is money as the API writes it: `-?digits(.d{1,2})?`, at
/// most 13 digits before the point (the OpenAPI document's pattern).
pub fn is_api_money(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, cents) = match unsigned.split_once('.') {
        Some((whole, cents)) => (whole, Some(cents)),
        None => (unsigned, None),
    };
    let digits = |t: &str, max: usize| {
        !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit())
    };
    digits(whole, 13) && cents.is_none_or(|c| digits(c, 2))
}

/// Whether `text` is a discount as the API writes it: a fraction from 0 to
/// 1 with at most six decimals (the OpenAPI document's pattern).
pub fn is_api_discount(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let fraction_ok = fraction
        .is_none_or(|f| !f.is_empty() && f.len() <= 6 && f.bytes().all(|b| b.is_ascii_digit()));
    match whole {
        "0" => fraction_ok,
        "1" => fraction_ok && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0')),
        _ => false,
    }
}

/// Checks a body value against its field's JSON type: integers for whole
/// numbers, strings (money and discounts in their exact form) for the rest,
/// or null.
pub fn check_type(name: &str, ty: FieldType, value: &Json) -> Result<(), RecordError> {
    let ok = match (ty, value) {
        (_, Json::Null) => true,
        (FieldType::Integer, Json::Number(n)) => n.is_i64(),
        (FieldType::Integer | FieldType::Bool, _) => false,
        (FieldType::Money, Json::String(text)) => is_api_money(text),
        (FieldType::Discount, Json::String(text)) => is_api_discount(text),
        // No time is null, not an empty string.
        (FieldType::Instant | FieldType::Date, Json::String(text)) => !text.trim().is_empty(),
        (_, Json::String(_)) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    // Text in the wrong form is quoted back to whoever typed it.
    match (ty, value) {
        (FieldType::Money, Json::String(text)) => {
            return Err(RecordError::invalid(
                name,
                format!("\"{text}\" is not money like 1234.50"),
            ));
        }
        (FieldType::Discount, Json::String(text)) => {
            return Err(RecordError::invalid(
                name,
                format!("\"{text}\" is not a discount from 0 to 1"),
            ));
        }
        _ => {}
    }
    let invalid = |message: &str| Err(RecordError::invalid(name, message));
    match ty {
        FieldType::Integer => invalid("must be a whole number or null"),
        FieldType::Money => invalid("must be money as a string like \"1234.50\" or null"),
        FieldType::Discount => {
            invalid("must be a discount as a string from \"0\" to \"1\", like \"0.15\" or null")
        }
        FieldType::Instant => invalid(
            "must be a time as a string (RFC 3339, like \"2024-03-05T14:30:00+08:00\") or null",
        ),
        FieldType::Date => invalid("must be a date as a string, YYYY-MM-DD or null"),
        FieldType::Bool => invalid("must be true or false or null"),
        FieldType::Text => invalid("must be a string or null"),
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
        FieldType::Money if !is_api_money(text) => {
            return Err(invalid(format!("\"{text}\" is not money like 1234.50")));
        }
        FieldType::Discount if !is_api_discount(text) => {
            return Err(invalid(format!("\"{text}\" is not a discount from 0 to 1")));
        }
        FieldType::Instant => Value::Int(
            chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|_| invalid(format!("\"{text}\" is not an RFC 3339 time")))?
                .timestamp(),
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
        FieldType::Date => {
            let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid(format!("\"{text}\" is not a date (YYYY-MM-DD)")))?;
            Value::Int(zone.start_of_day(date).unix_seconds())
        }
        FieldType::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(invalid(format!("\"{text}\" is not true or false"))),
        },
    })
}
