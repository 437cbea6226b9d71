#!/usr/bin/env bash
# Bulk import beside PostgreSQL's COPY, in one run:
#   1. writes N generated denials to a CSV file (denials_bench --write_csv);
#   2. imports it into a fresh corridord (synced RocksDB, journal on, all
#      services, reference data) with `corridorctl import denials`, which
#      sends it over the ImportDenials stream; then imports it again (every
#      row already stored);
#   3. loads the same file into a throw-away PostgreSQL with COPY and
#      builds the five indexes the comparison queries use (bench_postgres.sh).
# Prints the time and rate of each and corridord's memory and disk.
#   ./scripts/bench_import.sh [--denials=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=1000000
for arg in "$@"; do
  case "$arg" in
    --denials=*) COUNT=${arg#--denials=} ;;
    *) echo "bench_import: unknown argument $arg (try --denials=N)" >&2; exit 2 ;;
  esac
done
# CORRIDOR_BIN: run binaries already built there (the CI smoke test does).
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh >/dev/null
  ./scripts/build.sh >/dev/null
fi
BIN=${CORRIDOR_BIN:-build/bin}
WORK=$(mktemp -d)
# shellcheck source=scripts/lib/throwaway_postgres.sh
. scripts/lib/throwaway_postgres.sh
# shellcheck source=scripts/lib/corridord.sh
. scripts/lib/corridord.sh
PGBIN=""
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; [ -z "$PGBIN" ] || stop_postgres "$WORK"; rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
rate() { awk -v n="$COUNT" -v a="$1" -v b="$2" 'BEGIN { printf "%.1f s, %.0f rows/s", b - a, n / (b - a) }'; }

CSV="$WORK/denials.csv"
"$BIN"/denials_bench --write_csv="$CSV" --denials="$COUNT"
chmod 644 "$CSV"
echo "$COUNT denials in $CSV ($(du -h "$CSV" | cut -f1))"

start_corridord "$WORK" --log_rpcs=none
coordinator_token "$WORK" bench-import
import() {
  CORRIDOR_TOKEN_FILE="$WORK/coordinator.token" "$BIN"/corridorctl --server="$SERVER" \
    import denials "$CSV" 2>&1 | tail -1
}
start=$(now); import; end=$(now)
echo "Corridor, corridorctl import denials (ImportDenials, synced per request): $(rate "$start" "$end")"
start=$(now); import; end=$(now)
echo "Corridor, the same file again (every row already stored): $(rate "$start" "$end")"
PID=$(pgrep -f "corridord --listen=127.0.0.1:0 --data_dir=$WORK" | head -1)
echo "corridord: $(awk '/VmHWM/ {printf "%.0f MiB peak resident", $2 / 1024}' "/proc/$PID/status"), $(du -sh "$WORK/data/denials" | cut -f1) on disk for the denials service"

start_postgres "$WORK"
"${PSQL[@]}" -c "CREATE TABLE denials (idempotency_key text PRIMARY KEY, party text NOT NULL,
  area_id text NOT NULL, category text NOT NULL, occurred_at timestamptz NOT NULL,
  description text NOT NULL, source text NOT NULL, people_affected bigint)"
start=$(now)
"${PSQL[@]}" -c "\\copy denials FROM '$CSV' WITH (FORMAT csv, HEADER true)"
copied=$(now)
"${PSQL[@]}" -c "CREATE INDEX ON denials (occurred_at);
  CREATE INDEX ON denials (party, occurred_at); CREATE INDEX ON denials (area_id, occurred_at);
  CREATE INDEX ON denials (party, category, occurred_at);
  CREATE INDEX ON denials (party, area_id, category, occurred_at)"
end=$(now)
echo "PostgreSQL COPY (primary key only): $(rate "$start" "$copied")"
echo "PostgreSQL COPY and the five indexes: $(rate "$start" "$end")"
