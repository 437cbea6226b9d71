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

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d)
chmod 755 "$WORK"
# PostgreSQL refuses to run as root: as root, run it as the postgres user.
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$WORK"
  AS=(runuser -u postgres --)
fi
PORT=$((20000 + RANDOM % 20000))
stop() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U corridor --auth=trust --encoding=UTF8 >/dev/null
# Memory for PostgreSQL's page cache comparable to what RocksDB may use.
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/postgres.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c shared_buffers=512MB -c work_mem=64MB" \
  start >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" \
  "(shared_buffers 512MB, work_mem 64MB)"
# Corridor's side is loaded once into CORRIDOR_BENCH_DATA (default: a
# temporary folder) and reused by later runs with the same --denials.
DATA=${CORRIDOR_BENCH_DATA:-$WORK/corridor}
"$BIN"/denials_bench --data_dir="$DATA" \
  --postgres="host=127.0.0.1 port=$PORT user=corridor dbname=postgres" "$@"
