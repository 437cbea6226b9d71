#!/usr/bin/env bash
# The JSON gateway beside gRPC, in one run: starts a fresh corridord and a
# corridor-web in front of it (both logging every call, as deployed), then
#   1. GetArea over gRPC with corridor-bench (16 clients);
#   2. the same call as POST /api/v1/AreaService/GetArea with wrk
#      (16 connections, 2 threads);
#   3. GET /api/v1/enums, which makes no gRPC call: the HTTP server alone.
# Prints each rate and latency and the gateway's share of the gRPC rate.
#   ./scripts/bench_gateway.sh [--seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=10
for arg in "$@"; do
  case "$arg" in
    --seconds=*) SECONDS_PER_RUN=${arg#--seconds=} ;;
    *) echo "bench_gateway: unknown argument $arg (try --seconds=N)" >&2; exit 2 ;;
  esac
done
# CORRIDOR_BIN: run binaries already built there (the CI smoke test does).
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh >/dev/null
  ./scripts/build.sh >/dev/null
fi
if ! command -v wrk >/dev/null; then
  echo "bench_gateway: wrk is missing; run ./scripts/setup.sh (it installs Debian's wrk)" >&2
  exit 1
fi
BIN=${CORRIDOR_BIN:-build/bin}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=scripts/lib/corridord.sh
. scripts/lib/corridord.sh
start_corridord "$WORK"
coordinator_token "$WORK" bench-gateway
"$BIN"/corridor-web --listen=127.0.0.1:0 --target="$SERVER" --port_file="$WORK/web" \
  2>"$WORK/web.log" &
WEB_PID=$!
wait_for_address "$WORK/web" "$WORK/web.log" corridor-web
WEB=$(cat "$WORK/web")

echo "== GetArea over gRPC (corridor-bench, 16 clients, ${SECONDS_PER_RUN} s)"
"$BIN"/corridor-bench --server="$SERVER" --token_file="$WORK/coordinator.token" --clients=16 \
  --seconds="$SECONDS_PER_RUN" --mix=get_area:1 | tee "$WORK/grpc.out" | grep -E "^(rpc|get_area)"
GRPC_RATE=$(awk '$1 == "get_area" { print $4 }' "$WORK/grpc.out")

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"id":"EG-DUMA"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $(tr -d '\n' <"$WORK/coordinator.token")"
LUA
echo "== POST /api/v1/AreaService/GetArea through corridor-web (wrk, 16 connections)"
wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/post.lua" \
  "http://$WEB/api/v1/AreaService/GetArea" | tee "$WORK/web.out" |
  grep -E "Requests/sec|Non-2xx| 50%| 99%"
if grep -q "Non-2xx" "$WORK/web.out"; then
  echo "bench_gateway: some gateway calls failed; corridor-web's last lines:" >&2
  tail -5 "$WORK/web.log" >&2
  exit 1
fi
WEB_RATE=$(awk '/Requests\/sec/ { print $2 }' "$WORK/web.out")

echo "== GET /api/v1/enums (no gRPC call)"
wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency "http://$WEB/api/v1/enums" |
  grep -E "Requests/sec| 50%| 99%"

awk -v w="$WEB_RATE" -v g="$GRPC_RATE" \
  'BEGIN { printf "gateway GetArea: %.0f calls/s = %.0f%% of gRPC (%.0f calls/s)\n", w, 100 * w / g, g }'
echo "corridor-web resident memory after the run: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' "/proc/$WEB_PID/status")"
