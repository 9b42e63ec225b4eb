#!/usr/bin/env bash
# Starts a PostgreSQL and a Redis, each as its own process in DIR on a free loopback port (never a
# system service, never docker), and prints their URLs as shell assignments:
#   eval "$(bash scripts/engines.sh start DIR [--for-tests])"   # sets postgres_url, redis_url
#   bash scripts/engines.sh stop DIR
# PostgreSQL's superuser is "signet" (trust authentication on loopback). --for-tests turns off
# fsync: the test suite creates and drops many databases and does not measure durability.
set -euo pipefail

cmd=${1:?usage: engines.sh start|stop DIR [--for-tests]}
dir=${2:?usage: engines.sh start|stop DIR [--for-tests]}
pg_options="-c max_connections=400"
if [[ "${3:-}" == "--for-tests" ]]; then
    pg_options="$pg_options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n "$pg_bin" ]] || { echo "engines: PostgreSQL is not installed (bash scripts/install-deps.sh)" >&2; exit 1; }

# PostgreSQL refuses to run as root: its processes run as the postgres user the package created.
as_pg() {
    if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    chmod 0755 "$dir"
    pg_port=$(free_port)
    redis_port=$(free_port)
    mkdir -p "$dir/pg"
    ((EUID == 0)) && chown postgres: "$dir/pg"
    # A second start on the same DIR keeps its data.
    if [[ ! -f "$dir/pg/data/PG_VERSION" ]]; then
        as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U signet --auth=trust --no-sync >"$dir/pg-initdb.log" 2>&1
    fi
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 30 start \
        -o "-h 127.0.0.1 -p $pg_port -k $dir/pg $pg_options" \
        >"$dir/pg-start.log" 2>&1 || { cat "$dir/pg/server.log" >&2; exit 1; }
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 100); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "postgres_url=postgresql://signet@127.0.0.1:$pg_port/postgres"
    echo "redis_url=redis://127.0.0.1:$redis_port"
    ;;
stop)
    [[ -d "$dir" ]] || exit 0
    dir=$(cd "$dir" && pwd)
    if [[ -f "$dir/pg/data/postmaster.pid" ]]; then
        as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [[ -f "$dir/redis.pid" ]]; then
        kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    fi
    ;;
*)
    echo "usage: engines.sh start|stop DIR [--for-tests]" >&2
    exit 2
    ;;
esac
