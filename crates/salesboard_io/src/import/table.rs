//! Reading a CSV or XLSX file into a table of text cells, each row with the
//! line (or sheet row) number people see in their editor.

use super::decode::decode_text;
use super::xlsx::read_xlsx;

/// A file handed to the importer.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in messages (`orders.csv`).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the CSV file (or row in the sheet); the header is line 1.
    pub line: usize,
    /// Cells, one per header (missing trailing cells are empty), in one
    /// allocation per row.
    pub cells: csv::StringRecord,
}

/// A file read into headers and rows of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file's name.
    pub file: String,
    /// `UTF-8`, `GBK` or `XLSX`.
    pub encoding: &'static str,
    /// Header cells, trimmed.
    pub headers: Vec<String>,
    /// Data rows, blank rows left out.
    pub rows: Vec<Row>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct TableError {
    /// The file.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// The largest file read (CSV or XLSX), in bytes.
pub const MAX_FILE_BYTES: usize = 512 * 1024 * 1024;

/// How every ZIP archive, and so every XLSX file, begins.
const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";

/// How much of a file is looked at to tell text from binary.
const TEXT_SNIFF_BYTES: usize = 8192;

/// Reads CSV or XLSX (by content: XLSX files are ZIP archives), taking the
/// named sheet or the first one.
pub fn read_table(file: &SourceFile, sheet: Option<&str>) -> Result<Table, TableError> {
    let fail = |reason: String| TableError {
        file: file.name.clone(),
        reason,
    };
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file is larger than {} MiB",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let is_zip = file.bytes.starts_with(ZIP_SIGNATURE);
    let named_xlsx = file.name.to_lowercase().ends_with(".xlsx");
    if named_xlsx && !is_zip {
        return Err(fail(
            "not an XLSX file: it does not begin with the ZIP signature \"PK\"".into(),
        ));
    }
    if !is_zip && looks_binary(&file.bytes) {
        return Err(fail(
            "not a text file (it holds NUL bytes): save it as CSV in UTF-8 or GBK, or as XLSX"
                .into(),
        ));
    }
    let table = if is_zip {
        read_xlsx(file, sheet).map_err(fail)?
    } else {
        read_csv(file).map_err(fail)?
    };
    if table.headers.iter().all(String::is_empty) {
        return Err(fail("the file has no header row".into()));
    }
    Ok(table)
}

/// Whether a file that is not an archive is binary: NUL bytes in bytes that
/// are not UTF-8 (a picture, UTF-16). UTF-8 text may hold a NUL in a cell (an
/// export of such text must import back), so NUL alone does not decide.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(TEXT_SNIFF_BYTES)];
    // A character cut at the end of the sniffed part is no evidence.
    head.contains(&0) && matches!(std::str::from_utf8(head), Err(e) if e.error_len().is_some())
}

fn read_csv(file: &SourceFile) -> Result<Table, String> {
    let (text, encoding) = decode_text(&file.bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first_line.matches(char::from(*d)).count())
        .filter(|d| first_line.contains(char::from(*d)))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut headers = Vec::new();
    let mut rows = Vec::new();
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0_usize, 1_usize);
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.position() {
            Some(position) => format!("line {}: {e}", position.line()),
            None => e.to_string(),
        })?;
        // The record's first line: count line breaks up to its first byte,
        // skipping the blank lines the reader passed over.
        let mut start = record
            .position()
            .map_or(counted_to, |p| p.byte() as usize)
            .max(counted_to);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[counted_to..start.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start.min(bytes.len());
        if index == 0 {
            headers = record.iter().map(|h| h.trim().to_string()).collect();
            continue;
        }
        push_row(&mut rows, line, record, headers.len());
    }
    Ok(Table {
        file: file.name.clone(),
        encoding,
        headers,
        rows,
    })
}

pub(super) fn push_row(
    rows: &mut Vec<Row>,
    line: usize,
    mut cells: csv::StringRecord,
    width: usize,
) {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    while cells.len() < width {
        cells.push_field("");
    }
    rows.push(Row { line, cells });
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::super::xlsx::MAX_XLSX_ENTRIES;
    use super::*;

    #[test]
    fn nul_in_utf8_text_is_a_cell_and_nul_in_other_bytes_is_binary() {
        assert!(!looks_binary(b"name\n\"'\0x\"\n"));
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00"));
        assert!(looks_binary(b"\xff\xfen\x00a\x00"));
        assert!(!looks_binary("客户".as_bytes()));
        // A character cut by the sniffed window does not make text binary.
        let mut text = vec![b'a'; TEXT_SNIFF_BYTES - 1];
        text.extend_from_slice("客\0".as_bytes());
        text[0] = 0;
        assert!(!looks_binary(&text));
    }

    /// A zip archive with the given entries (name, content), deflated.
    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, content) in entries {
            out.start_file(*name, options)
                .unwrap_or_else(|e| panic!("{e}"));
            out.write_all(content).unwrap_or_else(|e| panic!("{e}"));
        }
        out.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
    }

    fn xlsx_error(bytes: Vec<u8>) -> String {
        match read_table(
            &SourceFile {
                name: "x.xlsx".into(),
                bytes,
            },
            None,
        ) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        let zeros = vec![0_u8; 300 * 1024 * 1024];
        let bomb = archive(&[("xl/worksheets/sheet1.xml", &zeros)]);
        drop(zeros);
        assert!(bomb.len() < 1024 * 1024, "{} bytes packed", bomb.len());
        let started = std::time::Instant::now();
        let error = xlsx_error(bomb);
        assert!(error.contains("unpacks to 300 MiB"), "{error}");
        // Refused from the directory alone, without inflating 300 MiB.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn too_many_entries_or_a_non_spreadsheet_archive_are_refused() {
        let names: Vec<String> = (0..=MAX_XLSX_ENTRIES).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert!(xlsx_error(archive(&entries)).contains("entries"));
        let error = xlsx_error(archive(&[("hello.txt", b"hi")]));
        assert!(error.starts_with("x.xlsx: "), "{error}");
    }

    fn csv(text: &str) -> Table {
        read_table(
            &SourceFile {
                name: "t.csv".into(),
                bytes: text.as_bytes().to_vec(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn rows_keep_their_line_numbers_across_blank_and_multi_line_rows() {
        let table = csv("a,b\n1,2\n\n\"x\ny\",3\n4\n");
        assert_eq!(table.headers, ["a", "b"]);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(table.rows[1].cells, vec!["x\ny", "3"]);
        assert_eq!(table.rows[2].cells, vec!["4", ""]);
    }

    #[test]
    fn tab_and_semicolon_separated_files_are_read() {
        assert_eq!(csv("a\tb\n1\t2\n").rows[0].cells, vec!["1", "2"]);
        assert_eq!(csv("a;b\n1,5;2\n").rows[0].cells, vec!["1,5", "2"]);
    }

    #[test]
    fn an_xlsx_sheet_reads_like_csv() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let written = sheet
            .write_string(0, 0, "sku")
            .and_then(|s| s.write_string(0, 1, "单价"))
            .and_then(|s| s.write_string(1, 0, "P-1"))
            .and_then(|s| s.write_number(1, 1, 450.5))
            .and_then(|s| s.write_number(2, 0, 1001.0))
            .and_then(|s| s.write_number(2, 1, 1200.0));
        assert!(written.is_ok());
        let bytes = book.save_to_buffer().unwrap_or_default();
        let table = read_table(
            &SourceFile {
                name: "p.xlsx".into(),
                bytes,
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.headers, ["sku", "单价"]);
        assert_eq!(
            table.rows[0],
            Row {
                line: 2,
                cells: csv::StringRecord::from(vec!["P-1", "450.5"])
            }
        );
        assert_eq!(table.rows[1].cells, vec!["1001", "1200"]);
    }

    #[test]
    fn a_missing_sheet_is_named() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet();
        let bytes = book.save_to_buffer().unwrap_or_default();
        let error = read_table(
            &SourceFile {
                name: "p.xlsx".into(),
                bytes,
            },
            Some("订单"),
        );
        assert!(error.is_err_and(|e| e.reason.starts_with("no sheet \"订单\"")));
    }
}
