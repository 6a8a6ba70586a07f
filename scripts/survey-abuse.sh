#!/usr/bin/env bash
# Survey links under a token-guessing attack (reliability plan row 19).
#
# Makes a small demo company in a temporary SQLite database, serves it on a
# free loopback port, makes one survey link as the demo rep, then for N
# seconds (default 60):
#   - attackers (one process per source address 127.0.0.10, .11, …) GET
#     /s/{random token} as fast as they can over keep-alive connections;
#   - a customer at 127.0.0.2 opens the real link 20 times a second and
#     times each page.
# It prints the attackers' statuses (404 until an address has used its 20
# invalid tokens a minute, then 429) and the customer's statuses and p50/p99
# latency. Nothing is asserted: the figures are for people (timings depend on
# the machine).
#
# Usage: scripts/survey-abuse.sh [SECONDS]
# Environment:
#   SALESBOARD_BIN         binary (default target/release/salesboard if built,
#                          else target/debug/salesboard); it is not built here
#   SURVEY_ABUSE_ATTACKERS attacker processes, one address each (default 4)
#   SURVEY_ABUSE_LINES     demo order lines (default 20000)
# Needs bash, curl and python3 (standard library only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${1:-60}"
ATTACKERS="${SURVEY_ABUSE_ATTACKERS:-4}"
LINES="${SURVEY_ABUSE_LINES:-20000}"
if [ -n "${SALESBOARD_BIN:-}" ]; then
  BIN="$SALESBOARD_BIN"
elif [ -x "$ROOT/target/release/salesboard" ]; then
  BIN="$ROOT/target/release/salesboard"
else
  BIN="$ROOT/target/debug/salesboard"
fi
[ -x "$BIN" ] || { echo "no binary at $BIN: run cargo build first" >&2; exit 1; }
case "$DURATION" in '' | *[!0-9]*) echo "SECONDS must be a whole number" >&2; exit 2 ;; esac

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A copy, so that a build running meanwhile cannot make the file busy.
cp "$BIN" "$WORK/salesboard"
DB="$WORK/demo.db"
"$WORK/salesboard" --db "$DB" demo --lines "$LINES" --seed 1 >"$WORK/demo.log" 2>&1 ||
  { cat "$WORK/demo.log" >&2; exit 1; }
REP_TOKEN="$("$WORK/salesboard" --db "$DB" user token --email rep001@demo.salesboard --label survey-abuse 2>/dev/null)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
"$WORK/salesboard" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  if curl -fsS --max-time 2 "$BASE/healthz" 2>/dev/null | grep -q '"status":"ready"'; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done

auth=(-H "Authorization: Bearer $REP_TOKEN")
CUSTOMER="$(curl -fsS "${auth[@]}" "$BASE/api/v1/customers?per_page=1" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["customer_id"])')"
LINK_TOKEN="$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"customer_id\": \"$CUSTOMER\", \"scale\": 10}" "$BASE/api/v1/survey-links" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

echo "server: $BASE ($(basename "$(dirname "$(dirname "$BIN")")")/$(basename "$(dirname "$BIN")") build), demo $LINES lines, link for customer $CUSTOMER"
echo "running ${DURATION} s: $ATTACKERS attacker address(es), one customer at 127.0.0.2"

python3 - "$PORT" "$LINK_TOKEN" "$DURATION" "$ATTACKERS" <<'PY'
"""Attackers guess tokens from their own addresses; a customer times the real page."""
import collections
import http.client
import multiprocessing
import secrets
import sys
import time

PORT = int(sys.argv[1])
LINK = sys.argv[2]
DURATION = float(sys.argv[3])
ATTACKERS = int(sys.argv[4])


def connect(source):
    return http.client.HTTPConnection("127.0.0.1", PORT, timeout=10, source_address=(source, 0))


def get(conn, path, source):
    """One GET on a kept-alive connection (reopened if the server closed it)."""
    for attempt in (1, 2):
        try:
            conn.request("GET", path, headers={"Accept-Language": "en"})
            response = conn.getresponse()
            response.read()
            return conn, response.status
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = connect(source)
            if attempt == 2:
                return conn, "error"
    return conn, "error"


def attacker(source, deadline, results):
    counts = collections.Counter()
    conn = connect(source)
    while time.monotonic() < deadline:
        conn, status = get(conn, "/s/" + secrets.token_hex(32), source)
        counts[status] += 1
    results.put(dict(counts))


def customer(deadline, results):
    source = "127.0.0.2"
    conn = connect(source)
    latencies, counts = [], collections.Counter()
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        started = time.monotonic()
        conn, status = get(conn, "/s/" + LINK, source)
        latencies.append(time.monotonic() - started)
        counts[status] += 1
        next_at += 0.05
        time.sleep(max(0.0, next_at - time.monotonic()))
    results.put((latencies, dict(counts)))


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def main():
    deadline = time.monotonic() + DURATION
    attack_results, customer_results = multiprocessing.Queue(), multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=attacker, args=(f"127.0.0.{10 + i}", deadline, attack_results))
        for i in range(ATTACKERS)
    ]
    workers.append(multiprocessing.Process(target=customer, args=(deadline, customer_results)))
    for worker in workers:
        worker.start()
    attacks = collections.Counter()
    for _ in range(ATTACKERS):
        attacks.update(attack_results.get())
    latencies, statuses = customer_results.get()
    for worker in workers:
        worker.join()
    total = sum(attacks.values())
    print(f"attackers: {total} requests in {DURATION:.0f} s ({total / DURATION:.0f}/s) from {ATTACKERS} address(es): "
          + ", ".join(f"{code}: {n}" for code, n in sorted(attacks.items(), key=str)))
    print(f"customer:  {len(latencies)} page loads: "
          + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items(), key=str))
          + f"; latency p50 {percentile(latencies, 0.50) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
PY
