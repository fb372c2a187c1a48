"""`kg serve` on a built store: the service description (first answer and cached) and one SELECT of
1,000 rows in each result format, over HTTP on loopback.

    python bench/serve_protocol.py --store DIR [--runs 5] [--json OUT.json]

Medians of ``--runs`` requests per format; the load average before and after goes into the JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELECT = "SELECT ?p ?t WHERE { ?p a hc:Plan ; hc:held true ; eli:title ?t } LIMIT 1000"
MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(url: str, accept: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=600) as r:
        size = len(r.read())
    return time.perf_counter() - start, size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "kg",
        "serve",
        "--store",
        args.store,
        "--port",
        str(port),
        "--timeout",
        "120",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    out: dict = {"store": args.store, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    out["load_before"] = [round(x, 2) for x in os.getloadavg()]
    try:
        endpoint = json.loads(proc.stdout.readline())["endpoint"]
        first, size = _timed(endpoint, "text/turtle")
        cached, _ = _timed(endpoint, "text/turtle")
        out["service_description"] = {"first_s": round(first, 2), "cached_s": round(cached, 3), "bytes": size}
        url = endpoint + "?" + urllib.parse.urlencode({"query": SELECT})
        out["select_1000_rows_median_ms"] = {}
        for media in MEDIA:
            times = [_timed(url, media)[0] for _ in range(args.runs)]
            out["select_1000_rows_median_ms"][media] = round(statistics.median(times) * 1000, 1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(out, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
