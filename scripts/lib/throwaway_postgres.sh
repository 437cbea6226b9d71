# Sourced by the benchmark scripts: start_postgres DIR starts a throw-away
# PostgreSQL (Debian's server) in DIR/pg on a random loopback port, with
# memory for its page cache comparable to what RocksDB may use, and sets
# PGBIN, PGPORT and PSQL (a psql command line for it). stop_postgres DIR
# stops it. As root, PostgreSQL runs as the postgres user.
start_postgres() {
  local dir=$1
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  chmod 755 "$dir"
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    PG_AS=(runuser -u postgres --)
  fi
  PGPORT=$((20000 + RANDOM % 20000))
  "${PG_AS[@]}" "$PGBIN/initdb" -D "$dir/pg" -U corridor --auth=trust --encoding=UTF8 >/dev/null
  "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $PGPORT -k $dir -c shared_buffers=512MB -c work_mem=64MB" \
    start >/dev/null
  PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U corridor postgres)
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT" \
    "(shared_buffers 512MB, work_mem 64MB)"
}

stop_postgres() {
  "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$1/pg" -m fast stop >/dev/null 2>&1 || true
}
