//! Orders come one row per line: the rows of one order are grouped, checked
//! in parallel, and must agree on the order's own fields.

use std::collections::{HashMap, HashSet};

use salesboard_domain::OrgTimeZone;
use salesboard_domain::entities::Order;

use super::mapping::ColumnMapping;
use super::problem::Problem;
use super::records::{self, Cells};
use super::table::{Row, Table};
use super::validate::{ImportOutcome, Registry, check_ref, resolve_user};

/// An order built from its rows, with the problems of each bad row by line.
type CheckedOrder = (Order, Vec<(usize, Vec<Problem>)>);

/// Orders come one row per line: rows with the same `order_id` are merged
/// into one order, and must agree on the order's own fields. A bad line
/// rejects its whole order, so that no order is stored with lines missing.
pub(super) fn validate_orders(
    table: &Table,
    registry: &mut Registry,
    mapping: &ColumnMapping,
    timezone: OrgTimeZone,
    rejected: &mut Vec<(usize, Vec<Problem>)>,
    outcome: &mut ImportOutcome,
) {
    let file = table.file.as_str();
    // Each row on its own, in parallel: cells parsed, references checked.
    let checked_row = |row: &Row| -> (Order, Vec<Problem>) {
        let mut cells = Cells::new(file, row, mapping, &table.headers, timezone);
        let mut order = records::order_row(&mut cells);
        check_ref(
            &mut cells,
            &registry.customers,
            "customer_id",
            Some(&order.customer_id),
        );
        check_ref(
            &mut cells,
            &registry.deals,
            "deal_id",
            order.deal_id.as_deref(),
        );
        for line in &order.lines {
            check_ref(&mut cells, &registry.products, "sku", line.sku.as_deref());
        }
        order.owner = resolve_user(&mut cells, registry, "owner", order.owner.take());
        (order, cells.problems)
    };
    // Rows grouped by order id (in order of first appearance), without copying ids.
    let id_column = mapping.column_of("order_id");
    let mut groups: Vec<Vec<&Row>> = Vec::with_capacity(table.rows.len() / 2);
    let mut group_of: HashMap<&str, usize> = HashMap::with_capacity(table.rows.len() / 2);
    for row in &table.rows {
        let id = id_column
            .and_then(|c| row.cells.get(c))
            .map_or("", str::trim);
        match group_of.get(id).filter(|_| !id.is_empty()) {
            Some(&index) => groups[index].push(row),
            None => {
                group_of.insert(id, groups.len());
                groups.push(vec![row]);
            }
        }
    }
    drop(group_of);

    // Each order in parallel: its rows checked, merged, and compared with the first.
    let checked_order = |rows: &Vec<&Row>| -> CheckedOrder {
        let mut first: Option<(Order, usize)> = None;
        let mut problems = Vec::new();
        for row in rows {
            let (mut order, mut row_problems) = checked_row(row);
            match &mut first {
                None => first = Some((order, row.line)),
                Some((head, first_line)) => {
                    if row_problems.is_empty() {
                        let mut cells = Cells::new(file, row, mapping, &table.headers, timezone);
                        for (field, same) in [
                            ("customer_id", head.customer_id == order.customer_id),
                            ("owner", head.owner == order.owner),
                            ("ordered_at", head.ordered_at == order.ordered_at),
                            ("status", head.status == order.status),
                            ("deal_id", head.deal_id == order.deal_id),
                        ] {
                            if !same {
                                let reason = format!(
                                    "differs from line {first_line} of the same order \"{}\"",
                                    order.id
                                );
                                cells.problem(field, reason);
                            }
                        }
                        row_problems = cells.problems;
                    }
                    head.lines.append(&mut order.lines);
                }
            }
            if !row_problems.is_empty() {
                problems.push((row.line, row_problems));
            }
        }
        let order = first
            .map(|(order, _)| order)
            .unwrap_or_else(records::empty_order);
        (order, problems)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let chunk = groups.len().div_ceil(threads).max(1);
    let checked: Vec<CheckedOrder> = std::thread::scope(|scope| {
        let workers: Vec<_> = groups
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(checked_order).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });

    registry.orders.added.reserve(checked.len());
    outcome.dataset.orders.reserve(checked.len());
    for ((order, problems), rows) in checked.into_iter().zip(&groups) {
        if problems.is_empty() && !order.id.is_empty() {
            registry.orders.added.insert(order.id.clone());
            outcome.dataset.orders.push(order);
            continue;
        }
        let first_bad = problems.first().map_or(0, |(line, _)| *line);
        let bad: HashSet<usize> = problems.iter().map(|(line, _)| *line).collect();
        for row in rows.iter().filter(|row| !bad.contains(&row.line)) {
            let reason = format!(
                "order \"{}\" has an invalid line (line {first_bad})",
                order.id
            );
            rejected.push((row.line, vec![Problem::in_row(file, row.line, reason)]));
        }
        rejected.extend(problems);
        registry.orders.rejected.insert(order.id);
    }
    rejected.sort_by_key(|(line, _)| *line);
}
