#!/usr/bin/env python3
"""Runs the JWS and JWE benchmark suites and prints, per JWS algorithm, our verify rate next to the
raw OpenSSL primitive's, sign next to raw signing, heap allocations per operation; per JWE case, our
encrypt and decrypt rates next to the raw OpenSSL work's; multi-thread scaling and key rotation;
then every target with its ratio and verdict.

Usage: bench/report.py [--binary PATH] [--jwe-binary PATH] [--suite all|jws|jwe]
                       [--min-time SECONDS] [--repetitions N] [--filter REGEX]
                       [--json FILE] [--from-json FILE] [--check]
Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Algorithms in the order the suite registers them.
ALGORITHMS = [
    "HS256", "HS384", "HS512",
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "ES256K",
    "EdDSA-Ed25519", "EdDSA-Ed448",
]

# Each target: Signet's rate as a fraction of raw OpenSSL's must reach the bound. The verdict uses
# the paired benchmark (bench/paired.hpp: both sides in alternating batches, median of the
# rounds), which a shared or throttled machine cannot skew the way it skews two separate runs;
# the ratio of the separate benchmarks' rates is shown beside it. "verify_view" is the verifier
# returning a ClaimsView, "verify" the same check returning Claims (a JSON tree).
TARGETS = [
    ("HS256 verify (view) / raw HMAC", "paired_view/HS256", "verify_view/HS256",
     "raw_verify/HS256", 0.50),
    ("HS256 sign / raw HMAC", "paired_sign/HS256", "sign/HS256", "raw_sign/HS256", 0.50),
    ("RS256 verify (view) / raw", "paired_view/RS256", "verify_view/RS256", "raw_verify/RS256",
     0.95),
    ("PS256 verify (view) / raw", "paired_view/PS256", "verify_view/PS256", "raw_verify/PS256",
     0.95),
    ("ES256 verify (view) / raw", "paired_view/ES256", "verify_view/ES256", "raw_verify/ES256",
     0.95),
    ("EdDSA (Ed25519) verify (view) / raw", "paired_view/EdDSA-Ed25519",
     "verify_view/EdDSA-Ed25519", "raw_verify/EdDSA-Ed25519", 0.95),
    ("ES256 sign / raw", "paired_sign/ES256", "sign/ES256", "raw_sign/ES256", 0.90),
    ("JWE dir+A256GCM encrypt / raw", "paired_encrypt/dir+A256GCM", "encrypt/dir+A256GCM",
     "raw_encrypt/dir+A256GCM", 0.50),
    ("JWE dir+A256GCM decrypt (reused output) / raw", "paired_decrypt/dir+A256GCM",
     "decrypt_into/dir+A256GCM", "raw_decrypt/dir+A256GCM", 0.50),
]
# The same checks returning Claims, shown for reference (no bound: the view is the fast path).
REFERENCE_PAIRS = [
    ("RS256 verify (Claims) / raw", "paired_verify/RS256"),
    ("PS256 verify (Claims) / raw", "paired_verify/PS256"),
    ("ES256 verify (Claims) / raw", "paired_verify/ES256"),
    ("EdDSA (Ed25519) verify (Claims) / raw", "paired_verify/EdDSA-Ed25519"),
    ("JWE dir+A256GCM decrypt (DecryptedJwe) / raw", "paired_decrypt_tree/dir+A256GCM"),
]
# Heap allocations (operator new) per operation: at most this many.
ALLOCATION_TARGETS = [
    ("allocations per verify (Claims)", "verify/", 1),
    ("allocations per verify (ClaimsView)", "verify_view/", 0),
]

# JWE cases (key management + content encryption) in the order the JWE suite registers them.
JWE_CASES = [
    "dir+A256GCM",
    "A256KW+A256GCM",
    "ECDH-ES+A256KW+A256GCM",
    "RSA-OAEP-256+A256GCM",
]

TIME_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def default_binary(name="signet_bench"):
    for build_dir in ("build/release", "build-bench", "build/dev"):
        path = os.path.join(ROOT, build_dir, "bench", name)
        if os.access(path, os.X_OK):
            return path
    return None


def default_jwe_binary(jws_binary):
    """signet_jwe_bench beside the JWS suite's binary, else in the usual build directories."""
    if jws_binary:
        path = os.path.join(os.path.dirname(os.path.abspath(jws_binary)), "signet_jwe_bench")
        if os.access(path, os.X_OK):
            return path
    return default_binary("signet_jwe_bench")


def run_suite(binary, min_time, repetitions, bench_filter):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
    if repetitions > 1:
        # Interleaved repetitions: a slow spell of a shared or throttled CPU spreads over every
        # benchmark instead of landing on one side of a ratio.
        cmd += [f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true",
                "--benchmark_enable_random_interleaving=true"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    print("running: " + " ".join(cmd), file=sys.stderr, flush=True)
    started = time.monotonic()
    # The suite's progress and warnings go to stderr, which stays on the terminal.
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    print(f"suite finished in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if proc.returncode != 0:
        sys.exit(f"benchmark binary failed with exit code {proc.returncode}")
    if not proc.stdout.strip():
        return {"context": {}, "benchmarks": []}  # the filter matched nothing in this suite
    return json.loads(proc.stdout)


def merge_runs(runs):
    """One Google Benchmark JSON document from several suites' runs; the first run's context wins
    where both have a key. Benchmark names do not collide (sign/verify vs encrypt/decrypt)."""
    merged = {"context": {}, "benchmarks": []}
    for data in runs:
        for key, value in data.get("context", {}).items():
            merged["context"].setdefault(key, value)
        merged["benchmarks"].extend(data.get("benchmarks", []))
    return merged


def collect(data):
    """Maps benchmark name ("verify/RS256") to its entry: the median when repeated, else the run."""
    entries = data.get("benchmarks", [])
    have_aggregates = any(e.get("run_type") == "aggregate" for e in entries)
    results = {}
    for e in entries:
        if have_aggregates:
            if e.get("run_type") != "aggregate" or e.get("aggregate_name") != "median":
                continue
        elif e.get("run_type", "iteration") != "iteration":
            continue
        name = e.get("run_name") or e["name"]
        results[name] = e
    return results


def ops_per_second(entry):
    """Operations per CPU second (the suite is single-threaded; CPU time resists a busy machine)."""
    if entry is None or entry.get("error_occurred"):
        return None
    seconds = entry["cpu_time"] * TIME_UNIT_SECONDS[entry.get("time_unit", "ns")]
    return 1.0 / seconds if seconds > 0 else None


def fmt_rate(rate):
    return "-" if rate is None else f"{rate:,.0f}"


def fmt_count(value):
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"


def ratio_of(results, numerator, denominator):
    ours, base = ops_per_second(results.get(numerator)), ops_per_second(results.get(denominator))
    return ours / base if ours and base else None


def fmt_ratio(ratio):
    return "-" if ratio is None else f"{ratio:.2f}"


def build_table(results):
    rows = []
    errors = []
    for alg in ALGORITHMS:
        names = {kind: f"{kind}/{alg}" for kind in
                 ("sign", "raw_sign", "verify", "verify_view", "raw_verify")}
        entries = {kind: results.get(name) for kind, name in names.items()}
        if all(e is None for e in entries.values()):
            continue  # filtered out
        for kind, entry in entries.items():
            if entry is not None and entry.get("error_occurred"):
                errors.append(f"{names[kind]}: {entry.get('error_message', 'error')}")
        verify, view = entries["verify"], entries["verify_view"]
        rows.append([
            alg,
            fmt_rate(ops_per_second(verify)),
            fmt_rate(ops_per_second(view)),
            fmt_rate(ops_per_second(entries["raw_verify"])),
            fmt_ratio(ratio_of(results, names["verify"], names["raw_verify"])),
            fmt_ratio(ratio_of(results, names["verify_view"], names["raw_verify"])),
            fmt_count(verify.get("allocs_per_op") if verify else None),
            fmt_count(view.get("allocs_per_op") if view else None),
            fmt_rate(ops_per_second(entries["sign"])),
            fmt_rate(ops_per_second(entries["raw_sign"])),
            fmt_ratio(ratio_of(results, names["sign"], names["raw_sign"])),
        ])
    return rows, errors


HEADERS = ["alg", "verify ops/s", "view ops/s", "raw ops/s", "verify/raw", "view/raw",
           "allocs/verify", "allocs/view", "sign ops/s", "raw sign ops/s", "sign/raw"]
RIGHT_ALIGNED = set(range(1, len(HEADERS)))


def paired_ratio(results, name):
    entry = results.get(name)
    if entry is None or entry.get("error_occurred"):
        return None
    return entry.get("ratio")


def build_target_table(results):
    """Every target whose benchmarks ran: the paired ratio, the ratio of the separate rates, the
    bound and the verdict (on the paired ratio when it ran)."""
    rows, misses = [], []
    for label, paired, numerator, denominator, bound in TARGETS:
        if paired not in results and numerator not in results and denominator not in results:
            continue  # filtered out
        ratio = paired_ratio(results, paired)
        rates = ratio_of(results, numerator, denominator)
        judged = ratio if ratio is not None else rates
        met = judged is not None and judged >= bound
        rows.append([label, fmt_ratio(ratio), fmt_ratio(rates), f">= {bound:.2f}",
                     "met" if met else "MISSED"])
        if not met:
            misses.append(f"{label} {fmt_ratio(judged)} < {bound:.2f}")
    for label, paired in REFERENCE_PAIRS:
        if paired in results:
            rows.append([label, fmt_ratio(paired_ratio(results, paired)), "-", "-", "reference"])
    for label, prefix, bound in ALLOCATION_TARGETS:
        counts = {name: e.get("allocs_per_op") for name, e in results.items()
                  if name.startswith(prefix) and name.count("/") == 1}
        if not counts:
            continue
        worst_name = max(counts, key=lambda n: counts[n] if counts[n] is not None else 1e9)
        worst = counts[worst_name]
        met = worst is not None and worst <= bound
        rows.append([label, f"{fmt_count(worst)} (most: {worst_name})", "-", f"<= {bound}",
                     "met" if met else "MISSED"])
        if not met:
            misses.append(f"{label} {fmt_count(worst)} > {bound}")
    return rows, misses


TARGET_HEADERS = ["target", "paired", "from rates", "bound", "verdict"]


def build_scaling_table(results):
    """verify_threads/<alg>: the rate with 1 and 2 threads sharing one Verifier, and the 2-thread
    rate as a fraction of twice the 1-thread rate. Real time: the threads run at once."""
    rows = []
    for alg in ALGORITHMS:
        single = results.get(f"verify_threads/{alg}/real_time/threads:1")
        if single is None:
            continue
        base = items_per_second(single)
        cells = [alg, fmt_rate(base)]
        for n in (2, 4, 8):
            entry = results.get(f"verify_threads/{alg}/real_time/threads:{n}")
            if entry is None:
                continue
            rate = items_per_second(entry)
            cells += [f"{n}: {fmt_rate(rate)}",
                      fmt_ratio(rate / (n * base) if rate and base else None)]
        rows.append(cells)
    return rows


def build_rotation_table(results):
    rows = []
    raw = ops_per_second(results.get("raw_verify/HS256"))
    for n in (1, 16, 100, 1000):
        entry = results.get(f"verify_rotating/HS256/{n}")
        if entry is None:
            continue
        rate = ops_per_second(entry)
        rows.append([str(n), fmt_rate(rate), fmt_ratio(rate / raw if rate and raw else None),
                     fmt_count(entry.get("allocs_per_op"))])
    return rows


# Server rate ratios from one load.sh run: (label, numerator route, denominator route, bound).
SERVER_TARGETS = [
    ("signet serve /healthz / nginx", "healthz", "nginx", 0.60),
    ("JWT GET /v1/me / /healthz", "jwt", "healthz", 0.90),
]


def build_server_targets(doc):
    rows_in = doc.get("results", []) if isinstance(doc, dict) else doc
    rates = {r["route"]: r.get("requests_per_s") for r in rows_in}
    rows, misses = [], []
    for label, numerator, denominator, bound in SERVER_TARGETS:
        ours, base = rates.get(numerator), rates.get(denominator)
        ratio = ours / base if ours and base else None
        met = ratio is not None and ratio >= bound
        rows.append([label, "-", fmt_ratio(ratio), f">= {bound:.2f}", "met" if met else "MISSED"])
        if not met:
            misses.append(f"{label} {fmt_ratio(ratio)} < {bound:.2f}")
    return rows, misses


def plotting_python():
    """An interpreter that has matplotlib: this one, else Debian's (python3-matplotlib)."""
    try:
        import matplotlib  # noqa: F401
        return sys.executable
    except ImportError:
        return "/usr/bin/python3"


def write_plots(directory, peers_json, server_json):
    """Runs bench/plots.py for each figure whose data was given; returns error lines."""
    errors = []
    jobs = [("verify", peers_json, "verify.png"), ("server", server_json, "server.png")]
    for figure, source, name in jobs:
        if not source:
            continue
        cmd = [plotting_python(), os.path.join(HERE, "plots.py"), figure, "--json", source,
               "--out", os.path.join(directory, name)]
        proc = subprocess.run(cmd, check=False)
        if proc.returncode != 0:
            errors.append(f"plots.py {figure} failed (exit {proc.returncode})")
    return errors


def items_per_second(entry):
    if entry is None or entry.get("error_occurred"):
        return None
    return entry.get("items_per_second")


def build_jwe_table(results):
    """One row per JWE case and direction: jwe::encrypt or jwe::decrypt next to the raw OpenSSL
    work on the same bytes. There are no targets: the issue asks for the ratios."""
    rows = []
    errors = []
    for case in JWE_CASES:
        for op in ("encrypt", "decrypt", "decrypt_into"):
            ours_entry = results.get(f"{op}/{case}")
            raw_entry = results.get(f"raw_{op.removesuffix('_into')}/{case}")
            if op == "decrypt_into" and ours_entry is None:
                continue  # registered for some cases only
            if ours_entry is None and raw_entry is None:
                continue  # filtered out
            for kind, entry in ((op, ours_entry), (f"raw_{op.removesuffix('_into')}", raw_entry)):
                if entry is not None and entry.get("error_occurred"):
                    errors.append(f"{kind}/{case}: {entry.get('error_message', 'error')}")
            ours, base = ops_per_second(ours_entry), ops_per_second(raw_entry)
            ratio = ours / base if ours and base else None
            rows.append([
                case,
                op,
                fmt_rate(ours),
                fmt_rate(base),
                "-" if ratio is None else f"{ratio:.2f}",
                fmt_count(ours_entry.get("allocs_per_op") if ours_entry else None),
                fmt_count(ours_entry.get("ossl_allocs_per_op") if ours_entry else None),
                fmt_count(raw_entry.get("ossl_allocs_per_op") if raw_entry else None),
            ])
    return rows, errors


JWE_HEADERS = ["case", "op", "ours ops/s", "raw ops/s", "ratio", "allocs/op", "ossl allocs/op",
               "ossl allocs/raw"]
JWE_RIGHT_ALIGNED = {2, 3, 4, 5, 6, 7}


def print_markdown(rows, headers=None, right_aligned=None):
    headers = HEADERS if headers is None else headers
    right_aligned = RIGHT_ALIGNED if right_aligned is None else right_aligned
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            out.append(cell.rjust(widths[i]) if i in right_aligned else cell.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    print(line(headers))
    print("|" + "|".join(
        ("-" * (w + 1) + ":") if i in right_aligned else ("-" * (w + 2))
        for i, w in enumerate(widths)) + "|")
    for r in rows:
        print(line(r))


def print_context(data):
    ctx = data.get("context", {})
    caches = ", ".join(f"L{c.get('level')} {c.get('size', 0) // 1024} KiB"
                       for c in ctx.get("caches", []) if c.get("type") != "Instruction")
    print(f"host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs at "
          f"{ctx.get('mhz_per_cpu', '?')} MHz ({caches}); {ctx.get('date', '')}")
    print(f"openssl: {ctx.get('openssl', '?')}; signet {ctx.get('signet', '?')}; "
          f"claims: {ctx.get('claims_bytes', '?')} bytes of JSON")
    if "nested_token_bytes" in ctx:
        print(f"jwe plaintext: a {ctx['nested_token_bytes']} byte ES256 access token (cty JWT)")
    if ctx.get("cpu_scaling_enabled"):
        print("note: CPU frequency scaling is enabled; rates may vary between runs")
    if ctx.get("openssl_allocs_counted") == "no":
        print("note: OpenSSL allocations could not be counted (hook installed too late)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="path to signet_bench (default: build/release/bench/)")
    parser.add_argument("--jwe-binary",
                        help="path to signet_jwe_bench (default: beside signet_bench)")
    parser.add_argument("--suite", choices=("all", "jws", "jwe"), default="all",
                        help="which suites to run (default all)")
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="--benchmark_min_time per run, seconds (default 0.2)")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="runs per benchmark, interleaved; the median is reported (default 5)")
    parser.add_argument("--filter", help="--benchmark_filter regex, e.g. 'ES256$'")
    parser.add_argument("--json", metavar="FILE", help="also save the raw JSON results here")
    parser.add_argument("--from-json", metavar="FILE",
                        help="print the table from saved JSON results instead of running")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is missed or a benchmark failed")
    parser.add_argument("--server-json", metavar="FILE",
                        help="`bench/load.sh --json` results: adds the server targets "
                             "(/healthz vs nginx, JWT vs /healthz) and the server figure")
    parser.add_argument("--peers-json", metavar="FILE",
                        help="`bench/peers/run.py --json` results, for the verify figure")
    parser.add_argument("--plots", metavar="DIR",
                        help="write the figures (PNG) here: verify.png from --peers-json, "
                             "server.png from --server-json")
    args = parser.parse_args()

    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            data = json.load(f)
    else:
        runs = []
        binary = args.binary or default_binary()
        if args.suite in ("all", "jws"):
            if binary is None:
                sys.exit("signet_bench not found; build it (cmake --preset release && "
                         "cmake --build --preset release --target signet_bench) or pass --binary")
            runs.append(run_suite(binary, args.min_time, args.repetitions, args.filter))
        if args.suite in ("all", "jwe"):
            jwe_binary = args.jwe_binary or default_jwe_binary(binary)
            if jwe_binary is None:
                sys.exit("signet_jwe_bench not found; build it (cmake --build --preset release "
                         "--target signet_jwe_bench), pass --jwe-binary, or use --suite jws")
            runs.append(run_suite(jwe_binary, args.min_time, args.repetitions, args.filter))
        data = merge_runs(runs)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2)

    results = collect(data)
    rows, errors = build_table(results)
    target_rows, misses = build_target_table(results)
    if args.server_json:
        with open(args.server_json, encoding="utf-8") as f:
            server_rows, server_misses = build_server_targets(json.load(f))
        target_rows += server_rows
        misses += server_misses
    if args.plots:
        errors += write_plots(args.plots, args.peers_json, args.server_json)
    scaling_rows = build_scaling_table(results)
    rotation_rows = build_rotation_table(results)
    jwe_rows, jwe_errors = build_jwe_table(results)
    errors += jwe_errors
    print_context(data)
    entries = data.get("benchmarks", [])
    basis = ("median of repetitions" if any(e.get("run_type") == "aggregate" for e in entries)
             else "single run")
    if rows:
        print()
        print_markdown(rows)
        print()
        print("verify = Verifier::verify returning Claims; view = the same returning a reused "
              "ClaimsView; raw = tuned OpenSSL on the same bytes (CPU time, " + basis + ")")
        print("allocs = operator new calls per operation")
    if scaling_rows:
        print()
        headers = ["alg", "1 thread ops/s"]
        for cell in scaling_rows[0][2::2]:
            headers += [f"{cell.split(':')[0]} threads ops/s", "/ (N x 1 thread)"]
        print_markdown(scaling_rows, headers, set(range(1, len(headers))))
        print()
        print("one Verifier shared by N threads, each with its own ClaimsView (real time)")
    if rotation_rows:
        print()
        print_markdown(rotation_rows, ["keys in the set", "verify ops/s", "/ raw HMAC",
                                       "allocs/verify"], {1, 2, 3})
        print()
        print("HS256 tokens of n keys verified in turn, each key found by its kid")
    if jwe_rows:
        print()
        print_markdown(jwe_rows, JWE_HEADERS, JWE_RIGHT_ALIGNED)
        print()
        print("ratio = our rate / raw OpenSSL rate for the same key management and AES-256-GCM "
              f"work on the same bytes (CPU time, {basis})")
        print("allocs = operator new calls per operation; ossl allocs = CRYPTO_malloc/realloc "
              "calls")
    if not rows and not jwe_rows:
        print()
        print("no benchmark results")
    if target_rows:
        print()
        print_markdown(target_rows, TARGET_HEADERS, set())
    for e in errors:
        print(f"ERROR {e}")
    if misses:
        print("targets missed: " + "; ".join(misses))
    elif not errors and target_rows:
        print("all targets met")
    if args.check and (misses or errors):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
