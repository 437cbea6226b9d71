#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs every Corridor
# service in one process (corridord) with its RocksDB under var/data, and the
# dashboard (corridor-web) in front of it. The
# reference list of besieged areas and the Aleppo roads are loaded on first
# start, and the first admin token is saved in var/data/credentials/. Ctrl-C
# stops it cleanly.
#
#   CORRIDOR_LISTEN    address to serve on (default 127.0.0.1:7400)
#   CORRIDOR_DATA_DIR  data folder (default var/data)
#   CORRIDOR_BACKUP_ROOT  the only folder online backups are written under
#                      (default var/backups)
#   CORRIDOR_WEB       address of the dashboard (default 127.0.0.1:7480)
#   CORRIDOR_METRICS   address of the Prometheus /metrics endpoint (default 127.0.0.1:7490)
#   CORRIDOR_BIN       run the binaries in this folder, without set-up or build
set -euo pipefail
cd "$(dirname "$0")/.."
# CORRIDOR_BIN: run binaries already built there, without setting up or
# building (e.g. on a shared tree with work in progress).
if [ -z "${CORRIDOR_BIN:-}" ]; then
  ./scripts/setup.sh
  ./scripts/build.sh
fi
BIN=${CORRIDOR_BIN:-build/bin}

LISTEN=${CORRIDOR_LISTEN:-127.0.0.1:7400}
DATA_DIR=${CORRIDOR_DATA_DIR:-var/data}
BACKUP_ROOT=${CORRIDOR_BACKUP_ROOT:-var/backups}
# Readable by this user only: the data holds tokens and signing keys.
(umask 077 && mkdir -p "$DATA_DIR")
WEB_LISTEN=${CORRIDOR_WEB:-127.0.0.1:7480}
METRICS_LISTEN=${CORRIDOR_METRICS:-127.0.0.1:7490}
PORT_FILE=$(mktemp)
WEB_PORT_FILE=$(mktemp)
rm -f "$WEB_PORT_FILE"
trap 'rm -f "$PORT_FILE" "$WEB_PORT_FILE"' EXIT

"$BIN"/corridord --listen="$LISTEN" --data_dir="$DATA_DIR" --backup_root="$BACKUP_ROOT" \
  --port_file="$PORT_FILE" --metrics_listen="$METRICS_LISTEN" &
SERVER=$!
WEB=""
stop() {
  [ -n "$WEB" ] && kill -TERM "$WEB" 2>/dev/null && wait "$WEB"
  kill -TERM "$SERVER" 2>/dev/null
  wait "$SERVER"
  rm -f "$PORT_FILE" "$WEB_PORT_FILE"
  exit 0
}
trap stop INT TERM

for _ in $(seq 1 300); do
  [ -s "$PORT_FILE" ] && break
  if ! kill -0 "$SERVER" 2>/dev/null; then
    wait "$SERVER" || true
    echo "run: corridord did not start; see the messages above" >&2
    exit 1
  fi
  sleep 0.1
done
ADDRESS=$(cat "$PORT_FILE")

"$BIN"/corridor-web --listen="$WEB_LISTEN" --target="$ADDRESS" --port_file="$WEB_PORT_FILE" &
WEB=$!
for _ in $(seq 1 100); do
  [ -s "$WEB_PORT_FILE" ] && break
  if ! kill -0 "$WEB" 2>/dev/null; then
    echo "run: corridor-web did not start; see the messages above (is $WEB_LISTEN taken? set CORRIDOR_WEB)" >&2
    stop
  fi
  sleep 0.1
done
WEB_ADDRESS=$(cat "$WEB_PORT_FILE")

cat <<BANNER

  Corridor is running (all services in one process: corridord).

    gRPC endpoint     $ADDRESS   (health and reflection included)
    services          corridor.v1.TokenService, AreaService, PartyService, RouteService,
                      ConvoyService, DenialService, IncidentService, AgreementService, AuditService,
                      OperationsService
    metrics           http://$METRICS_LISTEN/metrics   (Prometheus text format)
    data              $DATA_DIR/<service>   (one RocksDB each)
    admin token       $DATA_DIR/credentials/admin.token   (readable only by you)
    backups           $BACKUP_ROOT/<folder>/<service>   (corridorctl admin backup --to=<folder>)

    dashboard         http://$WEB_ADDRESS/
                      sign in with a token, e.g. a coordinator's made as below
    JSON gateway      http://$WEB_ADDRESS/api/v1/<Service>/<RPC>   (same tokens)

  Every call needs a bearer token. Try, in another terminal:

    export CORRIDOR_SERVER=$ADDRESS
    export CORRIDOR_TOKEN_FILE=$DATA_DIR/credentials/admin.token
    $BIN/corridorctl areas list
    $BIN/corridorctl admin token create --role=coordinator --name=\$USER --out=coordinator.token
    export CORRIDOR_TOKEN_FILE=coordinator.token
    $BIN/corridorctl routes watch --route=castello-road
    $BIN/corridorctl report access --from=2016-01-01 --to=2016-12-31
    $BIN/corridorctl denials stats --by=party --from=2016-01 --to=2016-12
    (agreements and compliance: docs/AGREEMENTS.md)

  Ctrl-C stops it cleanly.

BANNER
wait "$SERVER"
