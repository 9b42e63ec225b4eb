#!/usr/bin/env bash
# The scale-out deployment on one machine: PostgreSQL and Redis (each its own process in
# ./signet-cluster, on loopback), three stateless `signet serve` nodes sharing them and one
# --issuer, and nginx in front on one port, with deploy/nginx.conf. Prints the URLs; Ctrl-C stops
# everything.
#
#   bash scripts/cluster.sh            # nginx on 127.0.0.1:8080, nodes on 8081-8083
#   NODES=5 PORT=9080 bash scripts/cluster.sh
#
# SIGNET_BIN=/path/to/signet skips installing and building.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
nodes=${NODES:-3}
port=${PORT:-8080}
if [[ -n "${SIGNET_BIN:-}" ]]; then
    signet_bin=$(realpath "$SIGNET_BIN")
    unset SIGNET_BIN  # signet refuses SIGNET_* variables it does not know
else
    bash scripts/install-deps.sh
    cmake --preset release
    cmake --build --preset release --target signet -j "${JOBS:-2}"
    signet_bin=$root/build/release/src/cli/signet
fi

work=$root/signet-cluster
mkdir -p "$work"
pids=()
stop_all() {
    trap - INT TERM EXIT
    echo
    echo "stopping the nodes, nginx, Redis and PostgreSQL"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash "$root/scripts/engines.sh" stop "$work/engines"
}
trap stop_all INT TERM EXIT

eval "$(bash scripts/engines.sh start "$work/engines")"
issuer=http://127.0.0.1:$port
common=(--database-url "$postgres_url" --redis-url "$redis_url" --issuer "$issuer"
        --trusted-proxies 127.0.0.1/32)

demo_email=demo@example.com
demo_password=demo-password
if ! "$signet_bin" user list "${common[@]:0:4}" 2>/dev/null | grep -q "\"$demo_email\""; then
    printf '%s\n' "$demo_password" |
        "$signet_bin" user add --email "$demo_email" --password-stdin "${common[@]:0:4}" >/dev/null
fi

node_ports=()
for ((i = 1; i <= nodes; i++)); do
    node_port=$((port + i))
    "$signet_bin" serve --listen "127.0.0.1:$node_port" "${common[@]}" \
        2>>"$work/node$i.log" >"$work/node$i.out" &
    pids+=($!)
    node_ports+=("$node_port")
done
for ((i = 1; i <= nodes; i++)); do
    for _ in $(seq 100); do
        grep -q "listening" "$work/node$i.out" 2>/dev/null && break
        sleep 0.1
    done
done

# deploy/nginx.conf with this run's ports.
mkdir -p "$work/nginx"
chmod 0777 "$work/nginx"  # nginx's workers (nobody) keep their temp files there
python3 scripts/nginx-conf.py deploy/nginx.conf "$work/nginx/nginx.conf" "$port" "${node_ports[@]}"
nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" \
    -g "daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;" &
pids+=($!)
sleep 0.5

cat <<TEXT

Signet cluster: $nodes nodes on PostgreSQL and Redis behind nginx
  entry point (nginx):  $issuer           (the issuer of every node)
  nodes:                ${node_ports[*]/#/127.0.0.1:}
  PostgreSQL:           $postgres_url
  Redis:                $redis_url
  demo user:            $demo_email / $demo_password
  logs:                 $work/node*.log, $work/nginx/error.log

Try it (in another terminal):
  curl -s -X POST $issuer/v1/login -H 'Content-Type: application/json' \\
       -d '{"email":"$demo_email","password":"$demo_password"}'
  # the access token is accepted by every node:
  curl -s http://127.0.0.1:$((port + 1))/v1/me -H "Authorization: Bearer \$AT"
  curl -s http://127.0.0.1:$((port + 2))/v1/me -H "Authorization: Bearer \$AT"
  # nginx auth_request: the identity Signet finds, as /v1/auth answers it
  curl -s -i $issuer/v1/auth -H "Authorization: Bearer \$AT"

Ctrl-C stops everything.
TEXT
wait
