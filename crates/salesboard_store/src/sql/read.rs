//! Reading records back into domain types.

use std::collections::BTreeMap;

use salesboard_domain::entities::*;
use salesboard_domain::{Dataset, Discount, Money, Timestamp, ValidationError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, AssertSqlSafe, Row};

use crate::{AuditEntry, Counts, CustomerIdentity, KnownIds, StageInfo, StoreError};

fn corrupt(table: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{table}: {error}"))
}

fn text(row: &AnyRow, column: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(column)?)
}

fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

fn int(row: &AnyRow, column: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(column)?)
}

fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?)
}

fn at(row: &AnyRow, column: &str) -> Result<Timestamp, StoreError> {
    int(row, column).map(Timestamp::from_unix_seconds)
}

fn opt_at(row: &AnyRow, column: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(opt_int(row, column)?.map(Timestamp::from_unix_seconds))
}

fn opt_money(row: &AnyRow, column: &str) -> Result<Option<Money>, StoreError> {
    Ok(opt_int(row, column)?.map(Money::from_cents))
}

fn extra(row: &AnyRow, table: &str) -> Result<Extra, StoreError> {
    match opt_text(row, "extra")? {
        None => Ok(BTreeMap::new()),
        Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(table, e)),
    }
}

fn parsed<T>(
    table: &str,
    value: Option<String>,
    parse: fn(&str) -> Result<T, ValidationError>,
) -> Result<Option<T>, StoreError> {
    value
        .map(|v| parse(&v).map_err(|e| corrupt(table, e)))
        .transpose()
}

async fn all(pool: &AnyPool, sql: &'static str) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(sql).fetch_all(pool).await?)
}

/// Row counts of every kind of record.
pub(crate) async fn counts(pool: &AnyPool) -> Result<Counts, StoreError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM teams) AS teams, \
         (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM contacts) AS contacts, \
         (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM deals) AS deals, \
         (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_lines) AS order_lines, \
         (SELECT COUNT(*) FROM payments) AS payments, (SELECT COUNT(*) FROM activities) AS activities, \
         (SELECT COUNT(*) FROM spend) AS spend, (SELECT COUNT(*) FROM surveys) AS surveys, \
         (SELECT COUNT(*) FROM targets) AS targets",
    )
    .fetch_one(pool)
    .await?;
    Ok(Counts {
        users: int(&row, "users")?,
        teams: int(&row, "teams")?,
        customers: int(&row, "customers")?,
        contacts: int(&row, "contacts")?,
        products: int(&row, "products")?,
        deals: int(&row, "deals")?,
        orders: int(&row, "orders")?,
        order_lines: int(&row, "order_lines")?,
        payments: int(&row, "payments")?,
        activities: int(&row, "activities")?,
        spend: int(&row, "spend")?,
        surveys: int(&row, "surveys")?,
        targets: int(&row, "targets")?,
    })
}

/// Where one kind of record is read from: the columns a decoder reads, its
/// table, the SQL expression of its key and the order of a full read.
pub(crate) struct Source {
    /// `SELECT … FROM table`, without `WHERE` or `ORDER BY`.
    pub(crate) select: &'static str,
    /// The table.
    pub(crate) table: &'static str,
    /// The key as the audit log names it (`records::RecordKind::key`).
    pub(crate) key: &'static str,
    /// The order of a full read.
    pub(crate) order: &'static str,
}

const fn source(
    select: &'static str,
    table: &'static str,
    key: &'static str,
    order: &'static str,
) -> Source {
    Source {
        select,
        table,
        key,
        order,
    }
}

pub(crate) const USERS: Source = source(
    "SELECT id, name, email, role, team_id, extra FROM users",
    "users",
    "id",
    "id",
);
pub(crate) const PRODUCTS: Source = source(
    "SELECT sku, name, category, unit_price_cents, unit_cost_cents, extra FROM products",
    "products",
    "sku",
    "sku",
);
pub(crate) const CUSTOMERS: Source = source(
    "SELECT id, name, kind, industry, region, channel, owner_id, phone, email, created_at, first_contact_at, extra FROM customers",
    "customers",
    "id",
    "id",
);
pub(crate) const CONTACTS: Source = source(
    "SELECT id, customer_id, name, title, phone, email, extra FROM contacts",
    "contacts",
    "id",
    "id",
);
pub(crate) const DEALS: Source = source(
    "SELECT id, customer_id, owner_id, title, stage, amount_cents, created_at, closed_at, status, lost_reason, extra FROM deals",
    "deals",
    "id",
    "id",
);
pub(crate) const ORDERS: Source = source(
    "SELECT id, customer_id, owner_id, ordered_at, status, deal_id, extra FROM orders",
    "orders",
    "id",
    "id",
);
pub(crate) const ORDER_LINES: Source = source(
    "SELECT order_id, sku, unit_price_cents, quantity, discount_ppm FROM order_lines",
    "order_lines",
    "order_id",
    "order_id, line_no",
);
pub(crate) const PAYMENTS: Source = source(
    "SELECT id, order_id, amount_cents, paid_at FROM payments",
    "payments",
    "id",
    "id",
);
pub(crate) const ACTIVITIES: Source = source(
    "SELECT id, customer_id, deal_id, owner_id, kind, occurred_at, note FROM activities",
    "activities",
    "id",
    "id",
);
pub(crate) const SPEND: Source = source(
    "SELECT id, spent_on, channel, category, amount_cents, campaign FROM spend",
    "spend",
    "id",
    "id",
);
pub(crate) const SURVEYS: Source = source(
    "SELECT id, customer_id, order_id, score, scale, responded_at, comment FROM surveys",
    "surveys",
    "id",
    "id",
);
pub(crate) const TARGETS: Source = source(
    "SELECT owner_kind, owner, period, metric, value_hundredths FROM targets",
    "targets",
    "(owner || ':' || period || ':' || metric)",
    "owner_kind, owner, period, metric",
);
pub(crate) const STAGE_CHANGES: Source = source(
    "SELECT deal_id, from_stage, to_stage, changed_at FROM deal_stage_changes",
    "deal_stage_changes",
    "deal_id",
    "id",
);

/// Every row of a source, in its order.
async fn every(pool: &AnyPool, source: &Source) -> Result<Vec<AnyRow>, StoreError> {
    let sql = format!("{} ORDER BY {}", source.select, source.order);
    // Safe: the statement is made of constants.
    Ok(sqlx::query(AssertSqlSafe(sql)).fetch_all(pool).await?)
}

/// Rows decoded into records.
pub(crate) fn decoded<T>(
    rows: &[AnyRow],
    decode: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(decode).collect()
}

pub(crate) fn user(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: text(row, "id")?,
        name: text(row, "name")?,
        email: opt_text(row, "email")?,
        role: Role::parse(&text(row, "role")?).map_err(|e| corrupt("users", e))?,
        team: opt_text(row, "team_id")?,
        extra: extra(row, "users")?,
    })
}

pub(crate) fn product(row: &AnyRow) -> Result<Product, StoreError> {
    Ok(Product {
        sku: text(row, "sku")?,
        name: text(row, "name")?,
        category: opt_text(row, "category")?,
        unit_price: opt_money(row, "unit_price_cents")?,
        unit_cost: opt_money(row, "unit_cost_cents")?,
        extra: extra(row, "products")?,
    })
}

pub(crate) fn customer(row: &AnyRow) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: text(row, "id")?,
        name: text(row, "name")?,
        kind: parsed("customers", opt_text(row, "kind")?, CustomerKind::parse)?,
        industry: opt_text(row, "industry")?,
        region: opt_text(row, "region")?,
        channel: opt_text(row, "channel")?,
        owner: opt_text(row, "owner_id")?,
        phone: opt_text(row, "phone")?,
        email: opt_text(row, "email")?,
        created_at: at(row, "created_at")?,
        first_contact_at: opt_at(row, "first_contact_at")?,
        extra: extra(row, "customers")?,
    })
}

pub(crate) fn contact(row: &AnyRow) -> Result<Contact, StoreError> {
    Ok(Contact {
        id: text(row, "id")?,
        customer_id: text(row, "customer_id")?,
        name: text(row, "name")?,
        title: opt_text(row, "title")?,
        phone: opt_text(row, "phone")?,
        email: opt_text(row, "email")?,
        extra: extra(row, "contacts")?,
    })
}

pub(crate) fn deal(row: &AnyRow) -> Result<Deal, StoreError> {
    Ok(Deal {
        id: text(row, "id")?,
        customer_id: text(row, "customer_id")?,
        owner: opt_text(row, "owner_id")?,
        title: opt_text(row, "title")?,
        stage: text(row, "stage")?,
        amount: opt_money(row, "amount_cents")?,
        created_at: at(row, "created_at")?,
        closed_at: opt_at(row, "closed_at")?,
        status: DealStatus::parse(&text(row, "status")?).map_err(|e| corrupt("deals", e))?,
        lost_reason: opt_text(row, "lost_reason")?,
        extra: extra(row, "deals")?,
    })
}

/// An order without its lines.
pub(crate) fn order(row: &AnyRow) -> Result<Order, StoreError> {
    Ok(Order {
        id: text(row, "id")?,
        customer_id: text(row, "customer_id")?,
        owner: opt_text(row, "owner_id")?,
        ordered_at: at(row, "ordered_at")?,
        status: OrderStatus::parse(&text(row, "status")?).map_err(|e| corrupt("orders", e))?,
        deal_id: opt_text(row, "deal_id")?,
        lines: Vec::new(),
        extra: extra(row, "orders")?,
    })
}

/// An order line with the id of its order.
pub(crate) fn order_line(row: &AnyRow) -> Result<(String, OrderLine), StoreError> {
    Ok((
        text(row, "order_id")?,
        OrderLine {
            sku: opt_text(row, "sku")?,
            unit_price: Money::from_cents(int(row, "unit_price_cents")?),
            quantity: int(row, "quantity")?,
            discount: Discount::from_ppm(int(row, "discount_ppm")?)
                .ok_or_else(|| corrupt("order_lines", "discount out of range"))?,
        },
    ))
}

pub(crate) fn payment(row: &AnyRow) -> Result<Payment, StoreError> {
    Ok(Payment {
        id: text(row, "id")?,
        order_id: text(row, "order_id")?,
        amount: Money::from_cents(int(row, "amount_cents")?),
        paid_at: at(row, "paid_at")?,
    })
}

pub(crate) fn activity(row: &AnyRow) -> Result<Activity, StoreError> {
    Ok(Activity {
        id: text(row, "id")?,
        customer_id: text(row, "customer_id")?,
        deal_id: opt_text(row, "deal_id")?,
        owner: opt_text(row, "owner_id")?,
        kind: parsed("activities", opt_text(row, "kind")?, ActivityKind::parse)?,
        occurred_at: at(row, "occurred_at")?,
        note: opt_text(row, "note")?,
    })
}

pub(crate) fn spend(row: &AnyRow) -> Result<Spend, StoreError> {
    Ok(Spend {
        id: text(row, "id")?,
        date: at(row, "spent_on")?,
        channel: opt_text(row, "channel")?,
        category: opt_text(row, "category")?,
        amount: Money::from_cents(int(row, "amount_cents")?),
        campaign: opt_text(row, "campaign")?,
    })
}

pub(crate) fn survey(row: &AnyRow) -> Result<Survey, StoreError> {
    Ok(Survey {
        id: text(row, "id")?,
        customer_id: opt_text(row, "customer_id")?,
        order_id: opt_text(row, "order_id")?,
        score: int(row, "score")?,
        scale: if int(row, "scale")? == 10 {
            SurveyScale::Ten
        } else {
            SurveyScale::Five
        },
        responded_at: at(row, "responded_at")?,
        comment: opt_text(row, "comment")?,
    })
}

pub(crate) fn target(row: &AnyRow) -> Result<Target, StoreError> {
    Ok(Target {
        owner: text(row, "owner")?,
        owner_kind: TargetOwnerKind::parse(&text(row, "owner_kind")?)
            .map_err(|e| corrupt("targets", e))?,
        period: text(row, "period")?,
        metric: TargetMetric::parse(&text(row, "metric")?).map_err(|e| corrupt("targets", e))?,
        value_hundredths: int(row, "value_hundredths")?,
    })
}

pub(crate) fn stage_change(row: &AnyRow) -> Result<StageChange, StoreError> {
    Ok(StageChange {
        deal_id: text(row, "deal_id")?,
        from_stage: opt_text(row, "from_stage")?,
        to_stage: text(row, "to_stage")?,
        changed_at: at(row, "changed_at")?,
    })
}

/// Every record, ordered by key.
pub(crate) async fn read_dataset(pool: &AnyPool) -> Result<Dataset, StoreError> {
    Ok(Dataset {
        users: decoded(&every(pool, &USERS).await?, user)?,
        products: decoded(&every(pool, &PRODUCTS).await?, product)?,
        customers: decoded(&every(pool, &CUSTOMERS).await?, customer)?,
        contacts: decoded(&every(pool, &CONTACTS).await?, contact)?,
        deals: decoded(&every(pool, &DEALS).await?, deal)?,
        orders: read_orders(pool).await?,
        payments: decoded(&every(pool, &PAYMENTS).await?, payment)?,
        activities: decoded(&every(pool, &ACTIVITIES).await?, activity)?,
        spend: decoded(&every(pool, &SPEND).await?, spend)?,
        surveys: decoded(&every(pool, &SURVEYS).await?, survey)?,
        targets: decoded(&every(pool, &TARGETS).await?, target)?,
    })
}

async fn read_orders(pool: &AnyPool) -> Result<Vec<Order>, StoreError> {
    let mut orders = decoded(&every(pool, &ORDERS).await?, order)?;
    let mut position = 0;
    for row in every(pool, &ORDER_LINES).await? {
        let (order_id, line) = order_line(&row)?;
        while orders.get(position).is_some_and(|o| o.id < order_id) {
            position += 1;
        }
        let order = orders
            .get_mut(position)
            .filter(|o| o.id == order_id)
            .ok_or_else(|| corrupt("order_lines", format!("line of unknown order {order_id}")))?;
        order.lines.push(line);
    }
    Ok(orders)
}

/// The deal stage history, oldest first.
pub(crate) async fn stage_changes(pool: &AnyPool) -> Result<Vec<StageChange>, StoreError> {
    decoded(&every(pool, &STAGE_CHANGES).await?, stage_change)
}

async fn ids(pool: &AnyPool, sql: &'static str) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await?)
}

/// The ids already stored.
pub(crate) async fn known_ids(pool: &AnyPool) -> Result<KnownIds, StoreError> {
    let mut known = KnownIds::default();
    for row in all(pool, "SELECT id, email FROM users").await? {
        let id = text(&row, "id")?;
        if let Some(email) = opt_text(&row, "email")? {
            known.user_emails.insert(email.to_lowercase(), id.clone());
        }
        known.users.insert(id);
    }
    known.teams = ids(pool, "SELECT id FROM teams")
        .await?
        .into_iter()
        .collect();
    known.customers = ids(pool, "SELECT id FROM customers")
        .await?
        .into_iter()
        .collect();
    known.products = ids(pool, "SELECT sku FROM products")
        .await?
        .into_iter()
        .collect();
    known.deals = ids(pool, "SELECT id FROM deals")
        .await?
        .into_iter()
        .collect();
    known.orders = ids(pool, "SELECT id FROM orders")
        .await?
        .into_iter()
        .collect();
    known.stages = pipeline_stages(pool).await?;
    Ok(known)
}

/// The pipeline's stages, first stage first.
pub(crate) async fn pipeline_stages(pool: &AnyPool) -> Result<Vec<StageInfo>, StoreError> {
    all(
        pool,
        "SELECT code, position, label_en, label_zh FROM pipeline_stages ORDER BY position",
    )
    .await?
    .iter()
    .map(|row| {
        Ok(StageInfo {
            code: text(row, "code")?,
            position: int(row, "position")?,
            label_en: text(row, "label_en")?,
            label_zh: text(row, "label_zh")?,
        })
    })
    .collect()
}

/// Name, phone and e-mail of every stored customer.
pub(crate) async fn customer_identities(
    pool: &AnyPool,
) -> Result<Vec<CustomerIdentity>, StoreError> {
    all(
        pool,
        "SELECT id, name, phone, email FROM customers ORDER BY id",
    )
    .await?
    .iter()
    .map(|row| {
        Ok(CustomerIdentity {
            id: text(row, "id")?,
            name: text(row, "name")?,
            phone: opt_text(row, "phone")?,
            email: opt_text(row, "email")?,
        })
    })
    .collect()
}

/// A user's password hash, if the user exists and is active.
pub(crate) async fn password_hash(
    pool: &AnyPool,
    user_id: &str,
) -> Result<Option<String>, StoreError> {
    let hash: Option<Option<String>> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active = TRUE")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(hash.flatten())
}

/// An organization setting.
pub(crate) async fn setting(pool: &AnyPool, key: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

/// The newest audit entries first.
pub(crate) async fn audit_log(pool: &AnyPool, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    sqlx::query("SELECT at, actor, action, entity, entity_id, before_json, after_json FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                at: int(row, "at")?,
                actor: opt_text(row, "actor")?,
                action: text(row, "action")?,
                entity: text(row, "entity")?,
                entity_id: opt_text(row, "entity_id")?,
                before: opt_text(row, "before_json")?,
                after: opt_text(row, "after_json")?,
            })
        })
        .collect()
}
