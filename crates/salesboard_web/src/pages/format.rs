//! Numbers, money, percentages and periods written for a UI language.
//! Money is formatted from its exact decimal string, never through `f64`.

use salesboard_domain::Period;
use salesboard_domain::period::PeriodKind;

use super::i18n::Lang;

/// Groups the digits of an integer string by thousands: `1234567` → `1,234,567`.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"1234567.89"` → `¥1,234,567.89` (the same in both languages, as
/// `Intl.NumberFormat` writes CNY for zh-CN and en); `-` for none.
pub fn money(amount: Option<&str>) -> String {
    let Some(amount) = amount else {
        return "–".into();
    };
    let (sign, unsigned) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, cents) = unsigned.split_once('.').unwrap_or((unsigned, "00"));
    format!("{sign}¥{}.{cents}", group(whole))
}

/// A count: `12345` → `12,345`.
pub fn count(n: i64) -> String {
    let text = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(&text))
}

/// A ratio as a percentage with one decimal: `0.1234` → `12.3%`.
pub fn percent(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r.is_finite() => format!("{:.1}%", r * 100.0),
        _ => "–".into(),
    }
}

/// Days: `45 天` / `45 days`.
pub fn days(days: Option<f64>, lang: Lang) -> String {
    match days {
        Some(d) if d.is_finite() => match lang {
            Lang::Zh => format!("{d:.0} 天"),
            Lang::En => format!("{d:.0} days"),
        },
        _ => "–".into(),
    }
}

/// A difference of two ratios in percentage points: `0.125` → `12.5 pp`.
pub fn points(difference: f64, lang: Lang) -> String {
    let points = difference * 100.0;
    match lang {
        Lang::Zh => format!("{points:.1} 个百分点"),
        Lang::En => format!("{points:.1} pp"),
    }
}

/// A period for people: a calendar one by its name, a custom range by its
/// first and last day.
pub fn period_of(period: &Period, lang: Lang) -> String {
    if period.kind() != PeriodKind::Custom {
        return self::period(&period.to_string(), lang);
    }
    let last = period.to.pred_opt().unwrap_or(period.to);
    match lang {
        Lang::Zh => format!("{} 至 {last}", period.from),
        Lang::En => format!("{} – {last}", period.from),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A period code (`2025`, `2025-Q1`, `2025-03`) for people.
pub fn period(code: &str, lang: Lang) -> String {
    let (year, part) = code.split_once('-').unwrap_or((code, ""));
    if let Some(q) = part.strip_prefix('Q') {
        return match lang {
            Lang::Zh => format!("{year}年第{q}季度"),
            Lang::En => format!("Q{q} {year}"),
        };
    }
    match (part.parse::<usize>(), lang) {
        (Ok(m @ 1..=12), Lang::Zh) => format!("{year}年{m}月"),
        (Ok(m @ 1..=12), Lang::En) => format!("{} {year}", MONTHS_EN[m - 1]),
        (_, Lang::Zh) if part.is_empty() => format!("{year}年"),
        _ => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands_with_the_yuan_sign() {
        assert_eq!(money(Some("1234567.89")), "¥1,234,567.89");
        assert_eq!(money(Some("123.00")), "¥123.00");
        assert_eq!(money(Some("-1000.50")), "-¥1,000.50");
        assert_eq!(money(Some("0.00")), "¥0.00");
        assert_eq!(money(None), "–");
    }

    #[test]
    fn counts_and_percentages() {
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(-1_234_567), "-1,234,567");
        assert_eq!(percent(Some(0.1234)), "12.3%");
        assert_eq!(percent(Some(-0.05)), "-5.0%");
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(f64::NAN)), "–");
    }

    #[test]
    fn periods_read_naturally_in_both_languages() {
        assert_eq!(period("2025", Lang::Zh), "2025年");
        assert_eq!(period("2025", Lang::En), "2025");
        assert_eq!(period("2025-Q3", Lang::Zh), "2025年第3季度");
        assert_eq!(period("2025-Q3", Lang::En), "Q3 2025");
        assert_eq!(period("2025-03", Lang::Zh), "2025年3月");
        assert_eq!(period("2025-12", Lang::En), "Dec 2025");
        let q2 = Period::parse("2025-Q2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(period_of(&q2, Lang::Zh), "2025年第2季度");
        let days = |a, b| chrono::NaiveDate::from_ymd_opt(2025, a, b).unwrap_or_default();
        let custom = Period::range(days(3, 10), days(4, 1)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(period_of(&custom, Lang::Zh), "2025-03-10 至 2025-03-31");
        assert_eq!(period_of(&custom, Lang::En), "2025-03-10 – 2025-03-31");
        assert_eq!(points(0.125, Lang::En), "12.5 pp");
        assert_eq!(points(0.125, Lang::Zh), "12.5 个百分点");
    }
}
