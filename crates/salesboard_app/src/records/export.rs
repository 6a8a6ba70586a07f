//! Records of one kind as a table to download: every record the caller may
//! read that the list's filters, search and sort select, read from the store
//! in chunks, in the columns of the kind's import file (headers like
//! `customer_id (客户ID)`, which the importer maps back), so that the file
//! imports back. Orders are written like their import file: one row per
//! line, the order's fields repeated on each.

use salesboard_domain::{Discount, Money, OrgTimeZone, Timestamp};
use salesboard_io::export::sheet::{Cell, Sheet};
use salesboard_io::import::FileKind;
use salesboard_store::Store;
use salesboard_store::records::{
    FieldDef, FieldType, ORDER_LINES, ORDERS, RecordKind, RecordRow, Value,
};

use super::{ListParams, RecordError, selection};
use crate::policy::{self, Action, Actor};
use crate::settings;

/// Records read from the store at a time.
pub const EXPORT_CHUNK: i64 = 5_000;

/// Where a column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A field of the record, by position.
    Record(usize),
    /// A field of an order's line, by position.
    Line(usize),
}

/// One column of an export: its header, its field and where its values are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header: the import field name and its Chinese header in brackets.
    pub header: String,
    field: &'static FieldDef,
    source: Source,
}

fn position(kind: &RecordKind, name: &str) -> Option<(usize, &'static FieldDef)> {
    kind.fields.iter().enumerate().find(|(_, f)| f.name == name)
}

/// The columns of a kind's export: the fields of its import file, in the
/// file's order; a kind without an import file (teams) gets its API fields.
pub fn columns(kind: &RecordKind) -> Result<Vec<Column>, RecordError> {
    let Some(file) = FileKind::parse(kind.name) else {
        return Ok(kind
            .fields
            .iter()
            .enumerate()
            .map(|(at, field)| Column {
                header: field.name.to_string(),
                field,
                source: Source::Record(at),
            })
            .collect());
    };
    file.fields()
        .iter()
        .map(|wanted| {
            let header = match wanted.aliases.first() {
                Some(chinese) => format!("{} ({chinese})", wanted.name),
                None => wanted.name.to_string(),
            };
            let (source, field) = match position(kind, wanted.name) {
                Some((at, field)) => (Source::Record(at), field),
                None if kind.name == ORDERS.name => position(&ORDER_LINES, wanted.name)
                    .map(|(at, field)| (Source::Line(at), field))
                    .ok_or_else(|| missing(kind, wanted.name))?,
                None => return Err(missing(kind, wanted.name)),
            };
            Ok(Column {
                header,
                field,
                source,
            })
        })
        .collect()
}

fn missing(kind: &RecordKind, field: &str) -> RecordError {
    RecordError::Export(format!(
        "the import file of {} has a field {field} the records lack",
        kind.name
    ))
}

/// A stored value as a typed cell: money and discounts exact, instants and
/// dates in the organization's time zone.
pub fn cell(field: &FieldDef, value: &Value, zone: OrgTimeZone) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Text(text) => Cell::Text(text.clone()),
        Value::Bool(flag) => Cell::Text(flag.to_string()),
        Value::Int(number) => match field.ty {
            FieldType::Money => Cell::Money(Money::from_cents(*number).to_decimal()),
            FieldType::Discount => match Discount::from_ppm(*number) {
                Some(discount) => Cell::Decimal(discount.to_decimal()),
                None => Cell::Integer(*number),
            },
            FieldType::Instant => {
                Cell::DateTime(zone.local_datetime(Timestamp::from_unix_seconds(*number)))
            }
            FieldType::Date => Cell::Date(zone.local_date(Timestamp::from_unix_seconds(*number))),
            FieldType::Bool => Cell::Text((*number != 0).to_string()),
            FieldType::Integer | FieldType::Text => Cell::Integer(*number),
        },
    }
}

fn row_cells(
    columns: &[Column],
    record: &RecordRow,
    line: Option<&RecordRow>,
    zone: OrgTimeZone,
) -> Vec<Cell> {
    columns
        .iter()
        .map(|column| {
            let value = match column.source {
                Source::Record(at) => record.get(at),
                Source::Line(at) => line.and_then(|l| l.get(at)),
            };
            value.map_or(Cell::Empty, |v| cell(column.field, v, zone))
        })
        .collect()
}

/// Every record of `kind` the actor may read that `params` select (their
/// page and page size are ignored), in the list's order, as a table.
pub async fn sheet(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    params: &ListParams,
) -> Result<Sheet, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Read).await?;
    let zone = settings::timezone(store).await?;
    let columns = columns(kind)?;
    let mut query = selection(kind, params, zone)?;
    query.limit = EXPORT_CHUNK;
    let mut rows = Vec::new();
    loop {
        let found = store.list_records(kind, &scope, &query).await?;
        for record in &found.rows {
            if kind.name != ORDERS.name {
                rows.push(row_cells(&columns, record, None, zone));
                continue;
            }
            let id = match record.first() {
                Some(Value::Text(id)) => id.as_str(),
                _ => "",
            };
            let lines = store.order_lines(id).await?;
            if lines.is_empty() {
                rows.push(row_cells(&columns, record, None, zone));
            }
            for line in &lines {
                rows.push(row_cells(&columns, record, Some(line), zone));
            }
        }
        let read = i64::try_from(found.rows.len()).unwrap_or(i64::MAX);
        query.offset = query.offset.saturating_add(read);
        if read < EXPORT_CHUNK || query.offset >= found.total {
            break;
        }
    }
    Ok(Sheet {
        name: kind.name.to_string(),
        headers: columns.into_iter().map(|c| c.header).collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use salesboard_store::records::ALL_KINDS;

    use super::*;

    #[test]
    fn every_kind_exports_the_columns_of_its_import_file() {
        for kind in ALL_KINDS {
            let columns = columns(&kind).unwrap_or_else(|e| panic!("{}: {e}", kind.name));
            let names: Vec<&str> = columns.iter().map(|c| c.field.name).collect();
            match FileKind::parse(kind.name) {
                Some(file) => {
                    let wanted: Vec<&str> = file.fields().iter().map(|f| f.name).collect();
                    assert_eq!(names, wanted, "{}", kind.name);
                }
                None => assert_eq!(names, ["team_id", "name", "created_at"], "{}", kind.name),
            }
        }
        let orders = columns(&ORDERS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(orders[0].header, "order_id (订单ID)");
        assert_eq!(orders[4].header, "sku (产品编号)");
        assert_eq!(orders[4].source, Source::Line(2));
    }

    #[test]
    fn stored_values_become_typed_cells() {
        let zone = OrgTimeZone::default();
        let money = ORDER_LINES.fields[3];
        let discount = ORDER_LINES.fields[5];
        let instant = ORDERS.fields[3];
        assert_eq!(
            cell(&money, &Value::Int(-123_405), zone),
            Cell::Money("-1234.05".parse().unwrap_or_default())
        );
        assert_eq!(
            cell(&discount, &Value::Int(150_000), zone),
            Cell::Decimal("0.15".parse().unwrap_or_default())
        );
        // 2024-03-05 06:30 UTC is 14:30 in Shanghai (UTC+8).
        let at = chrono::NaiveDate::from_ymd_opt(2024, 3, 5)
            .and_then(|d| d.and_hms_opt(14, 30, 0))
            .unwrap_or_default();
        assert_eq!(
            cell(&instant, &Value::Int(1_709_620_200), zone),
            Cell::DateTime(at)
        );
        assert_eq!(cell(&instant, &Value::Null, zone), Cell::Empty);
    }
}
