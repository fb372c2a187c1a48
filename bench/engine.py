"""One engine, in its own process: load an N-Quads file, run every named query several times.

    python bench/engine.py --engine oxigraph|rdflib --nquads FILE --runs 5 [--query-timeout S]

Prints one JSON object: load seconds, triples, each query's latencies and median, and the
process's peak resident memory (so engines are measured apart, in the same run).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rdflib import Literal  # noqa: E402

from kg.queries import list_queries, load_query  # noqa: E402
from kg.rdf import BASE, HC  # noqa: E402
from kg.store import MemoryStore, scratch_store  # noqa: E402

# Bindings that make each parameterised query a realistic request; the rest run unbound.
BINDINGS = {
    "department_actions": {"type": BASE["department-type/health"]},
    "department_action_edges": {"level": HC.City},
    "indicator_targets": {"name": Literal("婴儿死亡率")},
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(engine: str, nquads: Path):
    start = time.perf_counter()
    store = scratch_store() if engine == "oxigraph" else MemoryStore()
    store.load_nquads_file(nquads)
    return store, time.perf_counter() - start


def sample_bindings(store) -> dict:
    """A plan and a theme to trace from: the first township (or lowest) plan with a themed action."""
    res = store.query(
        "SELECT ?plan ?theme WHERE { ?plan hc:held true ; hc:level/hc:rank ?r ; eli:has_part ?a . "
        "?a eli:is_about ?theme } ORDER BY DESC(?r) ?plan ?theme LIMIT 1"
    )
    if not res.terms:
        return {}
    plan, theme = res.terms[0]
    return {
        "plan_actions": {"plan": plan},
        "trace": {"start": plan, "theme": theme},
        "trace_plans": {"start": plan},
        "plan_theme_action": {"plan": plan, "theme": theme},
        "find_plan": {"by": HC.held, "value": Literal(True)},  # every held plan: the lookup at its widest
    }


def timed(store, text: str, bindings, timeout: float | None) -> float | None:
    """Seconds for one run, or None when it did not finish within ``timeout`` (rdflib cannot be
    interrupted: the run is abandoned in a daemon thread and the engine is not asked again)."""
    box = {}

    def run():
        t = time.perf_counter()
        res = store.query(text, bindings=bindings)
        _ = res.rows
        box["s"] = time.perf_counter() - t

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(timeout)
    return box.get("s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["oxigraph", "rdflib"], required=True)
    ap.add_argument("--nquads", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--query-timeout", type=float, default=None, help="give up on a query after S seconds")
    ap.add_argument("--queries", default="", help="comma-separated names (default: all named queries)")
    args = ap.parse_args(argv)

    store, load_s = load(args.engine, args.nquads)
    # each triple lives in one named graph, so quads are distinct triples (the SPARQL count over the
    # union would take minutes on rdflib at 5 M)
    triples = store.quad_count()
    bindings = {**BINDINGS, **sample_bindings(store)}
    names = [n for n in (args.queries.split(",") if args.queries else list_queries()) if n]
    queries = {}
    for name in names:
        text = load_query(name)
        b = bindings.get(name)
        times = []
        timed_out = False
        for _ in range(args.runs):
            s = timed(store, text, b, args.query_timeout)
            if s is None:
                timed_out = True
                break
            times.append(s)
        queries[name] = {
            "runs": times,
            "median_s": statistics.median(times) if times else None,
            "timed_out_after_s": args.query_timeout if timed_out else None,
        }
    print(
        json.dumps(
            {
                "engine": args.engine,
                "triples": triples,
                "load_s": load_s,
                "peak_rss_mb": peak_rss_mb(),
                "queries": queries,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
