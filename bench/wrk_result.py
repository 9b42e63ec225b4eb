"""The figures of one wrk run (its --latency output), for the load scripts."""
import re
from typing import NamedTuple


class WrkResult(NamedTuple):
    rps: float
    p99_ms: float
    requests: int
    non2xx: int
    socket_errors: str  # wrk's "Socket errors: ..." line, or ""


def read(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", text, re.M)
    p99 = float(m.group(1)) * unit[m.group(2)]
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return WrkResult(rps, p99, requests, int(non2xx.group(1)) if non2xx else 0,
                     errors.group(0) if errors else "")
