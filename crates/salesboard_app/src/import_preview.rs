//! The preview of an import, for the web's import page: one file read and
//! checked exactly as an import would check it (same reader, mapping and
//! validation, against the same stored records), nothing written. It shows
//! how the columns were matched to fields, the first rows with the problems
//! of each cell, and the problems of every row.

use salesboard_io::import::{ColumnMapping, ColumnTarget, FileKind, SourceFile, map_headers};
use salesboard_store::Store;
use serde::Serialize;

use crate::import::{ImportError, ImportRequest, check_tables, read_source};

/// Data rows shown in a preview.
pub const PREVIEW_ROWS: usize = 20;

/// Problems listed in a preview (all of them are counted).
pub const PREVIEW_PROBLEMS: usize = 100;

/// One column of the file and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewColumn {
    /// The header as the file has it.
    pub header: String,
    /// The field it fills, if any.
    pub field: Option<&'static str>,
    /// `field`, `extra` (kept as a custom field, or not stored, by kind) or
    /// `ignored` (left out on the user's word).
    pub target: &'static str,
    /// Whether the field it fills must have a value in every row.
    pub required: bool,
}

/// A field of the kind of file, for the mapping's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewField {
    /// The canonical name (also the English header).
    pub name: &'static str,
    /// Whether every row must have it.
    pub required: bool,
    /// The Chinese header, when the import format has one.
    pub label_zh: Option<&'static str>,
    /// The English label (the name, in words).
    pub label_en: String,
}

/// A problem with a cell (or with its whole row, without a column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    /// The canonical field, when the problem is in one field.
    pub field: Option<String>,
    /// The index of the column holding it, when the file has one.
    pub column: Option<usize>,
    /// Why.
    pub reason: String,
}

/// One of the first rows of the file, with its problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewRow {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// Its cells as text, one per header.
    pub cells: Vec<String>,
    /// What is wrong with it.
    pub problems: Vec<CellProblem>,
}

/// A problem anywhere in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewProblem {
    /// The file.
    pub file: String,
    /// The line (1 is the header row).
    pub line: usize,
    /// The canonical field, when the problem is in one field.
    pub field: Option<String>,
    /// The file's header of that field, when it has a column.
    pub header: Option<String>,
    /// Why.
    pub reason: String,
}

/// What importing a file would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    /// The file's name.
    pub file: String,
    /// What it holds.
    pub kind: &'static str,
    /// `UTF-8`, `GBK` or `XLSX`.
    pub encoding: &'static str,
    /// Its columns, in order, with the fields they fill.
    pub columns: Vec<PreviewColumn>,
    /// Every field of the kind.
    pub fields: Vec<PreviewField>,
    /// The first [`PREVIEW_ROWS`] data rows.
    pub rows: Vec<PreviewRow>,
    /// Data rows in the file.
    pub total_rows: usize,
    /// Problems in the whole file.
    pub problem_count: usize,
    /// The first [`PREVIEW_PROBLEMS`] problems.
    pub problems: Vec<PreviewProblem>,
    /// Things worth knowing that are not errors (columns not stored).
    pub warnings: Vec<String>,
}

/// `customer_id` → `Customer id`.
fn in_words(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The fields of a kind, with their labels.
pub fn fields_of(kind: FileKind) -> Vec<PreviewField> {
    kind.fields()
        .iter()
        .map(|f| PreviewField {
            name: f.name,
            required: f.required,
            label_zh: f.aliases.first().copied().filter(|a| !a.is_ascii()),
            label_en: in_words(f.name),
        })
        .collect()
}

/// Checks that the user's mapping names fields of `kind` (or `-`).
pub fn check_mapping(kind: FileKind, overrides: &[(String, String)]) -> Result<(), ImportError> {
    let unknown = overrides.iter().find(|(_, field)| {
        let field = field.trim();
        field != "-" && !kind.fields().iter().any(|f| f.name == field)
    });
    match unknown {
        Some((header, field)) => Err(ImportError::UnknownField {
            header: header.clone(),
            field: field.clone(),
            kind: kind.name(),
        }),
        None => Ok(()),
    }
}

/// A problem's field (as labelled in problems) to the canonical field and
/// its column.
fn locate(
    mapping: &ColumnMapping,
    headers: &[String],
    label: &str,
) -> (Option<String>, Option<usize>) {
    mapping
        .kind
        .fields()
        .iter()
        .find(|f| mapping.label(headers, f.name) == label)
        .map_or((Some(label.to_string()), None), |f| {
            (Some(f.name.to_string()), mapping.column_of(f.name))
        })
}

/// Reads and checks `source` as an import of it with `request`'s kind,
/// sheet and mapping would; writes nothing.
pub async fn preview_import(
    store: &impl Store,
    source: &SourceFile,
    request: &ImportRequest,
) -> Result<ImportPreview, ImportError> {
    let (kind, table) = read_source(source, request)?;
    check_mapping(kind, &request.overrides)?;
    let mapping = map_headers(kind, &table.headers, &request.overrides);
    let headers = table.headers.clone();
    let columns = headers
        .iter()
        .zip(&mapping.columns)
        .map(|(header, target)| {
            let (field, target) = match target {
                ColumnTarget::Field(name) => (Some(*name), "field"),
                ColumnTarget::Extra(_) => (None, "extra"),
                ColumnTarget::Ignored => (None, "ignored"),
            };
            PreviewColumn {
                header: header.clone(),
                field,
                target,
                required: kind
                    .fields()
                    .iter()
                    .any(|f| Some(f.name) == field && f.required),
            }
        })
        .collect();
    let tables = [(kind, table)];
    let outcome = check_tables(store, &tables, request).await?;
    let [(_, table)] = tables;
    let located: Vec<(PreviewProblem, Option<usize>)> = outcome
        .problems
        .iter()
        .map(|problem| {
            let (field, column) = match &problem.field {
                Some(label) => locate(&mapping, &headers, label),
                None => (None, None),
            };
            let preview = PreviewProblem {
                file: problem.file.clone(),
                line: problem.line,
                field,
                header: column.and_then(|c| headers.get(c).cloned()),
                reason: problem.reason.clone(),
            };
            (preview, column)
        })
        .collect();
    let rows = table
        .rows
        .iter()
        .take(PREVIEW_ROWS)
        .map(|row| PreviewRow {
            line: row.line,
            cells: row.cells.iter().map(str::to_string).collect(),
            problems: located
                .iter()
                .filter(|(p, _)| p.line == row.line)
                .map(|(p, column)| CellProblem {
                    field: p.field.clone(),
                    column: *column,
                    reason: p.reason.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(ImportPreview {
        file: table.file.clone(),
        kind: kind.name(),
        encoding: table.encoding,
        columns,
        fields: fields_of(kind),
        rows,
        total_rows: table.rows.len(),
        problem_count: located.len(),
        problems: located
            .into_iter()
            .take(PREVIEW_PROBLEMS)
            .map(|(p, _)| p)
            .collect(),
        warnings: outcome.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_labels_come_from_the_import_format() {
        let fields = fields_of(FileKind::Orders);
        let quantity = fields.iter().find(|f| f.name == "quantity");
        assert_eq!(
            quantity,
            Some(&PreviewField {
                name: "quantity",
                required: true,
                label_zh: Some("数量"),
                label_en: "Quantity".into(),
            })
        );
        let customer = fields.iter().find(|f| f.name == "customer_id");
        assert_eq!(customer.map(|f| f.label_en.as_str()), Some("Customer id"));
        // Every field of a users file has a Chinese header.
        assert!(
            fields_of(FileKind::Users)
                .iter()
                .all(|f| f.label_zh.is_some())
        );
    }

    #[test]
    fn a_mapping_to_an_unknown_field_is_refused() {
        let ok = vec![("Menge".to_string(), "quantity".to_string())];
        assert!(check_mapping(FileKind::Orders, &ok).is_ok());
        let left_out = vec![("Notiz".to_string(), "-".to_string())];
        assert!(check_mapping(FileKind::Orders, &left_out).is_ok());
        let wrong = vec![("Menge".to_string(), "amount".to_string())];
        assert!(matches!(
            check_mapping(FileKind::Orders, &wrong),
            Err(ImportError::UnknownField { field, .. }) if field == "amount"
        ));
    }

    /// The tiny fixture's orders with line 5 (the second line of order o2)
    /// changed to quantity `abc`, under `header`.
    fn orders_with_bad_line_5(header: &str) -> SourceFile {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/tiny/orders.csv");
        let text = std::fs::read_to_string(fixture).unwrap_or_else(|e| panic!("{e}"));
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert!(lines[4].starts_with("o2,c1,u-li,2023-12-20 16:00,P-TRN,3000.00,1,"));
        lines[4] = lines[4].replacen("3000.00,1,", "3000.00,abc,", 1);
        lines[0] = header.to_string();
        SourceFile {
            name: "orders.csv".into(),
            bytes: (lines.join("\n") + "\n").into_bytes(),
        }
    }

    #[tokio::test]
    async fn a_bad_quantity_is_marked_on_its_line_and_cell_in_english_or_chinese() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = crate::test_support::tiny_store(&dir).await;
        let before = store.change_version().await.unwrap_or_default();
        for (header, quantity_header) in [
            (
                "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity,discount,status,deal_id",
                "quantity",
            ),
            (
                "订单ID,客户ID,负责人,下单时间,产品编号,单价,数量,折扣,状态,商机ID",
                "数量",
            ),
        ] {
            let source = orders_with_bad_line_5(header);
            let preview = preview_import(&store, &source, &ImportRequest::default())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(preview.kind, "orders");
            assert_eq!(preview.columns[6].field, Some("quantity"));
            assert!(preview.columns[6].required);
            assert_eq!(preview.total_rows, 12, "{header}");
            // Line 5 itself, and line 4: the other line of order o2, which a
            // bad line rejects with it.
            assert_eq!(preview.problem_count, 2, "{:?}", preview.problems);
            let bad = &preview.problems[1];
            assert_eq!(
                (bad.line, bad.field.as_deref(), bad.header.as_deref()),
                (5, Some("quantity"), Some(quantity_header))
            );
            assert_eq!(bad.reason, "\"abc\" is not a whole number");
            assert_eq!(
                (
                    preview.problems[0].line,
                    preview.problems[0].field.as_deref()
                ),
                (4, None)
            );
            let row = &preview.rows[3];
            assert_eq!((row.line, row.cells[6].as_str()), (5, "abc"));
            assert_eq!(row.problems.len(), 1);
            assert_eq!(row.problems[0].column, Some(6));
            assert!(preview.rows[2].problems[0].column.is_none());
            assert!(preview.rows.iter().skip(4).all(|r| r.problems.is_empty()));
        }
        assert_eq!(store.change_version().await.unwrap_or_default(), before);
    }

    #[tokio::test]
    async fn the_users_mapping_moves_a_column_to_another_field() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = crate::test_support::tiny_store(&dir).await;
        let source = SourceFile {
            name: "products.csv".into(),
            bytes: "sku,Bezeichnung,unit_price\nP-NEW,Neu,9.90\n"
                .as_bytes()
                .to_vec(),
        };
        let plain = preview_import(&store, &source, &ImportRequest::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (plain.columns[1].field, plain.columns[1].target),
            (None, "extra")
        );
        assert_eq!(plain.problems[0].field.as_deref(), Some("name"));
        assert_eq!(plain.problems[0].line, 1);
        let mapped = ImportRequest {
            overrides: vec![("Bezeichnung".into(), "name".into())],
            ..ImportRequest::default()
        };
        let preview = preview_import(&store, &source, &mapped)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(preview.columns[1].field, Some("name"));
        assert_eq!(preview.problem_count, 0, "{:?}", preview.problems);
    }
}
