//! Orders whose lines a write changes: an order's lines have no
//! `updated_at` of their own, so a write that changes only the lines of a
//! stored order gives the order a new `updated_at`, which is how a reader of
//! what changed ([`Store::keys_written_between`](crate::Store::keys_written_between))
//! finds it.

use std::collections::{HashMap, HashSet};

use salesboard_domain::Dataset;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::batch::{Value, execute_in_chunks, placeholders};
use crate::{Backend, StoreError};

/// A line as stored: SKU, unit price in cents, quantity, discount in ppm.
type StoredLine = (Option<String>, i64, i64, i64);

/// The stored lines of `ids`, by order, in line order.
async fn stored_lines(
    tx: &mut AnyConnection,
    backend: Backend,
    ids: &[&str],
) -> Result<HashMap<String, Vec<StoredLine>>, StoreError> {
    let mut found: HashMap<String, Vec<StoredLine>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT order_id, sku, unit_price_cents, quantity, discount_ppm FROM order_lines \
             WHERE order_id IN {} ORDER BY order_id, line_no",
            placeholders(backend, 1, chunk.len())
        );
        // Safe: the statement is made of constants; the ids are bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *tx).await? {
            found.entry(row.try_get("order_id")?).or_default().push((
                row.try_get("sku")?,
                row.try_get("unit_price_cents")?,
                row.try_get("quantity")?,
                row.try_get("discount_ppm")?,
            ));
        }
    }
    Ok(found)
}

/// Gives `updated_at = now` to the stored orders among `data`'s (those in
/// `stored`) whose lines differ from what `data` writes; call it before the
/// lines are written. Returns how many.
pub(crate) async fn touch_orders_with_new_lines(
    tx: &mut AnyConnection,
    backend: Backend,
    data: &Dataset,
    stored: &[&str],
    now: &Value<'static>,
) -> Result<u64, StoreError> {
    if stored.is_empty() {
        return Ok(0);
    }
    let before = stored_lines(tx, backend, stored).await?;
    let stored: HashSet<&str> = stored.iter().copied().collect();
    let touched: Vec<Vec<Value>> = data
        .orders
        .iter()
        .filter(|order| stored.contains(order.id.as_str()))
        .filter(|order| {
            let written: Vec<StoredLine> = order
                .lines
                .iter()
                .map(|l| {
                    (
                        l.sku.clone(),
                        l.unit_price.cents(),
                        l.quantity,
                        l.discount.ppm(),
                    )
                })
                .collect();
            before.get(&order.id).map_or(&[][..], Vec::as_slice) != written.as_slice()
        })
        .map(|order| vec![Value::text(&order.id), now.clone()])
        .collect();
    execute_in_chunks(tx, &touched, 2, |rows| {
        format!(
            "WITH touched (id, at) AS (VALUES {}) \
             UPDATE orders SET updated_at = (SELECT MAX(touched.at) FROM touched WHERE touched.id = orders.id) \
             WHERE id IN (SELECT id FROM touched)",
            placeholders(backend, rows, 2)
        )
    })
    .await
}
