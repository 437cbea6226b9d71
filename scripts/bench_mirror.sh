#!/usr/bin/env bash
# A mirror under write load: starts a fresh corridord (synced RocksDB,
# reference data) and a corridor-mirror of it (its own RocksDB, polling every
# 100 ms), each in a temporary folder, runs mirror_bench against them and
# stops them. Arguments go to mirror_bench, e.g.
#   ./scripts/bench_mirror.sh --writers=8 --seconds=20 --readers=4
# CORRIDOR_MIRROR_FLAGS adds flags to corridor-mirror, e.g.
# "--batch_entries=100".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh >/dev/null
  ./scripts/build.sh >/dev/null
fi
BIN=${CORRIDOR_BIN:-build/bin}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for() {
  for _ in $(seq 300); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  echo "bench_mirror: $2 did not start; the logs:" >&2
  cat "$WORK"/*.log >&2
  exit 1
}
"$BIN"/corridord --listen=127.0.0.1:0 --data_dir="$WORK/primary" --port_file="$WORK/primary.addr" \
  --log_rpcs=errors 2>"$WORK/corridord.log" &
wait_for "$WORK/primary.addr" corridord
PRIMARY=$(cat "$WORK/primary.addr")
ctl() { CORRIDOR_TOKEN_FILE="$WORK/primary/credentials/admin.token" "$BIN"/corridorctl --server="$PRIMARY" "$@"; }
for service in areas routes convoys denials incidents agreements; do
  ctl audit key --service=$service
done >"$WORK/log_keys.txt"
ctl admin token create --role=oversight --name=mirror >"$WORK/oversight.token" 2>/dev/null
ctl admin token create --role=coordinator --name=mirror-bench >"$WORK/coordinator.token" 2>/dev/null
# shellcheck disable=SC2086
"$BIN"/corridor-mirror --primary="$PRIMARY" --primary_token_file="$WORK/oversight.token" \
  --log_keys_file="$WORK/log_keys.txt" --data_dir="$WORK/mirror" --listen=127.0.0.1:0 \
  --port_file="$WORK/mirror.addr" --poll_interval_ms=100 --log_rpcs=errors \
  ${CORRIDOR_MIRROR_FLAGS:-} 2>"$WORK/mirror.log" &
wait_for "$WORK/mirror.addr" corridor-mirror
"$BIN"/mirror_bench --primary="$PRIMARY" --mirror="$(cat "$WORK/mirror.addr")" \
  --writer_token_file="$WORK/coordinator.token" \
  --primary_reader_token_file="$WORK/coordinator.token" \
  --mirror_token_file="$WORK/mirror/credentials/admin.token" "$@"
rss() { grep VmRSS "/proc/$(pgrep -f "$1" | head -1)/status" | awk '{print $2/1024 " MiB"}'; }
echo "resident memory after the run: corridord $(rss "corridord --listen=127.0.0.1:0 --data_dir=$WORK"), corridor-mirror $(rss "corridor-mirror --primary=$PRIMARY")"
if grep -q "rewrote its history" "$WORK/mirror.log"; then
  echo "bench_mirror: the mirror reported a divergence:" >&2
  grep "rewrote" "$WORK/mirror.log" >&2
  exit 1
fi
