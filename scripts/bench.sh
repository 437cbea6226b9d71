#!/usr/bin/env bash
# Service-level load: starts a fresh corridord (synced RocksDB, reference
# data, in a temporary folder) and a corridor-echo, runs corridor-bench
# against both, and stops them. Arguments go to corridor-bench, e.g.
#   ./scripts/bench.sh --clients=16 --seconds=10 --mix=record_denial:1
# CORRIDOR_SERVER_FLAGS adds flags to corridord, e.g. "--log_rpcs=none".
set -euo pipefail
cd "$(dirname "$0")/.."
# CORRIDOR_BIN: run binaries already built there (the CI smoke test does).
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh >/dev/null
  ./scripts/build.sh >/dev/null
fi
BIN=${CORRIDOR_BIN:-build/bin}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=scripts/lib/corridord.sh
. scripts/lib/corridord.sh
# shellcheck disable=SC2086
start_corridord "$WORK" ${CORRIDOR_SERVER_FLAGS:-}
"$BIN"/corridor-echo --listen=127.0.0.1:0 --port_file="$WORK/echo" 2>"$WORK/echo.log" &
wait_for_address "$WORK/echo" "$WORK/echo.log" corridor-echo
# The load is a coordinator's: made with the admin token of the first start.
coordinator_token "$WORK" corridor-bench
"$BIN"/corridor-bench --server="$SERVER" --echo="$(cat "$WORK/echo")" \
  --token_file="$WORK/coordinator.token" "$@"
echo "corridord resident memory after the run: $(grep VmRSS /proc/$(pgrep -f "corridord --listen=127.0.0.1:0 --data_dir=$WORK" | head -1)/status | awk '{print $2/1024 " MiB"}')"
