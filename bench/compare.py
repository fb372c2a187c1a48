"""The Compare view's data at scale: ``PolicyGraph.compare_plans`` on a built store, each run in a
fresh process (no warm caches: kg.link.reuse caches the texts it has compared), the call timed alone.

    python bench/compare.py --store /work/stores/s10k [--runs 3] [--json bench/results/compare-10000.json]

Pairs: a province and one of its cities (the city's actions implement the province's: reuse from the
stored links), a county and one of its townships, and two cities of different provinces (no link:
reuse computed from the texts).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAIRS = {
    "province and one of its cities": """SELECT ?a ?b WHERE {
        ?b hc:derivedFrom ?a ; hc:level hc:City ; hc:held true .
        ?a hc:level hc:Province ; hc:held true } ORDER BY ?b LIMIT 1""",
    "county and one of its townships": """SELECT ?a ?b WHERE {
        ?b hc:derivedFrom ?a ; hc:level hc:Township ; hc:held true .
        ?a hc:level hc:County ; hc:held true } ORDER BY ?b LIMIT 1""",
}

ONE_RUN = """
import json, sys, time
import kg
g = kg.open(sys.argv[1])
start = time.perf_counter()
found = g.compare_plans(a=sys.argv[2], b=sys.argv[3])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "themes": len(found.themes), "departments": len(found.departments),
                  "targets": len(found.targets), "reuse_from": sorted({t.reuse_from for t in found.themes if t.reuse_from})}))
"""


def pairs(store: str) -> dict[str, tuple[str, str]]:
    import kg

    out = {}
    with kg.open(store) as g:
        for name, sparql in PAIRS.items():
            rows = g.query(sparql).rows
            if rows:
                out[name] = (str(rows[0][0]), str(rows[0][1]))
        cities = g.query(
            """SELECT ?p ?prov WHERE { ?p hc:level hc:City ; hc:held true ; hc:derivedFrom ?prov }
               ORDER BY ?p LIMIT 400"""
        ).rows
        first = cities[0]
        other = next((c for c in cities if c[1] != first[1]), None)
        if other is not None:
            out["two cities of different provinces"] = (str(first[0]), str(other[0]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    build = json.loads((Path(args.store) / "build.json").read_text(encoding="utf-8"))
    load_before = os.getloadavg()
    views = {}
    for name, (a, b) in pairs(args.store).items():
        runs, last = [], {}
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, "-c", ONE_RUN, args.store, a, b],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            last = json.loads(done.stdout.strip().splitlines()[-1])
            runs.append(round(last.pop("seconds"), 3))
        views[name] = {"a": a, "b": b, "median_s": statistics.median(runs), "runs_s": runs, **last}
        print(f"{name}: median {views[name]['median_s']:.3f} s  {runs}", flush=True)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": args.store,
        "documents": build.get("documents"),
        "how": "each run a fresh process: kg.open(store) read-only, then compare_plans(a=, b=) timed alone",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "views": views,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - t0:.1f} s in all)", file=sys.stderr)
    sys.exit(code)
