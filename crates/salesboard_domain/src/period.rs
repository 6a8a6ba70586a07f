//! Reporting periods: half-open ranges of local calendar dates `[from, to)`.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::ValidationError;

/// How a period was named, which decides what its previous period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// A calendar month, `2024-03`.
    Month,
    /// A calendar quarter, `2024-Q1`.
    Quarter,
    /// A calendar year, `2024`.
    Year,
    /// Any other range of days.
    Custom,
}

/// A half-open range of local dates `[from, to)` in the organization's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    /// The first day in the period.
    pub from: NaiveDate,
    /// The first day after the period.
    pub to: NaiveDate,
    #[serde(skip)]
    kind: PeriodKind,
}

impl Period {
    /// A custom range `[from, to)`; `to` must be after `from`.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Self, ValidationError> {
        if to <= from {
            return Err(ValidationError::new(format!(
                "the period's end {to} must be after its start {from}"
            )));
        }
        Ok(Period {
            from,
            to,
            kind: PeriodKind::Custom,
        })
    }

    /// Parses `2024`, `2024-Q1` (also `2024Q1`, `2024-q1`) or `2024-03`.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::new(format!(
                "\"{text}\" is not a period (like 2024, 2024-Q1 or 2024-03)"
            ))
        };
        let trimmed = text.trim();
        let (year_text, rest) = match trimmed.find(['-', 'Q', 'q']) {
            Some(at) => trimmed.split_at(at),
            None => (trimmed, ""),
        };
        let year: i32 = year_text.parse().map_err(|_| invalid())?;
        if !(1..=9999).contains(&year) || year_text.len() != 4 {
            return Err(invalid());
        }
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let (start_month, months, kind) = if rest.is_empty() {
            (1, 12, PeriodKind::Year)
        } else if let Some(quarter) = rest.strip_prefix(['Q', 'q']) {
            let quarter: u32 = quarter.parse().map_err(|_| invalid())?;
            if !(1..=4).contains(&quarter) {
                return Err(invalid());
            }
            ((quarter - 1) * 3 + 1, 3, PeriodKind::Quarter)
        } else {
            let month: u32 = rest.parse().map_err(|_| invalid())?;
            if !(1..=12).contains(&month) || rest.len() > 2 {
                return Err(invalid());
            }
            (month, 1, PeriodKind::Month)
        };
        let from = NaiveDate::from_ymd_opt(year, start_month, 1).ok_or_else(invalid)?;
        let to = from
            .checked_add_months(Months::new(months))
            .ok_or_else(invalid)?;
        Ok(Period { from, to, kind })
    }

    /// How the period was named.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// Whether a local date lies in `[from, to)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date < self.to
    }

    /// Whether `other` lies wholly inside this period.
    pub fn encloses(&self, other: &Period) -> bool {
        self.from <= other.from && other.to <= self.to
    }

    /// The previous period: the previous calendar month, quarter or year, or
    /// for a custom range the same number of days right before it.
    pub fn previous(&self) -> Period {
        let months = match self.kind {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
            PeriodKind::Custom => {
                let from = self.from - chrono::Duration::days(self.days());
                return Period {
                    from,
                    to: self.from,
                    kind: PeriodKind::Custom,
                };
            }
        };
        Period {
            from: self.from - Months::new(months),
            to: self.from,
            kind: self.kind,
        }
    }

    /// The same period one calendar year earlier (29 February maps to the 28th).
    pub fn same_period_last_year(&self) -> Period {
        Period {
            from: self.from - Months::new(12),
            to: self.to - Months::new(12),
            kind: self.kind,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.from.year()),
            PeriodKind::Quarter => {
                write!(f, "{}-Q{}", self.from.year(), self.from.month0() / 3 + 1)
            }
            PeriodKind::Month => write!(f, "{}-{:02}", self.from.year(), self.from.month()),
            PeriodKind::Custom => write!(f, "{}..{}", self.from, self.to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn calendar_periods_parse_to_half_open_ranges() {
        let q1 = Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((q1.from, q1.to), (date(2024, 1, 1), date(2024, 4, 1)));
        let feb = Period::parse("2024-02").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (feb.from, feb.to, feb.days()),
            (date(2024, 2, 1), date(2024, 3, 1), 29)
        );
        let year = Period::parse("2023").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((year.from, year.to), (date(2023, 1, 1), date(2024, 1, 1)));
        assert_eq!(Period::parse("2024q4").map(|p| p.to), Ok(date(2025, 1, 1)));
    }

    #[test]
    fn nonsense_periods_are_refused() {
        for text in ["", "24", "2024-13", "2024-Q5", "2024-00", "Q1", "2024-1-1"] {
            assert!(Period::parse(text).is_err(), "{text} should be refused");
        }
    }

    #[test]
    fn previous_periods_follow_the_calendar() {
        let march = Period::parse("2024-03").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(march.previous().to_string(), "2024-02");
        let q1 = Period::parse("2024-Q1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q1.previous().to_string(), "2023-Q4");
        assert_eq!(q1.same_period_last_year().to_string(), "2023-Q1");
        let custom =
            Period::range(date(2024, 3, 10), date(2024, 3, 20)).unwrap_or_else(|e| panic!("{e}"));
        let before = custom.previous();
        assert_eq!(
            (before.from, before.to),
            (date(2024, 2, 29), date(2024, 3, 10))
        );
    }

    #[test]
    fn a_leap_day_maps_to_the_last_day_of_february_a_year_earlier() {
        let leap =
            Period::range(date(2024, 2, 29), date(2024, 3, 1)).unwrap_or_else(|e| panic!("{e}"));
        let last_year = leap.same_period_last_year();
        assert_eq!(
            (last_year.from, last_year.to),
            (date(2023, 2, 28), date(2023, 3, 1))
        );
    }
}
