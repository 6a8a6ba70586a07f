//! A KPI explanation in the reader's language: `salesboard_domain` writes
//! its formulas, notes and record notes in English; in Chinese each text is
//! matched against [`super::explanation_catalogue`] as the error messages
//! are against the catalogue, the values (numbers, ids, dates) kept. A text
//! built from several (`definition; years`) is translated piece by piece,
//! and a piece that is only numbers stays as it is.

use serde_json::Value;

use super::explanation_catalogue::{EXPLANATION_WORDS, EXPLANATIONS};
use super::{Match, best_match, catalogue, fill, quoted_holes};
use crate::pages::i18n::Lang;

/// The explanation JSON (`formula`, `substituted`, `notes`, each record's
/// `note`) in `lang`; names, ids and numbers stay as they are.
pub fn localize_explanation(explanation: &mut Value, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    // `get_mut`, not `[]`: indexing would add the keys an explanation
    // leaves out (no notes) as nulls.
    for key in ["formula", "substituted"] {
        localize_string(explanation.get_mut(key), lang);
    }
    for note in array(explanation.get_mut("notes")) {
        localize_string(Some(note), lang);
    }
    for input in array(explanation.get_mut("inputs")) {
        for record in array(input.get_mut("records")) {
            localize_string(record.get_mut("note"), lang);
        }
    }
}

fn array(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value.and_then(Value::as_array_mut).into_iter().flatten()
}

fn localize_string(value: Option<&mut Value>, lang: Lang) {
    if let Some(Value::String(text)) = value {
        *text = explanation_text(text, lang);
    }
}

/// One text of an explanation in `lang`.
pub fn explanation_text(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Zh => in_chinese(text),
    }
}

/// `text` in Chinese as far as the catalogue knows it, else as it is (a
/// number at once).
fn in_chinese(text: &str) -> String {
    if !text.chars().any(char::is_alphabetic) {
        return text.to_string();
    }
    to_chinese(text).unwrap_or_else(|| text.to_string())
}

/// `text` in Chinese: for a text that ends with what a person typed
/// (`…, "Spring sale"`), its head; else the best template; else the pieces
/// of `a; b; c`; else `prefix: text`. None when nothing of it is known.
fn to_chinese(text: &str) -> Option<String> {
    if let Some((head, typed)) = typed_tail(text) {
        return Some(format!("{}，“{typed}”", to_chinese(head)?));
    }
    if let Some(found) = best_match(EXPLANATIONS, text) {
        return Some(filled(&found));
    }
    if text.contains("; ") {
        return pieces(text);
    }
    let (prefix, rest) = text.split_once(": ")?;
    Some(format!("{prefix}：{}", to_chinese(rest)?))
}

/// The Chinese template of a match with its values: a `{w}` value as a
/// word, any other as a text of the catalogue, else as it is (a name, an id
/// or a number is never taken for a word: a channel may be called `email`).
fn filled(found: &Match) -> String {
    let (template, words) = word_holes(found.chinese);
    let values: Vec<String> = found
        .values
        .iter()
        .zip(quoted_holes(found.english))
        .enumerate()
        .map(|(at, (value, quoted))| {
            if quoted {
                value.to_string()
            } else if words.contains(&at) {
                word(value).map_or_else(|| in_chinese(value), str::to_string)
            } else {
                in_chinese(value)
            }
        })
        .collect();
    fill(&template, &values)
}

/// The template with each `{w}` as `{}`, and which values (in order) are
/// words.
fn word_holes(chinese: &str) -> (String, Vec<usize>) {
    let mut words = Vec::new();
    let mut next = 0;
    let mut rest = chinese;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        if after.starts_with("{w}") {
            words.push(next);
        }
        if after.starts_with("{}") || after.starts_with("{w}") {
            next += 1;
        }
        rest = &rest[open + 1..];
    }
    (chinese.replace("{w}", "{}"), words)
}

fn word(text: &str) -> Option<&'static str> {
    EXPLANATION_WORDS
        .iter()
        .chain(catalogue::WORDS)
        .find(|(english, _)| *english == text)
        .map(|(_, chinese)| *chinese)
}

/// `head, "typed"` split in two: what a person typed is never translated.
fn typed_tail(text: &str) -> Option<(&str, &str)> {
    let quoted = text.strip_suffix('"')?;
    let (head, typed) = quoted.split_once(", \"")?;
    Some((head, typed))
}

/// The pieces of `a; b; c` in Chinese, each run of pieces as long as a
/// template matches it, a piece nothing matches as it is; None when no
/// piece is known.
fn pieces(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split("; ").collect();
    let mut out: Vec<String> = Vec::new();
    let mut known = false;
    let mut at = 0;
    while at < parts.len() {
        let longest = (at + 2..=parts.len()).rev().find_map(|end| {
            let run = parts[at..end].join("; ");
            best_match(EXPLANATIONS, &run).map(|found| (end, filled(&found)))
        });
        let (end, chinese) = match longest {
            Some(found) => found,
            None => match to_chinese(parts[at]) {
                Some(chinese) => (at + 1, chinese),
                None => (at + 1, parts[at].to_string()),
            },
        };
        known |= chinese != parts[at..end].join("; ");
        out.push(chinese);
        at = end;
    }
    known.then(|| out.join("；"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(text: &str) -> String {
        explanation_text(text, Lang::Zh)
    }

    #[test]
    fn a_formula_names_its_inputs_in_chinese() {
        assert_eq!(
            zh("cac = acquisition_spend / new_customers"),
            "客户获取成本 = 获客费用 / 新客户"
        );
        assert_eq!(
            explanation_text("cac = acquisition_spend / new_customers", Lang::En),
            "cac = acquisition_spend / new_customers"
        );
        assert_eq!(zh("9800.00 / 3 = 3266.67"), "9800.00 / 3 = 3266.67");
    }

    #[test]
    fn a_reason_is_appended_in_chinese() {
        assert_eq!(
            zh("0.00 / 0 = — (no new customers)"),
            "0.00 / 0 = —（没有新客户）"
        );
        assert_eq!(
            zh("300.00 / 0 = — (no new customers from email)"),
            "300.00 / 0 = —（没有来自 email 的新客户）"
        );
        assert_eq!(
            zh("(3600.00 − 0.00) / 0.00 = — (no revenue in 2023-01)"),
            "(3600.00 − 0.00) / 0.00 = —（2023-01 没有销售额）"
        );
    }

    #[test]
    fn nested_texts_are_translated_inside_out() {
        assert_eq!(
            zh("for the rep u-li (the records the rep owns): aov = revenue / orders"),
            "销售代表 u-li（其负责的记录）：客单价 = 销售额 / 订单数"
        );
        assert_eq!(
            zh("created; converted: first order o3"),
            "本期间新建；已转化：首单 o3"
        );
        assert_eq!(
            zh("orders o1, o2 in Y0; no counted order in Y"),
            "Y0 内订单 o1, o2；Y 内没有计入的订单"
        );
        assert_eq!(
            zh(
                "mean = (3 + 5) / 2 = 4; median = rank ceil(50% × 2) = 1 of 2 = 3; p90 = — (no deals won)"
            ),
            "平均值 = (3 + 5) / 2 = 4；中位数 = 排名 ceil(50% × 2) = 第 1 名（共 2 个）= 3；p90 = —（没有赢单）"
        );
        assert_eq!(zh("count of 0 follow-ups = 0"), "计数（0 个跟进）= 0");
        assert_eq!(
            zh("won = the rep's deals won in the period"),
            "赢单 = 该销售代表本期间赢单的商机"
        );
        assert_eq!(
            zh("lost, created 2024-01-02, closed 2024-01-05: 3 days"),
            "输单，2024-01-02 创建，2024-01-05 结束：3 天"
        );
        assert_eq!(
            zh("Σ of 40 order lines = 1234.00"),
            "Σ（40 条订单明细）= 1234.00"
        );
    }

    #[test]
    fn pieces_of_a_formula_are_translated_as_long_as_a_template_matches() {
        let years = "Y = [2023-04-01, 2024-03-31) (the trailing 365 days), \
                     Y0 = [2022-04-02, 2023-04-01) (the 365 days before)";
        let lifespan = format!(
            "lifespan_years = 1 / annual_churn_rate, at most 10 (also when nobody churns), \
             annual_churn_rate = churned / active_customers(Y0); {years}"
        );
        assert_eq!(
            zh(&lifespan),
            "客户生命周期(年) = 1 / 年流失率，最多 10 年（没有客户流失时也取 10），\
             年流失率 = 流失客户 / 上一年活跃客户；\
             Y = [2023-04-01, 2024-03-31)（最近 365 天），Y0 = [2022-04-02, 2023-04-01)（再往前 365 天）"
        );
        // A piece of numbers only stays, the other is translated.
        assert_eq!(
            zh("1 / 2 × 3; lifespan_years: nobody churned → 10 (the cap)"),
            "1 / 2 × 3；lifespan_years：没有客户流失 → 10（上限）"
        );
        assert_eq!(zh("1 / 2; 3 / 4"), "1 / 2; 3 / 4");
    }

    #[test]
    fn what_a_person_typed_is_kept() {
        assert_eq!(
            zh("channel search, \"Ads, spring sale\""),
            "渠道 search，“Ads, spring sale”"
        );
        assert_eq!(
            zh("marketing spend, no channel (counts only in the total), \"Baidu\""),
            "市场费用，无渠道（只计入总数），“Baidu”"
        );
        assert_eq!(
            zh("customer c-1, call, \"asked for a discount\""),
            "客户 c-1，电话，“asked for a discount”"
        );
        assert_eq!(
            zh("(no product): 100.00 × -1 × (1 − 0) = -100.00 (return)"),
            "（无产品）：100.00 × -1 × (1 − 0) = -100.00（退货）"
        );
        assert_eq!(
            zh("P-1: (100.00 × (1 − 0) − 0 (unknown cost)) × 2 = 200.00"),
            "P-1：(100.00 × (1 − 0) − 0（成本未知）) × 2 = 200.00"
        );
    }

    #[test]
    fn the_json_of_an_explanation_is_localized_where_people_read_it() {
        let mut json = serde_json::json!({
            "kpi": "new_customers",
            "formula": "new_customers = the customers whose first counted order was placed in the period",
            "substituted": "count(c1) = 1",
            "notes": ["spend without a channel counts only in the total cac, in no channel"],
            "inputs": [{"name": "new_customers", "records": [
                {"id": "c1", "note": "first order o1, no channel"}
            ]}]
        });
        let english = json.clone();
        localize_explanation(&mut json, Lang::En);
        assert_eq!(json, english);
        // An explanation without notes gets none.
        let mut without = serde_json::json!({"formula": "aov = revenue / orders", "inputs": []});
        localize_explanation(&mut without, Lang::Zh);
        assert_eq!(
            without,
            serde_json::json!({"formula": "客单价 = 销售额 / 订单数", "inputs": []})
        );
        localize_explanation(&mut json, Lang::Zh);
        assert_eq!(json["formula"], "新客户 = 首个计入的订单在本期间下单的客户");
        assert_eq!(json["substituted"], "计数(c1) = 1");
        assert_eq!(
            json["notes"][0],
            "没有渠道的市场费用只计入总的客户获取成本，不计入任何渠道"
        );
        assert_eq!(json["inputs"][0]["records"][0]["note"], "首单 o1，无渠道");
        assert_eq!(json["inputs"][0]["name"], "new_customers");
    }

    #[test]
    fn every_chinese_template_uses_each_value() {
        for (english, chinese) in EXPLANATIONS {
            let count = english.matches("{}").count();
            let values: Vec<String> = (0..count).map(|i| format!("<{i}>")).collect();
            let (template, _) = word_holes(chinese);
            let filled = fill(&template, &values);
            for value in &values {
                assert!(filled.contains(value.as_str()), "{english} → {chinese}");
            }
            assert!(!filled.contains('{'), "{chinese}");
            let twice = EXPLANATIONS.iter().filter(|(e, _)| e == english).count();
            assert_eq!(twice, 1, "{english} twice");
        }
    }
}
