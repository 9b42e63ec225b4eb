#!/usr/bin/env bash
# Builds the library's libFuzzer targets (clang++, ASan + UBSan) and runs each for a bounded time.
#
#   scripts/fuzz.sh [--long] [target...]     targets: jws_verify jwe_decrypt jwk_parse base64url
#                                            claims flat_json jws_json jwks_documents http_api
#                                            (default: all)
#
#   FUZZ_SECONDS  seconds per target (default 60; --long makes it 3600, the long mode)
#   JOBS          build parallelism (default 2)
#   BUILD_DIR     build directory (default build/fuzz)
#   FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 30)
#   CXX_FUZZ      the clang++ to build with (default clang++)
#
# Each target starts from a copy of fuzz/corpus/<target>/ and fuzz/regressions/<target>/ in a
# temporary directory (nothing is written back into fuzz/), with fuzz/<target>.dict when there is
# one (else fuzz/jose.dict), -rss_limit_mb=2048 and -max_len=65536 (4096 for base64url). The script prints the executions per target and exits
# non-zero on any crash, sanitizer report, leak, timeout or out-of-memory; the input that caused it
# is left in $BUILD_DIR/findings/<target>/ with the log. To make a finding a regression test, copy
# the input into fuzz/regressions/<target>/: the CTest test fuzz.<target> runs every file there.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ALL_TARGETS=(jws_verify jwe_decrypt jwk_parse base64url claims flat_json jws_json jwks_documents
    http_api)

seconds=${FUZZ_SECONDS:-60}
targets=()
for arg in "$@"; do
    case "$arg" in
        --long) seconds=3600 ;;
        -h | --help)
            sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
        *)
            if [[ ! " ${ALL_TARGETS[*]} " == *" $arg "* ]]; then
                echo "fuzz.sh: unknown target $arg (one of: ${ALL_TARGETS[*]})" >&2
                exit 2
            fi
            targets+=("$arg")
            ;;
    esac
done
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")

jobs=${JOBS:-2}
build=${BUILD_DIR:-$ROOT/build/fuzz}
timeout_s=${FUZZ_TIMEOUT:-30}
cxx=${CXX_FUZZ:-clang++}

command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (libFuzzer needs clang)" >&2; exit 2; }

echo "== configure $build"
# A fresh build dir holds the fuzz targets (and the server they drive) only; an existing one (such
# as the asan preset's, which CI fuzzes from) keeps its tests.
only_fuzz=()
[[ -f "$build/CMakeCache.txt" ]] || only_fuzz=(-DSIGNET_BUILD_TESTS=OFF)
cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$cxx" -DSIGNET_SANITIZE=address,undefined \
    -DSIGNET_BUILD_FUZZERS=ON "${only_fuzz[@]}" >/dev/null
if [[ ! -d "$build/fuzz/CMakeFiles" ]]; then
    echo "fuzz.sh: the top-level CMakeLists.txt does not add fuzz/ for SIGNET_BUILD_FUZZERS" >&2
    exit 2
fi

echo "== build (${#targets[@]} targets, -j$jobs)"
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"

findings=$build/findings
work=$(mktemp -d "${TMPDIR:-/tmp}/signet-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Every sanitizer finding is fatal, with a stack; leaks are reported when a run ends.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${targets[@]}"; do
    corpus=$work/$t
    rm -rf "${findings:?}/$t"  # the findings of this run only
    mkdir -p "$corpus" "$findings/$t"
    find "$ROOT/fuzz/corpus/$t" "$ROOT/fuzz/regressions/$t" -maxdepth 1 -type f ! -name .gitkeep \
        -exec cp {} "$corpus/" \; 2>/dev/null || true
    max_len=65536
    [[ $t == base64url ]] && max_len=4096
    dict=$ROOT/fuzz/jose.dict
    [[ -f $ROOT/fuzz/$t.dict ]] && dict=$ROOT/fuzz/$t.dict
    log=$findings/$t/fuzz.log
    echo "== fuzz_$t for ${seconds}s ($(find "$corpus" -type f | wc -l) seed inputs)"
    set +e
    "$build/fuzz/fuzz_$t" "$corpus" \
        -dict="$dict" \
        -max_total_time="$seconds" -timeout="$timeout_s" \
        -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 \
        -artifact_prefix="$findings/$t/" >"$log" 2>&1
    rc=$?
    set -e
    # libFuzzer's final statistics; "#N DONE" when the run ended normally.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [[ -n $execs ]] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -1)
    [[ -n $execs ]] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    execs=${execs:-?}
    artefacts=$(find "$findings/$t" -maxdepth 1 -type f ! -name fuzz.log | wc -l)
    if ((rc != 0)); then
        failed+=("$t")
        summary+=("$(printf '%-12s %12s executions  FAILED (exit %d, log %s)' "$t" "$execs" "$rc" "$log")")
        grep -E "ERROR: |invariant violated|runtime error|SUMMARY|Test unit written" "$log" | head -8 | sed 's/^/    /'
    else
        summary+=("$(printf '%-12s %12s executions  ok' "$t" "$execs")")
    fi
    ((artefacts == 0)) || echo "    $artefacts input(s) left in $findings/$t/"
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo "fuzz.sh: findings in: ${failed[*]} (inputs and logs under $findings/)" >&2
    exit 1
fi
