#!/usr/bin/env python3
"""Check Salesboard's KPIs on Olist's public e-commerce sample (CC BY-NC-SA:
used locally, never copied into the project).

Usage: scripts/olist-check.py OLIST_SAMPLE_FOLDER SALESBOARD_BINARY

Converts the 15,000-order sample to canonical import files in a temporary
folder (customers by customer_unique_id, one order line per item at its
price, canceled and unavailable orders as cancelled, payments, reviews as
1–5 surveys), imports them into a temporary SQLite database whose time zone
is America/Sao_Paulo (Olist's timestamps are local there), and compares
`salesboard kpi` with the same KPIs computed here from the original files:
revenue, orders, units, AOV, new customers, collected, CSAT, average score
and responses, per year and per quarter. Exits non-zero on any difference.
"""

import csv
import json
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

CANCELLED = {"canceled", "unavailable"}


def read(folder, name):
    with open(Path(folder) / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(folder, name, header, rows):
    with open(Path(folder) / name, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


def money(value):
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def convert(sample, out):
    orders = read(sample, "olist_orders_dataset.csv")
    customers = {c["customer_id"]: c for c in read(sample, "olist_customers_dataset.csv")}
    items = read(sample, "olist_order_items_dataset.csv")
    payments = read(sample, "olist_order_payments_dataset.csv")
    reviews = read(sample, "olist_order_reviews_dataset.csv")
    person = {o["order_id"]: customers[o["customer_id"]]["customer_unique_id"] for o in orders}
    order_of = {o["order_id"]: o for o in orders}
    first_seen = {}
    for o in orders:
        who = person[o["order_id"]]
        first_seen[who] = min(first_seen.get(who, o["order_purchase_timestamp"]), o["order_purchase_timestamp"])
    write(out, "customers.csv", ["customer_id", "name", "kind", "region", "created_at"],
          [[who, who, "person", "", at] for who, at in sorted(first_seen.items())])
    write(out, "products.csv", ["sku", "name"], [[p, p] for p in sorted({i["product_id"] for i in items})])
    write(out, "orders.csv", ["order_id", "customer_id", "ordered_at", "sku", "unit_price", "quantity", "status"],
          [[i["order_id"], person[i["order_id"]], order_of[i["order_id"]]["order_purchase_timestamp"], i["product_id"],
            money(i["price"]), 1,
            "cancelled" if order_of[i["order_id"]]["order_status"] in CANCELLED else "completed"] for i in items])
    with_items = {i["order_id"] for i in items}
    paid = [p for p in payments if p["order_id"] in with_items]
    write(out, "payments.csv", ["payment_id", "order_id", "amount", "paid_at"],
          [[f"{p['order_id']}#{p['payment_sequential']}", p["order_id"], money(p["payment_value"]),
            order_of[p["order_id"]]["order_approved_at"] or order_of[p["order_id"]]["order_purchase_timestamp"]]
           for p in paid])
    write(out, "surveys.csv", ["response_id", "customer_id", "score", "scale", "responded_at"],
          [[f"{r['review_id']}/{r['order_id']}", person[r["order_id"]], r["review_score"], 5, r["review_creation_date"]]
           for r in reviews])
    return orders, items, paid, reviews, person, order_of


def expected(data, start, end):
    orders, items, paid, reviews, person, order_of = data
    inside = lambda at: start <= at[:10] < end
    counted = [i for i in items if order_of[i["order_id"]]["order_status"] not in CANCELLED
               and inside(order_of[i["order_id"]]["order_purchase_timestamp"])]
    revenue = sum(Decimal(money(i["price"])) for i in counted)
    order_ids = {i["order_id"] for i in counted}
    first = {}
    for i in items:
        o = order_of[i["order_id"]]
        if o["order_status"] in CANCELLED:
            continue
        key = (o["order_purchase_timestamp"], o["order_id"])
        who = person[o["order_id"]]
        first[who] = min(first.get(who, key), key)
    scores = [int(r["review_score"]) for r in reviews if inside(r["review_creation_date"])]
    approved = lambda p: order_of[p["order_id"]]["order_approved_at"] or order_of[p["order_id"]]["order_purchase_timestamp"]
    return {
        "revenue": money(revenue),
        "orders": len(order_ids),
        "units": len(counted),
        "aov": money(revenue / len(order_ids)) if order_ids else None,
        "new_customers": sum(1 for at, _ in first.values() if inside(at)),
        "collected": money(sum(Decimal(money(p["payment_value"])) for p in paid if inside(approved(p)))),
        "csat": sum(1 for s in scores if s >= 4) / len(scores) if scores else None,
        "csat_avg_score": sum(scores) / len(scores) if scores else None,
        "csat_responses": len(scores),
    }


def main():
    sample, binary = sys.argv[1], sys.argv[2]
    periods = {"2017": ("2017-01-01", "2018-01-01"), "2018": ("2018-01-01", "2019-01-01")}
    for year in (2017, 2018):
        for q, (a, b) in enumerate([("01", "04"), ("04", "07"), ("07", "10"), ("10", None)], 1):
            periods[f"{year}-Q{q}"] = (f"{year}-{a}-01", f"{year}-{b}-01" if b else f"{year + 1}-01-01")
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        data = convert(sample, work)
        db = str(Path(work) / "olist.db")
        run = lambda *args: subprocess.run([binary, "--db", db, *args], check=True, capture_output=True, text=True).stdout
        run("settings", "set", "timezone", "America/Sao_Paulo")
        run("import", work)
        for name, (start, end) in periods.items():
            actual = json.loads(run("kpi", "--period", name, "--format", "json"))
            want = expected(data, start, end)
            for field, value in want.items():
                got = actual.get(field)
                same = abs(got - value) <= 1e-9 * max(1, abs(value)) if isinstance(value, float) and got is not None else got == value
                if not same:
                    failures += 1
                    print(f"{name} {field}: salesboard {got!r}, independent {value!r}")
            print(f"{name}: revenue {actual['revenue']}, orders {actual['orders']}, csat {actual['csat']}: "
                  f"{'agrees' if not failures else 'see above'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
