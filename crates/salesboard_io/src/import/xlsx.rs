//! Reading an XLSX sheet into a [`Table`], defensively: the archive is
//! checked from its directory before anything is inflated (entries, unpacked
//! size, symbolic links), and the sheet's cells are streamed and counted, so
//! that a hostile file is refused instead of exhausting memory.
//!
//! calamine's own `worksheet_range` allocates the whole rectangle from the
//! first to the last cell, so a file of two cells, `A1` and `XFD1048576`,
//! would ask for 17 billion cells and abort the process; cells are read one
//! by one here instead, and the rectangle is bounded by [`MAX_XLSX_CELLS`].
//! The XML is parsed by quick-xml, a pull parser: no recursion (deep nesting
//! cannot overflow the stack), no DTD processing and no external entities
//! (an unknown entity is an error, nothing is fetched). The zip reader stops
//! an entry that inflates past its declared size.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError};

use super::table::{Row, SourceFile, Table, push_row};

/// The most an XLSX file may hold once unpacked, in bytes.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// The most entries an XLSX archive may have.
pub const MAX_XLSX_ENTRIES: usize = 10_000;

/// The most cells a sheet may span: its rows × columns from the first
/// non-empty cell to the last. A million cells is a file of 100,000 rows of
/// ten columns; larger data is imported as CSV.
pub const MAX_XLSX_CELLS: u64 = 1_000_000;

/// Checks an XLSX archive from its directory, before anything is inflated:
/// not too many entries, not too large unpacked (a zip bomb), no symlinks.
fn check_archive(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable XLSX file: {e}"))?;
    if archive.len() > MAX_XLSX_ENTRIES {
        return Err(format!(
            "not a spreadsheet: the archive has {} entries (at most {MAX_XLSX_ENTRIES})",
            archive.len()
        ));
    }
    let mut unpacked: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| format!("not a readable XLSX file: {e}"))?;
        if entry.is_symlink() {
            return Err(format!(
                "not a spreadsheet: {} is a symbolic link",
                entry.name().unwrap_or_default()
            ));
        }
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_XLSX_UNPACKED_BYTES {
        return Err(format!(
            "the spreadsheet unpacks to {} MiB, more than {} MiB",
            unpacked / 1024 / 1024,
            MAX_XLSX_UNPACKED_BYTES / 1024 / 1024
        ));
    }
    Ok(())
}

/// Reads the named sheet, or the first one, of an XLSX file.
pub(super) fn read_xlsx(file: &SourceFile, sheet: Option<&str>) -> Result<Table, String> {
    check_archive(&file.bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(file.bytes.as_slice()))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| format!("no sheet \"{wanted}\" (sheets: {})", names.join(", ")))?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let mut cells = sheet_cells(&mut workbook, &name)?;
    cells.sort_by_key(|cell| (cell.row, cell.column));
    Ok(table_of(file, cells))
}

/// A non-empty cell: its 0-based position and its text.
struct SheetCell {
    row: u32,
    column: u32,
    text: String,
}

/// The non-empty cells of a sheet, in the file's order; an error once they
/// span more than [`MAX_XLSX_CELLS`] or are more than that many.
fn sheet_cells<R: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<R>,
    name: &str,
) -> Result<Vec<SheetCell>, String> {
    let sheet_error = |e: XlsxError| format!("sheet \"{name}\": {e}");
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet has no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(error) => return Err(sheet_error(error)),
    };
    let mut cells = Vec::new();
    let (mut rows, mut columns) = ((u32::MAX, 0_u32), (u32::MAX, 0_u32));
    while let Some(cell) = reader.next_cell().map_err(sheet_error)? {
        let value: Data = cell.get_value().clone().into();
        if value == Data::Empty {
            continue;
        }
        let (row, column) = cell.get_position();
        rows = (rows.0.min(row), rows.1.max(row));
        columns = (columns.0.min(column), columns.1.max(column));
        let height = u64::from(rows.1 - rows.0) + 1;
        let width = u64::from(columns.1 - columns.0) + 1;
        if height.saturating_mul(width) > MAX_XLSX_CELLS {
            return Err(format!(
                "sheet \"{name}\" is too large: it spans {height} rows × {width} columns, \
                 more than {MAX_XLSX_CELLS} cells; import large data as CSV"
            ));
        }
        if cells.len() as u64 >= MAX_XLSX_CELLS {
            return Err(format!(
                "sheet \"{name}\" is too large: it has more than {MAX_XLSX_CELLS} cells; \
                 import large data as CSV"
            ));
        }
        cells.push(SheetCell {
            row,
            column,
            text: cell_text(&value),
        });
    }
    Ok(cells)
}

/// The table of a sheet's cells sorted by position: the first row with a
/// value is the header; every row is as wide as the used columns (the last
/// value at a repeated position wins); rows keep their sheet numbers.
fn table_of(file: &SourceFile, cells: Vec<SheetCell>) -> Table {
    let first_column = cells.iter().map(|c| c.column).min().unwrap_or(0);
    let width = cells
        .iter()
        .map(|c| (c.column - first_column) as usize + 1)
        .max()
        .unwrap_or(0);
    let mut cells = cells.into_iter().peekable();
    let mut grouped = std::iter::from_fn(|| {
        let first = cells.next()?;
        let mut texts = vec![String::new(); width];
        let row = first.row;
        texts[(first.column - first_column) as usize] = first.text;
        while let Some(cell) = cells.next_if(|c| c.row == row) {
            texts[(cell.column - first_column) as usize] = cell.text;
        }
        Some((row, texts))
    });
    let headers: Vec<String> = grouped
        .next()
        .map(|(_, texts)| texts.iter().map(|h| h.trim().to_string()).collect())
        .unwrap_or_default();
    let mut rows: Vec<Row> = Vec::new();
    for (row, texts) in grouped {
        push_row(&mut rows, row as usize + 1, texts.into(), headers.len());
    }
    Table {
        file: file.name.clone(),
        encoding: "XLSX",
        headers,
        rows,
    }
}

/// A spreadsheet cell as the text a person would have typed.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{number:.0}")
        }
        Data::Float(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(when) => match when.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.format("%Y-%m-%d").to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => when.as_f64().to_string(),
        },
        Data::Error(error) => format!("#{error:?}"),
    }
}
