"""The whole benchmark: synthetic corpus -> extract -> link -> store -> every named query, per engine.

    python bench/run.py --plans N --json OUT.json [--runs 5] [--engines oxigraph,rdflib]
                        [--query-timeout 600] [--rdflib-queries a,b,...] [--jobs 2] [--work DIR]

Steps, each timed in this run on this machine:
1. ``bench/generate.py`` writes an N-plan cascade corpus;
2. ``kg build`` extracts (in parallel), links, validates and loads it into an embedded Oxigraph
   store (extraction throughput in plans/s and MB/s, build time, peak memory of the build);
3. the graph is exported once as N-Quads; each engine then loads it in a child process of its own
   and runs every named query ``--runs`` times (median latency), so peak memory is per engine;
4. a table is printed and everything is written to OUT.json, with the Oxigraph/rdflib ratio of every
   query that both engines answered.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _child(cmd: list[str], **kw) -> tuple[str, float, float]:
    """Run a child process; (stdout, seconds, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all waited children: report it when it grew.
    return out.stdout, seconds, max(after, before) / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, required=True)
    ap.add_argument("--json", type=Path, required=True, help="write the results here")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--engines", default="oxigraph,rdflib")
    ap.add_argument(
        "--rdflib-queries",
        default="",
        help="comma-separated named queries to run on rdflib (default: all; at millions of triples "
        "each rdflib query takes minutes)",
    )
    ap.add_argument("--query-timeout", type=float, default=600.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: bench/work/N)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    work = args.work or ROOT / "bench" / "work" / str(args.plans)
    corpus, store, nquads = work / "corpus", work / "store", work / "graph.nq"
    work.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    result: dict = {
        "plans": args.plans,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }

    import shutil

    shutil.rmtree(corpus, ignore_errors=True)
    _, gen_s, _ = _child(
        [
            py,
            str(ROOT / "bench" / "generate.py"),
            "--plans",
            str(args.plans),
            "--out",
            str(corpus),
            "--seed",
            str(args.seed),
        ]
    )
    files = sorted(corpus.glob("*.txt"))
    size_mb = sum(f.stat().st_size for f in files) / 2**20
    result["corpus"] = {"files": len(files), "megabytes": round(size_mb, 2), "generate_s": round(gen_s, 2)}
    print(f"corpus: {len(files)} plans, {size_mb:.1f} MB, generated in {gen_s:.1f} s", flush=True)

    shutil.rmtree(store, ignore_errors=True)
    build_script = (
        "import json,sys,time; from kg.build import build, extract_all, read_inputs, plan_files;"
        "from pathlib import Path;"
        "files=plan_files([Path(sys.argv[1])]); inputs, _ = read_inputs(files);"
        "t=time.perf_counter(); extract_all(inputs, jobs=int(sys.argv[3])); ex=time.perf_counter()-t;"
        "t=time.perf_counter(); r=build([Path(sys.argv[1])], sys.argv[2], jobs=int(sys.argv[3]), incremental=False); b=time.perf_counter()-t;"
        "print(json.dumps({'extract_s': ex, 'build_s': b, 'triples': r.triples, 'documents': r.documents}))"
    )
    out, _, build_rss = _child([py, "-c", build_script, str(corpus), str(store), str(args.jobs)], cwd=ROOT)
    b = json.loads(out.strip().splitlines()[-1])
    b["plans_per_s"] = round(b["documents"] / b["extract_s"], 1)
    b["mb_per_s"] = round(size_mb / b["extract_s"], 2)
    b["peak_rss_mb"] = round(build_rss, 1)
    result["build"] = b
    print(
        f"extract: {b['plans_per_s']} plans/s ({b['mb_per_s']} MB/s); build (extract+link+validate+load): "
        f"{b['build_s']:.1f} s; {b['triples']} triples; peak {build_rss:.0f} MB",
        flush=True,
    )

    result["cli"] = cli_latency(store, args.runs)
    print(
        "kg on the built store (whole command, Python start included; in-process API time in brackets): "
        + ", ".join(
            f"{k} {v['median_s'] * 1000:.0f} ms [{v['api_median_s'] * 1000:.1f} ms]"
            for k, v in result["cli"].items()
        ),
        flush=True,
    )

    # Oxigraph's own N-Quads writer: the same file for both engines, written at scale in seconds.
    export = "import sys; from kg.store import open_store; open_store(sys.argv[1], read_only=True).dump_to(sys.argv[2])"
    _child([py, "-c", export, str(store), str(nquads)], cwd=ROOT)

    result["rdflib_queries"] = args.rdflib_queries or "all"
    result["engines"] = {}
    for engine in [e for e in args.engines.split(",") if e]:
        cmd = [
            py,
            str(ROOT / "bench" / "engine.py"),
            "--engine",
            engine,
            "--nquads",
            str(nquads),
            "--runs",
            str(args.runs),
        ]
        if engine == "rdflib":
            cmd += ["--query-timeout", str(args.query_timeout)]
            if args.rdflib_queries:
                cmd += ["--queries", args.rdflib_queries]
        out, _, _ = _child(cmd, cwd=ROOT)
        data = json.loads(out.strip().splitlines()[-1])
        result["engines"][engine] = data
        print(
            f"{engine}: loaded {data['triples']} triples in {data['load_s']:.1f} s, peak {data['peak_rss_mb']:.0f} MB",
            flush=True,
        )

    engines = result["engines"]
    if "oxigraph" in engines and "rdflib" in engines:
        ratios = {}
        for name, q in engines["oxigraph"]["queries"].items():
            r = engines["rdflib"]["queries"].get(name, {})
            if q["median_s"] and r.get("median_s"):
                ratios[name] = round(r["median_s"] / q["median_s"], 1)
        result["rdflib_over_oxigraph"] = ratios
    print(table(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


CLI_PROBE = """
import json, statistics, sys, time
from kg.graph import PolicyGraph
store, runs = sys.argv[1], int(sys.argv[2])
with PolicyGraph.open(store=store) as pg:
    res = pg.store.query(
        "SELECT ?region ?name WHERE { ?p hc:held true ; hc:level/hc:rank ?r ; eli:relevant_for/rdfs:label ?region ;"
        " eli:has_part ?a . ?a rdfs:label ?name ; hc:implements ?up } ORDER BY DESC(?r) ?region ?name LIMIT 1"
    )
    region, name = (str(t) for t in res.terms[0])
    out = {"trace_args": [region, name]}
    for key, call in [("top-departments", lambda: pg.top_departments()),
                      ("trace", lambda: pg.trace(place=region, action=name))]:
        times = []
        for _ in range(runs):
            t = time.perf_counter(); call(); times.append(time.perf_counter() - t)
        out[key] = statistics.median(times)
print(json.dumps(out, ensure_ascii=False))
"""


def cli_latency(store: Path, runs: int) -> dict:
    """Median wall time of ``kg top-departments`` and ``kg trace`` run as commands on the built store,
    and the median in-process time of the same calls through ``kg.graph.PolicyGraph``."""
    import statistics

    py = sys.executable
    out, _, _ = _child([py, "-c", CLI_PROBE, str(store), str(runs)], cwd=ROOT)
    api = json.loads(out.strip().splitlines()[-1])
    kg_cmd = [py, "-m", "kg"]
    commands = {
        "top-departments": [*kg_cmd, "top-departments", "--store", str(store)],
        "trace": [*kg_cmd, "trace", *api["trace_args"], "--store", str(store)],
    }
    result = {}
    for key, cmd in commands.items():
        times = [_child(cmd, cwd=ROOT)[1] for _ in range(runs)]
        result[key] = {
            "median_s": round(statistics.median(times), 4),
            "api_median_s": round(api[key], 5),
            "command": " ".join(cmd[2:]),
        }
    return result


def table(result: dict) -> str:
    engines = result.get("engines", {})
    names = sorted({n for e in engines.values() for n in e["queries"]})
    head = f"{'query':<26}" + "".join(f"{e + ' median':>18}" for e in engines) + f"{'ratio':>10}"
    lines = [head, "-" * len(head)]
    ratios = result.get("rdflib_over_oxigraph", {})
    for n in names:
        cells = []
        for e in engines.values():
            q = e["queries"].get(n, {})
            if q.get("median_s") is not None:
                cells.append(f"{q['median_s'] * 1000:>15.1f} ms")
            elif q.get("timed_out_after_s"):
                cells.append(f"{'> ' + str(int(q['timed_out_after_s'])) + ' s':>18}")
            else:
                cells.append(f"{'-':>18}")
        ratio = f"{ratios[n]:>9}x" if n in ratios else f"{'':>10}"
        lines.append(f"{n:<26}" + "".join(cells) + ratio)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
