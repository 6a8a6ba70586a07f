//! Normalized forms of names, phone numbers and e-mail addresses, used to find
//! duplicate customers (查重).

/// A customer name folded for comparison: full-width characters to half-width,
/// lower case, without white space, punctuation or common company suffixes
/// (有限公司, Ltd, Co, Inc …).
pub fn customer_name(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(half_width)
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    const SUFFIXES: [&str; 9] = [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "公司",
        "limited",
        "ltd",
        "inc",
        "co",
        "corp",
    ];
    let mut trimmed = folded.as_str();
    while let Some(shorter) = SUFFIXES.iter().find_map(|s| trimmed.strip_suffix(s)) {
        if shorter.is_empty() {
            break;
        }
        trimmed = shorter;
    }
    trimmed.to_string()
}

/// A phone number as digits only, without a leading `+86`/`0086` country code.
/// `None` when fewer than five digits remain.
pub fn phone(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .map(half_width)
        .filter(char::is_ascii_digit)
        .collect();
    let local = if text.trim_start().starts_with('+') {
        digits.strip_prefix("86").unwrap_or(&digits)
    } else {
        digits.strip_prefix("0086").unwrap_or(&digits)
    };
    (local.len() >= 5).then(|| local.to_string())
}

/// An e-mail address trimmed and in lower case; `None` when it has no `@`.
pub fn email(text: &str) -> Option<String> {
    let lowered = text.trim().to_lowercase();
    (lowered.contains('@') && lowered.len() > 2).then_some(lowered)
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_differ_only_in_form_are_the_same() {
        assert_eq!(
            customer_name("Suzhou Silk Ltd."),
            customer_name("SUZHOU SILK")
        );
        assert_eq!(customer_name("杭州茶业有限公司"), customer_name("杭州茶业"));
        assert_eq!(customer_name("ＡＢＣ　公司"), "abc");
        assert_ne!(customer_name("Hangzhou Tea"), customer_name("Hangzhou Tee"));
    }

    #[test]
    fn phones_compare_by_their_digits() {
        assert_eq!(phone("+86 138-0013-8000"), phone("13800138000"));
        assert_eq!(phone("0086 13800138000"), Some("13800138000".to_string()));
        assert_eq!(phone("n/a"), None);
    }

    #[test]
    fn emails_compare_without_case() {
        assert_eq!(
            email(" Li.Wei@Example.com "),
            Some("li.wei@example.com".to_string())
        );
        assert_eq!(email("none"), None);
    }
}
