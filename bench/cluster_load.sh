#!/usr/bin/env bash
# Load test of the scale-out deployment with wrk, all through nginx (deploy/nginx.conf): signet
# nodes on one PostgreSQL and one Redis, first behind an nginx with 1 node, then behind one with 3
# nodes, in the same run. For each: GET /healthz, GET /v1/me with a JWT, GET /v1/me with a session
# (a Redis round trip per request) and POST /v1/login (Argon2id). Then Redis is stopped and the
# two /v1/me runs repeat: only the JWT keeps serving. Prints requests/s, p99 and non-2xx answers,
# and the ratio JWT : session : healthz.
#
#   bash bench/cluster_load.sh [--binary PATH] [--duration SECONDS] [--connections N] [--threads N]
#   (also: bash bench/load.sh --cluster ...)
#
# Every process shares this machine's cores with wrk; the figures compare routes under equal
# conditions, they are not a capacity plan.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
binary=build/release/src/cli/signet
duration=10
connections=32
threads=2
while (($#)); do
    case $1 in
        --binary) binary=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        -h | --help) sed -n 2,14p "$0"; exit 0 ;;
        *) echo "cluster_load.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in wrk curl python3 nginx redis-server; do
    command -v "$tool" >/dev/null || { echo "cluster_load.sh: $tool is not installed (bash scripts/install-deps.sh)" >&2; exit 1; }
done
[[ -x $binary ]] || { echo "cluster_load.sh: no signet binary at $binary (cmake --preset release && cmake --build --preset release --target signet)" >&2; exit 1; }
binary=$(realpath "$binary")

work=$(mktemp -d)
chmod 0755 "$work"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash "$root/scripts/engines.sh" stop "$work/engines"
    rm -rf "$work"
}
trap cleanup EXIT

eval "$(bash scripts/engines.sh start "$work/engines")"
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
edge1=$(free_port)
edge3=$(free_port)
issuer=http://127.0.0.1:$edge3

node_ports=()
for i in 1 2 3; do
    env SIGNET_LOG_REQUESTS=false "$binary" serve --listen 127.0.0.1:0 --database-url "$postgres_url" \
        --redis-url "$redis_url" --issuer "$issuer" --trusted-proxies 127.0.0.1/32 \
        >"$work/node$i.out" 2>"$work/node$i.err" &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/node$i.out" 2>/dev/null && break
        sleep 0.1
    done
    port=$(sed -n 's/^signet: listening on http:\/\/127.0.0.1://p' "$work/node$i.out")
    [[ -n $port ]] || { echo "cluster_load.sh: node $i did not start:" >&2; cat "$work/node$i.err" >&2; exit 1; }
    node_ports+=("$port")
done

start_nginx() {  # name, port, node ports...
    local name=$1 port=$2
    shift 2
    mkdir -p "$work/$name"
    chmod 0777 "$work/$name"
    python3 scripts/nginx-conf.py deploy/nginx.conf "$work/$name/nginx.conf" "$port" "$@"
    nginx -p "$work/$name/" -c "$work/$name/nginx.conf" \
        -g "daemon off; pid $work/$name/nginx.pid; error_log $work/$name/error.log warn;" &
    pids+=($!)
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "cluster_load.sh: nginx $name did not start" >&2
    exit 1
}
start_nginx one "$edge1" "${node_ports[0]}"
start_nginx three "$edge3" "${node_ports[@]}"

url=http://127.0.0.1:$edge3
email=load@example.com
password=load-test-password
curl -sf -X POST "$url/v1/users" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" >/dev/null
token=$(curl -sf -X POST "$url/v1/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
sid=$(curl -sf -D - -o /dev/null -X POST "$url/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" |
    sed -n 's/^[Ss]et-[Cc]ookie: signet_sid=\([^;]*\).*/\1/p' | tr -d '\r')
cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"$email","password":"$password"}'
LUA

run() {  # name, then wrk's extra arguments
    local name=$1
    shift
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" >"$work/$name.txt"
}
echo "wrk -t$threads -c$connections -d${duration}s through nginx; nodes ${node_ports[*]}"
for topology in one three; do
    port=$edge1
    [[ $topology == three ]] && port=$edge3
    base=http://127.0.0.1:$port
    run "$topology-healthz" "$base/healthz"
    run "$topology-jwt" -H "Authorization: Bearer $token" "$base/v1/me"
    run "$topology-session" -H "Cookie: signet_sid=$sid" "$base/v1/me"
    run "$topology-login" -s "$work/login.lua" "$base/v1/login"
done
redis-cli -u "$redis_url" shutdown nosave >/dev/null 2>&1 || true
sleep 0.5
run down-jwt -H "Authorization: Bearer $token" "$url/v1/me"
run down-session -H "Cookie: signet_sid=$sid" "$url/v1/me"

python3 - "$work" <<'PY'
import pathlib, sys
sys.path.insert(0, "bench")
import wrk_result
work = pathlib.Path(sys.argv[1])

def parse(name):
    r = wrk_result.read(work / f"{name}.txt")
    return r.rps, r.p99_ms, r.requests, r.non2xx

print(f"{'nodes':<7}{'route':<34}{'2xx/s':>12}{'p99 ms':>10}{'requests':>10}{'non-2xx':>9}")
results = {}
for topology, label in (("one", "1"), ("three", "3")):
    for key, route in (("healthz", "GET /healthz"), ("jwt", "GET /v1/me (JWT)"),
                       ("session", "GET /v1/me (session)"), ("login", "POST /v1/login")):
        results[topology, key] = parse(f"{topology}-{key}")
        rps, p99, total, bad = results[topology, key]
        print(f"{label:<7}{route:<34}{rps:>12.0f}{p99:>10.2f}{total:>10}{bad:>9}")
for key, route in (("jwt", "GET /v1/me (JWT)"), ("session", "GET /v1/me (session)")):
    rps, p99, total, bad = parse(f"down-{key}")
    # Answers per second that were 200s: with Redis down the session ones are all 503.
    served = rps * (total - bad) / total if total else 0.0
    print(f"{'3':<7}{route + ', Redis down':<34}{served:>12.0f}{p99:>10.2f}{total:>10}{bad:>9}")
for topology, label in (("one", "1 node"), ("three", "3 nodes")):
    h = results[topology, "healthz"][0]
    j = results[topology, "jwt"][0]
    s = results[topology, "session"][0]
    print(f"{label}: JWT : session : healthz = {j / h:.2f} : {s / h:.2f} : 1.00")
for topology in ("one", "three"):
    for key in ("healthz", "jwt", "session", "login"):
        if results[topology, key][3]:
            sys.exit(f"cluster_load.sh: {topology}/{key} had non-2xx answers")
PY
