#!/usr/bin/env bash
# Installs the dependencies, builds the release binary, and starts `signet serve` on the embedded
# default (SQLite in ./signet-data, in-memory sessions) with a demo user, printing the URLs and a
# curl walk-through. Ctrl-C (SIGINT) or SIGTERM stops the server after in-flight requests finish.
#
#   bash scripts/serve.sh [any `signet serve` flag, e.g. --listen 127.0.0.1:9000]
#
# SIGNET_BIN=/path/to/signet skips installing and building.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
if [[ -n "${SIGNET_BIN:-}" ]]; then
    signet_bin=$(realpath "$SIGNET_BIN")
else
    bash scripts/install-deps.sh
    cmake --preset release
    cmake --build --preset release --target signet -j "${JOBS:-2}"
    signet_bin=$root/build/release/src/cli/signet
fi

data_dir=${SIGNET_DATA_DIR:-$root/signet-data}
listen=127.0.0.1:8080
args=("$@")
given_listen=0
given_data_dir=0
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[$i]} in
        --listen) listen=${args[$((i + 1))]}; given_listen=1 ;;
        --listen=*) listen=${args[$i]#--listen=}; given_listen=1 ;;
        --data-dir) data_dir=${args[$((i + 1))]}; given_data_dir=1 ;;
        --data-dir=*) data_dir=${args[$i]#--data-dir=}; given_data_dir=1 ;;
    esac
done
((given_listen)) || args+=(--listen "$listen")
((given_data_dir)) || args+=(--data-dir "$data_dir")
url=http://$listen

demo_email=demo@example.com
demo_password=demo-password
if ! "$signet_bin" user list --data-dir "$data_dir" 2>/dev/null | grep -q "\"$demo_email\""; then
    printf '%s\n' "$demo_password" |
        "$signet_bin" user add --email "$demo_email" --password-stdin --data-dir "$data_dir" >/dev/null
fi

cat <<TEXT
Signet is starting on $url (data dir: $data_dir)

  Open $url/ in a browser: JWT and session login side by side, and a token inspector.

  demo user:     $demo_email / $demo_password
  JWKS:          $url/.well-known/jwks.json
  discovery:     $url/.well-known/openid-configuration
  health:        $url/healthz      metrics: $url/metrics

Walk-through (in another terminal; needs curl and python3):

  # register a user (201), then log in: an access token (JWT) and a refresh token
  curl -s -w '\\n' -X POST $url/v1/users -H 'Content-Type: application/json' \\
       -d '{"email":"alice@example.com","password":"correct horse battery"}'
  curl -s -w '\\n' -X POST $url/v1/login -H 'Content-Type: application/json' \\
       -d '{"email":"alice@example.com","password":"correct horse battery"}' | tee /tmp/pair.json
  AT=\$(python3 -c 'import json;print(json.load(open("/tmp/pair.json"))["access_token"])')
  RT=\$(python3 -c 'import json;print(json.load(open("/tmp/pair.json"))["refresh_token"])')

  # the protected resource, with the JWT: no server-side state is consulted
  curl -s -w '\\n' $url/v1/me -H "Authorization: Bearer \$AT"

  # refresh: a new pair; the old refresh token stops working (reusing it revokes the family)
  curl -s -w '\\n' -X POST $url/v1/token/refresh -H 'Content-Type: application/json' \\
       -d "{\"refresh_token\":\"\$RT\"}" | tee /tmp/pair.json
  AT=\$(python3 -c 'import json;print(json.load(open("/tmp/pair.json"))["access_token"])')
  RT=\$(python3 -c 'import json;print(json.load(open("/tmp/pair.json"))["refresh_token"])')

  # log out: the refresh family is revoked and the access token refused until it expires
  curl -s -o /dev/null -w '%{http_code}\n' -X POST $url/v1/logout -H "Authorization: Bearer \$AT" \\
       -H 'Content-Type: application/json' -d "{\"refresh_token\":\"\$RT\"}"
  curl -s -w '\\n' $url/v1/me -H "Authorization: Bearer \$AT"

  # the same with a server-side session: a cookie jar instead of a token
  curl -s -w '\\n' -c /tmp/jar -X POST $url/v1/sessions -H 'Content-Type: application/json' \\
       -d '{"email":"$demo_email","password":"$demo_password"}'
  curl -s -w '\\n' -b /tmp/jar $url/v1/me
  CSRF=\$(awk '\$6~/signet_csrf\$/{print \$7}' /tmp/jar)
  curl -s -o /dev/null -w '%{http_code}\n' -b /tmp/jar -X DELETE $url/v1/sessions/current \\
       -H "X-CSRF-Token: \$CSRF"
  curl -s -w '\\n' -b /tmp/jar $url/v1/me

TEXT
# SIGNET_* variables are settings to the server, which refuses unknown ones: this one is ours.
unset SIGNET_BIN
exec "$signet_bin" serve "${args[@]}"
