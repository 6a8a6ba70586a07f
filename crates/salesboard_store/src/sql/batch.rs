//! Multi-row upserts: one `INSERT … ON CONFLICT … DO UPDATE … WHERE changed`
//! statement per batch of rows, which both SQLite and PostgreSQL run.

use std::borrow::Cow;
use std::fmt::Write as _;

use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments, AssertSqlSafe};

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

/// The arguments of one statement: every value of `rows`, in order.
fn arguments(rows: &[Vec<Value<'_>>]) -> Result<AnyArguments, StoreError> {
    let mut arguments = AnyArguments::default();
    for value in rows.iter().flatten() {
        let added = match value {
            Value::Text(Some(text)) => arguments.add(text.as_ref()),
            Value::Text(None) => arguments.add(None::<String>),
            Value::Int(number) => arguments.add(*number),
        };
        added.map_err(|e| StoreError::Corrupt(format!("cannot bind a value: {e}")))?;
    }
    Ok(arguments)
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
        let rebuilt = if backend == Backend::Sqlite && bulk_load(rows.len(), before) {
            drop_secondary_indexes(connection, self.name).await?
        } else {
            Vec::new()
        };
        let per_statement = rows_per_statement(self.width());
        let full_batch_sql = std::sync::OnceLock::new();
        let affected = execute_in_chunks(connection, rows, self.width(), |count| {
            if count == per_statement {
                full_batch_sql
                    .get_or_init(|| self.upsert_sql(backend, count))
                    .clone()
            } else {
                self.upsert_sql(backend, count)
            }
        })
        .await?;
        for (_, definition) in &rebuilt {
            // Safe: the definition is the schema's own, read from sqlite_master.
            sqlx::query(AssertSqlSafe(definition.clone()))
                .execute(&mut *connection)
                .await?;
        }
        let after = count_rows(connection, self.name).await?;
        let created = u64::try_from(after - before).unwrap_or(0);
        let updated = affected.saturating_sub(created);
        let given = rows.len() as u64;
        tracing::debug!(
            table = self.name,
            rows = given,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "upserted"
        );
        Ok(EntityReport {
            created,
            updated,
            unchanged: given.saturating_sub(created + updated),
            removed: 0,
        })
    }
}

/// Whether a write is large enough, against the rows already stored, that
/// building a table's secondary indexes afresh beats updating them row by row
/// (random inserts into an index cost far more than one sort).
fn bulk_load(given: usize, stored: i64) -> bool {
    given >= 20_000 && given as i64 >= stored
}

/// Drops the secondary (non-unique, declared) indexes of a SQLite table in the
/// current transaction, returning their names and definitions to recreate.
async fn drop_secondary_indexes(
    connection: &mut AnyConnection,
    table: &'static str,
) -> Result<Vec<(String, String)>, StoreError> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
    )
    .bind(table)
    .fetch_all(&mut *connection)
    .await?;
    let droppable: Vec<(String, String)> = indexes
        .into_iter()
        .filter(|(_, definition)| !definition.to_uppercase().contains("UNIQUE"))
        .collect();
    for (name, _) in &droppable {
        // Safe: the name is the schema's own, read from sqlite_master.
        sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
            .execute(&mut *connection)
            .await?;
    }
    Ok(droppable)
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

/// Runs `sql_for(rows)` once per chunk of `rows`, binding each chunk's
/// values; returns the rows affected. The next chunk's arguments are built
/// while the database runs the current statement.
pub(crate) async fn execute_in_chunks(
    connection: &mut AnyConnection,
    rows: &[Vec<Value<'_>>],
    width: usize,
    sql_for: impl Fn(usize) -> String,
) -> Result<u64, StoreError> {
    let prepare =
        |chunk: &[Vec<Value<'_>>]| arguments(chunk).map(|args| (sql_for(chunk.len()), args));
    let mut chunks = rows.chunks(rows_per_statement(width));
    let Some(first) = chunks.next() else {
        return Ok(0);
    };
    let mut current = prepare(first)?;
    let mut affected = 0;
    loop {
        let next_chunk = chunks.next();
        let (sql, args) = current;
        // Safe: callers build `sql` from names in code and placeholders.
        let (result, next) = tokio::join!(
            sqlx::query_with(AssertSqlSafe(sql), args).execute(&mut *connection),
            async { next_chunk.map(prepare) }
        );
        affected += result.map_err(StoreError::classify)?.rows_affected();
        match next {
            Some(prepared) => current = prepared?,
            None => return Ok(affected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_value() {
        assert_eq!(
            placeholders(Backend::Postgres, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
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
