-- Salesboard schema, PostgreSQL dialect. Money in integer cents, instants in
-- seconds since the Unix epoch (UTC), discounts in parts per million.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
    team_id TEXT REFERENCES teams (id),
    password_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    extra TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT CHECK (kind IN ('company', 'person')),
    industry TEXT,
    region TEXT,
    channel TEXT,
    owner_id TEXT REFERENCES users (id),
    phone TEXT,
    email TEXT,
    created_at BIGINT NOT NULL,
    first_contact_at BIGINT,
    extra TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_owner ON customers (owner_id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    title TEXT,
    phone TEXT,
    email TEXT,
    extra TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id);

CREATE TABLE products (
    sku TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT,
    unit_price_cents BIGINT,
    unit_cost_cents BIGINT,
    extra TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE pipeline_stages (
    code TEXT PRIMARY KEY,
    position BIGINT NOT NULL UNIQUE,
    label_en TEXT NOT NULL,
    label_zh TEXT NOT NULL
);
INSERT INTO pipeline_stages (code, position, label_en, label_zh) VALUES
    ('lead', 1, 'Lead', '线索'),
    ('qualified', 2, 'Qualified', '需求确认'),
    ('proposal', 3, 'Proposal', '方案报价'),
    ('negotiation', 4, 'Negotiation', '商务谈判'),
    ('won', 5, 'Won', '赢单');

CREATE TABLE deals (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    owner_id TEXT REFERENCES users (id),
    title TEXT,
    stage TEXT NOT NULL REFERENCES pipeline_stages (code),
    amount_cents BIGINT,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    status TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    lost_reason TEXT,
    extra TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX deals_customer ON deals (customer_id);
CREATE INDEX deals_owner ON deals (owner_id);

CREATE TABLE deal_stage_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id TEXT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    changed_by TEXT
);
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (deal_id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    owner_id TEXT REFERENCES users (id),
    ordered_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
    deal_id TEXT REFERENCES deals (id),
    extra TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_owner ON orders (owner_id);
CREATE INDEX orders_ordered_at ON orders (ordered_at);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no BIGINT NOT NULL,
    sku TEXT REFERENCES products (sku),
    unit_price_cents BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    discount_ppm BIGINT NOT NULL DEFAULT 0 CHECK (discount_ppm BETWEEN 0 AND 1000000),
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    amount_cents BIGINT NOT NULL,
    paid_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    deal_id TEXT REFERENCES deals (id),
    owner_id TEXT REFERENCES users (id),
    kind TEXT CHECK (kind IN ('call', 'visit', 'email', 'meeting', 'message')),
    occurred_at BIGINT NOT NULL,
    note TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_customer ON activities (customer_id);
CREATE INDEX activities_owner ON activities (owner_id);

CREATE TABLE spend (
    id TEXT PRIMARY KEY,
    spent_on BIGINT NOT NULL,
    channel TEXT,
    category TEXT,
    amount_cents BIGINT NOT NULL,
    campaign TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    customer_id TEXT REFERENCES customers (id),
    order_id TEXT REFERENCES orders (id),
    score BIGINT NOT NULL,
    scale BIGINT NOT NULL CHECK (scale IN (5, 10)),
    responded_at BIGINT NOT NULL,
    comment TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE targets (
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'team')),
    owner TEXT NOT NULL,
    period TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('revenue', 'new_customers', 'deals_won')),
    value_hundredths BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner, period, metric)
);

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
