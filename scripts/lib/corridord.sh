# Sourced by the benchmark scripts. start_corridord DIR [FLAGS...] starts a
# fresh corridord on a loopback port with its data in DIR/data (synced
# RocksDB, reference data) and waits for it; SERVER is then its address.
# It stops the script, showing the log, if corridord does not start.
# wait_for_address waits the same way for any server given --port_file.
# coordinator_token DIR NAME writes a coordinator token made with the first
# start's admin token to DIR/coordinator.token. Both need BIN.
start_corridord() {
  local dir=$1
  shift
  "$BIN"/corridord --listen=127.0.0.1:0 --data_dir="$dir/data" --port_file="$dir/server" \
    "$@" 2>"$dir/corridord.log" &
  wait_for_address "$dir/server" "$dir/corridord.log" corridord
  SERVER=$(cat "$dir/server")
}

# wait_for_address FILE LOG NAME waits for a server started with
# --port_file=FILE to write its address there, and stops the script,
# showing LOG, if it does not within 30 s.
wait_for_address() {
  for _ in $(seq 300); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): $3 did not start; its log:" >&2
  cat "$2" >&2
  exit 1
}

coordinator_token() {
  CORRIDOR_TOKEN_FILE="$1/data/credentials/admin.token" "$BIN"/corridorctl --server="$SERVER" \
    admin token create --role=coordinator --name="$2" >"$1/coordinator.token" 2>/dev/null
}
