#!/usr/bin/env bash
# A short tour of the signet command line: installs dependencies, builds the release binary, then
# generates an ES256 key, signs a token, verifies it, shows a refusal, and decodes the token.
# SIGNET_BIN=/path/to/signet runs the tour with that binary instead of building one.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

if [[ -n "${SIGNET_BIN:-}" ]]; then
    # An already built binary (e.g. from another build directory): skip installing and building.
    signet_bin=$(realpath "$SIGNET_BIN")
else
    bash scripts/install-deps.sh
    cmake --preset release
    cmake --build --preset release --target signet -j "${JOBS:-2}"

    # The binary's location inside the build tree.
    signet_bin=
    for candidate in build/release/signet build/release/src/cli/signet build/release/bin/signet; do
        if [[ -x "$candidate" && -f "$candidate" ]]; then
            signet_bin=$root/$candidate
            break
        fi
    done
    if [[ -z "$signet_bin" ]]; then
        signet_bin=$(find build/release -type f -name signet -perm -u+x -print -quit)
        if [[ -n "$signet_bin" ]]; then signet_bin=$root/$signet_bin; fi
    fi
fi
if [[ -z "$signet_bin" || ! -x "$signet_bin" ]]; then
    echo "demo: the signet binary was not found under build/release" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
signet() { "$signet_bin" "$@"; }

step() {
    echo
    echo "# $1"
}
show() {
    echo "\$ $*"
}

step "Generate an ES256 signing key (a private JWK; kid defaults to its RFC 7638 thumbprint)"
show "signet key generate --alg ES256 > key.json"
signet key generate --alg ES256 >key.json
show "signet key public key.json > public.json"
signet key public key.json >public.json
cat public.json

step "Sign claims; the token expires in 300 seconds"
cat >claims.json <<'JSON'
{"iss":"https://issuer.example","sub":"alice","aud":"https://api.example","scope":"read"}
JSON
show "cat claims.json"
cat claims.json
show "signet token sign --key key.json --expires-in 300 claims.json"
token=$(signet token sign --key key.json --expires-in 300 claims.json)
echo "$token"

step "Verify with the public key, checking issuer and audience (prints the payload)"
show "signet token verify --key public.json --iss https://issuer.example --aud https://api.example \"\$token\""
signet token verify --key public.json --iss https://issuer.example --aud https://api.example "$token"

step "A verifier expecting another audience refuses the token (exit 1, reason on stderr)"
show "signet token verify --key public.json --iss https://issuer.example --aud https://other.example \"\$token\""
rc=0
signet token verify --key public.json --iss https://issuer.example --aud https://other.example \
    "$token" 2>&1 || rc=$?
echo "exit status: $rc"
if ((rc != 1)); then
    echo "demo: expected the token to be refused with exit status 1" >&2
    exit 1
fi

step "Decode without verifying (for inspection only)"
show "signet token decode \"\$token\""
signet token decode "$token" 2>&1
echo
echo "demo finished"
