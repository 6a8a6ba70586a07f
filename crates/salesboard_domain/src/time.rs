//! Instants (stored in UTC) and the organization's time zone, in which people
//! type timestamps and in which days, months and periods begin.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::ValidationError;

/// An instant, stored as whole seconds since the Unix epoch in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// The current instant.
    pub fn now() -> Self {
        Timestamp(Utc::now().timestamp())
    }

    /// As a chrono UTC date-time.
    pub fn to_utc(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

impl serde::Serialize for Timestamp {
    /// As RFC 3339 in UTC (`2024-03-05T06:30:00Z`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.to_utc().format("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value.timestamp())
    }
}

/// The organization's time zone (setting `timezone`, default `Asia/Shanghai`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgTimeZone(Tz);

impl Default for OrgTimeZone {
    fn default() -> Self {
        OrgTimeZone(Tz::Asia__Shanghai)
    }
}

impl FromStr for OrgTimeZone {
    type Err = ValidationError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        name.trim().parse::<Tz>().map(OrgTimeZone).map_err(|_| {
            ValidationError::new(format!(
                "\"{name}\" is not a time zone name (like Asia/Shanghai or UTC)"
            ))
        })
    }
}

impl fmt::Display for OrgTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl OrgTimeZone {
    /// The chrono-tz zone.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// The local calendar date of an instant.
    pub fn local_date(self, instant: Timestamp) -> NaiveDate {
        instant.to_utc().with_timezone(&self.0).date_naive()
    }

    /// The local date-time of an instant, for showing and exporting.
    pub fn local_datetime(self, instant: Timestamp) -> NaiveDateTime {
        instant.to_utc().with_timezone(&self.0).naive_local()
    }

    /// The instant a local date begins (00:00 local time, or the first instant
    /// of the day where a daylight-saving gap swallows midnight).
    pub fn start_of_day(self, date: NaiveDate) -> Timestamp {
        self.resolve_local(date.and_time(NaiveTime::MIN))
            .or_else(|| {
                (1..=24).find_map(|hour| {
                    self.resolve_local(date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?))
                })
            })
            .unwrap_or(Timestamp(
                date.and_time(NaiveTime::MIN).and_utc().timestamp(),
            ))
    }

    /// The instant of a local wall-clock time; the earlier one when a clock
    /// change repeats it, `None` when a clock change skips it.
    pub fn resolve_local(self, local: NaiveDateTime) -> Option<Timestamp> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                Some(Timestamp(at.timestamp()))
            }
            LocalResult::None => None,
        }
    }

    /// Parses the timestamps of the import format: a date (`2024-03-05`,
    /// `2024/3/5`), a local date-time (`2024-03-05 14:30[:00]`,
    /// `2024-03-05T14:30`), or ISO 8601 with a zone (`2024-03-05T14:30:00+08:00`,
    /// `…Z`). Text without a zone is local time in this time zone.
    pub fn parse_timestamp(self, text: &str) -> Result<Timestamp, ValidationError> {
        let trimmed = text.trim();
        if let Some(local) = parse_iso_fast(trimmed) {
            return self.resolve_local(local).ok_or_else(|| {
                ValidationError::new(format!("\"{text}\" does not exist in time zone {self}"))
            });
        }
        if let Ok(with_zone) = DateTime::parse_from_rfc3339(trimmed) {
            return Ok(Timestamp(with_zone.timestamp()));
        }
        if let Ok(with_zone) = DateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%:z") {
            return Ok(Timestamp(with_zone.timestamp()));
        }
        let local = parse_local_datetime(trimmed).ok_or_else(|| {
            ValidationError::new(format!(
                "\"{text}\" is not a date or time (like 2024-03-05 or 2024-03-05 14:30)"
            ))
        })?;
        self.resolve_local(local).ok_or_else(|| {
            ValidationError::new(format!("\"{text}\" does not exist in time zone {self}"))
        })
    }
}

const DATE_TIME_FORMATS: [&str; 8] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
];
const DATE_FORMATS: [&str; 3] = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"];

fn parse_local_datetime(text: &str) -> Option<NaiveDateTime> {
    parse_iso_fast(text).or_else(|| parse_local_datetime_formats(text))
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` and `YYYY-MM-DD HH:MM:SS` (space or `T`),
/// the shapes exports and most files use, parsed without a format string.
fn parse_iso_fast(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0_u32, |value, digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    if !matches!(bytes.len(), 10 | 16 | 19) || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )?;
    if bytes.len() == 10 {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !matches!(bytes[10], b' ' | b'T') || bytes[13] != b':' {
        return None;
    }
    let seconds = if bytes.len() == 19 {
        (bytes[16] == b':').then_some(())?;
        number(17..19)?
    } else {
        0
    };
    Some(date.and_time(NaiveTime::from_hms_opt(
        number(11..13)?,
        number(14..16)?,
        seconds,
    )?))
}

fn parse_local_datetime_formats(text: &str) -> Option<NaiveDateTime> {
    DATE_TIME_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            DATE_FORMATS
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
                .map(|date| date.and_time(NaiveTime::MIN))
        })
        .or_else(|| parse_chinese_date(text))
}

/// `2024年3月5日`, as Chinese Excel shows dates.
fn parse_chinese_date(text: &str) -> Option<NaiveDateTime> {
    let (year, rest) = text.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日').unwrap_or(rest);
    NaiveDate::from_ymd_opt(
        year.trim().parse().ok()?,
        month.trim().parse().ok()?,
        day.trim().parse().ok()?,
    )
    .map(|date| date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> OrgTimeZone {
        OrgTimeZone::default()
    }

    fn utc(text: &str) -> Timestamp {
        Timestamp(
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.timestamp())
                .unwrap_or(i64::MIN),
        )
    }

    #[test]
    fn a_timestamp_without_zone_is_local_time() {
        assert_eq!(
            shanghai().parse_timestamp("2024-01-31 23:59"),
            Ok(utc("2024-01-31T15:59:00Z"))
        );
        assert_eq!(
            shanghai().parse_timestamp("2024-02-01"),
            Ok(utc("2024-01-31T16:00:00Z"))
        );
        assert_eq!(
            shanghai().parse_timestamp("2024/3/5"),
            Ok(utc("2024-03-04T16:00:00Z"))
        );
        assert_eq!(
            shanghai().parse_timestamp("2024年3月5日"),
            Ok(utc("2024-03-04T16:00:00Z"))
        );
    }

    #[test]
    fn a_timestamp_with_zone_keeps_its_zone() {
        assert_eq!(
            shanghai().parse_timestamp("2024-03-05T14:30:00Z"),
            Ok(utc("2024-03-05T14:30:00Z"))
        );
        assert_eq!(
            shanghai().parse_timestamp("2024-03-05T14:30:00+01:00"),
            Ok(utc("2024-03-05T13:30:00Z"))
        );
    }

    #[test]
    fn the_local_date_follows_the_time_zone() {
        let late_evening_utc = utc("2024-01-31T16:00:00Z");
        assert_eq!(
            shanghai().local_date(late_evening_utc),
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap_or_default()
        );
        let utc_zone: OrgTimeZone = "UTC".parse().unwrap_or_default();
        assert_eq!(
            utc_zone.local_date(late_evening_utc),
            NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default()
        );
    }

    #[test]
    fn a_skipped_local_time_is_refused_and_a_repeated_one_is_the_earlier() {
        let berlin: OrgTimeZone = "Europe/Berlin".parse().unwrap_or_default();
        assert!(berlin.parse_timestamp("2024-03-31 02:30").is_err());
        assert_eq!(
            berlin.parse_timestamp("2024-10-27 02:30"),
            Ok(utc("2024-10-27T00:30:00Z"))
        );
        assert_eq!(
            berlin.start_of_day(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap_or_default()),
            utc("2024-03-30T23:00:00Z")
        );
    }

    #[test]
    fn the_fast_path_agrees_with_the_format_strings() {
        for text in [
            "2024-03-05",
            "2024-03-05 14:30",
            "2024-03-05T14:30:59",
            "2024-02-29 00:00:00",
        ] {
            assert_eq!(
                parse_iso_fast(text),
                parse_local_datetime_formats(text),
                "{text}"
            );
            assert!(parse_iso_fast(text).is_some(), "{text}");
        }
        for text in [
            "2024-02-30",
            "2024-13-01",
            "2024-03-05 24:00",
            "2024-03-05 14:3x",
            "2024/03/05",
            "+024-03-05",
        ] {
            assert_eq!(parse_iso_fast(text), None, "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_value_quoted() {
        let error = shanghai().parse_timestamp("yesterday").err();
        assert!(error.is_some_and(|e| e.message().contains("\"yesterday\"")));
        assert!(shanghai().parse_timestamp("2024-02-30").is_err());
        assert!("Mars/Olympus".parse::<OrgTimeZone>().is_err());
    }
}
