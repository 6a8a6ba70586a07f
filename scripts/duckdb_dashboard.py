#!/usr/bin/env python3
"""Time DuckDB answering Salesboard's dashboard over the canonical CSV files
that `salesboard export` writes, for comparison with `salesboard bench
dashboard` on the same data.

Usage: scripts/duckdb_dashboard.py EXPORT_FOLDER PERIOD_FROM PERIOD_TO [RUNS]

The files are loaded into an in-memory DuckDB database first (load_ms, like
Salesboard's own load); then each run executes the dashboard's queries:
the period's revenue, orders, units, gross profit, payments, spend and new
customers; the monthly revenue trend; revenue, orders and won/lost deals per
rep; the top 20 products; CAC by channel; won deals' cycle days (mean,
median, p90); CSAT. Prints JSON: load_ms, median_ms, p90_ms, runs, order_lines.
"""

import json
import math
import sys
import time

import duckdb

QUERIES = {
    "totals": """
        SELECT sum(l.unit_price * l.quantity * (1 - coalesce(l.discount, 0))) AS revenue,
               count(DISTINCT l.order_id) AS orders, sum(l.quantity) AS units,
               sum((l.unit_price * (1 - coalesce(l.discount, 0)) - coalesce(p.unit_cost, 0)) * l.quantity) AS gross_profit
        FROM order_lines l LEFT JOIN products p ON p.sku = l.sku
        WHERE l.status <> 'cancelled' AND l.ordered_at >= $from AND l.ordered_at < $to""",
    "collected": "SELECT sum(amount) FROM payments WHERE paid_at >= $from AND paid_at < $to",
    "trend": """
        SELECT date_trunc('month', ordered_at) AS month, sum(unit_price * quantity * (1 - coalesce(discount, 0)))
        FROM order_lines WHERE status <> 'cancelled' AND ordered_at >= $from AND ordered_at < $to
        GROUP BY 1 ORDER BY 1""",
    "reps": """
        SELECT owner, sum(unit_price * quantity * (1 - coalesce(discount, 0))) AS revenue, count(DISTINCT order_id)
        FROM order_lines WHERE status <> 'cancelled' AND ordered_at >= $from AND ordered_at < $to
        GROUP BY owner ORDER BY revenue DESC""",
    "deals": """
        SELECT owner, count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status = 'lost'),
               avg(date_diff('day', created_at::DATE, closed_at::DATE)) FILTER (WHERE status = 'won'),
               quantile_disc(date_diff('day', created_at::DATE, closed_at::DATE), 0.5) FILTER (WHERE status = 'won'),
               quantile_disc(date_diff('day', created_at::DATE, closed_at::DATE), 0.9) FILTER (WHERE status = 'won')
        FROM deals WHERE closed_at >= $from AND closed_at < $to GROUP BY ROLLUP (owner)""",
    "products": """
        SELECT sku, sum(unit_price * quantity * (1 - coalesce(discount, 0))) AS revenue
        FROM order_lines WHERE status <> 'cancelled' AND ordered_at >= $from AND ordered_at < $to
        GROUP BY sku ORDER BY revenue DESC LIMIT 20""",
    "cac": """
        WITH first_orders AS (
            SELECT customer_id, min(ordered_at) AS first_at FROM order_lines
            WHERE status <> 'cancelled' GROUP BY customer_id),
        new_customers AS (
            SELECT c.channel, count(*) AS n FROM first_orders f JOIN customers c ON c.customer_id = f.customer_id
            WHERE f.first_at >= $from AND f.first_at < $to GROUP BY ROLLUP (c.channel)),
        spent AS (
            SELECT channel, sum(amount) AS amount FROM spend WHERE date >= $from AND date < $to
            GROUP BY ROLLUP (channel))
        SELECT s.channel, s.amount / nullif(n.n, 0)
        FROM spent s LEFT JOIN new_customers n ON n.channel IS NOT DISTINCT FROM s.channel""",
    "csat": """
        SELECT avg(CASE WHEN score >= 4 THEN 1.0 ELSE 0.0 END), avg(score), count(*)
        FROM surveys WHERE scale = 5 AND responded_at >= $from AND responded_at < $to""",
}


def main():
    folder, start, end = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    db = duckdb.connect()
    started = time.perf_counter()
    for table, file in [("order_lines", "orders"), ("products", "products"), ("payments", "payments"),
                        ("deals", "deals"), ("customers", "customers"), ("spend", "spend"), ("surveys", "surveys")]:
        db.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv_auto('{folder}/{file}.csv', header = true)")
    load_ms = (time.perf_counter() - started) * 1000
    order_lines = db.execute("SELECT count(*) FROM order_lines").fetchone()[0]
    parameters = {"from": start, "to": end}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for sql in QUERIES.values():
            db.execute(sql, parameters).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    rank = lambda q: times[max(1, math.ceil(q * len(times))) - 1]
    print(json.dumps({"load_ms": round(load_ms, 1), "median_ms": round(rank(0.5), 1),
                      "p90_ms": round(rank(0.9), 1), "runs": runs, "order_lines": order_lines}))


if __name__ == "__main__":
    main()
