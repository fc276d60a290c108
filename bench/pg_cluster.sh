#!/usr/bin/env bash
# A PostgreSQL cluster of its own for bench_desk.py: bench/pg_cluster.sh start|stop|status.
# Data in $LOYALDESK_BENCH_DATA/pg (default: bench-data beside the checkout), port 55432 on
# 127.0.0.1 with trust authentication, role and database as bench_desk.py's default --pg-url.
# Default server settings but shared_buffers, a quarter of the memory as PostgreSQL's manual
# advises for a dedicated server (BENCH_PG_SHARED_BUFFERS to change it), and the pg_prewarm
# extension with which bench_desk.py loads the desk's tables into them. Run as root it runs the
# server as the postgres user, as .ci/run does.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${LOYALDESK_BENCH_DATA:-$(dirname "$here")/bench-data}
dir=$root/pg
port=${BENCH_PG_PORT:-55432}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case ${1:-} in
  start)
    if [ ! -d "$dir/data" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
      fresh=1
    fi
    quarter=$(awk '/^MemTotal/ { print int($2 / 4096) "MB" }' /proc/meminfo)
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/log" -o "-p $port -k $dir \
      -c listen_addresses=127.0.0.1 -c shared_buffers=${BENCH_PG_SHARED_BUFFERS:-$quarter}" start
    if [ -n "${fresh:-}" ]; then
      psql -h 127.0.0.1 -p "$port" -U postgres -q \
        -c "CREATE ROLE loyaldesk LOGIN CREATEDB PASSWORD 'loyaldesk'" \
        -c "CREATE DATABASE loyaldesk_bench OWNER loyaldesk"
    fi
    psql -h 127.0.0.1 -p "$port" -U postgres -q -d loyaldesk_bench \
      -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm"
    ;;
  stop) as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop ;;
  status) as_owner "$bin/pg_ctl" -D "$dir/data" status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
