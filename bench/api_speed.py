"""``top_departments`` (with each kind of filter) and ``trace`` timed in process on a built store:
cold (a graph just opened) and warm, medians, with the date, the store's size and the machine's load.

    python bench/api_speed.py --store DIR [--runs 5] [--json OUT.json]
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

FILTERS = {  # the "any level / role / plan filter"
    "all": {},
    "level city": {"level": "city"},
    "role lead": {"role": "lead"},
    "township participants": {"level": "township", "role": "participant"},
    "one plan (聊城市)": {"plan": "聊城市"},
}
TRACE = {"place": "夹江县", "action": "控烟行动"}


def measure(store: str, runs: int) -> dict:
    import pandas  # noqa: F401  (imported as in the explorer and the CLI: the timings are of the work)
    import pyarrow.parquet  # noqa: F401

    import kg

    out: dict = {"top_departments": {}}
    for name, filters in FILTERS.items():
        cold, warm = [], []
        for _ in range(runs):
            with kg.open(store) as g:
                t = time.perf_counter()
                first = g.top_departments(**filters)
                cold.append(time.perf_counter() - t)
                t = time.perf_counter()
                g.top_departments(**filters)
                warm.append(time.perf_counter() - t)
        out["top_departments"][name] = {
            "cold_ms": round(1000 * statistics.median(cold), 1),
            "warm_ms": round(1000 * statistics.median(warm), 1),
            "first": first[0].department if first else None,
        }
        print(name, out["top_departments"][name], flush=True)
    with kg.open(store) as g:
        g.trace(**TRACE)
        times = []
        for _ in range(max(runs, 7)):
            t = time.perf_counter()
            hops = g.trace(**TRACE)
            times.append(time.perf_counter() - t)
    out["trace"] = {"args": TRACE, "median_ms": round(1000 * statistics.median(times), 1), "hops": len(hops)}
    print("trace", out["trace"], flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    info = json.loads((Path(args.store) / "build.json").read_text(encoding="utf-8"))
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "store": args.store,
        "documents": info.get("documents"),
        "triples": info.get("triples"),
        "load_before": list(os.getloadavg()),
        **measure(args.store, args.runs),
        "load_after": list(os.getloadavg()),
        "cores": os.cpu_count(),
    }
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
