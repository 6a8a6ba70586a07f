#!/usr/bin/env python3
"""Convert Maven Analytics' "CRM + Sales + Opportunities" data (public domain)
into Salesboard's canonical import files, and compute the KPIs it must give
independently of Salesboard, straight from the original files.

Usage: scripts/maven-to-import.py MAVEN_FOLDER OUT_FOLDER

Mapping (written to OUT_FOLDER/*.csv):
- sales agents -> users (role rep, team = regional office); managers -> users
  (role manager, team = their agents' office)
- products -> products (sku = product name, category = series); the pipeline
  spells "GTX Pro" as "GTXPro", which is mapped to the product
- accounts -> customers (industry = sector, region = office_location,
  created_at = the first engage date of its deals); deals without an account
  belong to one customer "(no account)"
- opportunities -> deals: Prospecting = lead, Engaging = qualified,
  Lost = qualified (the last stage reached before losing), Won = won;
  created_at = engage_date (Prospecting deals have none: 2017-12-31, the
  last day of the data); closed_at = close_date for Won and Lost
- each Won deal -> one order (one line: its product at close_value, quantity 1)
  on its close date, owned by the agent

The independent computation (OUT_FOLDER/expected.json) follows docs/kpis.md:
revenue, orders, aov, new customers, win rate, sales cycle (nearest-rank
median and p90) and the rep table, for 2017 and its quarters.
"""

import csv
import json
import math
import sys
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def read(folder, name):
    with open(f"{folder}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(folder, name, header, rows):
    with open(f"{folder}/{name}", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


STAGES = {"Prospecting": "lead", "Engaging": "qualified", "Lost": "qualified", "Won": "won"}
STATUS = {"Prospecting": "open", "Engaging": "open", "Lost": "lost", "Won": "won"}
NO_ACCOUNT = "(no account)"
LAST_DAY = "2017-12-31"


def convert(maven, out):
    teams = read(maven, "sales_teams.csv")
    products = read(maven, "products.csv")
    accounts = read(maven, "accounts.csv")
    pipeline = read(maven, "sales_pipeline.csv")
    product_names = {p["product"] for p in products}
    product_of = lambda name: "GTX Pro" if name == "GTXPro" and name not in product_names else name

    users, seen = [], set()
    for t in teams:
        users.append([t["sales_agent"], t["sales_agent"], "", "rep", t["regional_office"]])
    for t in teams:
        if t["manager"] not in seen:
            seen.add(t["manager"])
            users.append([t["manager"], t["manager"], "", "manager", t["regional_office"]])
    write(out, "users.csv", ["user_id", "name", "email", "role", "team"], users)
    write(out, "products.csv", ["sku", "name", "category", "unit_price", "unit_cost"],
          [[p["product"], p["product"], p["series"], p["sales_price"], ""] for p in products])

    first_engaged = {}
    for d in pipeline:
        account = d["account"] or NO_ACCOUNT
        if d["engage_date"]:
            first_engaged[account] = min(first_engaged.get(account, d["engage_date"]), d["engage_date"])
    customers = [[a["account"], a["account"], "company", a["sector"], a["office_location"], "", "",
                  first_engaged.get(a["account"], "2016-10-01")] for a in accounts]
    customers.append([NO_ACCOUNT, NO_ACCOUNT, "", "", "", "", "", first_engaged.get(NO_ACCOUNT, "2016-10-01")])
    write(out, "customers.csv",
          ["customer_id", "name", "kind", "industry", "region", "channel", "owner", "created_at"], customers)

    deals, orders = [], []
    for d in pipeline:
        stage = d["deal_stage"]
        closed = d["close_date"] if stage in ("Won", "Lost") else ""
        deals.append([d["opportunity_id"], d["account"] or NO_ACCOUNT, d["sales_agent"], product_of(d["product"]),
                      STAGES[stage], d["close_value"], d["engage_date"] or LAST_DAY, closed, STATUS[stage], ""])
        if stage == "Won":
            orders.append([f"O-{d['opportunity_id']}", d["account"], d["sales_agent"], d["close_date"],
                           product_of(d["product"]), d["close_value"], 1, "", "completed", d["opportunity_id"]])
    write(out, "deals.csv", ["deal_id", "customer_id", "owner", "title", "stage", "amount", "created_at",
                             "closed_at", "status", "lost_reason"], deals)
    write(out, "orders.csv", ["order_id", "customer_id", "owner", "ordered_at", "sku", "unit_price", "quantity",
                              "discount", "status", "deal_id"], orders)
    return pipeline


def money(value):
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def nearest_rank(values, q):
    values = sorted(values)
    return values[math.ceil(q * len(values)) - 1] if values else None


def kpis(pipeline, start, end):
    """The spec's KPIs over [start, end), computed from the original rows."""
    inside = lambda d: d["close_date"] and start <= d["close_date"] < end
    won = [d for d in pipeline if d["deal_stage"] == "Won" and inside(d)]
    lost = [d for d in pipeline if d["deal_stage"] == "Lost" and inside(d)]
    revenue = sum(Decimal(d["close_value"]) for d in won)
    first_order = {}
    for d in pipeline:
        if d["deal_stage"] == "Won":
            key = d["account"]
            if key not in first_order or (d["close_date"], d["opportunity_id"]) < first_order[key]:
                first_order[key] = (d["close_date"], d["opportunity_id"])
    new_customers = sum(1 for day, _ in first_order.values() if start <= day < end)
    days = lambda d: (date.fromisoformat(d["close_date"]) - date.fromisoformat(d["engage_date"])).days
    cycles = [days(d) for d in won]
    reps = defaultdict(lambda: {"revenue": Decimal(0), "orders": 0, "won": 0, "lost": 0, "cycles": []})
    for d in won:
        r = reps[d["sales_agent"]]
        r["revenue"] += Decimal(d["close_value"])
        r["orders"] += 1
        r["won"] += 1
        r["cycles"].append(days(d))
    for d in lost:
        reps[d["sales_agent"]]["lost"] += 1
    return {
        "revenue": money(revenue),
        "orders": len(won),
        "aov": money(revenue / len(won)) if won else None,
        "new_customers": new_customers,
        "win_rate": len(won) / (len(won) + len(lost)) if won or lost else None,
        "sales_cycle": {
            "mean": sum(cycles) / len(cycles) if cycles else None,
            "median": nearest_rank(cycles, 0.5),
            "p90": nearest_rank(cycles, 0.9),
            "deals": len(cycles),
        },
        "reps": {
            agent: {
                "revenue": money(r["revenue"]),
                "orders": r["orders"],
                "deals_won": r["won"],
                "deals_lost": r["lost"],
                "win_rate": r["won"] / (r["won"] + r["lost"]) if r["won"] + r["lost"] else None,
                "sales_cycle_median": nearest_rank(r["cycles"], 0.5),
            }
            for agent, r in sorted(reps.items())
        },
    }


def main():
    maven, out = sys.argv[1], sys.argv[2]
    pipeline = convert(maven, out)
    periods = {"2017": ("2017-01-01", "2018-01-01"), "2017-Q1": ("2017-01-01", "2017-04-01"),
               "2017-Q2": ("2017-04-01", "2017-07-01"), "2017-Q3": ("2017-07-01", "2017-10-01"),
               "2017-Q4": ("2017-10-01", "2018-01-01"), "2017-06": ("2017-06-01", "2017-07-01")}
    expected = {name: kpis(pipeline, *bounds) for name, bounds in periods.items()}
    with open(f"{out}/expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
