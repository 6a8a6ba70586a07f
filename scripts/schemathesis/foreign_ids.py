#!/usr/bin/env python3
"""Reliability row 38: a caller gets no 2xx on records owned by other reps and teams.

Reads every record with an admin token, works out who owns what by the rules of
docs/permissions.md ("Who owns what"), picks ids the caller may NOT reach
(owned by another rep or another team; never the public customer pool), and
writes them to a JSON file that scripts/schemathesis/hooks.py feeds to
Schemathesis as path `{id}` values.

Unless --collect-only is given it then checks them itself, with urllib, on
every GET/PATCH/DELETE route of the OpenAPI document whose path has `{id}`:

  GET    the record                                 -> must not be 2xx
  PATCH  a no-op body (the record's own writable    -> must not be 2xx
         fields, without `owner`)
  PATCH  {"owner": <caller>}  (taking the record)   -> must not be 2xx
  DELETE the record                                 -> must not be 2xx

A 2xx is a failure (exit 1). Any other answer than the one docs/permissions.md
names (404 for a record outside the caller's reach, 403 for a `-` cell) is
printed as a note but does not fail the run. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

from make_config import ID_FIELD as _CONFIG_ID_FIELD

API = "/api/v1"

# list route -> id field of its records (import tracking ids are not listed here)
ID_FIELD = {k: v for k, v in _CONFIG_ID_FIELD.items() if k != "imports"}

# docs/permissions.md, object -> action -> (rep, manager). "-" means never (403).
POLICY = {
    "users": {"read": ("own", "team"), "update": ("-", "-"), "delete": ("-", "-")},
    "teams": {"read": ("own", "team")},
    "products": {"read": ("all", "all"), "update": ("-", "all"), "delete": ("-", "all")},
    "customers": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("-", "team")},
    "contacts": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("own", "team")},
    "deals": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("own", "team")},
    "orders": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("-", "team")},
    "payments": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("-", "team")},
    "activities": {"read": ("own", "team"), "update": ("own", "team"), "delete": ("own", "team")},
    "spend": {"read": ("-", "all"), "update": ("-", "all"), "delete": ("-", "all")},
    "surveys": {"read": ("own", "team"), "update": ("-", "team"), "delete": ("-", "team")},
    "targets": {"read": ("own", "team"), "update": ("-", "team"), "delete": ("-", "team")},
    "imports": {"read": ("-", "-")},
    "webhooks": {"read": ("-", "-"), "delete": ("-", "-")},
}
OWNER_OF_SHARED = {
    "products": "shared (no rep may change or delete it)",
    "spend": "the company (no rep may see it)",
    "webhooks": "an admin's webhook",
}
ACTION = {"GET": "read", "PATCH": "update", "DELETE": "delete"}
ID_ROUTE = re.compile(r"^/api/v1/([a-z_]+)/\{id\}(/[a-z_]+)?$")


class Client:
    def __init__(self, base: str, token: str, timeout: float = 10.0):
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: object = None) -> tuple[int, str]:
        data = None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def json(self, method: str, path: str, body: object = None) -> object:
        status, text = self.call(method, path, body)
        if not 200 <= status < 300:
            raise SystemExit(f"foreign_ids: {method} {path} answered {status}: {text[:300]}")
        return json.loads(text)

    def list_all(self, resource: str) -> list[dict]:
        items: list[dict] = []
        page = 1
        while True:
            body = self.json("GET", f"{API}/{resource}?per_page=500&page={page}")
            batch = body.get("items", [])
            items.extend(batch)
            total = body.get("total")
            if not batch or total is None or len(items) >= total:
                return items
            page += 1


def quote(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")


def owners_model(admin: Client) -> dict:
    """Everything needed to tell who owns a record, read with the admin token."""
    data = {resource: admin.list_all(resource) for resource in ID_FIELD if resource != "webhooks"}
    data["webhooks"] = admin.json("GET", f"{API}/webhooks").get("items", [])
    return data


def effective_owners(data: dict) -> dict[str, dict[str, dict]]:
    """resource -> id -> {"user": owner user or None, "team": owner team or None}."""
    team_of = {u["user_id"]: u.get("team") for u in data["users"]}
    customer_owner = {c["customer_id"]: c.get("owner") or None for c in data["customers"]}
    order_owner = {
        o["order_id"]: (o.get("owner") or customer_owner.get(o.get("customer_id"))) for o in data["orders"]
    }

    def by_user(user):
        return {"user": user, "team": team_of.get(user) if user else None}

    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for c in data["customers"]:
        out["customers"][c["customer_id"]] = by_user(customer_owner[c["customer_id"]])
    for resource in ("deals", "activities"):
        for r in data[resource]:
            owner = r.get("owner") or customer_owner.get(r.get("customer_id"))
            out[resource][r[ID_FIELD[resource]]] = by_user(owner)
    for o in data["orders"]:
        out["orders"][o["order_id"]] = by_user(order_owner[o["order_id"]])
    for c in data["contacts"]:
        out["contacts"][c["contact_id"]] = by_user(customer_owner.get(c.get("customer_id")))
    for p in data["payments"]:
        out["payments"][p["payment_id"]] = by_user(order_owner.get(p.get("order_id")))
    for s in data["surveys"]:
        if s.get("customer_id"):
            owner = customer_owner.get(s["customer_id"])
        else:
            owner = order_owner.get(s.get("order_id"))
        out["surveys"][s["response_id"]] = by_user(owner)
    for u in data["users"]:
        out["users"][u["user_id"]] = {"user": u["user_id"], "team": u.get("team")}
    for t in data["teams"]:
        out["teams"][t["team_id"]] = {"user": None, "team": t["team_id"]}
    for t in data["targets"]:
        if t.get("owner_kind") == "team":
            out["targets"][t["target_id"]] = {"user": None, "team": t.get("owner")}
        else:
            out["targets"][t["target_id"]] = by_user(t.get("owner"))
    return out


def is_foreign(owner: dict, me: dict, resource: str) -> bool:
    """Whether the caller may not reach a record with this owner (the public pool is everyone's)."""
    user, team = owner.get("user"), owner.get("team")
    if resource == "teams":
        return team != me["team"]
    if resource == "targets" and user is None:
        return team != me["team"]
    if not user:
        return False  # the public customer pool (公海), and whatever belongs to it
    if me["role"] == "rep":
        return user != me["user_id"]
    return team != me["team"]


def pick_spread(candidates: list[tuple[str, str]], limit: int) -> list[str]:
    """Up to `limit` ids, taken round-robin over their owners so that every other owner shows up."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record_id, owner in candidates:
        groups[owner].append(record_id)
    picked: list[str] = []
    while len(picked) < limit and any(groups.values()):
        for owner in sorted(groups):
            if groups[owner] and len(picked) < limit:
                picked.append(groups[owner].pop(0))
    return picked


def collect(admin: Client, caller: Client, limit: int) -> dict:
    me = caller.json("GET", f"{API}/me")
    if me["role"] not in ("rep", "manager"):
        raise SystemExit(f"foreign_ids: the caller is {me['role']}; use a rep or a manager token")
    column = 0 if me["role"] == "rep" else 1
    data = owners_model(admin)
    owners = effective_owners(data)
    resources: dict[str, dict] = {}
    for resource, by_id in owners.items():
        candidates = []
        for record_id, owner in by_id.items():
            if is_foreign(owner, me, resource):
                label = f"user {owner['user']} (team {owner['team']})" if owner.get("user") else f"team {owner['team']}"
                candidates.append((record_id, label))
        ids = pick_spread(candidates, limit)
        if ids:
            resources[resource] = {"ids": ids, "owners": {i: dict(candidates)[i] for i in ids}}
    # Records the caller's role may never touch, whoever owns them ("-" cells).
    for resource in ("products", "spend", "webhooks"):
        key = ID_FIELD[resource]
        never = {a for a, cells in POLICY[resource].items() if cells[column] == "-"}
        if not never:
            continue
        ids = [r[key] for r in data[resource][:limit]]
        if ids:
            resources[resource] = {
                "ids": ids,
                "owners": {i: OWNER_OF_SHARED[resource] for i in ids},
                "only": sorted(m for m, a in ACTION.items() if a in never),
            }
    imports = admin_import_ids(admin)
    if imports:
        resources["imports"] = {"ids": imports, "owners": {i: "an admin's import" for i in imports}}
    # Controls: one record the caller may read, per kind, that GET must answer with 200.
    # Without them a broken token or URL would make every probe "pass".
    for resource, entry in resources.items():
        if resource not in ID_FIELD or "only" in entry:
            continue
        status, text = caller.call("GET", f"{API}/{resource}?per_page=1")
        items = json.loads(text).get("items", []) if status == 200 else []
        if items:
            entry["control"] = items[0][ID_FIELD[resource]]
    return {"caller": me, "resources": resources}


def admin_import_ids(admin: Client) -> list[str]:
    """An import id to probe: starts a dry-run import of one customer as the admin."""
    boundary = "sbforeignids0boundary"
    csv = "customer_id,name\r\nC-FOREIGN-1,Foreign Co\r\n"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"customers.csv\"\r\n"
        f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(
        admin.base + f"{API}/imports",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {admin.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=admin.timeout) as response:
            return [json.loads(response.read())["id"]]
    except (urllib.error.HTTPError, KeyError, ValueError) as error:
        print(f"foreign_ids: note: could not start an admin import to probe: {error}", file=sys.stderr)
        return []


def writable_fields(document: dict, resource: str) -> set[str]:
    schema = document.get("components", {}).get("schemas", {}).get(f"{resource}_write", {})
    return set(schema.get("properties", {}))


def expected_refusal(resource: str, method: str, role: str) -> int:
    cells = POLICY.get(resource, {}).get(ACTION[method])
    if cells is None:
        return 404
    return 403 if cells[0 if role == "rep" else 1] == "-" else 404


def check(admin: Client, caller: Client, document: dict, foreign: dict) -> int:
    me = foreign["caller"]
    resources = foreign["resources"]
    records = {}  # (resource, id) -> the admin's copy, for no-op PATCH bodies
    failures, notes, probes = [], [], 0
    routes = []
    for path, item in sorted(document.get("paths", {}).items()):
        match = ID_ROUTE.match(path)
        if not match:
            continue
        for method in ("GET", "PATCH", "DELETE"):
            if method.lower() in item:
                routes.append((match.group(1), path, method))
    # Reads and changes first, deletes last: a wrongly allowed delete must not hide a leak.
    routes.sort(key=lambda r: (r[2] == "DELETE", r[1], r[2]))
    for resource, path, method in routes:
        entry = resources.get(resource)
        if not entry or ("only" in entry and method not in entry["only"]):
            continue
        if method == "GET" and entry.get("control"):
            url = path.replace("{id}", quote(entry["control"]))
            status, text = caller.call("GET", url)
            probes += 1
            if status != 200:
                failures.append(f"control: GET {url} (the caller's own record) -> {status} {text[:200]}")
        for record_id in entry["ids"]:
            url = path.replace("{id}", quote(record_id))
            bodies: list[tuple[str, object]] = [("", None)]
            if method == "PATCH":
                key = (resource, record_id)
                if key not in records:
                    status, text = admin.call("GET", url)
                    records[key] = json.loads(text) if status == 200 else {}
                fields = writable_fields(document, resource) - {"owner"}
                noop = {k: v for k, v in records[key].items() if k in fields}
                bodies = [("no-op body", noop)]
                if "owner" in writable_fields(document, resource):
                    bodies.append(("take ownership", {"owner": me["user_id"]}))
            for label, body in bodies:
                probes += 1
                status, text = caller.call(method, url, body)
                what = f"{method} {url}" + (f" [{label}] {json.dumps(body, ensure_ascii=False)}" if body is not None else "")
                owner = entry["owners"].get(record_id, "?")
                if 200 <= status < 300:
                    failures.append(f"{what} -> {status} {text[:200]}  (owned by {owner})")
                else:
                    want = expected_refusal(resource, method, me["role"])
                    if status != want:
                        notes.append(f"{what} -> {status} (policy says {want}) {text[:160]}")
    role = me["role"]
    print(f"foreign ids as {role} {me['user_id']} (team {me['team']}): {probes} requests on "
          f"{sum(len(e['ids']) for e in resources.values())} foreign ids of {len(resources)} kinds")
    for line in notes:
        print(f"  note: {line}")
    for line in failures:
        print(f"  FAIL: {line}")
    print(f"foreign-ids {role}: {probes - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def probed_operations(document: dict, foreign: dict) -> list[str]:
    """The `{id}` operations that have foreign ids to try ("METHOD /path")."""
    names = []
    for path, item in sorted(document.get("paths", {}).items()):
        match = ID_ROUTE.match(path)
        entry = foreign["resources"].get(match.group(1)) if match else None
        if entry is None:
            continue
        for method in ("GET", "PATCH", "DELETE"):
            if method.lower() in item and ("only" not in entry or method in entry["only"]):
                names.append(f"{method} {path}")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="server base URL, like http://127.0.0.1:8080")
    parser.add_argument("--admin-token", required=True, help="API token of an admin (reads who owns what)")
    parser.add_argument("--token", required=True, help="API token of the rep (or manager) under test")
    parser.add_argument("--out", help="write the foreign ids here (JSON, read by hooks.py)")
    parser.add_argument("--openapi", help="the OpenAPI document (default: fetched from the server)")
    parser.add_argument("--per-kind", type=int, default=8, help="foreign ids per kind of record")
    parser.add_argument("--operations-out", help="write the probed operations here, one per line")
    parser.add_argument("--collect-only", action="store_true", help="only write --out, do not probe")
    args = parser.parse_args()
    admin, caller = Client(args.base, args.admin_token), Client(args.base, args.token)
    foreign = collect(admin, caller, args.per_kind)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(foreign, fh, ensure_ascii=False, indent=1)
    if args.openapi:
        with open(args.openapi, encoding="utf-8") as fh:
            document = json.load(fh)
    else:
        document = caller.json("GET", f"{API}/openapi.json")
    if args.operations_out:
        with open(args.operations_out, "w", encoding="utf-8") as fh:
            fh.write("".join(f"{name}\n" for name in probed_operations(document, foreign)))
    if args.collect_only:
        return 0
    return check(admin, caller, document, foreign)


if __name__ == "__main__":
    sys.exit(main())
