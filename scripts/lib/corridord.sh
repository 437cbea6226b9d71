# Sourced by the benchmark scripts. start_corridord DIR [FLAGS...] starts a
# fresh corridord on a loopback port with its data in DIR/data (synced
# RocksDB, reference data) and waits for it; SERVER is then its address.
# It stops the script, showing the log, if corridord does not start.
# coordinator_token DIR NAME writes a coordinator token made with the first
# start's admin token to DIR/coordinator.token. Both need BIN.
start_corridord() {
  local dir=$1
  shift
  "$BIN"/corridord --listen=127.0.0.1:0 --data_dir="$dir/data" --port_file="$dir/server" \
    "$@" 2>"$dir/corridord.log" &
  for _ in $(seq 300); do
    [ -s "$dir/server" ] && break
    sleep 0.1
  done
  if [ ! -s "$dir/server" ]; then
    echo "$(basename "$0"): corridord did not start; its log:" >&2
    cat "$dir/corridord.log" >&2
    exit 1
  fi
  SERVER=$(cat "$dir/server")
}

coordinator_token() {
  CORRIDOR_TOKEN_FILE="$1/data/credentials/admin.token" "$BIN"/corridorctl --server="$SERVER" \
    admin token create --role=coordinator --name="$2" >"$1/coordinator.token" 2>/dev/null
}
