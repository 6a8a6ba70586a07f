//! Writing records out: the canonical import files (so that an export imports
//! back unchanged), the file of rejected rows an import leaves for the user to
//! fix, and tables of typed cells as CSV or XLSX ([`sheet`]). Text that a
//! spreadsheet would run as a formula is neutralized.

pub mod sheet;

use std::io::Write;
use std::path::{Path, PathBuf};

use salesboard_domain::{Dataset, OrgTimeZone, Timestamp};

use crate::import::{FileKind, RejectedRow};

/// Why writing failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// CSV encoding failed.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
}

const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'];

/// Whether a cell holding `text` must get a leading `'`: it starts (after
/// any leading spaces) like a formula, or it is quotes before such text (so
/// that a value that really starts with `'=` comes back as it was).
fn needs_quote(text: &str) -> bool {
    text.trim_start_matches('\'')
        .trim_start_matches(' ')
        .starts_with(FORMULA_STARTS)
}

/// A text cell made safe for spreadsheets: a value starting (after any
/// leading spaces) with `= + - @`, a tab, CR, LF or NUL gets a leading `'`,
/// and so does a value of quotes before such text.
pub fn neutralize_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Undoes [`neutralize_formula`] on import: `restore_formula_text(&neutralize_formula(t)) == t`
/// for every text.
pub fn restore_formula_text(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => text,
    }
}

fn local(zone: OrgTimeZone, at: Timestamp) -> String {
    zone.local_datetime(at)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn opt_local(zone: OrgTimeZone, at: Option<Timestamp>) -> String {
    at.map(|at| local(zone, at)).unwrap_or_default()
}

fn text(value: &Option<String>) -> String {
    value
        .as_deref()
        .map(|v| neutralize_formula(v).into_owned())
        .unwrap_or_default()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

struct CsvFile {
    path: PathBuf,
    writer: csv::Writer<std::fs::File>,
}

impl CsvFile {
    fn create(path: PathBuf, headers: &[&str]) -> Result<Self, ExportError> {
        let mut file = std::fs::File::create(&path).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
        file.write_all(b"\xEF\xBB\xBF")
            .map_err(|source| ExportError::Io {
                path: path.clone(),
                source,
            })?;
        let mut out = CsvFile {
            path,
            writer: csv::Writer::from_writer(file),
        };
        out.row(headers.iter().map(|h| h.to_string()))?;
        Ok(out)
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<(), ExportError> {
        self.writer
            .write_record(cells.into_iter().collect::<Vec<_>>())
            .map_err(|source| ExportError::Csv {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::Io {
            path: self.path,
            source,
        })
    }
}

/// Writes `data` as the canonical CSV files (UTF-8 with BOM, English headers,
/// local times) into `dir`; returns the files written.
pub fn write_canonical_csv(
    dir: &Path,
    data: &Dataset,
    zone: OrgTimeZone,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut written = Vec::new();
    let mut open = |kind: FileKind| {
        let path = dir.join(format!("{}.csv", kind.name()));
        written.push(path.clone());
        let headers: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
        CsvFile::create(path, &headers)
    };
    let mut out = open(FileKind::Users)?;
    for u in &data.users {
        out.row([
            u.id.clone(),
            text(&Some(u.name.clone())),
            opt(u.email.as_ref()),
            u.role.to_string(),
            text(&u.team),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Products)?;
    for p in &data.products {
        out.row([
            p.sku.clone(),
            text(&Some(p.name.clone())),
            text(&p.category),
            opt(p.unit_price),
            opt(p.unit_cost),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Customers)?;
    for c in &data.customers {
        out.row([
            c.id.clone(),
            text(&Some(c.name.clone())),
            opt(c.kind),
            text(&c.industry),
            text(&c.region),
            text(&c.channel),
            opt(c.owner.as_ref()),
            local(zone, c.created_at),
            opt_local(zone, c.first_contact_at),
            text(&c.phone),
            opt(c.email.as_ref()),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Contacts)?;
    for c in &data.contacts {
        out.row([
            c.id.clone(),
            c.customer_id.clone(),
            text(&Some(c.name.clone())),
            text(&c.title),
            text(&c.phone),
            opt(c.email.as_ref()),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Deals)?;
    for d in &data.deals {
        out.row([
            d.id.clone(),
            d.customer_id.clone(),
            opt(d.owner.as_ref()),
            text(&d.title),
            d.stage.clone(),
            opt(d.amount),
            local(zone, d.created_at),
            opt_local(zone, d.closed_at),
            d.status.to_string(),
            text(&d.lost_reason),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Orders)?;
    for o in &data.orders {
        for line in &o.lines {
            out.row([
                o.id.clone(),
                o.customer_id.clone(),
                opt(o.owner.as_ref()),
                local(zone, o.ordered_at),
                opt(line.sku.as_ref()),
                line.unit_price.to_string(),
                line.quantity.to_string(),
                line.discount.to_string(),
                o.status.to_string(),
                opt(o.deal_id.as_ref()),
            ])?;
        }
    }
    out.finish()?;
    let mut out = open(FileKind::Payments)?;
    for p in &data.payments {
        out.row([
            p.id.clone(),
            p.order_id.clone(),
            p.amount.to_string(),
            local(zone, p.paid_at),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Activities)?;
    for a in &data.activities {
        out.row([
            a.id.clone(),
            a.customer_id.clone(),
            opt(a.deal_id.as_ref()),
            opt(a.owner.as_ref()),
            opt(a.kind),
            local(zone, a.occurred_at),
            text(&a.note),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Spend)?;
    for s in &data.spend {
        out.row([
            s.id.clone(),
            zone.local_date(s.date).to_string(),
            text(&s.channel),
            opt(s.category.as_ref()),
            s.amount.to_string(),
            text(&s.campaign),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Surveys)?;
    for s in &data.surveys {
        out.row([
            s.id.clone(),
            opt(s.customer_id.as_ref()),
            opt(s.order_id.as_ref()),
            s.score.to_string(),
            s.scale.max().to_string(),
            local(zone, s.responded_at),
            text(&s.comment),
        ])?;
    }
    out.finish()?;
    let mut out = open(FileKind::Targets)?;
    for t in &data.targets {
        let value = salesboard_domain::Money::from_cents(t.value_hundredths);
        out.row([
            t.owner.clone(),
            t.period.clone(),
            t.metric.to_string(),
            value.to_string(),
        ])?;
    }
    out.finish()?;
    Ok(written)
}

/// Writes rejected rows with their original headers and an `error` column
/// (UTF-8 with BOM, so that Excel shows Chinese text), ready to fix and re-import.
pub fn write_rejected(
    path: &Path,
    headers: &[String],
    rows: &[RejectedRow],
) -> Result<(), ExportError> {
    let mut header_row: Vec<&str> = headers.iter().map(String::as_str).collect();
    header_row.push("error");
    let mut out = CsvFile::create(path.to_path_buf(), &header_row)?;
    for row in rows {
        let mut cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| neutralize_formula(c).into_owned())
            .collect();
        cells.resize(headers.len(), String::new());
        cells.push(neutralize_formula(&row.reason).into_owned());
        out.row(cells)?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_gets_a_quote_and_loses_it_on_import() {
        for text in ["=1+1", "+86 138", "-x", "@SUM(A1)", "\tx", "  =cmd", "\0"] {
            let safe = neutralize_formula(text);
            assert!(safe.starts_with('\''), "{text:?}");
            assert_eq!(restore_formula_text(&safe), text);
        }
        assert_eq!(neutralize_formula("杭州茶业"), "杭州茶业");
        assert_eq!(neutralize_formula(" x-1"), " x-1");
        assert_eq!(restore_formula_text("'quoted"), "'quoted");
    }

    #[test]
    fn text_that_really_starts_with_a_quote_comes_back_as_it_was() {
        for text in ["'=1", "''+2", "' -3", "'", "''", "'x", " '=1"] {
            let safe = neutralize_formula(text);
            assert_eq!(restore_formula_text(&safe), text, "{text:?} -> {safe:?}");
        }
        assert_eq!(neutralize_formula("'=1"), "''=1");
        assert_eq!(neutralize_formula("'x"), "'x");
    }

    proptest::proptest! {
        #[test]
        fn restoring_undoes_neutralizing(text in "['= +@\t\r\n\0x-]{0,6}|\\PC{0,12}") {
            let safe = neutralize_formula(&text);
            proptest::prop_assert_eq!(restore_formula_text(&safe), text.as_str());
            let first = safe.trim_start_matches(' ').chars().next();
            proptest::prop_assert!(first.is_none_or(|c| !FORMULA_STARTS.contains(&c)));
        }
    }
}
