#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the benchmark.
#
#   scripts/pg-test-cluster.sh start   # creates and starts it, prints its URI
#   scripts/pg-test-cluster.sh stop    # stops it and removes its directory
#   scripts/pg-test-cluster.sh restart # pg_ctl restart (the server-restart test uses it)
#
# The cluster lives in a temporary directory named in $TICKETFLOW_PG_STATE (default
# /tmp/ticketflow-pg-test.state, one line: the directory), listens on a free TCP port on
# 127.0.0.1 and on a Unix socket in that directory, and trusts local connections. It runs
# as the unprivileged `postgres` user when started as root (the server refuses to run as
# root). PostgreSQL 15's programs are taken from /usr/lib/postgresql/15/bin unless
# PG_BIN says otherwise.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE=${TICKETFLOW_PG_STATE:-/tmp/ticketflow-pg-test.state}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

cluster_dir() {
  [ -f "$STATE" ] || { echo "pg-test-cluster: no cluster running ($STATE missing)" >&2; exit 1; }
  head -n1 "$STATE"
}

case "${1:-}" in
  start)
    if [ -f "$STATE" ]; then
      echo "pg-test-cluster: a cluster is already running (see $STATE); stop it first" >&2
      exit 1
    fi
    [ -x "$PG_BIN/initdb" ] || { echo "pg-test-cluster: $PG_BIN/initdb not found (apt-get install postgresql)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/ticketflow-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    port=$(free_port)
    as_server_user "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
full_page_writes = off
CONF
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
    printf '%s\n%s\n' "$dir" "$port" >"$STATE"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    dir=$(cluster_dir)
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
  stop)
    [ -f "$STATE" ] || exit 0
    dir=$(head -n1 "$STATE")
    as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$STATE"
    ;;
  *)
    echo "usage: $0 start|stop|restart" >&2
    exit 2
    ;;
esac
