//! Reading records back into domain types.

use std::collections::BTreeMap;

use salesboard_domain::entities::*;
use salesboard_domain::{Dataset, Discount, Money, Timestamp, ValidationError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

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

/// Every record, ordered by id.
pub(crate) async fn read_dataset(pool: &AnyPool) -> Result<Dataset, StoreError> {
    let mut data = Dataset::default();
    for row in all(
        pool,
        "SELECT id, name, email, role, team_id, extra FROM users ORDER BY id",
    )
    .await?
    {
        data.users.push(User {
            id: text(&row, "id")?,
            name: text(&row, "name")?,
            email: opt_text(&row, "email")?,
            role: Role::parse(&text(&row, "role")?).map_err(|e| corrupt("users", e))?,
            team: opt_text(&row, "team_id")?,
            extra: extra(&row, "users")?,
        });
    }
    for row in all(pool, "SELECT sku, name, category, unit_price_cents, unit_cost_cents, extra FROM products ORDER BY sku").await? {
        data.products.push(Product {
            sku: text(&row, "sku")?,
            name: text(&row, "name")?,
            category: opt_text(&row, "category")?,
            unit_price: opt_money(&row, "unit_price_cents")?,
            unit_cost: opt_money(&row, "unit_cost_cents")?,
            extra: extra(&row, "products")?,
        });
    }
    for row in all(pool, "SELECT id, name, kind, industry, region, channel, owner_id, phone, email, created_at, first_contact_at, extra FROM customers ORDER BY id").await? {
        data.customers.push(Customer {
            id: text(&row, "id")?,
            name: text(&row, "name")?,
            kind: parsed("customers", opt_text(&row, "kind")?, CustomerKind::parse)?,
            industry: opt_text(&row, "industry")?,
            region: opt_text(&row, "region")?,
            channel: opt_text(&row, "channel")?,
            owner: opt_text(&row, "owner_id")?,
            phone: opt_text(&row, "phone")?,
            email: opt_text(&row, "email")?,
            created_at: at(&row, "created_at")?,
            first_contact_at: opt_at(&row, "first_contact_at")?,
            extra: extra(&row, "customers")?,
        });
    }
    for row in all(
        pool,
        "SELECT id, customer_id, name, title, phone, email, extra FROM contacts ORDER BY id",
    )
    .await?
    {
        data.contacts.push(Contact {
            id: text(&row, "id")?,
            customer_id: text(&row, "customer_id")?,
            name: text(&row, "name")?,
            title: opt_text(&row, "title")?,
            phone: opt_text(&row, "phone")?,
            email: opt_text(&row, "email")?,
            extra: extra(&row, "contacts")?,
        });
    }
    for row in all(pool, "SELECT id, customer_id, owner_id, title, stage, amount_cents, created_at, closed_at, status, lost_reason, extra FROM deals ORDER BY id").await? {
        data.deals.push(Deal {
            id: text(&row, "id")?,
            customer_id: text(&row, "customer_id")?,
            owner: opt_text(&row, "owner_id")?,
            title: opt_text(&row, "title")?,
            stage: text(&row, "stage")?,
            amount: opt_money(&row, "amount_cents")?,
            created_at: at(&row, "created_at")?,
            closed_at: opt_at(&row, "closed_at")?,
            status: DealStatus::parse(&text(&row, "status")?).map_err(|e| corrupt("deals", e))?,
            lost_reason: opt_text(&row, "lost_reason")?,
            extra: extra(&row, "deals")?,
        });
    }
    data.orders = read_orders(pool).await?;
    for row in all(
        pool,
        "SELECT id, order_id, amount_cents, paid_at FROM payments ORDER BY id",
    )
    .await?
    {
        data.payments.push(Payment {
            id: text(&row, "id")?,
            order_id: text(&row, "order_id")?,
            amount: Money::from_cents(int(&row, "amount_cents")?),
            paid_at: at(&row, "paid_at")?,
        });
    }
    for row in all(pool, "SELECT id, customer_id, deal_id, owner_id, kind, occurred_at, note FROM activities ORDER BY id").await? {
        data.activities.push(Activity {
            id: text(&row, "id")?,
            customer_id: text(&row, "customer_id")?,
            deal_id: opt_text(&row, "deal_id")?,
            owner: opt_text(&row, "owner_id")?,
            kind: parsed("activities", opt_text(&row, "kind")?, ActivityKind::parse)?,
            occurred_at: at(&row, "occurred_at")?,
            note: opt_text(&row, "note")?,
        });
    }
    for row in all(
        pool,
        "SELECT id, spent_on, channel, category, amount_cents, campaign FROM spend ORDER BY id",
    )
    .await?
    {
        data.spend.push(Spend {
            id: text(&row, "id")?,
            date: at(&row, "spent_on")?,
            channel: opt_text(&row, "channel")?,
            category: opt_text(&row, "category")?,
            amount: Money::from_cents(int(&row, "amount_cents")?),
            campaign: opt_text(&row, "campaign")?,
        });
    }
    for row in all(pool, "SELECT id, customer_id, order_id, score, scale, responded_at, comment FROM surveys ORDER BY id").await? {
        data.surveys.push(Survey {
            id: text(&row, "id")?,
            customer_id: opt_text(&row, "customer_id")?,
            order_id: opt_text(&row, "order_id")?,
            score: int(&row, "score")?,
            scale: if int(&row, "scale")? == 10 { SurveyScale::Ten } else { SurveyScale::Five },
            responded_at: at(&row, "responded_at")?,
            comment: opt_text(&row, "comment")?,
        });
    }
    for row in all(pool, "SELECT owner_kind, owner, period, metric, value_hundredths FROM targets ORDER BY owner_kind, owner, period, metric").await? {
        data.targets.push(Target {
            owner: text(&row, "owner")?,
            owner_kind: TargetOwnerKind::parse(&text(&row, "owner_kind")?).map_err(|e| corrupt("targets", e))?,
            period: text(&row, "period")?,
            metric: TargetMetric::parse(&text(&row, "metric")?).map_err(|e| corrupt("targets", e))?,
            value_hundredths: int(&row, "value_hundredths")?,
        });
    }
    Ok(data)
}

async fn read_orders(pool: &AnyPool) -> Result<Vec<Order>, StoreError> {
    let mut orders: Vec<Order> = Vec::new();
    for row in all(pool, "SELECT id, customer_id, owner_id, ordered_at, status, deal_id, extra FROM orders ORDER BY id").await? {
        orders.push(Order {
            id: text(&row, "id")?,
            customer_id: text(&row, "customer_id")?,
            owner: opt_text(&row, "owner_id")?,
            ordered_at: at(&row, "ordered_at")?,
            status: OrderStatus::parse(&text(&row, "status")?).map_err(|e| corrupt("orders", e))?,
            deal_id: opt_text(&row, "deal_id")?,
            lines: Vec::new(),
            extra: extra(&row, "orders")?,
        });
    }
    let mut position = 0;
    for row in all(pool, "SELECT order_id, sku, unit_price_cents, quantity, discount_ppm FROM order_lines ORDER BY order_id, line_no").await? {
        let order_id = text(&row, "order_id")?;
        while orders.get(position).is_some_and(|o| o.id < order_id) {
            position += 1;
        }
        let order = orders
            .get_mut(position)
            .filter(|o| o.id == order_id)
            .ok_or_else(|| corrupt("order_lines", format!("line of unknown order {order_id}")))?;
        order.lines.push(OrderLine {
            sku: opt_text(&row, "sku")?,
            unit_price: Money::from_cents(int(&row, "unit_price_cents")?),
            quantity: int(&row, "quantity")?,
            discount: Discount::from_ppm(int(&row, "discount_ppm")?)
                .ok_or_else(|| corrupt("order_lines", "discount out of range"))?,
        });
    }
    Ok(orders)
}

/// The deal stage history, oldest first.
pub(crate) async fn stage_changes(pool: &AnyPool) -> Result<Vec<StageChange>, StoreError> {
    all(
        pool,
        "SELECT deal_id, from_stage, to_stage, changed_at FROM deal_stage_changes ORDER BY id",
    )
    .await?
    .iter()
    .map(|row| {
        Ok(StageChange {
            deal_id: text(row, "deal_id")?,
            from_stage: opt_text(row, "from_stage")?,
            to_stage: text(row, "to_stage")?,
            changed_at: at(row, "changed_at")?,
        })
    })
    .collect()
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
