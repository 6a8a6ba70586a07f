//! The API's record queries: list (filter, search, sort, page), get and
//! delete one kind of record, each limited to the rows the caller may see.
//! Only names from the kinds' descriptions enter the SQL text; every value is
//! bound.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyPool, Arguments, AssertSqlSafe, Row};

use crate::records::{
    FieldDef, FieldType, GroupTotal, ListQuery, ORDER_LINES, Ownership, RecordKind, RecordPage,
    RecordRow, RowScope, Value,
};
use crate::{AuditEntry, StoreError};

/// SQL text and the values its placeholders stand for.
#[derive(Default)]
struct Sql {
    text: String,
    args: AnyArguments,
    count: usize,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind_text(&mut self, value: &str) -> Result<&mut Self, StoreError> {
        self.count += 1;
        self.args
            .add(value.to_string())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.text.push_str(&format!("${}", self.count));
        Ok(self)
    }

    fn bind_value(&mut self, value: &Value) -> Result<&mut Self, StoreError> {
        self.count += 1;
        let added = match value {
            Value::Null => self.args.add(Option::<String>::None),
            Value::Int(number) => self.args.add(*number),
            Value::Text(text) => self.args.add(text.clone()),
            Value::Bool(flag) => self.args.add(*flag),
        };
        added.map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.text.push_str(&format!("${}", self.count));
        Ok(self)
    }

    /// `column IN ($a, $b, …)`, or a false condition for no values.
    fn in_list(&mut self, column: &str, values: &[String]) -> Result<&mut Self, StoreError> {
        if values.is_empty() {
            return Ok(self.push("1 = 0"));
        }
        self.push(column).push(" IN (");
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.bind_text(value)?;
        }
        Ok(self.push(")"))
    }
}

/// The condition of the customers one may see.
fn visible_customers(sql: &mut Sql, owner: &str, scope: &Owners) -> Result<(), StoreError> {
    sql.push("(");
    sql.in_list(owner, scope.users)?;
    if scope.pool {
        sql.push(" OR ").push(owner).push(" IS NULL");
    }
    sql.push(")");
    Ok(())
}

/// The condition of the deals, orders and follow-ups one may see: their
/// owner's, or, without an owner, the customer's.
fn visible_owned(sql: &mut Sql, prefix: &str, scope: &Owners) -> Result<(), StoreError> {
    sql.push("(");
    sql.in_list(&format!("{prefix}owner_id"), scope.users)?;
    sql.push(" OR (")
        .push(prefix)
        .push("owner_id IS NULL AND ")
        .push(prefix)
        .push("customer_id IN (SELECT id FROM customers WHERE ");
    visible_customers(sql, "owner_id", scope)?;
    sql.push(")))");
    Ok(())
}

fn visible_orders_subquery(sql: &mut Sql, scope: &Owners) -> Result<(), StoreError> {
    sql.push("(SELECT o.id FROM orders o WHERE ");
    visible_owned(sql, "o.", scope)?;
    sql.push(")");
    Ok(())
}

struct Owners<'a> {
    users: &'a [String],
    team: Option<&'a str>,
    pool: bool,
}

/// Appends the condition limiting `kind` to what `scope` lets one see.
fn scope_condition(sql: &mut Sql, kind: &RecordKind, scope: &RowScope) -> Result<(), StoreError> {
    let owners = match scope {
        RowScope::All => {
            sql.push("1 = 1");
            return Ok(());
        }
        RowScope::Nothing => {
            sql.push("1 = 0");
            return Ok(());
        }
        RowScope::Owners { users, team, pool } => Owners {
            users,
            team: team.as_deref(),
            pool: *pool,
        },
    };
    match kind.ownership {
        Ownership::Customer => visible_customers(sql, "owner_id", &owners)?,
        Ownership::Owned => visible_owned(sql, "", &owners)?,
        Ownership::OfCustomer => {
            sql.push("customer_id IN (SELECT id FROM customers WHERE ");
            visible_customers(sql, "owner_id", &owners)?;
            sql.push(")");
        }
        Ownership::OfOrder => {
            sql.push("order_id IN ");
            visible_orders_subquery(sql, &owners)?;
        }
        Ownership::Survey => {
            sql.push("(customer_id IN (SELECT id FROM customers WHERE ");
            visible_customers(sql, "owner_id", &owners)?;
            sql.push(") OR (customer_id IS NULL AND order_id IN ");
            visible_orders_subquery(sql, &owners)?;
            sql.push("))");
        }
        Ownership::Shared | Ownership::Company => {
            sql.push("1 = 1");
        }
        Ownership::User => {
            sql.in_list("id", owners.users)?;
        }
        Ownership::Team => match owners.team {
            Some(team) => {
                sql.push("id = ").bind_text(team)?;
            }
            None => {
                sql.push("1 = 0");
            }
        },
        Ownership::Target => {
            sql.push("((owner_kind = 'user' AND ");
            sql.in_list("owner", owners.users)?;
            sql.push(")");
            if let Some(team) = owners.team {
                sql.push(" OR (owner_kind = 'team' AND owner = ")
                    .bind_text(team)?
                    .push(")");
            }
            sql.push(")");
        }
    }
    Ok(())
}

fn select_list(kind: &RecordKind) -> String {
    kind.fields
        .iter()
        .enumerate()
        .map(|(index, field)| match field.ty {
            FieldType::Bool => {
                format!("(CASE WHEN {} THEN 1 ELSE 0 END) AS c{index}", field.column)
            }
            _ => format!("{} AS c{index}", field.column),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_row(kind: &RecordKind, row: &AnyRow) -> Result<RecordRow, StoreError> {
    kind.fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let column = format!("c{index}");
            Ok(match field.ty {
                FieldType::Text => row
                    .try_get::<Option<String>, _>(column.as_str())?
                    .map_or(Value::Null, Value::Text),
                FieldType::Bool => row
                    .try_get::<Option<i64>, _>(column.as_str())?
                    .map_or(Value::Null, |v| Value::Bool(v != 0)),
                _ => row
                    .try_get::<Option<i64>, _>(column.as_str())?
                    .map_or(Value::Null, Value::Int),
            })
        })
        .collect()
}

/// The WHERE clause of a list: scope, filters and search.
fn where_clause(
    sql: &mut Sql,
    kind: &RecordKind,
    scope: &RowScope,
    query: &ListQuery,
) -> Result<(), StoreError> {
    sql.push(" WHERE ");
    scope_condition(sql, kind, scope)?;
    for (field, value) in &query.filters {
        sql.push(" AND ").push(field.column);
        match value {
            Value::Null => {
                sql.push(" IS NULL");
            }
            value => {
                sql.push(" = ").bind_value(value)?;
            }
        }
    }
    if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let escaped = search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        sql.push(" AND (1 = 0");
        for field in kind.fields.iter().filter(|f| f.searchable) {
            sql.push(" OR ");
            sql.push("LOWER(")
                .push(field.column)
                .push(") LIKE ")
                .bind_text(&pattern)?
                .push(" ESCAPE '\\'");
        }
        sql.push(")");
    }
    Ok(())
}

/// One page of a kind's records.
pub(crate) async fn list(
    pool: &AnyPool,
    kind: &RecordKind,
    scope: &RowScope,
    query: &ListQuery,
) -> Result<RecordPage, StoreError> {
    let mut count = Sql::default();
    count.push("SELECT COUNT(*) AS n FROM ").push(kind.table);
    where_clause(&mut count, kind, scope, query)?;
    let total: i64 = sqlx::query_with(AssertSqlSafe(count.text), count.args)
        .fetch_one(pool)
        .await?
        .try_get("n")?;

    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(&select_list(kind))
        .push(" FROM ")
        .push(kind.table);
    where_clause(&mut sql, kind, scope, query)?;
    sql.push(" ORDER BY ");
    if let Some((field, descending)) = query.sort {
        sql.push(field.column)
            .push(if descending { " DESC, " } else { " ASC, " });
    }
    sql.push(kind.key).push(" LIMIT ");
    sql.bind_value(&Value::Int(query.limit))?;
    sql.push(" OFFSET ");
    sql.bind_value(&Value::Int(query.offset))?;
    let rows = sqlx::query_with(AssertSqlSafe(sql.text), sql.args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| read_row(kind, row))
        .collect::<Result<_, _>>()?;
    Ok(RecordPage { rows, total })
}

/// Counts and sums per value of `group` over the records a list would show
/// (its filters and search; no paging), largest groups first.
pub(crate) async fn group_totals(
    pool: &AnyPool,
    kind: &RecordKind,
    scope: &RowScope,
    query: &ListQuery,
    group: &FieldDef,
    sum: Option<&FieldDef>,
) -> Result<Vec<GroupTotal>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(group.column)
        .push(" AS g, COUNT(*) AS n, CAST(COALESCE(SUM(")
        .push(sum.map_or("0", |field| field.column))
        .push("), 0) AS BIGINT) AS s FROM ")
        .push(kind.table);
    where_clause(&mut sql, kind, scope, query)?;
    sql.push(" GROUP BY ")
        .push(group.column)
        .push(" ORDER BY n DESC, g");
    sqlx::query_with(AssertSqlSafe(sql.text), sql.args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let group = match group.ty {
                FieldType::Text => row
                    .try_get::<Option<String>, _>("g")?
                    .map_or(Value::Null, Value::Text),
                _ => row
                    .try_get::<Option<i64>, _>("g")?
                    .map_or(Value::Null, Value::Int),
            };
            Ok(GroupTotal {
                group,
                count: row.try_get("n")?,
                sum: row.try_get("s")?,
            })
        })
        .collect()
}

/// One record by key, if it exists and the scope lets one see it.
pub(crate) async fn get(
    pool: &AnyPool,
    kind: &RecordKind,
    scope: &RowScope,
    key: &str,
) -> Result<Option<RecordRow>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(&select_list(kind))
        .push(" FROM ")
        .push(kind.table)
        .push(" WHERE ")
        .push(kind.key)
        .push(" = ");
    sql.bind_text(key)?.push(" AND ");
    scope_condition(&mut sql, kind, scope)?;
    sqlx::query_with(AssertSqlSafe(sql.text), sql.args)
        .fetch_optional(pool)
        .await?
        .map(|row| read_row(kind, &row))
        .transpose()
}

/// The lines of an order, by line number.
pub(crate) async fn order_lines(
    pool: &AnyPool,
    order_id: &str,
) -> Result<Vec<RecordRow>, StoreError> {
    let kind = ORDER_LINES;
    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(&select_list(&kind))
        .push(" FROM order_lines WHERE order_id = ");
    sql.bind_text(order_id)?.push(" ORDER BY line_no");
    sqlx::query_with(AssertSqlSafe(sql.text), sql.args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| read_row(&kind, row))
        .collect()
}

/// Deletes one record (and what is part of it) with an audit entry, in one
/// transaction; `false` when there is no such record. A record others refer
/// to is not deleted: that is a conflict.
pub(crate) async fn delete(
    pool: &AnyPool,
    kind: &RecordKind,
    key: &str,
    audit: &AuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = super::begin_write(pool).await?;
    if kind.name == "orders" {
        sqlx::query("DELETE FROM order_lines WHERE order_id = $1")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::classify)?;
    }
    if kind.name == "deals" {
        sqlx::query("DELETE FROM deal_stage_changes WHERE deal_id = $1")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::classify)?;
    }
    let mut sql = Sql::default();
    sql.push("DELETE FROM ")
        .push(kind.table)
        .push(" WHERE ")
        .push(kind.key)
        .push(" = ");
    sql.bind_text(key)?;
    let deleted = sqlx::query_with(AssertSqlSafe(sql.text), sql.args)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::classify)?
        .rows_affected();
    if deleted == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// Appends one audit entry inside a transaction.
pub(crate) async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(audit.at)
    .bind(audit.actor.clone())
    .bind(audit.action.clone())
    .bind(audit.entity.clone())
    .bind(audit.entity_id.clone())
    .bind(audit.before.clone())
    .bind(audit.after.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The ids of the users of a team.
pub(crate) async fn team_members(pool: &AnyPool, team: &str) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE team_id = $1 ORDER BY id")
            .bind(team)
            .fetch_all(pool)
            .await?,
    )
}

/// The newest audit entry's id (0 for none).
pub(crate) async fn change_version(pool: &AnyPool) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
            .fetch_one(pool)
            .await?,
    )
}
