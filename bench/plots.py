#!/usr/bin/python3
"""Benchmark figures as PNG files (matplotlib, Agg backend; run with /usr/bin/python3).

    /usr/bin/python3 bench/plots.py verify --json PEERS.json --out bench/images/verify.png
    /usr/bin/python3 bench/plots.py server --json SERVER.json --out bench/images/server.png

verify: verifications/s per algorithm for Signet, raw OpenSSL and each peer library, grouped
        bars on a log scale, from the file `bench/peers/run.py --json` writes.
server: requests/s per route, from a JSON list of {"route": str, "requests_per_s": number}
        (optionally {"results": [...]} around it), in the order given; e.g.
        [{"route": "GET /healthz", "requests_per_s": 60497},
         {"route": "GET /v1/me (JWT)", "requests_per_s": 53548},
         {"route": "GET /v1/me (session)", "requests_per_s": 37088},
         {"route": "nginx static 200", "requests_per_s": 80000}]

As a module: plot_verify(doc, out) and plot_server(rows, out) take the parsed JSON; both return
the path written.
"""

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Signet first, then the baseline, then the peers; colours stay the same between figures.
PEER_ORDER = ["signet", "openssl", "fast-jwt", "jose", "jsonwebtoken", "pyjwt", "libjwt"]
PEER_LABELS = {
    "signet": "Signet",
    "openssl": "OpenSSL alone",
    "fast-jwt": "fast-jwt (Node)",
    "jose": "jose (Node)",
    "jsonwebtoken": "jsonwebtoken (Node)",
    "pyjwt": "PyJWT (Python)",
    "libjwt": "libjwt (C)",
}
PEER_COLORS = {
    "signet": "#1f77b4",
    "openssl": "#7f7f7f",
    "fast-jwt": "#ff7f0e",
    "jose": "#2ca02c",
    "jsonwebtoken": "#d62728",
    "pyjwt": "#9467bd",
    "libjwt": "#8c564b",
}
ALG_ORDER = ["HS256", "RS256", "ES256", "EdDSA"]


def _rate_label(value):
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e3:
        return f"{value / 1e3:.0f}k" if value >= 1e4 else f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def _ensure_dir(path):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)


def plot_verify(doc, out, title=None):
    """Grouped bars: one group per algorithm, one bar per peer, log-scale verifications/s."""
    results = doc["results"] if isinstance(doc, dict) else doc
    rate = {(r["peer"], r["alg"]): float(r["ops_per_s"]) for r in results}
    algs = [a for a in ALG_ORDER if any(k[1] == a for k in rate)]
    algs += sorted({k[1] for k in rate} - set(algs))
    peers = [p for p in PEER_ORDER if any(k[0] == p for k in rate)]
    peers += sorted({k[0] for k in rate} - set(peers))
    if not algs or not peers:
        raise ValueError("no results to plot")

    fig, ax = plt.subplots(figsize=(10, 5.2), dpi=120)
    width = 0.8 / len(peers)
    for i, peer in enumerate(peers):
        xs, ys = [], []
        for j, alg in enumerate(algs):
            if (peer, alg) in rate:
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(rate[(peer, alg)])
        bars = ax.bar(xs, ys, width * 0.95, label=PEER_LABELS.get(peer, peer),
                      color=PEER_COLORS.get(peer), edgecolor="white", linewidth=0.5)
        for bar, y in zip(bars, ys):
            ax.annotate(_rate_label(y), (bar.get_x() + bar.get_width() / 2, y),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize=6.5, rotation=90)
    # Algorithms a peer does not have (run.py's "skipped"): marked rather than left blank.
    skipped = doc.get("skipped", []) if isinstance(doc, dict) else []
    low = min(rate.values()) / 2
    for entry in skipped:
        peer, alg = entry.get("peer"), entry.get("alg")
        if peer in peers and alg in algs:
            x = algs.index(alg) - 0.4 + width * (peers.index(peer) + 0.5)
            ax.text(x, low * 1.15, "n/a", ha="center", va="bottom", fontsize=6.5,
                    rotation=90, color=PEER_COLORS.get(peer, "#333333"))
    ax.set_yscale("log")
    ax.set_xticks(range(len(algs)))
    ax.set_xticklabels(algs)
    ax.set_ylabel("verifications / s (one thread, log scale)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _rate_label(v)))
    ax.set_ylim(low, max(rate.values()) * 6)
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(ncol=4, fontsize=8, loc="upper right", frameon=False)
    if title is None:
        title = "JWT verify (signature, iss, aud, exp): Signet, OpenSSL alone and peers"
    ax.set_title(title, fontsize=11)
    if isinstance(doc, dict) and "host" in doc:
        host = doc["host"]
        note = f"{host.get('cpus', '?')} CPUs, load average {host.get('load_before', 0):.2f}"
        if "load_max" in host:
            note += f" at start, {host['load_max']:.2f} at most"
        if doc.get("date"):
            note = f"{doc['date'][:10]}, " + note
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontsize=7, color="#555555")
    fig.tight_layout()
    _ensure_dir(out)
    fig.savefig(out)
    plt.close(fig)
    return out


# The route keys `bench/load.sh --json` writes, as a reader knows them.
ROUTE_LABELS = {
    "healthz": "GET /healthz",
    "jwt": "GET /v1/me (JWT, verified-token cache)",
    "session": "GET /v1/me (session)",
    "jwt_nocache": "GET /v1/me (JWT, ES256 verify each time)",
    "nginx": "nginx, static 200 (1 worker)",
    "login": "POST /v1/login (Argon2id)",
}


def plot_server(rows, out, title=None):
    """Horizontal bars: requests/s per route, in the order given."""
    if isinstance(rows, dict):
        rows = rows.get("results", [])
    if not rows:
        raise ValueError("no routes to plot")
    for r in rows:
        if "route" not in r or "requests_per_s" not in r:
            raise ValueError(f"each entry needs route and requests_per_s: {r}")
    routes = [ROUTE_LABELS.get(str(r["route"]), str(r["route"])) for r in rows]
    values = [float(r["requests_per_s"]) for r in rows]

    fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.4), dpi=120)
    ys = list(range(len(rows)))[::-1]
    colors = ["#7f7f7f" if "nginx" in route.lower() else "#1f77b4" for route in routes]
    bars = ax.barh(ys, values, 0.6, color=colors)
    for bar, v in zip(bars, values):
        ax.annotate(f"{v:,.0f}", (v, bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels(routes, fontsize=9)
    ax.set_xlabel("requests / s")
    ax.set_xlim(0, max(values) * 1.15)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _rate_label(v)))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "signet serve: requests/s per route", fontsize=11)
    fig.tight_layout()
    _ensure_dir(out)
    fig.savefig(out)
    plt.close(fig)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write the benchmark figures as PNG files.")
    sub = ap.add_subparsers(dest="figure", required=True)
    v = sub.add_parser("verify", help="verify ops/s per algorithm and peer (bench/peers/run.py)")
    v.add_argument("--json", required=True, help="the file `bench/peers/run.py --json` wrote")
    v.add_argument("--out", default="bench/images/verify.png")
    v.add_argument("--title")
    s = sub.add_parser("server", help="requests/s per route (list of {route, requests_per_s})")
    s.add_argument("--json", required=True)
    s.add_argument("--out", default="bench/images/server.png")
    s.add_argument("--title")
    args = ap.parse_args(argv)
    with open(args.json) as f:
        doc = json.load(f)
    try:
        if args.figure == "verify":
            out = plot_verify(doc, args.out, args.title)
        else:
            out = plot_server(doc, args.out, args.title)
    except (ValueError, KeyError, TypeError) as e:
        print(f"plots.py: {args.json}: {e}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
