#!/usr/bin/env bash
# Installs the Debian 12 packages Signet builds, tests and benchmarks with. Idempotent: when every
# package is already installed it does not touch apt at all. Run as root (or with sudo available).
set -euo pipefail

packages=(
    build-essential cmake ninja-build clang clang-format libclang-rt-14-dev
    libssl-dev zlib1g-dev
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libsodium-dev libsqlite3-dev libtomlplusplus-dev libpq-dev libhiredis-dev
    postgresql-15 redis-server nginx
    libgtest-dev libgmock-dev libbenchmark-dev
    python3 curl openssl wrk
    chromium fonts-dejavu-core
    dpkg-dev lintian man-db bash-completion pkg-config adduser
)
# The browser tests (tests/web) run on Node.js and npm; Debian's are used only when the machine
# has no Node.js of its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
