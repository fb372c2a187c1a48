"""The data of the Diffusion and Matrix pages on a built store, each view cold: a fresh Python process
per run (no answer kept in memory or in Streamlit's cache), the store opened read-only, then the one
call the page makes timed alone.

    python bench/analyses.py --store DIR [--runs 3] [--json bench/results/analyses-10000.json]

Prints each view's seconds per run and their median; the JSON also holds the load average before and
after (the machine is shared), the store's size and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# view name -> the call the page makes (``g`` is the opened graph)
VIEWS = {
    "diffusion: every plan, lags and medians per level": "level_lags(g.diffusion())",
    "matrix: whole graph": "g.matrix()",
    "matrix: one level (city)": "g.matrix(level='city')",
    "matrix: one plan": "g.matrix(plan=PLAN)",
    "matrix cell: 卫生健康委员会 x 控烟, city level": "g.matrix_cell(department_type='health', theme='tobacco', level='city')",
    "matrix cell: 卫生健康委员会 x 控烟, whole graph": "g.matrix_cell(department_type='health', theme='tobacco')",
    "matrix cell: 卫生健康委员会 x 控烟, one plan": "g.matrix_cell(department_type='health', theme='tobacco', plan=PLAN)",
}

RUN_ONE = """
import sys, time, json
import kg
from kg.api.diffusion import level_lags
g = kg.open(sys.argv[1])
PLAN = sys.argv[3]
start = time.perf_counter()
found = {call}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "rows": len(found)}}))
"""


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def a_plan(store: str) -> str:
    """A held city plan of the store (the first by IRI), for the one-plan view."""
    import kg

    with kg.open(store) as g:
        rows = g.query(
            "SELECT ?p WHERE { ?p a hc:Plan ; hc:held true ; hc:level hc:City } ORDER BY ?p LIMIT 1"
        )
        return str(rows.rows[0][0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    plan = a_plan(args.store)
    before = load()
    results = {}
    for name, call in VIEWS.items():
        runs = []
        for _ in range(args.runs):
            proc = subprocess.run(
                [sys.executable, "-c", RUN_ONE.format(call=call), args.store, name, plan],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        median = statistics.median(r["seconds"] for r in runs)
        results[name] = {
            "median_s": round(median, 3),
            "runs_s": [round(r["seconds"], 3) for r in runs],
            "rows": runs[0]["rows"],
        }
        print(
            f"{name}: median {median:.3f} s  runs {results[name]['runs_s']}  rows {runs[0]['rows']}",
            flush=True,
        )
    info = json.loads((Path(args.store) / "build.json").read_text(encoding="utf-8"))
    doc = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "store": args.store,
        "documents": info.get("documents"),
        "triples": info.get("triples"),
        "how": "each run a fresh process: kg.open(store) read-only, then the page's one call timed alone",
        "one_plan": plan,
        "load_average_before": before,
        "load_average_after": load(),
        "cores": os.cpu_count(),
        "views": results,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
