#!/usr/bin/env bash
# Times Salesboard's dashboard against DuckDB running the equivalent SQL on
# the same data: generates a demo company (LINES order lines, default 1M),
# exports it as canonical CSV, runs `salesboard bench dashboard` and
# scripts/duckdb_dashboard.py on it, and prints both results.
# Needs Python 3 with duckdb (installed with pip if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-1000000}"
period_from="${PERIOD_FROM:-2025-01-01}"
period_to="${PERIOD_TO:-2026-01-01}"
runs="${RUNS:-20}"
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet duckdb
cargo build --release --locked
bin="${CARGO_TARGET_DIR:-target}/release/salesboard"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --db "$work/bench.db" demo --lines "$lines" >/dev/null
"$bin" --db "$work/bench.db" export --dir "$work/csv" >/dev/null
echo "salesboard: $("$bin" --db "$work/bench.db" bench dashboard --period "${period_from:0:4}" --runs "$runs" --format json)"
echo "duckdb:     $(python3 scripts/duckdb_dashboard.py "$work/csv" "$period_from" "$period_to" "$runs")"
