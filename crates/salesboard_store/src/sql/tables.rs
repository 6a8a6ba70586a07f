//! The tables written by upsert: their keys and the columns compared to tell
//! an update from an unchanged row.

use super::batch::Table;

pub(super) const TEAMS: Table = Table {
    name: "teams",
    key: &["id"],
    compared: &["name"],
    insert_only: &["created_at"],
    touch: None,
};
pub(super) const USERS: Table = Table {
    name: "users",
    key: &["id"],
    compared: &["name", "email", "role", "team_id", "extra"],
    insert_only: &["created_at"],
    touch: Some("updated_at"),
};
pub(super) const PRODUCTS: Table = Table {
    name: "products",
    key: &["sku"],
    compared: &[
        "name",
        "category",
        "unit_price_cents",
        "unit_cost_cents",
        "extra",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const CUSTOMERS: Table = Table {
    name: "customers",
    key: &["id"],
    compared: &[
        "name",
        "kind",
        "industry",
        "region",
        "channel",
        "owner_id",
        "phone",
        "email",
        "created_at",
        "first_contact_at",
        "extra",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const CONTACTS: Table = Table {
    name: "contacts",
    key: &["id"],
    compared: &["customer_id", "name", "title", "phone", "email", "extra"],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const DEALS: Table = Table {
    name: "deals",
    key: &["id"],
    compared: &[
        "customer_id",
        "owner_id",
        "title",
        "stage",
        "amount_cents",
        "created_at",
        "closed_at",
        "status",
        "lost_reason",
        "extra",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const ORDERS: Table = Table {
    name: "orders",
    key: &["id"],
    compared: &[
        "customer_id",
        "owner_id",
        "ordered_at",
        "status",
        "deal_id",
        "extra",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const ORDER_LINES: Table = Table {
    name: "order_lines",
    key: &["order_id", "line_no"],
    compared: &["sku", "unit_price_cents", "quantity", "discount_ppm"],
    insert_only: &[],
    touch: None,
};
pub(super) const PAYMENTS: Table = Table {
    name: "payments",
    key: &["id"],
    compared: &["order_id", "amount_cents", "paid_at"],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const ACTIVITIES: Table = Table {
    name: "activities",
    key: &["id"],
    compared: &[
        "customer_id",
        "deal_id",
        "owner_id",
        "kind",
        "occurred_at",
        "note",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const SPEND: Table = Table {
    name: "spend",
    key: &["id"],
    compared: &[
        "spent_on",
        "channel",
        "category",
        "amount_cents",
        "campaign",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const SURVEYS: Table = Table {
    name: "surveys",
    key: &["id"],
    compared: &[
        "customer_id",
        "order_id",
        "score",
        "scale",
        "responded_at",
        "comment",
    ],
    insert_only: &[],
    touch: Some("updated_at"),
};
pub(super) const TARGETS: Table = Table {
    name: "targets",
    key: &["owner_kind", "owner", "period", "metric"],
    compared: &["value_hundredths"],
    insert_only: &[],
    touch: Some("updated_at"),
};
