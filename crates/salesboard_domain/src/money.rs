//! Exact money (integer fen/cents) and discounts (integer parts per million).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};

use crate::ValidationError;

/// An amount of the organization's currency in minor units (cents, 分).
///
/// Money is never binary floating point: it is parsed from text exactly, added as
/// integers, and shown with two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// Money from minor units.
    pub const fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    /// The amount in minor units.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// The amount as an exact decimal with two places.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Parses what people type for money: `1234.5`, `1,234.50`, `¥1234.5`,
    /// `￥1 234`, `-20`. At most two decimals.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let trimmed = text.trim();
        if !trimmed.is_empty()
            && trimmed
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && let Ok(decimal) = Decimal::from_str(trimmed)
        {
            return Self::from_decimal(decimal).ok_or_else(|| {
                ValidationError::new(format!("\"{text}\" has more than two decimals"))
            });
        }
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}' | '¥' | '￥'))
            .collect();
        let cleaned = cleaned
            .strip_prefix("CNY")
            .or_else(|| cleaned.strip_prefix("RMB"))
            .unwrap_or(&cleaned);
        let decimal = Decimal::from_str(cleaned)
            .map_err(|_| ValidationError::new(format!("\"{text}\" is not an amount of money")))?;
        Self::from_decimal(decimal)
            .ok_or_else(|| ValidationError::new(format!("\"{text}\" has more than two decimals")))
    }

    /// Exact conversion from a decimal with at most two places (`None` otherwise).
    pub fn from_decimal(value: Decimal) -> Option<Self> {
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return None;
        }
        let mut scaled = normalized;
        scaled.rescale(2);
        i64::try_from(scaled.mantissa()).ok().map(Money)
    }

    /// Checked sum.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A discount as a fraction of the list price, in parts per million
/// (`0.15` is 150 000). Always within `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Discount(i64);

impl Discount {
    /// One million parts: the whole price.
    pub const WHOLE: i64 = 1_000_000;
    /// No discount.
    pub const NONE: Discount = Discount(0);

    /// A discount from parts per million, if within `0..=1_000_000`.
    pub fn from_ppm(ppm: i64) -> Option<Self> {
        (0..=Self::WHOLE).contains(&ppm).then_some(Discount(ppm))
    }

    /// The discount in parts per million.
    pub const fn ppm(self) -> i64 {
        self.0
    }

    /// The discount as an exact fraction.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 6).normalize()
    }

    /// Parses `0.15`, `15%` or an empty cell (no discount). At most six decimals.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(Discount::NONE);
        }
        let (number, percent) = match trimmed.strip_suffix('%') {
            Some(number) => (number.trim(), true),
            None => (trimmed, false),
        };
        let invalid = || {
            ValidationError::new(format!(
                "\"{text}\" is not a discount between 0 and 1 (like 0.15 or 15%)"
            ))
        };
        let mut value = Decimal::from_str(number).map_err(|_| invalid())?;
        if percent {
            value /= Decimal::ONE_HUNDRED;
        }
        let ppm = value * Decimal::from(Self::WHOLE);
        if ppm.fract() != Decimal::ZERO {
            return Err(ValidationError::new(format!(
                "\"{text}\" has more than six decimals"
            )));
        }
        ppm.to_i64()
            .and_then(Discount::from_ppm)
            .ok_or_else(invalid)
    }
}

impl fmt::Display for Discount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

impl Serialize for Discount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The exact amount of an order line, `unit_price × quantity × (1 − discount)`.
pub fn line_amount(unit_price: Money, quantity: i64, discount: Discount) -> Decimal {
    unit_price.to_decimal() * Decimal::from(quantity) * (Decimal::ONE - discount.to_decimal())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_accepts_the_ways_people_write_it() {
        assert_eq!(Money::parse("1,234.50"), Ok(Money::from_cents(123_450)));
        assert_eq!(Money::parse("¥1234.5"), Ok(Money::from_cents(123_450)));
        assert_eq!(Money::parse(" 450.50 "), Ok(Money::from_cents(45_050)));
        assert_eq!(Money::parse("-20"), Ok(Money::from_cents(-2_000)));
        assert_eq!(Money::parse("1200.000"), Ok(Money::from_cents(120_000)));
    }

    #[test]
    fn money_refuses_text_and_fractions_of_a_cent() {
        assert!(Money::parse("abc").is_err());
        assert!(Money::parse("").is_err());
        let error = Money::parse("1.005").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("\"1.005\" has more than two decimals")
        );
    }

    #[test]
    fn money_prints_two_decimals() {
        assert_eq!(Money::from_cents(45_050).to_string(), "450.50");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn discount_parses_fractions_and_percentages() {
        assert_eq!(Discount::parse("0.15").map(Discount::ppm), Ok(150_000));
        assert_eq!(Discount::parse("15%").map(Discount::ppm), Ok(150_000));
        assert_eq!(Discount::parse("").map(Discount::ppm), Ok(0));
        assert_eq!(Discount::parse("1").map(Discount::ppm), Ok(1_000_000));
        assert!(Discount::parse("1.5").is_err());
        assert!(Discount::parse("-0.1").is_err());
        assert!(Discount::parse("0.1234567").is_err());
    }

    #[test]
    fn line_amount_is_exact() {
        let amount = line_amount(
            Money::from_cents(120_000),
            20,
            Discount::from_ppm(150_000).unwrap_or_default(),
        );
        assert_eq!(amount, Decimal::new(2_040_000, 2));
        let third = line_amount(
            Money::from_cents(100),
            1,
            Discount::from_ppm(333_333).unwrap_or_default(),
        );
        assert_eq!(third, Decimal::new(666_667, 6));
    }
}
