#!/usr/bin/python3
"""Verify the same tokens with Signet, OpenSSL alone and the JWT libraries a user might pick
instead, in one session, and print ops/s per peer and algorithm with the ratio to OpenSSL.

    /usr/bin/python3 bench/peers/run.py [--seconds 2] [--json FILE]

Each peer runs in its own process, single-threaded, for a fixed time after a warm-up, on the
token and keys `signet_peer gen` writes to a temporary directory; each checks that a token with
a wrong signature is rejected before timing and checks every timed result. See bench/README.md,
section "Peers".
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ALGORITHMS = ["HS256", "RS256", "ES256", "EdDSA"]
PEERS = ["signet", "openssl", "fast-jwt", "jose", "jsonwebtoken", "pyjwt", "libjwt"]
NODE_PEERS = ["fast-jwt", "jose", "jsonwebtoken"]
PYTHON = "/usr/bin/python3"
UNSUPPORTED = {
    ("libjwt", "EdDSA"): "libjwt 1.10 has no EdDSA",
    ("jsonwebtoken", "EdDSA"): "jsonwebtoken 9 has no EdDSA",
}


class Missing(Exception):
    pass


def check_signet(binary):
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        raise Missing(f"{binary} not found; build it: cmake --preset release && "
                      "cmake --build --preset release --target signet_peer")
    return binary


def check_node():
    node = shutil.which("node")
    if node is None:
        raise Missing("node not found on PATH (apt-get install nodejs npm)")
    for package in NODE_PEERS:
        if not os.path.isfile(os.path.join(HERE, "node_modules", package, "package.json")):
            raise Missing(f"npm package {package} not installed; run `npm ci` in {HERE}")
    return node


def check_pyjwt():
    if not os.access(PYTHON, os.X_OK):
        raise Missing(f"{PYTHON} not found")
    probe = subprocess.run([PYTHON, "-c", "import jwt; print(jwt.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise Missing(f"PyJWT not importable by {PYTHON} (apt-get install python3-jwt)")
    crypto = subprocess.run([PYTHON, "-c", "import cryptography"], capture_output=True)
    return crypto.returncode == 0


def build_libjwt(workdir):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise Missing("no C compiler (cc) on PATH")
    flags = ["-ljwt"]
    if shutil.which("pkg-config"):
        probe = subprocess.run(["pkg-config", "--libs", "--cflags", "libjwt"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            flags = probe.stdout.split()
    out = os.path.join(workdir, "libjwt_peer")
    build = subprocess.run([cc, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                            os.path.join(HERE, "libjwt_peer.c"), "-o", out] + flags,
                           capture_output=True, text=True)
    if build.returncode != 0:
        raise Missing("cannot build libjwt_peer.c against libjwt (apt-get install libjwt-dev):\n"
                      + build.stderr.strip())
    return out


def command(peer, alg, tools, tokens, seconds, warmup):
    s, w = str(seconds), str(warmup)
    if peer in ("signet", "openssl"):
        return [tools["signet"], "run", tokens, alg, peer, s, w]
    if peer in NODE_PEERS:
        return [tools["node"], os.path.join(HERE, "node_peer.mjs"), tokens, alg, peer, s, w]
    if peer == "pyjwt":
        return [PYTHON, os.path.join(HERE, "pyjwt_peer.py"), tokens, alg, s, w]
    if peer == "libjwt":
        return [tools["libjwt"], tokens, alg, s, w]
    raise ValueError(peer)


def run_one(cmd, label):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"run.py: {label} failed (exit {proc.returncode}): {' '.join(cmd)}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"run.py: {label} printed no result")
    result = json.loads(lines[-1])
    if not result.get("ops_per_s", 0) > 0:
        raise SystemExit(f"run.py: {label} reported no rate: {lines[-1]}")
    return result


def versions(tools, has_crypto, meta):
    out = {"signet": meta.get("signet"), "openssl": meta.get("openssl")}
    if "node" in tools:
        node = subprocess.run([tools["node"], "--version"], capture_output=True, text=True)
        for package in NODE_PEERS:
            with open(os.path.join(HERE, "node_modules", package, "package.json")) as f:
                out[package] = f"{json.load(f)['version']} (node {node.stdout.strip()})"
    if "pyjwt" in tools:
        probe = subprocess.run(
            [PYTHON, "-c", "import sys, jwt; v = sys.version.split()[0]\n"
             "try:\n import cryptography as c; cv = c.__version__\n"
             "except ImportError: cv = 'absent'\n"
             "print(f'{jwt.__version__} (python {v}, cryptography {cv})')"],
            capture_output=True, text=True)
        out["pyjwt"] = probe.stdout.strip()
    if "libjwt" in tools:
        probe = subprocess.run(["pkg-config", "--modversion", "libjwt"], capture_output=True,
                               text=True) if shutil.which("pkg-config") else None
        out["libjwt"] = probe.stdout.strip() if probe and probe.returncode == 0 else "unknown"
    return out


def table(results, peers, algs):
    rate = {(r["peer"], r["alg"]): r["ops_per_s"] for r in results}
    header = ["peer"] + algs
    rows = []
    for peer in peers:
        row = [peer]
        for alg in algs:
            ops = rate.get((peer, alg))
            raw = rate.get(("openssl", alg))
            if ops is None:
                row.append("-")
            elif raw and peer != "openssl":
                row.append(f"{ops:,.0f} ({ops / raw:.2f})")
            else:
                row.append(f"{ops:,.0f}")
        rows.append(row)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":")
                         for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--signet-binary",
                    default=os.path.join(ROOT, "build", "release", "bench", "peers", "signet_peer"),
                    help="the signet_peer program (default: build/release/bench/peers/signet_peer)")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed run per peer and algorithm")
    ap.add_argument("--warmup", type=float, default=0.5, help="warm-up before each timed run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds over all peers and algorithms; each rate is the median (default 1)")
    ap.add_argument("--algs", default=",".join(ALGORITHMS), help="comma-separated subset")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset")
    ap.add_argument("--json", metavar="FILE", help="write the results here")
    ap.add_argument("--keep", metavar="DIR", help="write the tokens and keys here and keep them")
    args = ap.parse_args()

    algs = [a for a in args.algs.split(",") if a]
    peers = [p for p in args.peers.split(",") if p]
    for a in algs:
        if a not in ALGORITHMS:
            ap.error(f"unknown algorithm {a} (one of {', '.join(ALGORITHMS)})")
    for p in peers:
        if p not in PEERS:
            ap.error(f"unknown peer {p} (one of {', '.join(PEERS)})")

    workdir = tempfile.mkdtemp(prefix="signet-peers-")
    try:
        tokens = args.keep or os.path.join(workdir, "tokens")
        os.makedirs(tokens, exist_ok=True)
        tools = {}
        has_crypto = True
        try:
            tools["signet"] = check_signet(args.signet_binary)
            if any(p in NODE_PEERS for p in peers):
                tools["node"] = check_node()
            if "pyjwt" in peers:
                has_crypto = check_pyjwt()
                tools["pyjwt"] = PYTHON
            if "libjwt" in peers:
                tools["libjwt"] = build_libjwt(workdir)
        except Missing as e:
            raise SystemExit(f"run.py: {e}")

        gen = subprocess.run([tools["signet"], "gen", tokens], capture_output=True, text=True)
        if gen.returncode != 0:
            raise SystemExit(f"run.py: signet_peer gen failed: {gen.stderr.strip()}")
        with open(os.path.join(tokens, "meta.json")) as f:
            meta = json.load(f)

        skipped = []
        unsupported = dict(UNSUPPORTED)
        if not has_crypto:
            for a in ALGORITHMS:
                if not a.startswith("HS"):
                    unsupported[("pyjwt", a)] = "python3-cryptography is not installed"
        load_before = os.getloadavg()
        print(f"load average before: {load_before[0]:.2f}; {args.seconds:g} s per run after "
              f"{args.warmup:g} s warm-up; tokens in {tokens}", file=sys.stderr)
        for alg in algs:
            for peer in peers:
                if (peer, alg) in unsupported:
                    reason = unsupported[(peer, alg)]
                    print(f"skip {peer} {alg}: {reason}", file=sys.stderr)
                    skipped.append({"peer": peer, "alg": alg, "reason": reason})
        # Rounds run one after the other over everything, so a burst of load elsewhere on the
        # machine touches one round of a peer rather than all of its runs.
        runs = {}
        load_max = load_before[0]
        for _ in range(max(1, args.repeat)):
            for alg in algs:
                for peer in peers:
                    if (peer, alg) in unsupported:
                        continue
                    cmd = command(peer, alg, tools, tokens, args.seconds, args.warmup)
                    r = run_one(cmd, f"{peer} {alg}")
                    r["load"] = os.getloadavg()[0]
                    load_max = max(load_max, r["load"])
                    print(json.dumps(r), flush=True)
                    runs.setdefault((peer, alg), []).append(r)
        results = []
        for (peer, alg), rs in runs.items():
            rates = [r["ops_per_s"] for r in rs]
            result = dict(rs[-1])
            result["ops_per_s"] = statistics.median(rates)
            result["runs"] = rates
            results.append(result)
        load_after = os.getloadavg()

        vers = versions(tools, has_crypto, meta)
        print()
        print(f"host: {platform.node()}, {os.cpu_count()} CPUs; load average "
              f"{load_before[0]:.2f} before, {load_max:.2f} at most during, "
              f"{load_after[0]:.2f} after; {args.seconds:g} s per run, "
              f"median of {max(1, args.repeat)}")
        print("versions: " + "; ".join(f"{k} {v}" for k, v in vers.items() if v))
        print()
        print(table(results, peers, algs))
        print()
        print("verifications/s, one thread, median of the rounds; "
              "(x) = rate / raw OpenSSL rate for the same algorithm")
        for s in skipped:
            print(f"{s['peer']} {s['alg']}: skipped, {s['reason']}")

        if args.json:
            doc = {
                "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "host": {"name": platform.node(), "cpus": os.cpu_count(),
                         "load_before": load_before[0], "load_max": load_max,
                         "load_after": load_after[0]},
                "seconds": args.seconds, "warmup": args.warmup, "repeat": max(1, args.repeat),
                "token_bytes": {a: os.path.getsize(os.path.join(tokens, f"{a}.token"))
                                for a in algs},
                "versions": vers, "results": results, "skipped": skipped,
            }
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
