//! Multi-row upserts: one `INSERT … ON CONFLICT … DO UPDATE … WHERE changed`
//! statement per batch of rows, which both SQLite and PostgreSQL run.

use std::borrow::Cow;
use std::fmt::Write as _;

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AssertSqlSafe};

use crate::{Backend, EntityReport, StoreError};

/// One bound value.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Text(Option<Cow<'a, str>>),
    Int(Option<i64>),
}

impl<'a> Value<'a> {
    pub(crate) fn text(value: &'a str) -> Self {
        Value::Text(Some(Cow::Borrowed(value)))
    }

    pub(crate) fn opt_text(value: Option<&'a str>) -> Self {
        Value::Text(value.map(Cow::Borrowed))
    }

    pub(crate) fn owned(value: Option<String>) -> Self {
        Value::Text(value.map(Cow::Owned))
    }

    pub(crate) fn int(value: i64) -> Self {
        Value::Int(Some(value))
    }

    pub(crate) fn opt_int(value: Option<i64>) -> Self {
        Value::Int(value)
    }
}

/// Binds values in order.
pub(crate) fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments>,
    values: &'q [Value<'q>],
) -> Query<'q, Any, AnyArguments> {
    for value in values {
        query = match value {
            Value::Text(Some(Cow::Borrowed(text))) => query.bind(*text),
            Value::Text(Some(Cow::Owned(text))) => query.bind(text.as_str()),
            Value::Text(None) => query.bind(None::<String>),
            Value::Int(number) => query.bind(*number),
        };
    }
    query
}

/// Placeholders for `rows` rows of `columns` values: `($1, $2), ($3, $4)` on
/// PostgreSQL, `(?, ?), (?, ?)` on SQLite, where looking up a numbered
/// parameter takes time in proportion to the number of parameters.
pub(crate) fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut text = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..columns {
            if column > 0 {
                text.push_str(", ");
            }
            match backend {
                Backend::Sqlite => text.push('?'),
                Backend::Postgres => {
                    let _ = write!(text, "${}", row * columns + column + 1);
                }
            }
        }
        text.push(')');
    }
    text
}

/// How many rows go into one statement: under both databases' limits on
/// bound parameters.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns.max(1)).clamp(1, 500)
}

/// A table written by upsert.
#[derive(Debug)]
pub(crate) struct Table {
    pub name: &'static str,
    /// The conflict key.
    pub key: &'static [&'static str],
    /// Written and compared: a row counts as updated when one of these differs.
    pub compared: &'static [&'static str],
    /// Written on insert only (`created_at`).
    pub insert_only: &'static [&'static str],
    /// Set to the write time whenever the row is inserted or changed.
    pub touch: Option<&'static str>,
}

impl Table {
    fn width(&self) -> usize {
        self.key.len()
            + self.compared.len()
            + self.insert_only.len()
            + usize::from(self.touch.is_some())
    }

    fn upsert_sql(&self, backend: Backend, rows: usize) -> String {
        let columns: Vec<&str> = self
            .key
            .iter()
            .chain(self.compared)
            .chain(self.insert_only)
            .chain(self.touch.iter())
            .copied()
            .collect();
        let name = self.name;
        let mut sql = format!(
            "INSERT INTO {name} ({}) VALUES {} ON CONFLICT ({}) ",
            columns.join(", "),
            placeholders(backend, rows, columns.len()),
            self.key.join(", ")
        );
        if self.compared.is_empty() {
            sql.push_str("DO NOTHING");
            return sql;
        }
        let set: Vec<String> = self
            .compared
            .iter()
            .chain(self.touch.iter())
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        let distinct = match backend {
            Backend::Sqlite => "IS NOT",
            Backend::Postgres => "IS DISTINCT FROM",
        };
        let changed: Vec<String> = self
            .compared
            .iter()
            .map(|column| format!("{name}.{column} {distinct} excluded.{column}"))
            .collect();
        let _ = write!(
            sql,
            "DO UPDATE SET {} WHERE {}",
            set.join(", "),
            changed.join(" OR ")
        );
        sql
    }

    /// Upserts `rows` (each `key ++ compared ++ insert_only ++ [touch]`) and
    /// counts what changed. Rows must have distinct keys.
    pub(crate) async fn upsert(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        rows: &[Vec<Value<'_>>],
    ) -> Result<EntityReport, StoreError> {
        if rows.is_empty() {
            return Ok(EntityReport::default());
        }
        let started = std::time::Instant::now();
        let before = count_rows(connection, self.name).await?;
        let width = self.width();
        let per_statement = rows_per_statement(width);
        let mut affected = 0_u64;
        let mut full_batch_sql = None;
        for chunk in rows.chunks(per_statement) {
            let sql = if chunk.len() == per_statement {
                full_batch_sql
                    .get_or_insert_with(|| self.upsert_sql(backend, per_statement))
                    .clone()
            } else {
                self.upsert_sql(backend, chunk.len())
            };
            let values: Vec<Value<'_>> = chunk.iter().flatten().cloned().collect();
            debug_assert_eq!(values.len(), chunk.len() * width);
            // Safe: built from this table's names in code and numbered placeholders.
            let result = bind_all(sqlx::query(AssertSqlSafe(sql)), &values)
                .execute(&mut *connection)
                .await
                .map_err(StoreError::classify)?;
            affected += result.rows_affected();
        }
        let after = count_rows(connection, self.name).await?;
        let created = u64::try_from(after - before).unwrap_or(0);
        let updated = affected.saturating_sub(created);
        let given = rows.len() as u64;
        tracing::debug!(table = self.name, rows = given, elapsed_ms = started.elapsed().as_millis() as u64, "upserted");
        Ok(EntityReport {
            created,
            updated,
            unchanged: given.saturating_sub(created + updated),
            removed: 0,
        })
    }
}

/// `SELECT COUNT(*)` of a table named by the code (never by input).
pub(crate) async fn count_rows(
    connection: &mut AnyConnection,
    table: &'static str,
) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    // Safe: `table` is a name in code.
    let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(connection)
        .await?;
    Ok(count)
}

/// Runs `sql_for(rows)` once per chunk of `rows`, binding each chunk's values.
pub(crate) async fn execute_in_chunks<'v>(
    connection: &mut AnyConnection,
    rows: &[Vec<Value<'v>>],
    width: usize,
    sql_for: impl Fn(usize) -> String,
) -> Result<u64, StoreError> {
    let mut affected = 0;
    for chunk in rows.chunks(rows_per_statement(width)) {
        let sql = sql_for(chunk.len());
        let values: Vec<Value<'_>> = chunk.iter().flatten().cloned().collect();
        // Safe: callers build `sql` from names in code and numbered placeholders.
        affected += bind_all(sqlx::query(AssertSqlSafe(sql)), &values)
            .execute(&mut *connection)
            .await
            .map_err(StoreError::classify)?
            .rows_affected();
    }
    Ok(affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_value() {
        assert_eq!(placeholders(Backend::Postgres, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(placeholders(Backend::Postgres, 1, 1), "($1)");
    }

    #[test]
    fn an_upsert_updates_only_rows_that_changed() {
        let table = Table {
            name: "products",
            key: &["sku"],
            compared: &["name"],
            insert_only: &["created_at"],
            touch: Some("updated_at"),
        };
        assert_eq!(
            table.upsert_sql(Backend::Postgres, 1),
            "INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sku) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at \
             WHERE products.name IS DISTINCT FROM excluded.name"
        );
    }
}
