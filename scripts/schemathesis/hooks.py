"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

Environment:

SB_ST_SELF_USER_ID   the caller's user id. Requests that change or delete the
                     caller's own user are dropped: an admin may demote
                     themselves (PATCH /users/u-admin {"role": "rep"}), and the
                     rest of the run would then test a rep, not an admin.
SB_ST_REWRITE_WEBHOOK_HOSTS=1
                     point every webhook URL the run registers at a closed
                     loopback port. The server delivers webhooks to any host; the
                     script sets this when it cannot run the server in a network
                     namespace of its own (where no host but loopback exists).
SB_ST_IDS            a JSON file {kind: [ids]} written by make_config.py; coverage-phase
                     cases get those ids for `{id}` instead of a placeholder.
SB_ST_FOREIGN_IDS    reliability row 38: a JSON file written by foreign_ids.py.
                     Every `{id}` path parameter of the kinds it lists becomes one
                     of those ids (records owned by other reps and teams), and the
                     check `foreign_object_not_2xx` fails any 2xx answer to them.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import zlib

import schemathesis
from schemathesis.core.parameters import ParameterLocation

SELF_USER_ID = os.environ.get("SB_ST_SELF_USER_ID") or None
REWRITE_WEBHOOK_HOSTS = os.environ.get("SB_ST_REWRITE_WEBHOOK_HOSTS") == "1"
LOOPBACK_NETLOC = "127.0.0.1:9"  # the discard port: nothing listens there
ID_ROUTE = re.compile(r"^/api/v1/([a-z_]+)/\{id\}(/[a-z_]+)?$")

# kind -> ids (written by make_config.py): `{id}` values for coverage-phase cases, which
# otherwise use a placeholder ("0") on routes no link feeds, and so only ever see 404s.
IDS: dict = {}
if os.environ.get("SB_ST_IDS"):
    with open(os.environ["SB_ST_IDS"], encoding="utf-8") as fh:
        IDS = json.load(fh)

FOREIGN: dict | None = None
if os.environ.get("SB_ST_FOREIGN_IDS"):
    with open(os.environ["SB_ST_FOREIGN_IDS"], encoding="utf-8") as fh:
        FOREIGN = json.load(fh)


def _foreign_entry(path: str, method: str) -> dict | None:
    if FOREIGN is None:
        return None
    match = ID_ROUTE.match(path)
    if not match:
        return None
    entry = FOREIGN["resources"].get(match.group(1))
    if entry is None or ("only" in entry and method.upper() not in entry["only"]):
        return None
    return entry


@schemathesis.hook
def filter_case(context, case):
    if (
        SELF_USER_ID is not None
        and case.operation.path == "/api/v1/users/{id}"
        and case.method.upper() in ("PATCH", "DELETE")
        and isinstance(case.path_parameters, dict)
        and case.path_parameters.get("id") == SELF_USER_ID
    ):
        return False
    return True


def _coverage_ids(case, path: str) -> None:
    match = ID_ROUTE.match(path)
    meta = case.meta
    if FOREIGN is not None or not match or meta is None or not isinstance(case.path_parameters, dict):
        return
    ids = IDS.get(match.group(1))
    if not ids or str(getattr(meta.phase, "name", "")) != "coverage":
        return
    component = meta.components.get(ParameterLocation.PATH)
    if component is None or str(getattr(component.mode, "value", component.mode)) != "positive":
        return  # a case about the path parameter itself
    if any(getattr(d, "location", None) in ("path", ParameterLocation.PATH) for d in meta.pool_draws):
        return  # an id a link or an earlier response supplied
    if case.path_parameters.get("id") in ids:
        return
    seed = zlib.crc32(repr((case.body, case.query, case.method)).encode("utf-8", "replace"))
    case.path_parameters = {**case.path_parameters, "id": ids[seed % len(ids)]}


def _known_customer(case, path: str, method: str) -> None:
    """A survey link is for a customer the caller may read: give most cases one
    of those (from SB_ST_IDS), so that they reach the server's logic rather than
    only its 404 for an unknown customer. Every third keeps its own value."""
    customers = IDS.get("customers") or []
    if path != "/api/v1/survey-links" or method != "POST" or not customers:
        return
    if not isinstance(case.body, dict) or not isinstance(case.body.get("customer_id"), str):
        return
    seed = zlib.crc32(repr((case.body, case.query)).encode("utf-8", "replace"))
    if seed % 3:
        case.body = {**case.body, "customer_id": customers[seed % len(customers)]}


@schemathesis.hook
def map_case(context, case):
    path, method = case.operation.path, case.method.upper()
    if (
        REWRITE_WEBHOOK_HOSTS
        and path == "/api/v1/webhooks"
        and method == "POST"
        and isinstance(case.body, dict)
        and isinstance(case.body.get("url"), str)
    ):
        # Keep the URL as valid (or not) as it was: only its host changes.
        try:
            parts = urllib.parse.urlsplit(case.body["url"].strip())
        except ValueError:
            parts = None
        if parts is not None and parts.scheme.lower() in ("http", "https") and parts.netloc:
            case.body = {**case.body, "url": urllib.parse.urlunsplit(parts._replace(netloc=LOOPBACK_NETLOC))}
    _coverage_ids(case, path)
    _known_customer(case, path, method)
    entry = _foreign_entry(path, method)
    if entry is not None and isinstance(case.path_parameters, dict):
        # A stable choice (no global randomness inside Hypothesis): hash the rest of the case.
        seed = zlib.crc32(repr((case.body, case.query, method)).encode("utf-8", "replace"))
        ids = entry["ids"]
        case.path_parameters = {**case.path_parameters, "id": ids[seed % len(ids)]}
    return case


if FOREIGN is not None:

    @schemathesis.check
    def foreign_object_not_2xx(ctx, response, case):
        """A record owned by another rep or team must never answer 2xx (reliability row 38)."""
        entry = _foreign_entry(case.operation.path, case.method)
        if entry is None or not isinstance(case.path_parameters, dict):
            return None
        record_id = case.path_parameters.get("id")
        if record_id not in entry["ids"]:
            return None
        if 200 <= response.status_code < 300:
            caller = FOREIGN["caller"]
            raise AssertionError(
                f"{case.method.upper()} {case.operation.path} with id {record_id!r}, owned by "
                f"{entry['owners'].get(record_id, '?')}, answered {response.status_code} to "
                f"{caller['role']} {caller['user_id']} (team {caller['team']})"
            )
        return True
