"""Load times of the same corpus into each store engine: the embedded Oxigraph store (a folder) and
Virtuoso Open Source (a fresh server of its own, loaded over its Graph Store Protocol).

    python -m bench.stores [--plans 500] [--repeat 3]

Each run is a whole ``kg build`` (extraction, linking, validation, loading) into a store that is new
for the run; the medians of the build and of its store phase go to ``bench/results/stores.json``
with the date and the machine's load, and the medians of a few named queries on the loaded store. The seeds (``data/plans``) are measured too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.generate import generate
from bench.virtuoso_server import VIRTUOSO, start_virtuoso, stop_virtuoso
from kg.build import build

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "stores.json"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


QUERIES = ("top_departments", "plans", "indicator_names")  # named queries timed on the loaded store


def _query_times(spec: str) -> dict:
    """Median of 3 answers of each of :data:`QUERIES` (after one unmeasured run)."""
    from kg.queries import load_query
    from kg.store import open_store

    out = {}
    with open_store(spec) as store:
        for name in QUERIES:
            store.query(load_query(name))
            times = []
            for _ in range(3):
                t = time.perf_counter()
                store.query(load_query(name))
                times.append(time.perf_counter() - t)
            out[name] = round(statistics.median(times), 4)
    return out


def _once(corpus: Path, engine: str, work: Path) -> dict:
    if engine == "oxigraph":
        spec = str(work / "store")
        res = build([corpus], spec)
        return {
            "build_s": res.seconds,
            "store_s": res.phases.get("store", 0.0),
            "triples": res.triples,
            "query_s": _query_times(spec),
        }
    proc, url, _ = start_virtuoso(work / "virtuoso")
    try:
        res = build([corpus], url)
        queries = _query_times(url)
    finally:
        stop_virtuoso(proc)
    return {
        "build_s": res.seconds,
        "store_s": res.phases.get("store", 0.0),
        "triples": res.triples,
        "query_s": queries,
    }


def measure(corpus: Path, engines: list[str], repeat: int) -> dict:
    out = {}
    for engine in engines:
        runs = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(_once(corpus, engine, Path(tmp)))
        out[engine] = {
            "build_median_s": round(statistics.median(r["build_s"] for r in runs), 3),
            "store_median_s": round(statistics.median(r["store_s"] for r in runs), 3),
            "triples": runs[0]["triples"],
            "query_median_s": {q: statistics.median(r["query_s"][q] for r in runs) for q in QUERIES},
            "runs": runs,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=500, help="plans of the generated corpus (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine and corpus (default 3)")
    args = parser.parse_args(argv)
    engines = ["oxigraph"] + (["virtuoso"] if VIRTUOSO else [])
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "load_before": _uptime(),
        "method": "whole `kg build` into a new store per run; store_s is the build's store phase "
        "(the folder store loads in the background during validation, so its store phase is only the "
        "finish); Virtuoso loaded by one Graph Store Protocol PUT per named graph",
        "corpora": {},
    }
    result["corpora"]["seeds"] = measure(ROOT / "data" / "plans", engines, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.plans)
        result["corpora"][f"plans-{args.plans}"] = measure(corpus, engines, args.repeat)
    result["load_after"] = _uptime()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: {e: v[e]["build_median_s"] for e in v} for k, v in result["corpora"].items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
