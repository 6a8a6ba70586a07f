//! One table of typed cells (a list of records, the KPI table) written as a
//! file people open in a spreadsheet: CSV (RFC 4180, UTF-8 with a BOM so that
//! Excel on Chinese Windows reads it) or XLSX. Every text cell is
//! neutralized ([`neutralize_formula`]) in both, and XLSX text is only ever
//! written as a string, never as a formula; numbers, money and times keep
//! their types in XLSX.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::neutralize_formula;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text, written neutralized.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// Money: an exact decimal (two places).
    Money(Decimal),
    /// Another exact decimal (a discount).
    Decimal(Decimal),
    /// A measured number (a ratio, an average).
    Number(f64),
    /// A local date and time (in the organization's time zone).
    DateTime(NaiveDateTime),
    /// A local date.
    Date(NaiveDate),
}

/// A table: a name (the XLSX sheet's), a header row and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    /// The header row.
    pub headers: Vec<String>,
    /// The rows, each as wide as the headers.
    pub rows: Vec<Vec<Cell>>,
}

/// The file formats a table is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// RFC 4180 CSV, UTF-8 with a BOM.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl SheetFormat {
    /// `csv` or `xlsx`.
    pub fn parse(text: &str) -> Option<SheetFormat> {
        match text {
            "csv" => Some(SheetFormat::Csv),
            "xlsx" => Some(SheetFormat::Xlsx),
            _ => None,
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Csv => "csv",
            SheetFormat::Xlsx => "xlsx",
        }
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            SheetFormat::Csv => CSV_CONTENT_TYPE,
            SheetFormat::Xlsx => XLSX_CONTENT_TYPE,
        }
    }
}

/// The media type of CSV files.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// The media type of XLSX files.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most rows an XLSX sheet holds, the header row included.
pub const MAX_XLSX_ROWS: usize = 1_048_576;

/// The most significant digits a decimal may have to be written as an XLSX
/// number: every decimal of at most 15 significant digits is the shortest
/// text of the nearest `f64`, so it reads back exactly; longer ones are
/// written as text.
const EXACT_DIGITS: usize = 15;

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// CSV encoding failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// XLSX writing failed.
    #[error("XLSX: {0}")]
    Xlsx(#[from] XlsxError),
    /// More rows than an XLSX sheet holds.
    #[error("{0} rows are more than an XLSX sheet holds ({MAX_XLSX_ROWS}); export CSV instead")]
    TooManyRows(usize),
}

/// Writes `sheet` in `format`.
pub fn write_sheet(sheet: &Sheet, format: SheetFormat) -> Result<Vec<u8>, SheetError> {
    match format {
        SheetFormat::Csv => write_csv(sheet),
        SheetFormat::Xlsx => write_xlsx(sheet),
    }
}

/// A cell as CSV text: text neutralized, money and decimals exact, times
/// local (`YYYY-MM-DD HH:MM:SS`), as the importer reads them.
pub fn csv_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(text) => neutralize_formula(text),
        Cell::Integer(number) => Cow::Owned(number.to_string()),
        Cell::Money(amount) | Cell::Decimal(amount) => Cow::Owned(amount.to_string()),
        Cell::Number(number) if number.is_finite() => Cow::Owned(number.to_string()),
        Cell::Number(_) => Cow::Borrowed(""),
        Cell::DateTime(at) => Cow::Owned(at.format("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Date(day) => Cow::Owned(day.format("%Y-%m-%d").to_string()),
    }
}

/// RFC 4180 CSV (CRLF line ends, fields quoted when they must be), UTF-8
/// with a byte-order mark.
pub fn write_csv(sheet: &Sheet) -> Result<Vec<u8>, SheetError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(
        sheet
            .headers
            .iter()
            .map(|h| neutralize_formula(h).into_owned()),
    )?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(|cell| csv_text(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| SheetError::Csv(csv::Error::from(e.into_error())))
}

/// The formats of an XLSX file's typed cells.
struct Formats {
    money: Format,
    datetime: Format,
    date: Format,
}

/// An XLSX workbook of one sheet: text as strings only, numbers as numbers,
/// money as numbers shown with two decimals, times as dates; the header row
/// stays in view.
pub fn write_xlsx(sheet: &Sheet) -> Result<Vec<u8>, SheetError> {
    if sheet.rows.len() + 1 > MAX_XLSX_ROWS {
        return Err(SheetError::TooManyRows(sheet.rows.len()));
    }
    let formats = Formats {
        money: Format::new().set_num_format("0.00"),
        datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(&sheet.name)?;
    for (col, header) in (0u16..).zip(&sheet.headers) {
        worksheet.write_string(0, col, neutralize_formula(header))?;
    }
    for (row, cells) in (1u32..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            write_cell(worksheet, row, col, cell, &formats)?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            worksheet.write_string(row, col, neutralize_formula(text))?;
        }
        Cell::Integer(number) => match exact_number(&Decimal::from(*number)) {
            Some(value) => {
                worksheet.write_number(row, col, value)?;
            }
            None => {
                worksheet.write_string(row, col, number.to_string())?;
            }
        },
        Cell::Money(amount) => match exact_number(amount) {
            Some(value) => {
                worksheet.write_number_with_format(row, col, value, &formats.money)?;
            }
            None => {
                worksheet.write_string(row, col, amount.to_string())?;
            }
        },
        Cell::Decimal(amount) => match exact_number(amount) {
            Some(value) => {
                worksheet.write_number(row, col, value)?;
            }
            None => {
                worksheet.write_string(row, col, amount.to_string())?;
            }
        },
        Cell::Number(number) if number.is_finite() => {
            worksheet.write_number(row, col, *number)?;
        }
        Cell::Number(_) => {}
        Cell::DateTime(at) => match excel_datetime(at) {
            Some(value) => {
                worksheet.write_datetime_with_format(row, col, value, &formats.datetime)?;
            }
            None => {
                worksheet.write_string(row, col, csv_text(cell))?;
            }
        },
        Cell::Date(day) => match excel_datetime(&day.and_time(chrono::NaiveTime::MIN)) {
            Some(value) => {
                worksheet.write_datetime_with_format(row, col, value, &formats.date)?;
            }
            None => {
                worksheet.write_string(row, col, csv_text(cell))?;
            }
        },
    }
    Ok(())
}

/// The `f64` of a decimal that reads back exactly (at most
/// [`EXACT_DIGITS`] significant digits), else `None`.
fn exact_number(amount: &Decimal) -> Option<f64> {
    let text = amount.normalize().to_string();
    let digits = text
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|b| *b == b'0')
        .count();
    if digits > EXACT_DIGITS {
        return None;
    }
    text.parse::<f64>().ok()
}

/// A time Excel can hold (years 1900 to 9999), else `None`.
fn excel_datetime(at: &NaiveDateTime) -> Option<ExcelDateTime> {
    let year = u16::try_from(at.year()).ok()?;
    let month = u8::try_from(at.month()).ok()?;
    let day = u8::try_from(at.day()).ok()?;
    let minute = u8::try_from(at.minute()).ok()?;
    let hour = u16::try_from(at.hour()).ok()?;
    ExcelDateTime::from_ymd(year, month, day)
        .and_then(|date| date.and_hms(hour, minute, at.second()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Decimal {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn csv_cells_are_exact_and_local() {
        let at = NaiveDate::from_ymd_opt(2024, 3, 5)
            .and_then(|d| d.and_hms_opt(14, 30, 0))
            .unwrap_or_else(|| panic!("date"));
        assert_eq!(csv_text(&Cell::Money(money("1234.50"))), "1234.50");
        assert_eq!(csv_text(&Cell::Money(money("-0.05"))), "-0.05");
        assert_eq!(csv_text(&Cell::Decimal(money("0.15"))), "0.15");
        assert_eq!(csv_text(&Cell::DateTime(at)), "2024-03-05 14:30:00");
        assert_eq!(csv_text(&Cell::Date(at.date())), "2024-03-05");
        assert_eq!(csv_text(&Cell::Number(f64::NAN)), "");
        assert_eq!(csv_text(&Cell::Text("=1+1".into())), "'=1+1");
        assert_eq!(csv_text(&Cell::Integer(-3)), "-3");
    }

    #[test]
    fn only_decimals_of_at_most_fifteen_digits_become_numbers() {
        assert_eq!(
            exact_number(&money("9999999999999.99")),
            Some(9999999999999.99)
        );
        assert_eq!(exact_number(&money("0.10")), Some(0.1));
        assert_eq!(exact_number(&money("-0.000001")), Some(-0.000001));
        assert_eq!(exact_number(&money("99999999999999.99")), None);
    }

    #[test]
    fn the_csv_has_a_bom_crlf_and_rfc_4180_quotes() {
        let sheet = Sheet {
            name: "t".into(),
            headers: vec!["a".into(), "b".into()],
            rows: vec![vec![
                Cell::Text("x,\"y\"".into()),
                Cell::Text("-1\n2".into()),
            ]],
        };
        let bytes = write_csv(&sheet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            bytes,
            b"\xEF\xBB\xBFa,b\r\n\"x,\"\"y\"\"\",\"'-1\n2\"\r\n".to_vec()
        );
    }

    #[test]
    fn an_xlsx_sheet_too_long_for_excel_is_refused() {
        let sheet = Sheet {
            name: "t".into(),
            headers: vec!["a".into()],
            rows: vec![vec![Cell::Empty]; MAX_XLSX_ROWS],
        };
        assert!(matches!(
            write_xlsx(&sheet),
            Err(SheetError::TooManyRows(rows)) if rows == MAX_XLSX_ROWS
        ));
    }
}
