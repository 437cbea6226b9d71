#!/usr/bin/env bash
# Corridor against PostgreSQL, measured in one run: starts a throw-away
# PostgreSQL 15 cluster on loopback (Debian's server, in a temporary folder),
# then runs denials_bench, which loads the same denials into Corridor's
# denials store and into PostgreSQL and times the same filtered pages and
# grouped statistics in both. Arguments go to denials_bench, e.g.
#   ./scripts/bench_postgres.sh --denials=1000000 --queries=2000
# Set CORRIDOR_BENCH_DATA=var/bench/denials to keep Corridor's loaded
# denials for the next run (loading 1,000,000 takes about 2.5 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
# CORRIDOR_BIN: run binaries already built there (the CI smoke test does).
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh >/dev/null
  ./scripts/build.sh >/dev/null
fi
BIN=${CORRIDOR_BIN:-build/bin}

WORK=$(mktemp -d)
# shellcheck source=scripts/lib/throwaway_postgres.sh
. scripts/lib/throwaway_postgres.sh
trap 'stop_postgres "$WORK"; rm -rf "$WORK"' EXIT
start_postgres "$WORK"
# Corridor's side is loaded once into CORRIDOR_BENCH_DATA (default: a
# temporary folder) and reused by later runs with the same --denials.
DATA=${CORRIDOR_BENCH_DATA:-$WORK/corridor}
"$BIN"/denials_bench --data_dir="$DATA" \
  --postgres="host=127.0.0.1 port=$PGPORT user=corridor dbname=postgres" "$@"
