//! Records one kind at a time, as the API reads them: the fields of each kind
//! (named as in the import files), how each is stored, whose records they are,
//! and the list, get and delete queries' parameters.

/// How a field is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free or coded text.
    Text,
    /// A whole number.
    Integer,
    /// Money, stored in cents.
    Money,
    /// A discount, stored in parts per million.
    Discount,
    /// An instant, stored in seconds since the epoch.
    Instant,
    /// A local date, stored as the instant its day starts.
    Date,
    /// Yes or no.
    Bool,
}

/// One field of a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// The name in the API and in the import files (`customer_id`).
    pub name: &'static str,
    /// The column, or a SQL expression of the record's own columns.
    pub column: &'static str,
    /// How it is stored.
    pub ty: FieldType,
    /// Whether `q=` searches it.
    pub searchable: bool,
    /// Whether the API may set it (read-only fields are shown only).
    pub writable: bool,
}

/// Whose records these are, which decides who may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// Customers: their owner; no owner is the public pool (公海).
    Customer,
    /// Deals, orders, follow-ups: their owner, or the customer's when none.
    Owned,
    /// Contacts: the customer's.
    OfCustomer,
    /// Payments: the order's.
    OfOrder,
    /// Surveys: the customer's, or the order's when there is no customer.
    Survey,
    /// Products: everybody's.
    Shared,
    /// Marketing spend: nobody's in particular.
    Company,
    /// Users: themselves.
    User,
    /// Teams.
    Team,
    /// Targets: a user's or a team's.
    Target,
}

/// A kind of record the API serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordKind {
    /// The collection name (`customers`).
    pub name: &'static str,
    /// The table.
    pub table: &'static str,
    /// The key: a column or an expression of columns.
    pub key: &'static str,
    /// The fields, the key's first.
    pub fields: &'static [FieldDef],
    /// Whose records they are.
    pub ownership: Ownership,
}

impl RecordKind {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The key field.
    pub fn key_field(&self) -> &'static FieldDef {
        &self.fields[0]
    }
}

const fn f(name: &'static str, column: &'static str, ty: FieldType) -> FieldDef {
    FieldDef {
        name,
        column,
        ty,
        searchable: false,
        writable: true,
    }
}

const fn s(name: &'static str, column: &'static str) -> FieldDef {
    FieldDef {
        name,
        column,
        ty: FieldType::Text,
        searchable: true,
        writable: true,
    }
}

const fn read_only(name: &'static str, column: &'static str, ty: FieldType) -> FieldDef {
    FieldDef {
        name,
        column,
        ty,
        searchable: false,
        writable: false,
    }
}

use FieldType::{Bool, Date, Discount, Instant, Integer, Money, Text};

/// Customers (客户).
pub const CUSTOMERS: RecordKind = RecordKind {
    name: "customers",
    table: "customers",
    key: "id",
    fields: &[
        s("customer_id", "id"),
        s("name", "name"),
        f("kind", "kind", Text),
        f("industry", "industry", Text),
        f("region", "region", Text),
        f("channel", "channel", Text),
        f("owner", "owner_id", Text),
        f("created_at", "created_at", Instant),
        f("first_contact_at", "first_contact_at", Instant),
        s("phone", "phone"),
        s("email", "email"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Customer,
};

/// Contacts (联系人).
pub const CONTACTS: RecordKind = RecordKind {
    name: "contacts",
    table: "contacts",
    key: "id",
    fields: &[
        s("contact_id", "id"),
        f("customer_id", "customer_id", Text),
        s("name", "name"),
        s("title", "title"),
        s("phone", "phone"),
        s("email", "email"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::OfCustomer,
};

/// Products (产品).
pub const PRODUCTS: RecordKind = RecordKind {
    name: "products",
    table: "products",
    key: "sku",
    fields: &[
        s("sku", "sku"),
        s("name", "name"),
        s("category", "category"),
        f("unit_price", "unit_price_cents", Money),
        f("unit_cost", "unit_cost_cents", Money),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Shared,
};

/// Deals (商机).
pub const DEALS: RecordKind = RecordKind {
    name: "deals",
    table: "deals",
    key: "id",
    fields: &[
        s("deal_id", "id"),
        f("customer_id", "customer_id", Text),
        f("owner", "owner_id", Text),
        s("title", "title"),
        f("stage", "stage", Text),
        f("amount", "amount_cents", Money),
        f("created_at", "created_at", Instant),
        f("closed_at", "closed_at", Instant),
        f("status", "status", Text),
        s("lost_reason", "lost_reason"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Owned,
};

/// Orders (订单); their lines are read with them.
pub const ORDERS: RecordKind = RecordKind {
    name: "orders",
    table: "orders",
    key: "id",
    fields: &[
        s("order_id", "id"),
        f("customer_id", "customer_id", Text),
        f("owner", "owner_id", Text),
        f("ordered_at", "ordered_at", Instant),
        f("status", "status", Text),
        f("deal_id", "deal_id", Text),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Owned,
};

/// The lines of orders, read through their order.
pub const ORDER_LINES: RecordKind = RecordKind {
    name: "order_lines",
    table: "order_lines",
    key: "order_id",
    fields: &[
        f("order_id", "order_id", Text),
        f("line_no", "line_no", Integer),
        f("sku", "sku", Text),
        f("unit_price", "unit_price_cents", Money),
        f("quantity", "quantity", Integer),
        f("discount", "discount_ppm", Discount),
    ],
    ownership: Ownership::OfOrder,
};

/// Payments (回款).
pub const PAYMENTS: RecordKind = RecordKind {
    name: "payments",
    table: "payments",
    key: "id",
    fields: &[
        s("payment_id", "id"),
        f("order_id", "order_id", Text),
        f("amount", "amount_cents", Money),
        f("paid_at", "paid_at", Instant),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::OfOrder,
};

/// Follow-ups (跟进).
pub const ACTIVITIES: RecordKind = RecordKind {
    name: "activities",
    table: "activities",
    key: "id",
    fields: &[
        s("activity_id", "id"),
        f("customer_id", "customer_id", Text),
        f("deal_id", "deal_id", Text),
        f("owner", "owner_id", Text),
        f("kind", "kind", Text),
        f("occurred_at", "occurred_at", Instant),
        s("note", "note"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Owned,
};

/// Marketing spend (市场费用).
pub const SPEND: RecordKind = RecordKind {
    name: "spend",
    table: "spend",
    key: "id",
    fields: &[
        s("spend_id", "id"),
        f("date", "spent_on", Date),
        s("channel", "channel"),
        f("category", "category", Text),
        f("amount", "amount_cents", Money),
        s("campaign", "campaign"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Company,
};

/// Survey responses (满意度).
pub const SURVEYS: RecordKind = RecordKind {
    name: "surveys",
    table: "surveys",
    key: "id",
    fields: &[
        s("response_id", "id"),
        f("customer_id", "customer_id", Text),
        f("order_id", "order_id", Text),
        f("score", "score", Integer),
        f("scale", "scale", Integer),
        f("responded_at", "responded_at", Instant),
        s("comment", "comment"),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Survey,
};

/// Targets (目标), keyed `owner:period:metric`.
pub const TARGETS: RecordKind = RecordKind {
    name: "targets",
    table: "targets",
    key: "(owner || ':' || period || ':' || metric)",
    fields: &[
        read_only(
            "target_id",
            "(owner || ':' || period || ':' || metric)",
            Text,
        ),
        s("owner", "owner"),
        s("period", "period"),
        f("metric", "metric", Text),
        f("target", "value_hundredths", Money),
        read_only("owner_kind", "owner_kind", Text),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::Target,
};

/// Users (用户).
pub const USERS: RecordKind = RecordKind {
    name: "users",
    table: "users",
    key: "id",
    fields: &[
        s("user_id", "id"),
        s("name", "name"),
        s("email", "email"),
        f("role", "role", Text),
        f("team", "team_id", Text),
        read_only("active", "active", Bool),
        read_only("updated_at", "updated_at", Instant),
    ],
    ownership: Ownership::User,
};

/// Teams (团队).
pub const TEAMS: RecordKind = RecordKind {
    name: "teams",
    table: "teams",
    key: "id",
    fields: &[
        s("team_id", "id"),
        s("name", "name"),
        read_only("created_at", "created_at", Instant),
    ],
    ownership: Ownership::Team,
};

/// Every kind the API lists, in import order.
pub const ALL_KINDS: [RecordKind; 12] = [
    USERS, TEAMS, PRODUCTS, CUSTOMERS, CONTACTS, DEALS, ORDERS, PAYMENTS, ACTIVITIES, SPEND,
    SURVEYS, TARGETS,
];

/// The kind called `name`.
pub fn kind_named(name: &str) -> Option<RecordKind> {
    ALL_KINDS.into_iter().find(|k| k.name == name)
}

/// Which records of a kind a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowScope {
    /// All of them.
    All,
    /// Those of these users (and of this team, for teams and targets), plus
    /// the public pool when `pool` is set.
    Owners {
        /// The users whose records these are.
        users: Vec<String>,
        /// The caller's team.
        team: Option<String>,
        /// Whether customers without an owner (公海) are included.
        pool: bool,
    },
    /// None of them.
    Nothing,
}

/// A stored value, as the database gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// NULL.
    Null,
    /// A whole number (also money in cents, instants in seconds).
    Int(i64),
    /// Text.
    Text(String),
    /// Yes or no.
    Bool(bool),
}

/// One record: its values in the order of its kind's fields.
pub type RecordRow = Vec<Value>;

/// How a list is filtered, searched, sorted and cut into pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Equality filters by field.
    pub filters: Vec<(&'static FieldDef, Value)>,
    /// Text searched (case-insensitively) in the searchable fields.
    pub search: Option<String>,
    /// Sort field and whether descending; the key breaks ties.
    pub sort: Option<(&'static FieldDef, bool)>,
    /// Records to skip.
    pub offset: i64,
    /// Records to return.
    pub limit: i64,
}

/// A page of records and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPage {
    /// The records.
    pub rows: Vec<RecordRow>,
    /// How many match the filters.
    pub total: i64,
}

/// How many records of one group there are, and what a money field sums to
/// over them (0 without a money field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTotal {
    /// The group's value of the grouping field.
    pub group: Value,
    /// Records in the group.
    pub count: i64,
    /// The summed field, in minor units.
    pub sum: i64,
}
