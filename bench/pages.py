"""Every explorer page's data step, timed in process: cold (a freshly opened graph, as on the first
visit after a build: no answer kept in memory, Streamlit's disk cache not used) and warm (the same
graph asked again), with the store's size.

    python bench/pages.py --store DIR [--runs 3] [--json OUT.json]

Each page's data step is one function of an opened PolicyGraph in :data:`PAGES` (add a page with one
line): what the page asks the graph for before it draws, in its default state. Prints seconds per
page, cold and warm (medians of ``--runs``), and writes them with the date and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_INDICATOR = "居民健康素养水平"


def _held(g):
    tree = g.plan_tree()
    return tree[tree["held"].fillna(False)]


def overview(g):
    from explorer import sunburst
    from kg.locations import read_build_info
    from kg.summaries import read_stamp

    read_build_info(g.spec)
    read_stamp(g.spec)
    g.summary("plans")
    _held(g)
    return sunburst.region_rows(sunburst.with_path(g.plan_tree()))


def departments(g):
    _held(g)
    return g.department_counts()


def trace(g):
    from kg.store import expand

    held = _held(g).sort_values(["rank", "region", "title"], ascending=[False, True, True])
    plan = expand(str(held["plan"].iloc[0]))  # the page's default: the first plan of the lowest level
    actions = g.named("plan_actions", plan=plan).records()
    return g.trace(place=plan, action=str(actions[0]["name"])) if actions else []


def indicators(g):
    names = g.indicator_counts()
    name = DEFAULT_INDICATOR if (names["indicatorName"] == DEFAULT_INDICATOR).any() else names.iloc[0, 0]
    return g.target_table(indicator=name), g.target_values(indicator=name)


def network(g):
    from kg.store import expand

    held = _held(g).sort_values(["rank", "region", "title"])
    plan = expand(str(held["plan"].iloc[0]))  # the page's default: the highest-level held plan
    return g.to_networkx("department-action", plan=plan)


def diffusion(g):
    return g.diffusion()


def matrix(g):
    cells = g.matrix()  # the whole graph, any role; then the first cell's actions
    return cells, g.matrix_cell(department_type=cells[0].type, theme=cells[0].theme) if cells else []


def compare(g):
    from kg.store import expand

    held = _held(g).sort_values(["rank", "region", "title"], ascending=[False, True, True])
    b = expand(str(held["plan"].iloc[0]))  # the page's default: the lowest-level plan and its held parent
    up = [
        r for r in g.named("trace_plans", start=b).records() if expand(str(r["plan"])) != b and r.get("held")
    ]
    a = expand(str(up[0]["plan"])) if up else expand(str(held["plan"].iloc[1]))
    return g.compare_plans(a=a, b=b)


PAGES = {  # page -> its data step in the default state
    "overview": overview,
    "departments": departments,
    "trace": trace,
    "indicators": indicators,
    "network": network,
    "diffusion": diffusion,
    "matrix": matrix,
    "compare": compare,
}


def store_size(store: Path) -> dict:
    info = json.loads((store / "build.json").read_text(encoding="utf-8"))
    return {
        "documents": info.get("documents"),
        "triples": info.get("triples"),
        "bytes": sum(p.stat().st_size for p in store.rglob("*") if p.is_file()),
    }


def measure(store: Path, runs: int) -> dict:
    # imported first, as in the running app: the timings are of reading and computing, not of the
    # process's first imports
    import networkx  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import kg

    out = {}
    for name, step in PAGES.items():
        cold, warm = [], []
        for _ in range(runs):
            with kg.open(str(store)) as g:
                t = time.perf_counter()
                step(g)
                cold.append(time.perf_counter() - t)
                t = time.perf_counter()
                step(g)
                warm.append(time.perf_counter() - t)
        out[name] = {
            "cold_s": round(statistics.median(cold), 4),
            "warm_s": round(statistics.median(warm), 4),
            "cold_runs": [round(x, 4) for x in cold],
            "warm_runs": [round(x, 4) for x in warm],
        }
        print(f"{name:12s} cold {out[name]['cold_s']:.3f} s   warm {out[name]['warm_s']:.3f} s", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from kg.summaries import is_fresh

    load_before = os.getloadavg()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": str(args.store),
        "size": store_size(args.store),
        "summaries_fresh": is_fresh(args.store),
        "runs": args.runs,
        "load_before": [round(x, 2) for x in load_before],
        "pages": measure(args.store, args.runs),
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
