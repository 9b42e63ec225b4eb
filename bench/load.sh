#!/usr/bin/env bash
# Load test of `signet serve` on loopback with wrk: GET /healthz (the floor: routing, HTTP and
# nothing else), GET /v1/me with a JWT (signature and claims checked on every request), and GET
# /v1/me with a session cookie (a session-store lookup), all in the same run against the same
# server. Prints requests/s and p99 latency for each, and the JWT-vs-healthz ratio. A repeated token
# is served from the verified-token cache; a fourth run against a second node on the same data dir
# with the cache off (token_cache_size = 0) measures a signature verification on every request.
#
#   bash bench/load.sh [--binary PATH] [--duration SECONDS] [--connections N] [--threads N]
#                      [--alg ALG]
#   bash bench/load.sh --cluster [...]   the scale-out deployment behind nginx
#
# Each endpoint runs for a fixed, short time (10 s by default). The server runs with request logging
# off, as under load in production; logging costs the same on every route.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# --cluster: nodes on PostgreSQL and Redis behind nginx (bench/cluster_load.sh).
if [[ "${1:-}" == "--cluster" ]]; then
    shift
    exec bash bench/cluster_load.sh "$@"
fi
binary=build/release/src/cli/signet
duration=10
connections=32
threads=2
alg=ES256
while (($#)); do
    case $1 in
        --binary) binary=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --alg) alg=$2; shift 2 ;;
        -h | --help) sed -n 2,12p "$0"; exit 0 ;;
        *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "load.sh: $tool is not installed" >&2; exit 1; }
done
[[ -x $binary ]] || { echo "load.sh: no signet binary at $binary (cmake --preset release && cmake --build --preset release --target signet)" >&2; exit 1; }

work=$(mktemp -d)
server_pids=()
cleanup() {
    local pid
    for pid in "${server_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME [VAR=VALUE...]: a node on a free port (the kernel picks it at bind time and the
# server prints it); sets $url.
start_server() {
    local name=$1
    shift
    env SIGNET_LOG_REQUESTS=false "$@" "$binary" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
        --signing-alg "$alg" >"$work/$name.stdout" 2>"$work/$name.stderr" &
    server_pids+=($!)
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/$name.stdout" 2>/dev/null && break
        sleep 0.1
    done
    url=$(sed -n 's/^signet: listening on //p' "$work/$name.stdout")
    [[ -n $url ]] || { echo "load.sh: the server did not start:" >&2; cat "$work/$name.stderr" >&2; exit 1; }
}
start_server cold SIGNET_TOKEN_CACHE_SIZE=0
cold_url=$url
start_server main

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
curl -sf "$url/v1/me" -H "Authorization: Bearer $token" >/dev/null
curl -sf "$url/v1/me" -H "Cookie: signet_sid=$sid" >/dev/null

run() {  # name, then wrk's extra arguments
    local name=$1
    shift
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" >"$work/$name.txt"
}
echo "wrk -t$threads -c$connections -d${duration}s against $url ($alg)"
run healthz "$url/healthz"
run me_jwt -H "Authorization: Bearer $token" "$url/v1/me"
run me_session -H "Cookie: signet_sid=$sid" "$url/v1/me"
run me_jwt_cold -H "Authorization: Bearer $token" "$cold_url/v1/me"

python3 - "$work" <<'PY'
import pathlib, sys
sys.path.insert(0, "bench")
import wrk_result
work = pathlib.Path(sys.argv[1])

def parse(name):
    r = wrk_result.read(work / f"{name}.txt")
    return r.rps, r.p99_ms, r.non2xx, r.socket_errors

rows = [("GET /healthz", "healthz"), ("GET /v1/me (JWT)", "me_jwt"),
        ("GET /v1/me (session)", "me_session"), ("GET /v1/me (JWT, no cache)", "me_jwt_cold")]
results = {key: parse(key) for _, key in rows}
print(f"{'endpoint':<28}{'requests/s':>12}{'p99 ms':>10}{'non-2xx':>9}")
for label, key in rows:
    rps, p99, bad, errors = results[key]
    print(f"{label:<28}{rps:>12.0f}{p99:>10.2f}{bad:>9}  {errors}")
ratio = results["me_jwt"][0] / results["healthz"][0]
print(f"JWT /v1/me vs /healthz: {ratio:.2f} (target >= 0.70)")
print(f"session /v1/me vs /healthz: {results['me_session'][0] / results['healthz'][0]:.2f}")
print(f"JWT /v1/me without the cache vs /healthz: {results['me_jwt_cold'][0] / results['healthz'][0]:.2f}")
if any(results[key][2] for _, key in rows):
    sys.exit("load.sh: some responses were not 2xx")
PY
