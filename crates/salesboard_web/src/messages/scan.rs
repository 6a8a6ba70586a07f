//! The test that keeps the catalogue complete: it reads the crates' source,
//! finds every message given to the constructors of the errors and problems
//! people see (and every `format!` that quotes a value), and fails for each
//! one the catalogue has no Chinese for.

use std::path::{Path, PathBuf};

use super::catalogue::{MESSAGES, NOT_SHOWN};
use super::explanation_catalogue::EXPLANATIONS;

/// A call and which of its arguments is the message (from 0).
const MESSAGE_CALLS: &[(&str, usize)] = &[
    ("ValidationError::new(", 0),
    ("ApiError::new(", 2),
    ("ApiError::invalid(", 1),
    ("ApiError::forbidden(", 0),
    ("RecordError::invalid(", 1),
    ("RecordError::Conflict(", 0),
    ("RecordError::Forbidden(", 0),
    ("SurveyError::invalid(", 1),
    ("UserError::Invalid(", 0),
    ("AuthError::Invalid(", 1),
    ("SettingsError::Invalid(", 0),
    ("StoreError::Conflict(", 0),
    (".problem(", 1),
    ("Problem::in_field(", 3),
    ("Problem::in_row(", 2),
    ("fail(", 0),
    ("Err(", 0),
    ("errors.push(", 0),
    ("warnings.push(", 0),
    ("#[error(", 0),
    ("reason: ", 0),
    ("reason = ", 0),
    ("message: ", 0),
    ("| format!(", 0),
    ("ok_or(", 0),
    ("invalid(", 0),
    ("=> format!(", 0),
    ("error = ", 0),
];

/// The crates whose messages reach people through the server.
const CRATES: &[&str] = &[
    "salesboard_domain",
    "salesboard_io",
    "salesboard_app",
    "salesboard_store",
    "salesboard_web",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            // The demo data and the catalogue itself hold no messages.
            if !matches!(name, "demo" | "messages") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs")
            && !name.starts_with("conformance")
            && !matches!(
                name,
                "tests.rs" | "test_support.rs" | "openapi.rs" | "i18n.rs"
            )
        {
            out.push(path);
        }
    }
}

/// The source before its tests, with comments blanked out.
fn code_of(source: &str) -> String {
    let code = source.split("#[cfg(test)]").next().unwrap_or("");
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let end = literal_end(code, i);
            out.push_str(&code[i..end]);
            i = end;
        } else if code[i..].starts_with("//") {
            let end = code[i..].find('\n').map_or(code.len(), |n| i + n);
            out.push_str(&" ".repeat(end - i));
            i = end;
        } else if code[i..].starts_with("'\"'") {
            out.push_str("' '");
            i += 3;
        } else {
            let c = code[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The index after the string literal that opens at `start`.
fn literal_end(code: &str, start: usize) -> usize {
    let bytes = code.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A Rust string literal's text: escapes and line continuations resolved,
/// every `{…}` of a format string as `{}`.
fn template(literal: &str) -> String {
    let mut text = String::new();
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => text.push('\n'),
            Some('\n') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(other) => text.push(other),
            None => {}
        }
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
            out.push_str(&rest[open..=open]);
            rest = &after[1..];
        } else if let Some(close) = after.find('}').filter(|_| rest[open..].starts_with('{')) {
            out.push_str("{}");
            rest = &after[close + 1..];
        } else {
            out.push_str(&rest[open..=open]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Where argument `index` of the call whose arguments begin at `from` begins.
fn argument(code: &str, from: usize, index: usize) -> Option<usize> {
    let bytes = code.as_bytes();
    let (mut depth, mut commas, mut i) = (0usize, 0usize, from);
    if index == 0 {
        return Some(from);
    }
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = literal_end(code, i);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return None,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                commas += 1;
                if commas == index {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The message template that begins at `at`: a literal, or `format!`'s.
fn message_at(code: &str, at: usize) -> Option<String> {
    let mut rest = code[at..].trim_start();
    for wrapper in ["&", "format!(", "Some("] {
        if let Some(inner) = rest.strip_prefix(wrapper) {
            rest = inner.trim_start();
        }
    }
    if let Some(inner) = rest.strip_prefix("format!(") {
        rest = inner.trim_start();
    }
    rest.starts_with('"').then(|| {
        let start = code.len() - rest.len();
        template(&code[start + 1..literal_end(code, start) - 1])
    })
}

/// Every message template in the crates' source, with where it is.
fn messages_in_source() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for name in CRATES {
        rust_files(&root.join(name).join("src"), &mut files);
    }
    let mut found = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let code = code_of(&source);
        // Only the errors' own constructors count where the other texts are
        // no messages: the store's SQL, a KPI explanation's formulas and
        // notes (documentation of the numbers), the pages' number formats.
        let errors_only = file.components().any(|c| {
            ["salesboard_store", "explain", "format.rs"]
                .contains(&c.as_os_str().to_str().unwrap_or(""))
        });
        let mut starts: Vec<usize> = Vec::new();
        for (call, index) in MESSAGE_CALLS {
            if errors_only && !call.contains("Error") {
                continue;
            }
            for (at, _) in code.match_indices(call) {
                if let Some(start) = argument(&code, at + call.len(), *index) {
                    starts.push(start);
                }
            }
        }
        // A `format!` that quotes a value is a message wherever it goes.
        for (at, _) in code.match_indices("format!(").filter(|_| !errors_only) {
            if message_at(&code, at).is_some_and(|t| t.contains("\"{}\"")) {
                starts.push(at);
            }
        }
        for start in starts {
            if let Some(message) = message_at(&code, start) {
                let line = code[..start].lines().count();
                found.push((message, format!("{}:{line}", file.display())));
            }
        }
    }
    found
}

/// Every text of the KPI explanations (`salesboard_domain/src/kpi/explain`),
/// with where it is: each string literal of their code, as a format
/// template; a literal that begins with a space is appended to another text
/// (` (no orders)`), so its template is `{}` and itself. An English label
/// written next to its Chinese one (`("orders", "Orders", "订单数")`) is
/// no text to translate.
fn explanation_texts_in_source() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../salesboard_domain/src/kpi/explain");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
        })
        .collect();
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let code = code_of(&without_test_module_declarations(&source));
        let mut at = 0;
        while let Some(offset) = code[at..].find('"') {
            let start = at + offset;
            let end = literal_end(&code, start);
            at = end;
            let text = template(&code[start + 1..end.saturating_sub(1)]);
            let next = code[end..].trim_start_matches([' ', ',', '\n']);
            let labelled = next.starts_with('"')
                && next[1..literal_end(next, 0).saturating_sub(1)]
                    .chars()
                    .any(is_chinese);
            if labelled {
                continue;
            }
            let text = if text.starts_with(' ') {
                format!("{{}}{text}")
            } else {
                text
            };
            let line = code[..start].lines().count();
            found.push((text, format!("{}:{line}", file.display())));
        }
    }
    found
}

/// The source without `#[cfg(test)] mod tests;` lines, so that the code
/// after such a declaration is read (the scan stops at `#[cfg(test)]`).
fn without_test_module_declarations(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = &rest[at + "#[cfg(test)]".len()..];
        let declaration = after.trim_start();
        let line_end = declaration.find('\n').unwrap_or(declaration.len());
        let line = &declaration[..line_end];
        if line.starts_with("mod ") && line.trim_end().ends_with(';') {
            out.push_str(&rest[..at]);
            rest = &declaration[line_end..];
        } else {
            break;
        }
    }
    out.push_str(rest);
    out
}

fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Whether a template is no sentence: only values and punctuation
/// (`{}: {}`), or one word (a field, a path, an example like `2024-W10`).
fn is_no_sentence(template: &str) -> bool {
    !template.replace("{}", "").chars().any(char::is_alphabetic) || !template.contains(' ')
}

#[test]
fn every_message_in_the_source_has_chinese() {
    let found = messages_in_source();
    // The scan itself works: it finds messages of every crate.
    for known in [
        "\"{}\" is not an amount of money",
        "is required but empty",
        "no such record",
        "must be money as a string like \"1234.50\" or null",
        "\"{}\" is not a pipeline stage ({})",
        "you may not {} {}",
    ] {
        assert!(found.iter().any(|(m, _)| m == known), "not found: {known}");
    }
    assert!(found.len() > 150, "{} messages found", found.len());
    let missing: Vec<String> = found
        .iter()
        .filter(|(message, _)| {
            !is_no_sentence(message)
                && !NOT_SHOWN.contains(&message.as_str())
                && !MESSAGES.iter().any(|(english, _)| english == message)
        })
        .map(|(message, place)| format!("{place}: {message}"))
        .collect();
    assert!(
        missing.is_empty(),
        "messages without Chinese (add them to messages/catalogue.rs):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_message_of_the_catalogue_is_in_the_source() {
    let found = messages_in_source();
    let stale: Vec<&str> = MESSAGES
        .iter()
        .map(|(english, _)| *english)
        .filter(|english| !found.iter().any(|(m, _)| m == english))
        .collect();
    assert!(stale.is_empty(), "not in the source: {stale:#?}");
}

#[test]
fn the_scan_reads_literals_as_format_templates() {
    assert_eq!(
        template(
            r#"\"{text}\" is not {} {{x}} a\
                    b"#
        ),
        "\"{}\" is not {} {x} ab"
    );
    let code = "ApiError::invalid(\"kind\", format!(\"must be one of {}\", names))";
    let start = argument(code, "ApiError::invalid(".len(), 1);
    assert_eq!(
        start.and_then(|s| message_at(code, s)),
        Some("must be one of {}".to_string())
    );
    assert!(is_no_sentence("{}: {}"));
    assert!(is_no_sentence("lines[{}]"));
    assert!(!is_no_sentence("line {}: {}"));
}

#[test]
fn every_explanation_text_in_the_source_has_chinese() {
    let found = explanation_texts_in_source();
    // The scan itself works: it finds formulas, reasons, notes of records
    // and texts after a test module's declaration.
    for known in [
        "cac = acquisition_spend / new_customers",
        "{} (no new customers)",
        "order {} of {} is cancelled: not counted",
        "first order {}, no channel",
        "before {}",
    ] {
        assert!(found.iter().any(|(t, _)| t == known), "not found: {known}");
    }
    // Labels written next to their Chinese are not texts.
    assert!(!found.iter().any(|(t, _)| t == "Acquisition spend"));
    assert!(found.len() > 80, "{} texts found", found.len());
    let missing: Vec<String> = found
        .iter()
        .filter(|(text, _)| {
            !is_no_sentence(text)
                && !EXPLANATIONS.iter().any(|(english, _)| english == text)
                && !MESSAGES.iter().any(|(english, _)| english == text)
        })
        .map(|(text, place)| format!("{place}: {text}"))
        .collect();
    assert!(
        missing.is_empty(),
        "explanation texts without Chinese (add them to messages/explanation_catalogue.rs):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_explanation_template_is_in_the_source() {
    let found = explanation_texts_in_source();
    let stale: Vec<&str> = EXPLANATIONS
        .iter()
        .map(|(english, _)| *english)
        .filter(|english| !found.iter().any(|(t, _)| t == english))
        .collect();
    assert!(stale.is_empty(), "not in the source: {stale:#?}");
}
