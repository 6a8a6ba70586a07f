#!/usr/bin/env python3
"""Write the schemathesis.toml of one role's run (used by scripts/schemathesis.sh).

The demo data is generated at run time, so the ids that path `{id}` parameters
should use are read from the running server: for each kind of record, ids the
role itself lists (or, for kinds the role may not list, ids the admin lists,
which must then be refused). Without them almost every `{id}` request would be
a 404 and Schemathesis would warn about missing test data (row 37 wants none).

The token is not written to the file: the file says `${SB_ST_TOKEN}` and
Schemathesis reads the environment. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request

API = "/api/v1"
ID_ROUTE = re.compile(r"^/api/v1/([a-z_]+)/\{id\}(/[a-z_]+)?$")
ID_FIELD = {
    "activities": "activity_id",
    "contacts": "contact_id",
    "customers": "customer_id",
    "deals": "deal_id",
    "orders": "order_id",
    "payments": "payment_id",
    "products": "sku",
    "spend": "spend_id",
    "surveys": "response_id",
    "targets": "target_id",
    "teams": "team_id",
    "users": "user_id",
    "webhooks": "id",
    "imports": "id",
}

# Documented business rules that refuse schema-valid input with 422: the
# operations where `positive_data_acceptance` may also see a 422, each with its
# reason (reliability row 37). Applied only with --business-rules: while the
# OpenAPI document still leaves out required fields, enums and formats, these
# exceptions would also hide those gaps, which are the server's to fix first.
REF = "references (customer_id, deal_id, order_id) must be records the caller may read, else 422 (docs/permissions.md)"
OWNER = "a rep may only make themselves the owner, a manager only a member of their team (docs/permissions.md)"
POSITIVE_DATA_ACCEPTANCE_422: dict[str, str] = {
    "POST /api/v1/customers": OWNER,
    "PATCH /api/v1/customers/{id}": OWNER,
    "POST /api/v1/contacts": REF,
    "PATCH /api/v1/contacts/{id}": REF,
    "POST /api/v1/deals": f"{REF}; {OWNER}; a won or lost deal needs closed_at, an open one must not have it (docs/import-format.md)",
    "PATCH /api/v1/deals/{id}": f"{REF}; {OWNER}; a won or lost deal needs closed_at, an open one must not have it (docs/import-format.md)",
    "POST /api/v1/orders": f"{REF}; {OWNER}; every line's sku must be an existing product",
    "PATCH /api/v1/orders/{id}": f"{REF}; {OWNER}; every line's sku must be an existing product",
    "POST /api/v1/payments": REF,
    "PATCH /api/v1/payments/{id}": REF,
    "POST /api/v1/activities": f"{REF}; {OWNER}",
    "PATCH /api/v1/activities/{id}": f"{REF}; {OWNER}",
    "POST /api/v1/surveys": f"{REF}; a score outside the scale (1-5, or 0-10) is an error (docs/import-format.md)",
    "PATCH /api/v1/surveys/{id}": f"{REF}; a score outside the scale (1-5, or 0-10) is an error (docs/import-format.md)",
    "POST /api/v1/targets": "owner must be an existing user or team the caller may set targets for (docs/permissions.md)",
    "PATCH /api/v1/targets/{id}": "owner must be an existing user or team the caller may set targets for (docs/permissions.md)",
    "POST /api/v1/products": "a product's sku is unique: a taken sku is refused (docs/import-format.md)",
    "PATCH /api/v1/products/{id}": "name may not be emptied; prices are validated as in an import (docs/import-format.md)",
    "POST /api/v1/spend": "a spend id is unique; the amount and date are validated as in an import (docs/import-format.md)",
    "PATCH /api/v1/spend/{id}": "the amount and date are validated as in an import; a required field may not be emptied",
    "POST /api/v1/users": "an e-mail address must be well formed and belong to one user; a team must be named (docs/import-format.md)",
    "PATCH /api/v1/users/{id}": "an e-mail address must be well formed and belong to one user; a name may not be emptied",
    "POST /api/v1/survey-links": "order_id must be an order of the customer that the caller may read (docs/permissions.md)",
    "POST /api/v1/webhooks": "a webhook URL must be an http:// or https:// URL with a host",
    "POST /api/v1/imports": "the uploaded file must be a CSV or XLSX table with a file name",
    "POST /api/v1/imports/preview": "the uploaded file must be a CSV or XLSX table with a file name, and a mapping must name fields of its kind",
    "POST /api/v1/setup": "the e-mail must be well formed and the password must meet the password policy (docs/permissions.md, README)",
    "GET /api/v1/dashboard": "give period, or from and to: a rule across query parameters that OpenAPI cannot state",
    "GET /api/v1/kpis": "give period, or from and to: a rule across query parameters that OpenAPI cannot state",
    "GET /api/v1/kpis/export": "give period, or from and to, and filters as DIM=VALUE: rules across query parameters that OpenAPI cannot state",
    "GET /api/v1/kpis/explain/{kpi}": "give period, or from and to: a rule across query parameters that OpenAPI cannot state",
}

# Warnings that must fail the run (reliability row 37).
FAIL_ON_WARNINGS = ["missing_auth", "missing_test_data"]
ALL_WARNINGS = [
    "missing_auth", "missing_test_data", "base_url_mismatch", "validation_mismatch", "missing_deserializer",
    "unused_openapi_auth", "unsupported_regex", "method_not_allowed", "constants_extraction",
    "unmatched_filter", "unresolvable_reference", "low_valid_rate", "rate_limited", "dictionary_mismatch",
    "timeout_units",
]

# Operations a role may never call ("-" cells of docs/permissions.md): they answer
# 403 whatever is sent, which is right, so `missing_auth` ("only 401/403") is not
# a sign of missing credentials there. Every other warning still shows.
FORBIDDEN = {
    "admin": [],
    "manager": [
        "POST /api/v1/users", "PATCH /api/v1/users/{id}", "DELETE /api/v1/users/{id}",
        "POST /api/v1/imports", "GET /api/v1/imports/{id}", "GET /api/v1/audit",
        "POST /api/v1/imports/preview", "GET /api/v1/imports/{id}/rejected",
        "GET /api/v1/webhooks", "POST /api/v1/webhooks", "GET /api/v1/webhooks/{id}",
        "DELETE /api/v1/webhooks/{id}", "GET /api/v1/webhooks/{id}/deliveries",
    ],
    "rep": [
        "POST /api/v1/users", "PATCH /api/v1/users/{id}", "DELETE /api/v1/users/{id}",
        "POST /api/v1/products", "PATCH /api/v1/products/{id}", "DELETE /api/v1/products/{id}",
        "DELETE /api/v1/customers/{id}", "DELETE /api/v1/orders/{id}", "DELETE /api/v1/payments/{id}",
        "GET /api/v1/spend", "POST /api/v1/spend", "GET /api/v1/spend/{id}", "PATCH /api/v1/spend/{id}",
        "GET /api/v1/spend/export",
        "DELETE /api/v1/spend/{id}", "PATCH /api/v1/surveys/{id}", "DELETE /api/v1/surveys/{id}",
        "POST /api/v1/targets", "PATCH /api/v1/targets/{id}", "DELETE /api/v1/targets/{id}",
        "POST /api/v1/imports", "GET /api/v1/imports/{id}", "GET /api/v1/audit",
        "POST /api/v1/imports/preview", "GET /api/v1/imports/{id}/rejected",
        "GET /api/v1/webhooks", "POST /api/v1/webhooks", "GET /api/v1/webhooks/{id}",
        "DELETE /api/v1/webhooks/{id}", "GET /api/v1/webhooks/{id}/deliveries",
        "GET /api/v1/alerts",
    ],
}

# Records each run creates for itself before it starts, so that DELETE and PATCH
# have records without dependents to work on (the demo's oldest records all have
# orders, payments or activities, so deleting them is a 409). kind -> body maker.
SEED_COUNT = 8


def seed_bodies(me: dict, n: int):
    yield "customers", {"name": f"Schemathesis seed {n}", "created_at": "2024-01-01"}
    yield "products", {"name": f"Schemathesis seed {n}", "unit_price": "10.00", "unit_cost": "5.00"}
    yield "spend", {"date": "2024-01-01", "amount": "1.00", "channel": "email", "category": "marketing",
                    "campaign": f"schemathesis-{n}"}


def toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def toml_list(values) -> str:
    return "[" + ", ".join(toml_str(str(v)) for v in values) + "]"


def get(base: str, token: str, path: str) -> tuple[int, object]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def post(base: str, token: str, path: str, body: dict) -> tuple[int, object]:
    """POST, tried again on a 5xx (SQLite's "database is locked" must not cost the run its seed)."""
    for attempt in range(3):
        status, answer = _post(base, token, path, body)
        if status < 500:
            break
        print(f"make_config: note: POST {path} answered {status} ({answer}), try {attempt + 1}", file=sys.stderr)
    if status not in (201, 403):  # 403: a kind the role may not create
        print(f"make_config: note: could not seed {path}: {status} {answer}", file=sys.stderr)
    return status, answer


def _post(base: str, token: str, path: str, body: dict) -> tuple[int, object]:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def seed(base: str, token: str) -> dict[str, list[str]]:
    """Fresh records the role may delete: customers, and deals and orders on customers of their own."""
    _, me = get(base, token, f"{API}/me")
    made: dict[str, list[str]] = {}
    for n in range(SEED_COUNT):
        for kind, body in seed_bodies(me, n):
            status, record = post(base, token, f"{API}/{kind}", body)
            if status == 201:
                made.setdefault(kind, []).append(str(record[ID_FIELD[kind]]))
    # Deals and orders hang on two more customers, so that the customers above stay childless.
    for kind in ("deals", "orders"):
        status, customer = post(base, token, f"{API}/customers", {"name": f"Schemathesis {kind}", "created_at": "2024-01-01"})
        if status != 201:
            continue
        for n in range(SEED_COUNT):
            if kind == "deals":
                body = {"customer_id": customer["customer_id"], "title": f"Schemathesis deal {n}",
                        "created_at": "2024-01-02", "status": "open", "stage": "lead", "amount": "100.00"}
            else:
                body = {"customer_id": customer["customer_id"], "ordered_at": "2024-01-03",
                        "lines": [{"sku": "CS-CABLE", "quantity": 1, "unit_price": "80.00"}]}
            status, record = post(base, token, f"{API}/{kind}", body)
            if status == 201:
                made.setdefault(kind, []).append(str(record[ID_FIELD[kind]]))
    return made


def ids_for(base: str, token: str, resource: str, limit: int) -> list[str]:
    if resource == "imports":
        return []
    status, body = get(base, token, f"{API}/{resource}?per_page={limit}")
    if status != 200 or not isinstance(body, dict):
        return []
    key = ID_FIELD[resource]
    return [str(item[key]) for item in body.get("items", []) if item.get(key) not in (None, "")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True, help="the role's API token (to list its ids)")
    parser.add_argument("--admin-token", required=True, help="an admin's token (ids of kinds the role may not list)")
    parser.add_argument("--openapi", required=True, help="the OpenAPI document (JSON file)")
    parser.add_argument("--extra-ids", default="{}", help='JSON {"kind": ["id", ...]} added to the lists (imports, webhooks)')
    parser.add_argument("--role", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache-dir", help="where Schemathesis keeps its state (replayed crashes)")
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--ids-out", help="also write the ids as JSON {kind: [ids]} (for hooks.py)")
    parser.add_argument("--business-rules", action="store_true",
                        help="allow 422 in positive_data_acceptance where a documented rule refuses valid input")
    parser.add_argument("--no-seed", action="store_true", help="do not create records for the run")
    parser.add_argument("--probability", type=float, default=0.85, help="share of `{id}` values taken from the lists")
    args = parser.parse_args()

    with open(args.openapi, encoding="utf-8") as fh:
        document = json.load(fh)
    extra = json.loads(args.extra_ids)

    operations: dict[str, list[str]] = {}
    for path, item in sorted(document["paths"].items()):
        match = ID_ROUTE.match(path)
        if match:
            for method in item:
                if method in ("get", "put", "patch", "delete", "post"):
                    operations.setdefault(match.group(1), []).append(f"{method.upper()} {path}")

    lines = [
        f"# Generated by scripts/schemathesis/make_config.py for the {args.role} run; edit the generator.",
        "",
        "[warnings]",
        f"fail-on = {toml_list(FAIL_ON_WARNINGS)}",
        "",
        "[auth.openapi.bearer]",
        'bearer = "${SB_ST_TOKEN}"',
        "",
    ]
    if args.cache_dir:
        lines += ["[cache]", f"directory = {toml_str(args.cache_dir)}", ""]
    bindings = []
    seeded = {} if args.no_seed else seed(args.base, args.token)
    all_ids: dict[str, list[str]] = {}
    for resource in sorted(operations):
        ids = ids_for(args.base, args.token, resource, args.per_kind)
        if not ids:
            ids = ids_for(args.base, args.admin_token, resource, args.per_kind)
        ids = seeded.get(resource, []) + [i for i in ids if i not in seeded.get(resource, [])]
        ids += [i for i in extra.get(resource, []) if i not in ids]
        all_ids[resource] = ids
        if not ids:
            print(f"make_config: note: no ids of {resource} to use", file=sys.stderr)
            continue
        lines += [f"[dictionaries.{resource}]", f"values = {toml_list(ids)}", ""]
        bindings.append((resource, operations[resource]))
    for resource, names in bindings:
        lines += [
            "[[operations]]",
            f"include-name = {toml_list(names)}",
            f'parameters = {{ "path.id" = {{ dictionary = {toml_str(resource)}, probability = {args.probability} }} }}',
            "",
        ]
    forbidden = FORBIDDEN.get(args.role, [])
    if forbidden:
        display = [w for w in ALL_WARNINGS if w != "missing_auth"]
        lines += [
            f"# The {args.role} may never call these (docs/permissions.md): 403 is the right answer.",
            "[[operations]]",
            f"include-name = {toml_list(forbidden)}",
            f"warnings = {{ display = {toml_list(display)}, fail-on = {toml_list([w for w in FAIL_ON_WARNINGS if w in display])} }}",
            "",
        ]
    for name, reason in sorted(POSITIVE_DATA_ACCEPTANCE_422.items() if args.business_rules else []):
        lines += [
            f"# {reason}",
            "[[operations]]",
            f"include-name = {toml_str(name)}",
            # The default expected statuses, plus 422.
            'checks.positive_data_acceptance.expected-statuses = '
            '["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]',
            "",
        ]
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    if args.ids_out:
        with open(args.ids_out, "w", encoding="utf-8") as fh:
            json.dump(all_ids, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
