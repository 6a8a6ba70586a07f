//! Hostile import files (reliability plan, row 18): each is generated here
//! (no bomb is committed), read in this process, and must be refused with an
//! error naming the file, or read harmlessly, without a panic, within the
//! memory budget: the process's peak resident memory may grow by at most
//! 256 MiB per case (`/proc/self/status` VmHWM, reset through
//! `/proc/self/clear_refs` before each case). Times are printed, not
//! asserted. One test, so that no other test of this binary runs beside the
//! measurements.

use std::io::{Cursor, Write};
use std::time::Instant;

use salesboard_io::import::{
    MAX_XLSX_CELLS, MAX_XLSX_ENTRIES, SourceFile, Table, TableError, read_table,
};

/// The memory budget of one case, in KiB.
const BUDGET_KIB: u64 = 256 * 1024;

const SHEET_PATH: &str = "xl/worksheets/sheet1.xml";
const SHEET_START: &str =
    r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// The parts of a workbook with one sheet, besides the sheet.
fn workbook_parts() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec(),
        ),
    ]
}

fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

/// An XLSX file whose sheet is written by `sheet` (in pieces, so that a large
/// sheet is never held whole) and whose other parts are `extra` besides the
/// workbook's.
fn xlsx(sheet: impl FnOnce(&mut dyn Write), extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in workbook_parts() {
        out.start_file(name, deflated())
            .unwrap_or_else(|e| panic!("{e}"));
        out.write_all(&content).unwrap_or_else(|e| panic!("{e}"));
    }
    for (name, content) in extra {
        out.start_file(*name, deflated())
            .unwrap_or_else(|e| panic!("{e}"));
        out.write_all(content).unwrap_or_else(|e| panic!("{e}"));
    }
    out.start_file(SHEET_PATH, deflated())
        .unwrap_or_else(|e| panic!("{e}"));
    sheet(&mut out);
    out.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

fn put(out: &mut dyn Write, text: &str) {
    out.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A sheet of whole XML text.
fn sheet_of(xml: String) -> impl FnOnce(&mut dyn Write) {
    move |out: &mut dyn Write| put(out, &xml)
}

/// A sheet of `rows` × `columns` cells holding 1 (no positions: the reader
/// counts them).
fn dense_sheet(rows: usize, columns: usize) -> impl FnOnce(&mut dyn Write) {
    move |out: &mut dyn Write| {
        put(out, SHEET_START);
        put(out, "<sheetData>");
        let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(columns));
        for _ in 0..rows {
            put(out, &row);
        }
        put(out, "</sheetData></worksheet>");
    }
}

/// Sets the declared uncompressed size of `name` to `size` in its local
/// header and in the central directory (a zip bomb that lies).
fn declare_size(archive: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for at in 0..archive.len().saturating_sub(name.len()) {
        if &archive[at..at + name.len()] != name {
            continue;
        }
        // The name follows a local header at 30 bytes, a central one at 46;
        // the uncompressed size is at 22 and 24 of them.
        for (offset, signature, field) in [(30, b"PK\x03\x04", 22), (46, b"PK\x01\x02", 24)] {
            if let Some(start) = at.checked_sub(offset)
                && &archive[start..start + 4] == signature
            {
                archive[start + field..start + field + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(
        patched,
        2,
        "both headers of {}",
        String::from_utf8_lossy(name)
    );
}

/// What reading a file gave.
type Outcome = Result<Table, TableError>;

fn read(name: &str, bytes: Vec<u8>) -> Outcome {
    read_table(
        &SourceFile {
            name: name.into(),
            bytes,
        },
        None,
    )
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// What one case cost.
struct Cost {
    peak_increase_kib: Option<u64>,
    millis: u128,
}

/// Runs `case`, measuring how far the peak resident memory rose above the
/// resident memory before it, and how long it took.
fn measured(case: impl FnOnce() -> Outcome) -> (std::thread::Result<Outcome>, Cost) {
    // "5" resets the peak (VmHWM) to the current resident size (Linux ≥ 4.0).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = if reset {
        status_kib("VmRSS")
    } else {
        status_kib("VmHWM")
    };
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(case));
    let millis = started.elapsed().as_millis();
    let peak = status_kib("VmHWM");
    let peak_increase_kib = before.zip(peak).map(|(b, p)| p.saturating_sub(b));
    (
        outcome,
        Cost {
            peak_increase_kib,
            millis,
        },
    )
}

/// How a case must end.
enum Expect {
    /// Refused, with a message that names the file and holds this text.
    Refused(&'static str),
    /// Read or refused, but no cell and no message holds this text.
    NeverShows(&'static str),
    /// Read, with this many rows.
    Rows(usize),
}

/// A hostile file: how to make it, and how reading it must end.
struct Case {
    name: &'static str,
    file: &'static str,
    make: Box<dyn FnOnce() -> Vec<u8>>,
    expect: Expect,
}

fn case(
    name: &'static str,
    file: &'static str,
    expect: Expect,
    make: impl FnOnce() -> Vec<u8> + 'static,
) -> Case {
    Case {
        name,
        file,
        make: Box::new(make),
        expect,
    }
}

/// Every cell and header of a table, and its file name, as one text.
fn everything_in(table: &Table) -> String {
    let mut text = table.headers.join("\u{1f}");
    for row in &table.rows {
        for cell in row.cells.iter() {
            text.push('\u{1f}');
            text.push_str(cell);
        }
    }
    text
}

fn check(
    case_name: &str,
    file: &str,
    expect: &Expect,
    outcome: &Outcome,
) -> Result<String, String> {
    match (expect, outcome) {
        (Expect::Refused(text), Err(error)) => {
            let message = error.to_string();
            if error.file == file
                && message.starts_with(&format!("{file}: "))
                && message.contains(text)
            {
                Ok(format!("refused: {message}"))
            } else {
                Err(format!(
                    "{case_name}: refused as \"{message}\", expected \"{text}\""
                ))
            }
        }
        (Expect::Refused(text), Ok(table)) => Err(format!(
            "{case_name}: read {} rows, expected a refusal with \"{text}\"",
            table.rows.len()
        )),
        (Expect::NeverShows(secret), Ok(table)) => {
            let text = everything_in(table);
            if text.contains(secret) || text.len() > 10_000 {
                Err(format!(
                    "{case_name}: read {} bytes of cells, holding the entity",
                    text.len()
                ))
            } else {
                Ok(format!(
                    "read harmlessly: headers {:?}, {} rows",
                    table.headers,
                    table.rows.len()
                ))
            }
        }
        (Expect::NeverShows(secret), Err(error)) => {
            let message = error.to_string();
            if message.contains(secret) || error.file != file {
                Err(format!("{case_name}: {message}"))
            } else {
                Ok(format!("refused: {message}"))
            }
        }
        (Expect::Rows(rows), Ok(table)) if table.rows.len() == *rows => Ok(format!(
            "read: {} headers, {} rows",
            table.headers.len(),
            table.rows.len()
        )),
        (Expect::Rows(rows), other) => Err(format!(
            "{case_name}: expected {rows} rows, got {:?}",
            other.as_ref().map(|t| t.rows.len())
        )),
    }
}

fn cases(secret_path: &str) -> Vec<Case> {
    let one_row = format!(
        "{SHEET_START}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sku</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>P-1</t></is></c></row></sheetData></worksheet>"
    );
    let sparse = format!(
        "{SHEET_START}<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\
         <row r=\"1048576\"><c r=\"XFD1048576\"><v>2</v></c></row></sheetData></worksheet>"
    );
    let deep = 10_000;
    let nested_before = format!(
        "{SHEET_START}<sheetPr>{}{}</sheetPr><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sku</t></is></c></row></sheetData></worksheet>",
        "<a>".repeat(deep),
        "</a>".repeat(deep)
    );
    let nested_in_cell = format!(
        "{SHEET_START}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sku</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\"><v>{}1{}</v></c></row></sheetData></worksheet>",
        "<x>".repeat(deep),
        "</x>".repeat(deep)
    );
    let external = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file://{secret_path}\">]>\
         {SHEET_START}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sku</t></is></c>\
         <c r=\"B1\" t=\"s\"><v>0</v></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"
    );
    let shared_external = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM \"file://{secret_path}\">]>\
         <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&xxe;</t></si></sst>"
    );
    let laughs = {
        let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
        for level in 1..10 {
            dtd.push_str(&format!(
                "<!ENTITY lol{level} \"{}\">",
                format!("&lol{};", level - 1).repeat(10)
            ));
        }
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE worksheet [{dtd}]>{SHEET_START}<sheetData>\
             <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
        )
    };
    vec![
        case(
            "a well-formed XLSX (control)",
            "products.xlsx",
            Expect::Rows(1),
            move || xlsx(sheet_of(one_row), &[]),
        ),
        case(
            "1 GiB CSV",
            "orders.csv",
            Expect::Refused("larger than 512 MiB"),
            || {
                // Zeroed pages: reserved, never touched, so they cost no memory.
                vec![0_u8; 1 << 30]
            },
        ),
        case(
            "zip bomb, 512 MiB of zeros",
            "orders.xlsx",
            Expect::Refused("unpacks to 512 MiB"),
            || {
                let bomb = xlsx(
                    |out| {
                        let zeros = vec![b'0'; 1 << 20];
                        for _ in 0..512 {
                            out.write_all(&zeros).unwrap_or_else(|e| panic!("{e}"));
                        }
                    },
                    &[],
                );
                assert!(bomb.len() < 1 << 20, "the bomb is {} bytes", bomb.len());
                bomb
            },
        ),
        case(
            "zip bomb lying about its size (64 MiB declared as 4 KiB)",
            "orders.xlsx",
            Expect::Refused("larger than its declared uncompressed size"),
            || {
                let mut bomb = xlsx(
                    |out| {
                        put(out, SHEET_START);
                        put(out, "<sheetData>");
                        let rows = "<row></row>".repeat(100_000);
                        for _ in 0..61 {
                            put(out, &rows);
                        }
                        put(out, "</sheetData></worksheet>");
                    },
                    &[],
                );
                declare_size(&mut bomb, SHEET_PATH, 4096);
                bomb
            },
        ),
        case(
            "more than a million cells (1001 × 1000)",
            "orders.xlsx",
            Expect::Refused("spans 1001 rows × 1000 columns, more than 1000000 cells"),
            || xlsx(dense_sheet(1001, 1000), &[]),
        ),
        case(
            "exactly a million cells (1000 × 1000)",
            "orders.xlsx",
            Expect::Rows(999),
            || xlsx(dense_sheet(1000, 1000), &[]),
        ),
        case(
            "two cells, A1 and XFD1048576 (17 billion in between)",
            "orders.xlsx",
            Expect::Refused("spans 1048576 rows × 16384 columns"),
            move || xlsx(sheet_of(sparse), &[]),
        ),
        case(
            "10,000-deep nesting before the cells",
            "products.xlsx",
            Expect::NeverShows("<a>"),
            move || xlsx(sheet_of(nested_before), &[]),
        ),
        case(
            "10,000-deep nesting inside a cell",
            "products.xlsx",
            Expect::NeverShows("<x>"),
            move || xlsx(sheet_of(nested_in_cell), &[]),
        ),
        case(
            "external entity (XXE) in the sheet and the shared strings",
            "products.xlsx",
            Expect::NeverShows(SECRET),
            move || {
                xlsx(
                    sheet_of(external),
                    &[("xl/sharedStrings.xml", shared_external.as_bytes())],
                )
            },
        ),
        case(
            "billion laughs (nested internal entities)",
            "products.xlsx",
            Expect::NeverShows("lollollol"),
            move || xlsx(sheet_of(laughs), &[]),
        ),
        case(
            "a symbolic link entry",
            "orders.xlsx",
            Expect::Refused("is a symbolic link"),
            || {
                let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
                out.add_symlink(SHEET_PATH, "/etc/passwd", deflated())
                    .unwrap_or_else(|e| panic!("{e}"));
                out.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
            },
        ),
        case(
            "too many entries",
            "orders.xlsx",
            Expect::Refused("entries (at most 10000)"),
            || {
                let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
                for i in 0..=MAX_XLSX_ENTRIES {
                    out.start_file(format!("f{i}"), zip::write::SimpleFileOptions::default())
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                out.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
            },
        ),
        case(
            "wrong magic number: a GIF named .xlsx",
            "orders.xlsx",
            Expect::Refused("not an XLSX file"),
            || b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec(),
        ),
        case(
            "wrong magic number: a PNG named .csv",
            "orders.csv",
            Expect::Refused("not a text file"),
            || b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
        ),
        case(
            "ZIP signature, then garbage",
            "orders.xlsx",
            Expect::Refused("not a readable XLSX file"),
            || b"PK\x03\x04this is not an archive at all".to_vec(),
        ),
    ]
}

/// What the external entity would read, were it resolved.
const SECRET: &str = "XXE-SECRET-9F3A";

#[test]
fn every_hostile_file_is_refused_or_read_harmlessly_within_the_memory_budget() {
    assert_eq!(MAX_XLSX_CELLS, 1_000_000);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    eprintln!(
        "{:<58} {:>10} {:>8} {:>7} {:>10}  outcome",
        "case", "bytes", "made ms", "read ms", "peak +KiB"
    );
    for Case {
        name,
        file,
        make,
        expect,
    } in cases(&secret.display().to_string())
    {
        let made = Instant::now();
        let bytes = make();
        let make_ms = made.elapsed().as_millis();
        let size = bytes.len();
        let (outcome, cost) = measured(move || read(file, bytes));
        let verdict = match &outcome {
            Ok(outcome) => check(name, file, &expect, outcome),
            Err(_) => Err(format!("{name}: panicked")),
        };
        drop(outcome);
        eprintln!(
            "{name:<58} {size:>10} {make_ms:>8} {:>7} {:>10}  {}",
            cost.millis,
            cost.peak_increase_kib
                .map_or("?".to_string(), |k| k.to_string()),
            verdict.as_ref().unwrap_or_else(|e| e)
        );
        if let Err(failure) = verdict {
            failures.push(failure);
        }
        match cost.peak_increase_kib {
            Some(kib) if kib > BUDGET_KIB => {
                failures.push(format!("{name}: peak memory rose by {kib} KiB"))
            }
            Some(_) => {}
            None => eprintln!("  (no /proc/self/status here: memory not measured)"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
