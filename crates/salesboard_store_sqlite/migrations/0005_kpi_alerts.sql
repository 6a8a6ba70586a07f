-- KPI alerts, SQLite dialect: a KPI that dropped (or, for a KPI where lower is
-- better, rose) by the alert threshold in a complete ISO week against the mean
-- of the four weeks before. Raised once per KPI and week. Figures are exact
-- decimal strings; instants in seconds since the Unix epoch (UTC).

CREATE TABLE kpi_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kpi TEXT NOT NULL,
    -- ISO week in the organization's time zone, like 2024-W10
    week TEXT NOT NULL,
    value TEXT NOT NULL,
    baseline TEXT NOT NULL,
    change_percent TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    UNIQUE (kpi, week)
);
CREATE INDEX kpi_alerts_raised ON kpi_alerts (raised_at, id);
