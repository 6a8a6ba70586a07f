//! The KPI report as a table to download: one row for the totals and, with a
//! breakdown, one row per group; one column per KPI, named by its path in the
//! report's JSON (`revenue`, `sales_cycle.median`, `cac_by_channel.search`,
//! `funnel.lead.reached`). The cells are the report's own serialized values,
//! so the table says exactly what `GET /api/v1/kpis` says.

use std::collections::HashMap;

use rust_decimal::Decimal;
use salesboard_domain::kpi::report::{KpiFigures, KpiReport};
use salesboard_io::export::sheet::{Cell, Sheet};
use serde_json::Value;

/// The first two columns: which row it is (`total` or `group`) and the
/// group's key (empty for the totals and for the group without a value).
pub const ROW_COLUMNS: [&str; 2] = ["row", "key"];

/// One group's figures: `(column, value)` pairs.
type Figures = Vec<(String, Value)>;

/// A KPI value of the report's JSON as a cell: money strings as exact
/// money, dates as dates, whole numbers and ratios as numbers.
fn cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Bool(flag) => Cell::Text(flag.to_string()),
        Value::Number(number) => match number.as_i64() {
            Some(whole) => Cell::Integer(whole),
            None => number.as_f64().map_or(Cell::Empty, Cell::Number),
        },
        Value::String(text) => {
            if let Ok(amount) = text.parse::<Decimal>() {
                Cell::Money(amount)
            } else if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Cell::Date(day)
            } else {
                Cell::Text(text.clone())
            }
        }
        Value::Array(_) | Value::Object(_) => Cell::Text(value.to_string()),
    }
}

/// Flattens one group's figures into `(column, value)` pairs.
fn flatten(prefix: &str, value: &Value, out: &mut Figures) {
    let join = |name: &str| match prefix {
        "" => name.to_string(),
        _ => format!("{prefix}.{name}"),
    };
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                flatten(&join(name), inner, out);
            }
        }
        // The funnel: its stages by code.
        Value::Array(items) => {
            for item in items {
                match item.get("stage").and_then(Value::as_str) {
                    Some(stage) => {
                        let mut rest = item.clone();
                        if let Some(fields) = rest.as_object_mut() {
                            fields.remove("stage");
                        }
                        flatten(&join(stage), &rest, out);
                    }
                    None => out.push((prefix.to_string(), item.clone())),
                }
            }
        }
        _ => out.push((prefix.to_string(), value.clone())),
    }
}

fn figures_json(figures: &KpiFigures) -> Result<Figures, serde_json::Error> {
    let mut out = Vec::new();
    flatten("", &serde_json::to_value(figures)?, &mut out);
    // The period first, then the KPIs.
    out.sort_by_key(|(name, _)| !name.starts_with("period."));
    Ok(out)
}

/// The report as a table: the totals row, then one row per group.
pub fn sheet(report: &KpiReport) -> Result<Sheet, serde_json::Error> {
    let mut rows: Vec<(&str, Option<&str>, Figures)> =
        vec![("total", None, figures_json(&report.totals)?)];
    for group in report.groups.iter().flatten() {
        rows.push(("group", group.key.as_deref(), figures_json(&group.figures)?));
    }
    let mut headers: Vec<String> = ROW_COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (_, _, figures) in &rows {
        for (name, _) in figures {
            if !index.contains_key(name) {
                index.insert(name.clone(), headers.len());
                headers.push(name.clone());
            }
        }
    }
    let rows = rows
        .into_iter()
        .map(|(row, key, figures)| {
            let mut cells = vec![Cell::Empty; headers.len()];
            cells[0] = Cell::Text(row.to_string());
            cells[1] = key.map_or(Cell::Empty, |k| Cell::Text(k.to_string()));
            for (name, value) in &figures {
                if let Some(&at) = index.get(name) {
                    cells[at] = cell(value);
                }
            }
            cells
        })
        .collect();
    Ok(Sheet {
        name: "kpis".into(),
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_figures_become_dotted_columns() {
        let mut out = Vec::new();
        let report = json!({
            "revenue": "12.50",
            "sales_cycle": {"median": 3, "mean": 2.5},
            "funnel": [{"stage": "lead", "reached": 4, "share": 1.0}],
            "cac": null,
        });
        flatten("", &report, &mut out);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "cac",
                "funnel.lead.reached",
                "funnel.lead.share",
                "revenue",
                "sales_cycle.mean",
                "sales_cycle.median"
            ]
        );
        assert_eq!(cell(&out[3].1), Cell::Money(Decimal::new(1250, 2)));
        assert_eq!(cell(&out[0].1), Cell::Empty);
        assert_eq!(cell(&out[4].1), Cell::Number(2.5));
        assert_eq!(cell(&out[5].1), Cell::Integer(3));
    }
}
