//! The explanation page in the reader's language: for every KPI, the
//! formula, the substituted formula, the notes and the notes of the records
//! are Chinese with `?lang=zh` (not even two English words in a row: ids
//! and names stand alone) and the API's English with `?lang=en`; the API
//! answers in Chinese too when the request names it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use salesboard_app::import::{ImportRequest, run_import};
use salesboard_domain::kpi::explain::KpiName;
use serde_json::Value;
use std::path::Path;

use crate::common::{Db, TestApp};

/// What a person reads of an explanation page.
#[derive(Debug)]
struct Texts {
    formula: String,
    substituted: String,
    notes: Vec<String>,
    record_notes: Vec<String>,
}

async fn explain_page(app: &TestApp, path: &str) -> Texts {
    let request = Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, _, body) = app.send_raw(request).await;
    let html = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    texts(&html)
}

/// The text between `open` and `close` after the `nth` `open`.
fn between(html: &str, open: &str, close: &str, nth: usize) -> String {
    let after = html.split(open).nth(nth).unwrap_or_default();
    unescape(after.split(close).next().unwrap_or_default())
}

fn unescape(text: &str) -> String {
    [
        ("&#34;", "\""),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&#60;", "<"),
        ("&lt;", "<"),
        ("&#62;", ">"),
        ("&gt;", ">"),
        ("&#38;", "&"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text.to_string(), |text, (entity, plain)| {
        text.replace(entity, plain)
    })
}

fn texts(html: &str) -> Texts {
    let section = html.split("</table>").nth(1).unwrap_or_default();
    let notes_list = section.split("<details>").next().unwrap_or_default();
    let notes = notes_list
        .split("<li>")
        .skip(1)
        .map(|item| unescape(item.split("</li>").next().unwrap_or_default()))
        .collect();
    let raw: Value = serde_json::from_str(&between(html, "<pre>", "</pre>", 1))
        .unwrap_or_else(|e| panic!("the raw view is no JSON: {e}\n{html}"));
    let record_notes = raw["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|input| input["records"].as_array().into_iter().flatten())
        .filter_map(|record| record["note"].as_str().map(str::to_string))
        .collect();
    Texts {
        formula: between(html, "<dd><code>", "</code>", 1),
        substituted: between(html, "<dd><code>", "</code>", 2),
        notes,
        record_notes,
    }
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The longest run of English words in `text` (tokens between spaces and
/// other than ASCII characters, of letters only once `,.:;()[]` around them
/// are left off), leaving out what a person typed (between “ and ”).
fn english_run(text: &str) -> Vec<String> {
    let mut unquoted = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            _ if !quoted => unquoted.push(c),
            _ => {}
        }
    }
    let mut longest: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for token in unquoted.split(|c: char| c.is_whitespace() || !c.is_ascii()) {
        let word = token.trim_matches(|c: char| ",.:;()[]".contains(c));
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic()) {
            run.push(word.to_string());
            if run.len() > longest.len() {
                longest = run.clone();
            }
        } else {
            run.clear();
        }
    }
    longest
}

/// Every page to check: every KPI of each period, `cac_by_channel` of each
/// channel, a rep's fields for each rep (or user without a row).
fn paths(periods: &[&str], channels: &[&str], reps: &[&str]) -> Vec<String> {
    let mut paths = Vec::new();
    for name in KpiName::names() {
        let asked: Vec<String> = if name == "cac_by_channel" {
            channels.iter().map(|c| format!("&channel={c}")).collect()
        } else if name.starts_with("rep.") {
            reps.iter().map(|r| format!("&rep={r}")).collect()
        } else {
            vec![String::new()]
        };
        for extra in &asked {
            for period in periods {
                paths.push(format!("/explain/{name}?period={period}{extra}"));
            }
        }
    }
    paths
}

/// Reads every page in Chinese and in English; the number of notes and of
/// record notes read.
async fn check_every_page(app: &TestApp, paths: &[String]) -> (usize, usize) {
    let (mut notes, mut records) = (0, 0);
    for path in paths {
        let zh = explain_page(app, &format!("{path}&lang=zh")).await;
        assert!(has_chinese(&zh.formula), "{path}: {}", zh.formula);
        let read = [&zh.formula, &zh.substituted]
            .into_iter()
            .chain(&zh.notes)
            .chain(&zh.record_notes);
        for text in read {
            let run = english_run(text);
            assert!(run.len() < 2, "{path}: English {run:?} in {text}");
        }
        // A record's note may be numbers only (`P1: 100.00 × 3 …`); a note
        // of the page is words.
        for note in &zh.notes {
            assert!(has_chinese(note), "{path}: {note}");
        }
        notes += zh.notes.len();
        records += zh.record_notes.len();

        let en = explain_page(app, &format!("{path}&lang=en")).await;
        let api_path = path.replacen("/explain/", "/api/v1/kpis/explain/", 1);
        let (status, api) = app.call("GET", &api_path, Some("admin"), None).await;
        assert_eq!(status, StatusCode::OK, "{api_path}: {api}");
        assert_eq!(en.formula, api["formula"].as_str().unwrap_or_default());
        assert_eq!(
            en.substituted,
            api["substituted"].as_str().unwrap_or_default()
        );
        let api_notes: Vec<&str> = api["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(en.notes, api_notes, "{path}");
        assert_ne!(en.formula, zh.formula, "{path}");
        assert_eq!(en.record_notes.len(), zh.record_notes.len(), "{path}");
        // The API answers in the language the request names, as the page.
        let (_, api_zh) = app
            .call("GET", &format!("{api_path}&lang=zh"), Some("admin"), None)
            .await;
        assert_eq!(zh.formula, api_zh["formula"].as_str().unwrap_or_default());
        assert_eq!(
            zh.substituted,
            api_zh["substituted"].as_str().unwrap_or_default()
        );
        // Only texts change: the same keys, the same numbers.
        let keys = |json: &Value| -> Vec<String> {
            json.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        assert_eq!(keys(&api_zh), keys(&api), "{path}");
        assert_eq!(api_zh["value"], api["value"], "{path}");
    }
    (notes, records)
}

#[tokio::test]
async fn every_explanation_reads_in_chinese_and_in_english() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // A year with data and one without, a channel with data and one without,
    // a rep and a user without a row.
    let paths = paths(
        &["2024", "2019"],
        &["search", "nowhere"],
        &["repa", "admin"],
    );
    assert!(paths.len() > 60, "{} pages", paths.len());
    let (notes, records) = check_every_page(&app, &paths).await;
    // The pages checked have notes and records to read.
    assert!(notes >= 10, "{notes} notes");
    assert!(records >= 50, "{records} record notes");
}

#[tokio::test]
async fn the_small_company_s_explanations_read_in_chinese_too() {
    // The small company of the command line's tests adds what the matrix
    // lacks: a cancelled order, customers active the year before, churn,
    // follow-ups and spend of several channels.
    let app = TestApp::spawn(Db::Sqlite).await;
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny");
    let request = ImportRequest {
        paths: vec![tiny],
        ..ImportRequest::default()
    };
    run_import(&app.state.store, &request, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let paths = paths(
        &["2024-01", "2024-02", "2024-Q1"],
        &["search", "social", "email"],
        &["u-li"],
    );
    let (notes, records) = check_every_page(&app, &paths).await;
    assert!(notes >= 10, "{notes} notes");
    assert!(records >= 100, "{records} record notes");
    let page = explain_page(&app, "/explain/revenue?period=2024-02&lang=zh").await;
    assert!(
        page.notes.iter().any(|n| n.contains("已取消")),
        "{:?}",
        page.notes
    );
}

#[test]
fn an_english_run_is_counted_in_words_and_typed_text_is_left_out() {
    assert_eq!(english_run("0 / 0 = — (no new customers)").len(), 3);
    assert_eq!(english_run("客户获取成本 = 获客费用 / 新客户").len(), 0);
    assert_eq!(
        english_run("渠道 search，“Spring sale of the year”").len(),
        1
    );
    assert_eq!(
        english_run("cac = acquisition_spend / new_customers").len(),
        1
    );
    assert_eq!(english_run("排名第 ceil(q × n) 个").len(), 1);
    assert_eq!(english_run("没有来自 nowhere 的新客户").len(), 1);
}
