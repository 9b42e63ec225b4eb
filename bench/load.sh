#!/usr/bin/env bash
# Load test of `signet serve` on loopback with wrk: GET /healthz (the floor: routing, HTTP and
# nothing else), GET /v1/me with a JWT (signature and claims checked on every request), and GET
# /v1/me with a session cookie (a session-store lookup), all in the same run against the same
# server. A repeated token is served from the verified-token cache; a fourth run against a second
# node on the same data dir with the cache off (token_cache_size = 0) measures a signature
# verification on every request. In the same run, the same wrk goes against an nginx (one worker)
# answering `return 200 '{"status":"ok"}'`, the reference for /healthz. With --login, POST
# /v1/login (Argon2id at the configured cost) runs too.
#
# Prints requests/s, p99 latency and the server's own CPU time per request (utime + stime of its
# process over the run, from /proc, divided by the requests) for each route, and the ratios
# healthz/nginx and JWT/healthz. --json FILE writes the figures as a list of {"route",
# "requests_per_s", "p99_ms", "cpu_us_per_request"} (routes healthz, jwt, session, jwt_nocache,
# nginx, login).
#
#   bash bench/load.sh [--binary PATH] [--duration SECONDS] [--connections N] [--threads N]
#                      [--alg ALG] [--login] [--login-duration SECONDS] [--only ROUTE,...]
#                      [--json FILE]
#   bash bench/load.sh --cluster [...]   the scale-out deployment behind nginx
#
# Each route runs for a fixed, short time (10 s by default; wrk -t1 -c32). The server runs with
# request logging off, as under load in production; logging costs the same on every route.
set -euo pipefail

start_dir=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# --cluster: nodes on PostgreSQL and Redis behind nginx (bench/cluster_load.sh).
if [[ "${1:-}" == "--cluster" ]]; then
    shift
    exec bash bench/cluster_load.sh "$@"
fi
binary=build/release/src/cli/signet
duration=10
login_duration=
connections=32
threads=1
alg=ES256
login=false
only=healthz,jwt,session,jwt_nocache,nginx
json=
while (($#)); do
    case $1 in
        --binary) binary=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --login-duration) login_duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --alg) alg=$2; shift 2 ;;
        --login) login=true; shift ;;
        --only) only=$2; shift 2 ;;
        --json) json=$2; shift 2 ;;
        -h | --help) sed -n 2,23p "$0"; exit 0 ;;
        *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ $login == true ]] && only+=,login
[[ -z $json || $json == /* ]] || json=$start_dir/$json
login_duration=${login_duration:-$duration}
wanted() { [[ ",$only," == *",$1,"* ]]; }
for tool in wrk curl python3 nginx; do
    command -v "$tool" >/dev/null || { echo "load.sh: $tool is not installed" >&2; exit 1; }
done
[[ -x $binary ]] || { echo "load.sh: no signet binary at $binary (cmake --preset release && cmake --build --preset release --target signet)" >&2; exit 1; }

work=$(mktemp -d)
chmod 0755 "$work"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME [VAR=VALUE...]: a node on a free port (the kernel picks it at bind time and the
# server prints it); sets $url and $server_pid. The login limits are lifted so that --login
# measures Argon2id, not the throttle.
start_server() {
    local name=$1
    shift
    env SIGNET_LOG_REQUESTS=false SIGNET_LOGIN_LIMIT_PER_EMAIL=1000000 \
        SIGNET_LOGIN_LIMIT_PER_ADDRESS=1000000000 "$@" "$binary" serve --listen 127.0.0.1:0 \
        --data-dir "$work/data" --signing-alg "$alg" >"$work/$name.stdout" 2>"$work/$name.stderr" &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/$name.stdout" 2>/dev/null && break
        sleep 0.1
    done
    url=$(sed -n 's/^signet: listening on //p' "$work/$name.stdout")
    [[ -n $url ]] || { echo "load.sh: the server did not start:" >&2; cat "$work/$name.stderr" >&2; exit 1; }
}

# nginx with one worker answering /healthz from its configuration: what an HTTP/1.1 server that
# does nothing else costs on this machine, measured in the same run as signet.
start_nginx() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    mkdir -p "$work/nginx"
    chmod 0777 "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port;
        location = /healthz {
            default_type application/json;
            return 200 '{"status":"ok"}';
        }
    }
}
CONF
    nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" \
        -g "daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;" &
    nginx_pid=$!
    pids+=("$nginx_pid")
    nginx_url=http://127.0.0.1:$port
    for _ in $(seq 100); do
        curl -sf "$nginx_url/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "load.sh: nginx did not start:" >&2
    cat "$work/nginx/error.log" >&2
    exit 1
}

start_server cold SIGNET_TOKEN_CACHE_SIZE=0
cold_url=$url
cold_pid=$server_pid
start_server main
main_pid=$server_pid
start_nginx

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
cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"$email","password":"$password"}'
LUA

# CPU time (utime + stime, in clock ticks) of a process and its children that have not exited:
# nginx's worker is a child of its master.
cpu_ticks() {
    local total=0 pid fields
    for pid in "$@" $(ps -o pid= --ppid "$1" 2>/dev/null); do
        [[ -r /proc/$pid/stat ]] || continue
        fields=$(sed 's/^.*) //' "/proc/$pid/stat")
        read -r -a f <<<"$fields"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

run() {  # name, pid of the server, seconds, then wrk's extra arguments
    local name=$1 pid=$2 seconds=$3 before after
    shift 3
    wanted "$name" || return 0
    before=$(cpu_ticks "$pid")
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@" >"$work/$name.txt"
    after=$(cpu_ticks "$pid")
    echo $((after - before)) >"$work/$name.ticks"
}
echo "wrk -t$threads -c$connections -d${duration}s against $url ($alg) and nginx at $nginx_url; load: $(cut -d' ' -f1-3 /proc/loadavg)"
run healthz "$main_pid" "$duration" "$url/healthz"
run nginx "$nginx_pid" "$duration" "$nginx_url/healthz"
run jwt "$main_pid" "$duration" -H "Authorization: Bearer $token" "$url/v1/me"
run session "$main_pid" "$duration" -H "Cookie: signet_sid=$sid" "$url/v1/me"
run jwt_nocache "$cold_pid" "$duration" -H "Authorization: Bearer $token" "$cold_url/v1/me"
run login "$main_pid" "$login_duration" -s "$work/login.lua" "$url/v1/login"

python3 - "$work" "$(getconf CLK_TCK)" "$json" <<'PY'
import json, pathlib, sys
sys.path.insert(0, "bench")
import wrk_result
work, ticks_per_s, json_path = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

rows = [("healthz", "GET /healthz"), ("jwt", "GET /v1/me (JWT)"),
        ("session", "GET /v1/me (session)"), ("jwt_nocache", "GET /v1/me (JWT, no cache)"),
        ("nginx", "nginx GET /healthz"), ("login", "POST /v1/login")]
results = {}
for key, label in rows:
    if not (work / f"{key}.txt").exists():
        continue
    r = wrk_result.read(work / f"{key}.txt")
    ticks = int((work / f"{key}.ticks").read_text())
    cpu_us = ticks / ticks_per_s * 1e6 / r.requests if r.requests else 0.0
    results[key] = (label, r, cpu_us)
print(f"{'route':<28}{'requests/s':>12}{'p99 ms':>10}{'CPU us/req':>12}{'non-2xx':>9}")
for key, (label, r, cpu_us) in results.items():
    print(f"{label:<28}{r.rps:>12.1f}{r.p99_ms:>10.2f}{cpu_us:>12.1f}{r.non2xx:>9}  {r.socket_errors}")

def ratio(a, b, text):
    if a in results and b in results:
        print(f"{text}: {results[a][1].rps / results[b][1].rps:.2f}")
ratio("healthz", "nginx", "/healthz vs nginx (target >= 0.60)")
ratio("jwt", "healthz", "JWT /v1/me vs /healthz (target >= 0.90)")
ratio("session", "healthz", "session /v1/me vs /healthz")
ratio("jwt_nocache", "healthz", "JWT /v1/me without the cache vs /healthz")
if json_path:
    out = [{"route": key, "requests_per_s": round(r.rps, 1), "p99_ms": r.p99_ms,
            "cpu_us_per_request": round(cpu_us, 2)} for key, (_, r, cpu_us) in results.items()]
    pathlib.Path(json_path).write_text(json.dumps(out, indent=2) + "\n")
if any(r.non2xx for _, r, _ in results.values()):
    sys.exit("load.sh: some responses were not 2xx")
PY
