-- Survey links, SQLite dialect: one-time links a rep or manager sends a
-- customer, who answers a satisfaction survey without logging in. Only the
-- SHA-256 (hex) of a link's token is kept: whoever reads the database cannot
-- answer in the customer's name. Instants in seconds since the Unix epoch (UTC).
-- A link is used once: answering sets used_at and the survey response it
-- wrote, in the same transaction as the response.

CREATE TABLE survey_links (
    token_hash TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    order_id TEXT REFERENCES orders (id) ON DELETE CASCADE,
    scale BIGINT NOT NULL CHECK (scale IN (5, 10)),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    response_id TEXT REFERENCES surveys (id) ON DELETE SET NULL
);
CREATE INDEX survey_links_customer ON survey_links (customer_id);
