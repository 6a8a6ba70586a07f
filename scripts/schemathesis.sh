#!/usr/bin/env bash
# Reliability rows 37 and 38 (docs: reliability plan): Schemathesis against the
# JSON API, once per role, plus the foreign-id checks.
#
# For each role (admin, manager, rep) it makes a small demo company in a
# temporary SQLite database (demo --lines 2000 --seed 1), API tokens for the
# role and for an admin, starts `salesboard serve` on a free loopback port,
# waits for /healthz to say ready, validates /api/v1/openapi.json as OpenAPI
# 3.1 (first role only), and runs Schemathesis with every phase (examples,
# coverage, fuzzing, stateful) and every check (`--checks all`), with
# `--max-response-time 0.5`. Each role gets a database of its own, since the
# admin's run changes other users. Then, as the rep (row 38):
#   - scripts/schemathesis/foreign_ids.py probes every GET/PATCH/DELETE `{id}`
#     route with ids owned by other reps and teams (must never be 2xx), and
#   - Schemathesis runs again on the `{id}` operations with those ids as path
#     parameters (scripts/schemathesis/hooks.py) and the check
#     `foreign_object_not_2xx`.
# It prints one summary line per run and exits non-zero if any run failed.
#
# It does not build anything. The server runs in a network namespace of its
# own (only loopback) when the script can make one (root with unshare): the
# admin's run registers webhooks at whatever URLs it generates, and the server
# delivers to them.
#
# Environment:
#   SALESBOARD_BIN              binary to test (default target/debug/salesboard)
#   SCHEMATHESIS_MAX_EXAMPLES   --max-examples per operation (default 10; the
#                               full run of row 37 uses 200)
#   SCHEMATHESIS_ROLES          roles to run (default "admin manager rep")
#   SCHEMATHESIS_FOREIGN_ROLES  roles for the row 38 runs (default "rep";
#                               "manager" works too)
#   SCHEMATHESIS_SEED           Schemathesis seed (default 1)
#   SCHEMATHESIS_WORKERS        Schemathesis workers (default 1)
#   SCHEMATHESIS_VENV           virtualenv (default target/schemathesis-venv)
#   SCHEMATHESIS_REPORT_DIR     reports and logs (default target/schemathesis-report)
#   SCHEMATHESIS_BUSINESS_RULES=0  do not let positive_data_acceptance see 422
#                               on the operations where a documented rule
#                               refuses schema-valid input (make_config.py
#                               lists them with reasons; on by default)
#   SCHEMATHESIS_NETNS=0        do not use a network namespace
#   SCHEMATHESIS_KEEP=1         keep the temporary databases and logs
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${SALESBOARD_BIN:-target/debug/salesboard}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-10}"
ROLES="${SCHEMATHESIS_ROLES:-admin manager rep}"
FOREIGN_ROLES="${SCHEMATHESIS_FOREIGN_ROLES:-rep}"
SEED="${SCHEMATHESIS_SEED:-1}"
WORKERS="${SCHEMATHESIS_WORKERS:-1}"
VENV="${SCHEMATHESIS_VENV:-$ROOT/target/schemathesis-venv}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$ROOT/target/schemathesis-report}"
REQUIREMENTS="$ROOT/scripts/schemathesis/requirements.txt"
HERE="$ROOT/scripts/schemathesis"
business_rules=""
[ "${SCHEMATHESIS_BUSINESS_RULES:-1}" = 1 ] && business_rules=1
DEMO_LINES=2000
DEMO_SEED=1
MAX_RESPONSE_TIME=0.5

declare -A EMAIL=(
  [admin]=admin@demo.salesboard
  [manager]=mgr.east@demo.salesboard
  [rep]=rep001@demo.salesboard
)

say() { printf 'schemathesis.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

[ -x "$BIN" ] || die "no binary at $BIN (build it first, or set SALESBOARD_BIN)"
for role in $ROLES $FOREIGN_ROLES; do
  [ -n "${EMAIL[$role]:-}" ] || die "unknown role '$role' (admin, manager or rep)"
done
case "$MAX_EXAMPLES" in '' | *[!0-9]*) die "SCHEMATHESIS_MAX_EXAMPLES must be a number" ;; esac

# --- 1. Schemathesis in a virtualenv of its own (before leaving the network) ---
if [ -z "${SB_ST_IN_NETNS:-}" ]; then
  stamp="$VENV/.requirements.sha256"
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/st" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Schemathesis into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$want" >"$stamp"
  fi
  # --- 2. A network namespace with only loopback, when we can make one ---
  if [ "${SCHEMATHESIS_NETNS:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    command -v ip >/dev/null && unshare -n true 2>/dev/null; then
    SB_ST_IN_NETNS=1 exec unshare -n -- bash "${BASH_SOURCE[0]}" "$@"
  fi
  say "no network namespace: webhook URLs are pointed at loopback by the hooks instead"
  export SB_ST_REWRITE_WEBHOOK_HOSTS=1
else
  ip link set lo up
fi

ST="$VENV/bin/st"
PY="$VENV/bin/python"
export PYTHONDONTWRITEBYTECODE=1
# The binary must not pick up a developer's database or configuration.
unset SALESBOARD_DATABASE_URL SALESBOARD_CONFIG SALESBOARD_ADDR

WORK="$(mktemp -d "${TMPDIR:-/tmp}/salesboard-schemathesis.XXXXXX")"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ "${SCHEMATHESIS_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$REPORT_DIR"

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server DB LOG: starts the server, sets SERVER_PID and BASE, waits until ready.
start_server() {
  local db="$1" log="$2" port i
  port="$(free_port)"
  (cd "$WORK" && exec "$BIN" --db "$db" serve --addr "127.0.0.1:$port") >"$log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port"
  for i in $(seq 1 300); do
    if curl -fsS --max-time 2 "$BASE/healthz" 2>/dev/null | grep -q '"status":"ready"'; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "the server stopped before it was ready"; }
    sleep 0.2
  done
  cat "$log" >&2
  die "the server was not ready after 60 s"
}

# summarize NAME RC OUTPUT: one line from Schemathesis' closing lines.
SUMMARY=()
FAILED=0
summarize() {
  local name="$1" rc="$2" out="$3" cases last verdict
  cases="$(grep -A1 '^Test cases:' "$out" | tail -n1 | sed 's/^ *//')"
  last="$(grep -E '^=+ .* =+$' "$out" | tail -n1 | sed -E 's/^=+ //; s/ =+$//')"
  if [ "$rc" = 0 ]; then verdict=PASS; else verdict=FAIL; FAILED=1; fi
  SUMMARY+=("$(printf '%-16s %s (exit %s): %s; %s; log %s' "$name" "$verdict" "$rc" "${cases:-no test cases}" "${last:-no summary}" "${out#"$ROOT"/}")")
  say "${SUMMARY[-1]}"
}

validated=0
for role in $ROLES; do
  db="$WORK/$role.db"
  out_dir="$REPORT_DIR/$role"
  rm -rf "$out_dir"
  mkdir -p "$out_dir"
  (cd "$WORK" && "$BIN" --db "$db" demo --lines "$DEMO_LINES" --seed "$DEMO_SEED") >"$out_dir/demo.log" 2>&1 ||
    { cat "$out_dir/demo.log" >&2; die "demo failed"; }
  admin_token="$(cd "$WORK" && "$BIN" --db "$db" user token --email "${EMAIL[admin]}" --label schemathesis 2>/dev/null)"
  token="$(cd "$WORK" && "$BIN" --db "$db" user token --email "${EMAIL[$role]}" --label schemathesis 2>/dev/null)"
  [ -n "$admin_token" ] && [ -n "$token" ] || die "could not make API tokens"

  start_server "$db" "$out_dir/server.log"
  curl -fsS "$BASE/api/v1/openapi.json" -o "$WORK/openapi.json"
  if [ "$validated" = 0 ]; then
    cp "$WORK/openapi.json" "$REPORT_DIR/openapi.json"
    if "$VENV/bin/openapi-spec-validator" --schema 3.1 "$WORK/openapi.json" >"$REPORT_DIR/openapi-validation.txt" 2>&1; then
      SUMMARY+=("$(printf '%-16s PASS: valid OpenAPI 3.1 (openapi-spec-validator)' openapi)")
    else
      SUMMARY+=("$(printf '%-16s FAIL: not valid OpenAPI 3.1, see %s' openapi "${REPORT_DIR#"$ROOT"/}/openapi-validation.txt")")
      FAILED=1
    fi
    say "${SUMMARY[-1]}"
    validated=1
  fi

  # Records of the admin-only kinds, so that their `{id}` routes have something to find.
  auth=(-H "Authorization: Bearer $admin_token")
  webhook_id="$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
    -d '{"url": "http://127.0.0.1:9/schemathesis", "events": ["kpi.alert"]}' \
    "$BASE/api/v1/webhooks" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
  # A row without created_at: the import sets it aside, so the job has rejected rows to download.
  printf 'customer_id,name\nC-ST-000001,Schemathesis Co\n' >"$WORK/customers.csv"
  import_id="$(curl -fsS "${auth[@]}" -F skip_invalid=true -F "file=@$WORK/customers.csv" \
    "$BASE/api/v1/imports" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
  self_id="$(curl -fsS -H "Authorization: Bearer $token" "$BASE/api/v1/me" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["user_id"])')"
  # Only an admin can change users: keep the admin from demoting themselves mid-run.
  guard_self=""
  [ "$role" = admin ] && guard_self="$self_id"

  config="$out_dir/schemathesis.toml"
  "$PY" "$HERE/make_config.py" --base "$BASE" --token "$token" --admin-token "$admin_token" \
    --openapi "$WORK/openapi.json" --role "$role" --out "$config" --ids-out "$out_dir/ids.json" \
    --cache-dir "$REPORT_DIR/.cache/$role" \
    --extra-ids "{\"webhooks\": [\"$webhook_id\"], \"imports\": [\"$import_id\"]}" \
    ${business_rules:+--business-rules}

  rc=0
  SB_ST_TOKEN="$token" SB_ST_SELF_USER_ID="$guard_self" SB_ST_IDS="$out_dir/ids.json" \
    SCHEMATHESIS_HOOKS="$HERE/hooks.py" \
    "$ST" --config-file "$config" run "$BASE/api/v1/openapi.json" \
    --checks all --max-examples "$MAX_EXAMPLES" --max-response-time "$MAX_RESPONSE_TIME" \
    --continue-on-failure --workers "$WORKERS" --seed "$SEED" --no-color \
    --report junit,ndjson --report-dir "$out_dir" >"$out_dir/output.txt" 2>&1 || rc=$?
  summarize "$role" "$rc" "$out_dir/output.txt"
  "$PY" "$HERE/report.py" --statuses "$out_dir"/ndjson-*.ndjson >"$out_dir/failures.txt" 2>&1 || true

  # Row 38: ids owned by other reps and teams.
  if [[ " $FOREIGN_ROLES " == *" $role "* ]]; then
    foreign="$out_dir/foreign-ids.json"
    rc=0
    "$PY" "$HERE/foreign_ids.py" --base "$BASE" --admin-token "$admin_token" --token "$token" \
      --openapi "$WORK/openapi.json" --out "$foreign" --operations-out "$out_dir/foreign-operations.txt" \
      >"$out_dir/foreign-ids.txt" 2>&1 || rc=$?
    line="$(tail -n1 "$out_dir/foreign-ids.txt")"
    [ "$rc" = 0 ] && verdict=PASS || { verdict=FAIL; FAILED=1; }
    SUMMARY+=("$(printf '%-16s %s (exit %s): %s; log %s' "foreign-ids/$role" "$verdict" "$rc" "$line" "${out_dir#"$ROOT"/}/foreign-ids.txt")")
    say "${SUMMARY[-1]}"

    foreign_dir="$out_dir/foreign"
    mkdir -p "$foreign_dir"
    # Only the operations that have foreign ids to try (products and spend are the
    # manager's to change, for one).
    include=()
    while read -r operation; do include+=(--include-name "$operation"); done <"$out_dir/foreign-operations.txt"
    printf '[auth.openapi.bearer]\nbearer = "${SB_ST_TOKEN}"\n\n[cache]\ndirectory = "%s"\n' \
      "$REPORT_DIR/.cache/foreign-$role" >"$foreign_dir/schemathesis.toml"
    rc=0
    SB_ST_TOKEN="$token" SB_ST_FOREIGN_IDS="$foreign" \
      SCHEMATHESIS_HOOKS="$HERE/hooks.py" \
      "$ST" --config-file "$foreign_dir/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
      "${include[@]}" --phases examples,coverage,fuzzing \
      --checks not_a_server_error,foreign_object_not_2xx \
      --max-examples "$MAX_EXAMPLES" --workers "$WORKERS" --seed "$SEED" --no-color \
      --report junit,ndjson --report-dir "$foreign_dir" >"$foreign_dir/output.txt" 2>&1 || rc=$?
    summarize "st-foreign/$role" "$rc" "$foreign_dir/output.txt"
  fi
  stop_server
done

echo "Schemathesis (max-examples $MAX_EXAMPLES, seed $SEED, $(basename "$BIN")):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
if [ "$FAILED" != 0 ]; then
  echo "schemathesis: FAILED; reports in ${REPORT_DIR#"$ROOT"/}/"
  exit 1
fi
echo "schemathesis: all runs passed"
