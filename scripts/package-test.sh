#!/usr/bin/env bash
# Builds the Debian packages (CPack, the `package` preset), checks them with lintian, installs them
# on this machine and checks what an operator and a developer get: `signet --version`, the manual
# pages (man -l), the bash completion, the systemd unit (systemd-analyze verify), the service's
# ExecStart run as the signet user answering /healthz and reloading on SIGHUP, a CMake
# find_package consumer and a pkg-config Makefile consumer; then purges both packages and checks
# that nothing is left running or behind. Run as root on Debian 12 (CI does); it changes the
# machine: it installs and purges the packages signet and libsignet-dev.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
JOBS=${JOBS:-2}
build=build/package
work=$(mktemp -d /tmp/signet-package-test.XXXXXX)
chmod 755 "$work"
server_pid=

fail() {
    echo "package-test: FAILED: $*" >&2
    exit 1
}

cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# Stopped by scripts/test.sh's timeout: still kill the server it started.
trap 'exit 1' INT TERM

if ((EUID != 0)); then
    fail "run as root: it installs and purges packages"
fi

step() { echo "-- $*"; }

# A port nothing listens on, for the service's run.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

purge_packages() {
    local installed=()
    for pkg in signet libsignet-dev; do
        if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed\|config-files'; then
            installed+=("$pkg")
        fi
    done
    if ((${#installed[@]} > 0)); then
        DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y "${installed[@]}"
    fi
}

step "build the packages"
cmake --preset package >/dev/null
cmake --build --preset package -j "$JOBS"
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB >/dev/null)
signet_deb=$(ls "$build"/signet_*.deb)
dev_deb=$(ls "$build"/libsignet-dev_*.deb)
ls -l "$signet_deb" "$dev_deb"
dpkg-deb --info "$signet_deb" | sed -n '/Package:/,$p'
dpkg-deb --info "$dev_deb" | grep -E '^ (Package|Depends|Installed-Size):'

step "lintian (errors fail; each remaining warning is explained in docs/deployment.md)"
lintian --fail-on error --display-info "$signet_deb" "$dev_deb"

step "install both packages"
purge_packages
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "./$signet_deb" "./$dev_deb"

step "signet --version"
version=$(signet --version)
echo "$version"
[[ $(sed -n 1p <<<"$version") == "signet $(sed -n 's/^project(signet VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)" ]] ||
    fail "version line"
grep -q '^OpenSSL: OpenSSL 3\.' <<<"$version" || fail "OpenSSL line"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    grep -q "^git revision: $(git rev-parse --short=12 HEAD)" <<<"$version" ||
        fail "git revision line (expected $(git rev-parse --short=12 HEAD))"
fi

step "the signet user, /var/lib/signet, the conffile, the service enabled"
getent passwd signet >/dev/null || fail "no signet user"
[[ -L /etc/systemd/system/multi-user.target.wants/signet.service ]] ||
    fail "signet.service is not enabled"
[[ $(stat -c '%a %U %G' /var/lib/signet) == "700 signet signet" ]] ||
    fail "/var/lib/signet is $(stat -c '%a %U %G' /var/lib/signet)"
dpkg-query -W -f='${Conffiles}\n' signet | grep -q '^ /etc/signet/signet.toml ' ||
    fail "/etc/signet/signet.toml is no conffile"
[[ $(stat -c '%a %U %G' /etc/signet/signet.toml) == "640 root signet" ]] ||
    fail "/etc/signet/signet.toml is $(stat -c '%a %U %G' /etc/signet/signet.toml)"

step "manual pages (man -l)"
for page in man1/signet.1 man1/signet-key.1 man1/signet-token.1 man1/signet-user.1 \
    man1/signet-client.1 man1/signet-serve.1 man5/signet.toml.5; do
    file=/usr/share/man/$page.gz
    [[ -f $file ]] || fail "no $file"
    warnings=$(MANWIDTH=80 man --warnings -l "$file" 2>&1 >"$work/page.txt") || fail "man -l $file"
    [[ -z $warnings ]] || fail "troff warnings in $file: $warnings"
    lines=$(wc -l <"$work/page.txt")
    ((lines > 20)) || fail "$file renders $lines lines"
    echo "   $page: $lines lines"
done
grep -q 'key_reload_interval' <(man -l /usr/share/man/man5/signet.toml.5.gz) || fail "signet.toml(5)"

step "bash completion"
bash -c 'source /usr/share/bash-completion/completions/signet && complete -p signet' |
    grep -q -- '-F _signet signet' || fail "complete -p signet"
words=$(bash -c 'source /usr/share/bash-completion/completions/signet &&
    COMP_WORDS=(signet key ""); COMP_CWORD=2; _signet; echo "${COMPREPLY[*]}"')
[[ $words == *generate* && $words == *rotate* ]] || fail "completion of 'signet key': $words"

step "systemd unit"
unit=/lib/systemd/system/signet.service
[[ -f $unit ]] || fail "no $unit"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$unit" || fail "systemd-analyze verify"
    systemd-analyze security --offline=true "$unit" 2>/dev/null | tail -1 || true
else
    echo "   systemd-analyze is not installed: not verified"
fi

step "the unit's ExecStart as the signet user"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[[ -n $exec_start ]] || fail "no ExecStart"
port=$(free_port)
read -r -a command <<<"$exec_start"
# The installed configuration as it is, on a free loopback port. stdout and stderr to files the
# signet user may write, as the journal would take them.
touch "$work/out.log" "$work/err.log"
chown signet:signet "$work/out.log" "$work/err.log"
if [[ -d /run/systemd/system ]]; then
    echo "   (systemd is running here; the package started signet.service)"
    systemctl is-active signet.service || fail "signet.service is not active"
fi
setpriv --reuid signet --regid signet --init-groups --no-new-privs -- \
    "${command[@]}" --listen "127.0.0.1:$port" >"$work/out.log" 2>"$work/err.log" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q 'listening on' "$work/out.log" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
grep -q "signet: listening on http://127.0.0.1:$port" "$work/out.log" ||
    fail "the service did not start: $(cat "$work/err.log")"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[[ $status == 200 ]] || fail "/healthz answered $status"
echo "   /healthz: $status"
[[ -f /var/lib/signet/signet.db ]] || fail "no database in /var/lib/signet"
[[ $(stat -c '%U' /var/lib/signet/signet.db) == signet ]] || fail "signet.db not owned by signet"
# `systemctl reload` sends SIGHUP: the keys are re-read, the process stays.
kill -HUP "$server_pid"
for _ in $(seq 1 50); do
    grep -q '"msg":"reloaded"' "$work/err.log" && break
    sleep 0.1
done
grep -q '"msg":"reloaded","ok":true' "$work/err.log" || fail "no reload on SIGHUP"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[[ $status == 200 ]] || fail "/healthz after SIGHUP answered $status"
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[[ $rc == 0 ]] || fail "SIGTERM: exit status $rc"
echo "   SIGHUP reloaded, SIGTERM drained and exited 0"

step "a CMake consumer (find_package(signet)) against the installed package"
cmake -S tests/install/consumer -B "$work/cmake-consumer" -G Ninja \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >/dev/null
grep -q '^signet_DIR:PATH=/usr/lib/.*cmake/signet$' "$work/cmake-consumer/CMakeCache.txt" ||
    fail "find_package found $(grep '^signet_DIR' "$work/cmake-consumer/CMakeCache.txt")"
cmake --build "$work/cmake-consumer" >/dev/null
"$work/cmake-consumer/signet_consumer"

step "a Makefile consumer (pkg-config) against the installed package"
echo "   pkg-config --cflags --libs signet: $(pkg-config --cflags --libs signet)"
echo "   pkg-config --cflags --libs signet-jwks-client: $(pkg-config --cflags --libs signet-jwks-client)"
make -s -f tests/package/Makefile OUT="$work"
"$work/signet_consumer"
rc=0
out=$(timeout 60 "$work/resource_server" --issuer http://127.0.0.1:1 --allow-http 2>&1) || rc=$?
[[ $rc == 1 && $out == *fetch_failed* ]] ||
    fail "resource_server (pkg-config build): exit $rc: $out"
echo "   resource_server: exit 1, fetch_failed as expected"

step "remove, then purge"
DEBIAN_FRONTEND=noninteractive apt-get remove -y signet libsignet-dev
# Removed: the data and the edited configuration stay for a reinstall.
[[ -d /var/lib/signet && -f /var/lib/signet/signet.db ]] || fail "remove deleted /var/lib/signet"
[[ -f /etc/signet/signet.toml ]] || fail "remove deleted the conffile"
[[ ! -e /usr/bin/signet ]] || fail "remove left /usr/bin/signet"
# libsignet-dev has no conffiles: removing it removed all of it.
DEBIAN_FRONTEND=noninteractive apt-get purge -y signet
if pgrep -u signet >/dev/null 2>&1; then
    fail "processes of the signet user are still running: $(pgrep -a -u signet)"
fi
for path in /usr/bin/signet /var/lib/signet /etc/signet /lib/systemd/system/signet.service \
    /usr/include/signet /usr/lib/x86_64-linux-gnu/pkgconfig/signet.pc \
    /usr/share/bash-completion/completions/signet /usr/share/man/man1/signet.1.gz \
    /etc/systemd/system/multi-user.target.wants/signet.service \
    /etc/systemd/system/signet.service; do
    [[ ! -e $path ]] || fail "$path is left after purge"
done
if dpkg-query -W signet libsignet-dev >/dev/null 2>&1; then
    fail "dpkg still knows the packages"
fi
echo "package-test: ok"
