//! The server's messages in the reader's language. The code writes every
//! message in English; [`catalogue`] pairs each English template with its
//! Chinese one, and [`translate`] renders a finished English message in
//! Chinese at the boundary (API errors, import problems, error pages),
//! keeping the quoted values, numbers and names as they were.

mod catalogue;
mod explanation;
mod explanation_catalogue;
#[cfg(test)]
mod scan;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::pages::i18n::{Lang, USER_LANGUAGE_HEADER};

pub use explanation::localize_explanation;

/// `text` in `lang`: itself in English; in Chinese, the catalogue's
/// template that matches it, else (for `prefix: message` and `a; b`) its
/// parts translated, else the English text.
pub fn translate(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Zh => to_chinese(text).unwrap_or_else(|| {
            tracing::warn!(message = text, "no Chinese for a message");
            text.to_string()
        }),
    }
}

/// `message` about `field`, as the API says it: `field: message` in English;
/// in Chinese with the field's label when it has one (`金额：必须是…`).
pub fn about_field(field: &str, label: Option<String>, message: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{field}: {message}"),
        Lang::Zh => format!(
            "{}：{}",
            label.unwrap_or_else(|| field.to_string()),
            translate(message, lang)
        ),
    }
}

fn to_chinese(text: &str) -> Option<String> {
    if let Some(whole) = from_catalogue(text) {
        return Some(whole);
    }
    if text.contains("; ") {
        let parts: Vec<Option<String>> = text.split("; ").map(to_chinese).collect();
        if parts.iter().all(Option::is_some) {
            return Some(parts.into_iter().flatten().collect::<Vec<_>>().join("；"));
        }
    }
    // `file: reason`, `line 3: reason`: the prefix is a name, kept as it is.
    let (prefix, rest) = text.split_once(": ")?;
    Some(format!("{prefix}：{}", to_chinese(rest)?))
}

/// The Chinese of the catalogue's best match for `text` (the template with
/// the most fixed text), its values put back.
fn from_catalogue(text: &str) -> Option<String> {
    if let Some(found) = best_match(catalogue::MESSAGES, text) {
        return Some(found.chinese(word));
    }
    catalogue::WORDS
        .iter()
        .find(|(english, _)| *english == text)
        .map(|(_, chinese)| chinese.to_string())
}

/// The template of a catalogue that matched a text, with the text's values.
struct Match<'t> {
    english: &'static str,
    chinese: &'static str,
    values: Vec<&'t str>,
}

impl Match<'_> {
    /// The Chinese template filled with the values: a quoted value as it
    /// is, any other through `word`.
    fn chinese(&self, word: impl Fn(&str) -> String) -> String {
        let filled: Vec<String> = self
            .values
            .iter()
            .zip(quoted_holes(self.english))
            .map(|(value, quoted)| {
                if quoted {
                    value.to_string()
                } else {
                    word(value)
                }
            })
            .collect();
        fill(self.chinese, &filled)
    }
}

/// The template of `table` that matches `text` with the most fixed text.
fn best_match<'t>(table: &[(&'static str, &'static str)], text: &'t str) -> Option<Match<'t>> {
    let mut best: Option<(usize, Match<'t>)> = None;
    for (english, chinese) in table {
        let fixed = english.len() - english.matches("{}").count() * 2;
        if best.as_ref().is_some_and(|(b, _)| *b >= fixed) {
            continue;
        }
        if let Some(values) = match_template(english, text) {
            let found = Match {
                english,
                chinese,
                values,
            };
            best = Some((fixed, found));
        }
    }
    best.map(|(_, found)| found)
}

/// Whether each `{}` of `template` sits between quotes (a value someone
/// typed: never translated).
fn quoted_holes(template: &str) -> Vec<bool> {
    let literals: Vec<&str> = template.split("{}").collect();
    literals
        .windows(2)
        .map(|pair| pair[0].ends_with('"') && pair[1].starts_with('"'))
        .collect()
}

/// A value the code wrote (a kind, an action, a nested message) in Chinese;
/// anything else as it is.
fn word(value: &str) -> String {
    to_chinese(value).unwrap_or_else(|| value.to_string())
}

/// The values of `text` at the `{}` of `template`, if it matches: each
/// value is as short as the rest allows, and not empty.
fn match_template<'t>(template: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let mut pieces = template.split("{}");
    let first = pieces.next()?;
    let rest = text.strip_prefix(first)?;
    let literals: Vec<&str> = pieces.collect();
    // The text ends as the template does (a quick no for most templates).
    if !literals.last().is_none_or(|last| rest.ends_with(last)) {
        return None;
    }
    let mut values = Vec::with_capacity(literals.len());
    match_rest(&literals, rest, &mut values).then_some(values)
}

fn match_rest<'t>(literals: &[&str], text: &'t str, values: &mut Vec<&'t str>) -> bool {
    let Some((literal, later)) = literals.split_first() else {
        return text.is_empty();
    };
    if later.is_empty() && literal.is_empty() {
        if text.is_empty() {
            return false;
        }
        values.push(text);
        return true;
    }
    let mut from = after_first_char(text, 0);
    while from <= text.len() {
        let Some(found) = text[from..].find(literal) else {
            return false;
        };
        let at = from + found;
        values.push(&text[..at]);
        if match_rest(later, &text[at + literal.len()..], values) {
            return true;
        }
        values.pop();
        from = after_first_char(text, at);
    }
    false
}

/// The index after the character at `at` (past the end when there is none).
fn after_first_char(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(text.len() + 1, |c| at + c.len_utf8())
}

/// `template` with `{}` (in turn) and `{N}` (by position) replaced by values.
fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let index = match &after[..close] {
            "" => {
                next += 1;
                Some(next - 1)
            }
            digits => digits.parse::<usize>().ok(),
        };
        match index.and_then(|i| values.get(i)) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What an API error said, kept on its response so that
/// [`localize_api_errors`] can say it again in the reader's language.
#[derive(Debug, Clone)]
pub struct ErrorText {
    /// The stable code.
    pub code: &'static str,
    /// The English message, without the field.
    pub message: String,
    /// The field at fault.
    pub field: Option<String>,
}

impl ErrorText {
    /// The message in `lang`; the field is named by its label in Chinese (the
    /// label of the field of records of `kind`, else the page label).
    pub fn message_in(&self, kind: &str, lang: Lang) -> String {
        match &self.field {
            Some(field) => {
                let label = crate::pages::records::chinese_field_label(kind, field);
                about_field(field, label, &self.message, lang)
            }
            None => translate(&self.message, lang),
        }
    }
}

/// The signed-in user's own language, which the authentication middleware
/// leaves on the response for [`localize_api_errors`].
#[derive(Debug, Clone, Copy)]
pub struct UserLanguage(pub Lang);

/// Answers API errors in the request's language (`?lang=`, the user's own
/// choice, the cookie, `Accept-Language`; English when it names none): the
/// `message` changes, the `error` code and the `field` stay as they are.
pub async fn localize_api_errors(request: Request, next: Next) -> Response {
    let asked = request.uri().query().and_then(url_lang).map(str::to_string);
    let kind = request
        .uri()
        .path()
        .strip_prefix("/api/v1/")
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string);
    // What the language is read from besides the query; not the user's
    // language header, which only the authentication middleware may set.
    let mut headers = HeaderMap::new();
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE] {
        for value in request.headers().get_all(&name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let response = next.run(request).await;
    let Some(text) = response.extensions().get::<ErrorText>().cloned() else {
        return response;
    };
    if let Some(UserLanguage(lang)) = response.extensions().get::<UserLanguage>() {
        headers.insert(USER_LANGUAGE_HEADER, HeaderValue::from_static(lang.code()));
    }
    let lang = api_lang(asked.as_deref(), &headers);
    if lang == Lang::En {
        return response;
    }
    let message = text.message_in(kind.as_deref().unwrap_or(""), lang);
    let mut body = json!({ "error": text.code, "message": message });
    if let Some(field) = &text.field {
        body["field"] = json!(field);
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body.to_string()))
}

/// The language of an API request, read as the pages read it (`?lang=`,
/// the user's own choice, the cookie, `Accept-Language`), else English.
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let asked = parts.uri.query().and_then(url_lang);
        Ok(RequestLang(api_lang(asked, &parts.headers)))
    }
}

/// The language of an API answer: the one the request names (as a page's),
/// else English, the API's own, for programs that name none.
fn api_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    Lang::asked(query, headers).unwrap_or(Lang::En)
}

/// The `lang` of a query string.
fn url_lang(query: &str) -> Option<&str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| *name == "lang")
        .map(|(_, value)| value)
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_keeps_its_quoted_value_in_chinese() {
        assert_eq!(
            translate("\"12,5x\" is not an amount of money", Lang::Zh),
            "“12,5x”不是金额"
        );
        assert_eq!(
            translate(
                "\"2024-13\" is not a period (like 2024, 2024-Q1 or 2024-03)",
                Lang::Zh
            ),
            "“2024-13”不是期间（如 2024、2024-Q1 或 2024-03）"
        );
        assert_eq!(
            translate("\"abc\" is not a whole number", Lang::En),
            "\"abc\" is not a whole number"
        );
    }

    #[test]
    fn the_longest_template_wins_and_positions_can_change() {
        // Both "must be between 1 and {}" and this one could not match; the
        // order template reorders its values.
        assert_eq!(
            translate("there is no order \"o-1\" of customer \"c-9\"", Lang::Zh),
            "客户“c-9”没有订单“o-1”"
        );
        assert_eq!(
            translate("there is no customer \"c-9\"", Lang::Zh),
            "没有客户“c-9”"
        );
    }

    #[test]
    fn words_the_code_wrote_are_translated_and_typed_ones_are_not() {
        assert_eq!(
            translate("you may not delete customers", Lang::Zh),
            "你没有权限删除客户"
        );
        assert_eq!(
            translate("\"customer\" is not a whole number", Lang::Zh),
            "“customer”不是整数"
        );
    }

    #[test]
    fn prefixes_and_lists_are_translated_part_by_part() {
        assert_eq!(
            translate("orders.csv: the file has no header row", Lang::Zh),
            "orders.csv：文件没有表头行"
        );
        assert_eq!(
            translate(
                "数量 (quantity): \"abc\" is not a whole number; 单价: \"x\" is not an amount of money",
                Lang::Zh
            ),
            "数量 (quantity)：“abc”不是整数；单价：“x”不是金额"
        );
        assert_eq!(
            translate("no Chinese for this", Lang::Zh),
            "no Chinese for this"
        );
        // A template with "; " in it is one message, not two.
        assert_eq!(
            translate("too many attempts; try again in 30 s", Lang::Zh),
            "尝试次数过多：请 30 秒后再试"
        );
        assert_eq!(
            translate("customer_id \"c-1\" is already taken", Lang::Zh),
            "customer_id“c-1”已被占用"
        );
    }

    #[test]
    fn a_field_is_named_by_its_label_in_chinese() {
        let message = "must be money as a string like \"1234.50\" or null";
        assert_eq!(
            about_field("amount", Some("金额".into()), message, Lang::Zh),
            "金额：必须是字符串形式的金额（如 \"1234.50\"）或 null"
        );
        assert_eq!(
            about_field("per_page", None, "must be between 1 and 500", Lang::Zh),
            "per_page：必须在 1 到 500 之间"
        );
        assert_eq!(
            about_field("amount", Some("金额".into()), message, Lang::En),
            "amount: must be money as a string like \"1234.50\" or null"
        );
    }

    #[test]
    fn templates_match_with_the_shortest_values() {
        assert_eq!(
            match_template("a {} b {}", "a x b y b z"),
            Some(vec!["x", "y b z"])
        );
        assert_eq!(match_template("a {} b", "a x b").map(|v| v.len()), Some(1));
        assert_eq!(match_template("a {} b", "a  b"), None);
        assert_eq!(match_template("a {} b", "a b"), None);
        assert_eq!(match_template("{}", "中文"), Some(vec!["中文"]));
        assert_eq!(
            fill("{1} / {0} / {}", &["x".into(), "y".into()]),
            "y / x / x"
        );
    }

    #[test]
    fn every_chinese_template_uses_each_value_once_or_more() {
        for (english, chinese) in catalogue::MESSAGES {
            let count = english.matches("{}").count();
            let values: Vec<String> = (0..count).map(|i| format!("<{i}>")).collect();
            let filled = fill(chinese, &values);
            for value in &values {
                assert!(filled.contains(value.as_str()), "{english} → {chinese}");
            }
            assert!(!filled.contains('{'), "{chinese}");
            assert!(
                catalogue::MESSAGES
                    .iter()
                    .filter(|(e, _)| e == english)
                    .count()
                    == 1,
                "{english} twice"
            );
        }
    }
}
