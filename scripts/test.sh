#!/usr/bin/env bash
# The full check, as CI runs it: install dependencies, check formatting, then build with g++ and
# with clang++ (warnings as errors) and run every test with each, and build, install and check the
# Debian packages. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JOBS=${JOBS:-2}
phase_names=()
phase_times=()

print_times() {
    local i
    echo
    echo "== phase times"
    for i in "${!phase_names[@]}"; do
        printf '   %-28s %5ss\n' "${phase_names[$i]}" "${phase_times[$i]}"
    done
}

# phase NAME COMMAND...: runs one step, records how long it took, stops everything on failure.
# Bash ignores `set -e` inside a command tested with ||, so the step functions below chain their
# commands with && to stop at the first failure.
phase() {
    local name=$1
    shift
    echo
    echo "== $name"
    local start=$SECONDS rc=0
    "$@" || rc=$?
    phase_names+=("$name")
    phase_times+=("$((SECONDS - start))")
    if ((rc != 0)); then
        print_times
        echo "FAILED: $name (exit $rc)" >&2
        exit "$rc"
    fi
}

check_format() {
    local files=()
    local dirs=(include src tests bench fuzz examples)
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t files < <(git ls-files -- "${dirs[@]}" |
            grep -E '\.(cpp|hpp|cc|hh|cxx|hxx|h|ipp)$' || true)
    else
        mapfile -t files < <(find "${dirs[@]}" -type f \
            \( -name '*.cpp' -o -name '*.hpp' -o -name '*.cc' -o -name '*.hh' -o -name '*.cxx' \
            -o -name '*.hxx' -o -name '*.h' -o -name '*.ipp' \) 2>/dev/null | sort)
    fi
    echo "clang-format: checking ${#files[@]} files"
    ((${#files[@]} == 0)) || clang-format --dry-run --Werror "${files[@]}"
}

build_and_test() {
    local preset=$1
    cmake --preset "$preset" &&
        cmake --build --preset "$preset" -j "$JOBS" &&
        ctest --preset "$preset" -j "$JOBS"
}

# Under ThreadSanitizer: the library's tests (a Verifier shared by many threads, and the per-thread
# context caches behind it), then the server's stores, auth services and HTTP layer (a listener
# with I/O and worker threads, sharded in-memory stores, SQLite shared between connections), and
# the store contract suites (the PostgreSQL and Redis connection pools under many threads), and
# the remote JWKS source (verifying threads, its refresher and unknown-kid refreshes at once).
tsan_tests() {
    local targets=(jose_tests jwks_client_tests store_tests auth_tests http_tests
        store_contract_tests) t
    cmake --preset tsan &&
        cmake --build --preset tsan --target "${targets[@]}" -j "$JOBS" || return 1
    for t in build/tsan/tests/jose/jose_tests build/tsan/tests/jwks_client/jwks_client_tests \
        build/tsan/tests/server/store_tests \
        build/tsan/tests/server/auth_tests build/tsan/tests/server/http_tests \
        build/tsan/tests/server/store_contract_tests; do
        echo "-- $t"
        TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$t" --gtest_brief=1 || return 1
    done
}

phase "install dependencies" bash scripts/install-deps.sh
phase "check formatting" check_format
# One PostgreSQL and one Redis for the whole run (tests that stop or kill an engine start their
# own); each test gets its own database or key prefix on them.
engines_dir=$(mktemp -d "${TMPDIR:-/tmp}/signet-test-engines-XXXXXX")
trap 'bash scripts/engines.sh stop "$engines_dir"; rm -rf "$engines_dir"' EXIT
# Not SIGNET_*: signet refuses settings it does not know, and the CLI tests pass the environment on.
start_engines() {
    local exports postgres_url redis_url
    exports=$(bash scripts/engines.sh start "$engines_dir" --for-tests) && eval "$exports" &&
        export TEST_POSTGRES_URL=$postgres_url TEST_REDIS_URL=$redis_url &&
        echo "PostgreSQL and Redis for the tests: $TEST_POSTGRES_URL $TEST_REDIS_URL"
}
phase "start PostgreSQL and Redis" start_engines
phase "g++ build and test" build_and_test dev
# The web page in Debian's chromium, driven by Playwright, against the g++ build's signet serve;
# screenshots of each main state land in build/web-screenshots.
browser_tests() {
    (cd tests/web && npm ci --no-audit --no-fund &&
        SIGNET_BIN=build/dev/src/cli/signet SCREENSHOT_DIR=build/web-screenshots npm test)
}
phase "browser tests" browser_tests
# A stock OpenID Connect relying party (npm openid-client, default validation) logs in through the
# g++ build's signet serve over HTTPS.
relying_party_tests() {
    (cd tests/oidc && npm ci --no-audit --no-fund && SIGNET_BIN=build/dev/src/cli/signet npm test)
}
phase "OpenID Connect relying party" relying_party_tests
# The Debian packages: build (Release), lintian, install on this machine, check the service, the
# manual pages, the completion and both kinds of library consumer, purge. Bounded in time.
phase "Debian packages" timeout "${PACKAGE_TEST_TIMEOUT:-1800}" bash scripts/package-test.sh
# clang++ with AddressSanitizer and UndefinedBehaviorSanitizer, warnings as errors: every test,
# plus the fuzz targets and their regression inputs (fuzz.* tests).
phase "clang++ ASan+UBSan build and test" build_and_test asan
phase "clang++ TSan library and server tests" tsan_tests
# Each fuzz target for FUZZ_SECONDS (60 by default) from the ASan build; scripts/fuzz.sh --long
# is the long mode.
phase "fuzz (${FUZZ_SECONDS:-60} s per target)" env BUILD_DIR=build/asan bash scripts/fuzz.sh
print_times
echo
echo "all checks passed"
