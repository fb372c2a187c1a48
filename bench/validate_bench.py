"""Time SHACL validation (kg.validate) per engine on the seed corpus and on copies of it.

    python bench/validate_bench.py [--store PATH] [--scales 1,20,100] [--runs 3]
                                   [--engines shacl,pyshacl] [--pyshacl-max-scale 20]

The seed corpus (``data/plans``, built into a temporary store unless ``--store`` names a built
one) is the union graph ``kg validate`` checks (~11,700 triples with the ontology). Scale ``N``
is ``N`` copies of it: copy ``c > 0`` has every IRI under ``https://w3id.org/healthy-china/id/``
moved to ``.../id/copy<c>/``, while the ontology and its concepts (hc:National, hc:Lead, ...)
stay shared, so every shape applies to every copy and the verdict stays "conforms".

Each (engine, scale) runs in a fresh process, which builds the scaled rdflib graph, then calls
``kg.validate.validate`` ``--runs`` times with ``KG_SHACL_ENGINE`` set (``shacl-text``:
``kg.validate.validate_text`` on the graph's N-Triples, made beforehand and not timed, which is
what ``kg build`` does: it never builds an rdflib graph of the corpus). The table gives the
median wall time, the median CPU time of the process (all threads; on a shared machine the
more stable number), the resident memory after the graph is built and the peak, and the
verdict. Engines other than the two of kg.validate (``pyshacl-turbo``, ``shifty``,
``shacl-rust``, ``pyrudof``) are timed too when named in ``--engines`` and installed, through
adapters that turn their reports into the same lines (for the library evaluation; kg.validate
does not use them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ID = "https://w3id.org/healthy-china/id/"
KG_ENGINES = ("shacl", "pyshacl")
TEXT_ENGINE = "shacl-text"  # kg.validate.validate_text on N-Triples made beforehand: the build's path
OTHER_ENGINES = ("pyshacl-turbo", "shifty", "shacl-rust", "pyrudof")


def seed_ntriples(store: str | None, out: Path) -> Path:
    """The seed corpus's union graph as N-Triples (building it into a temporary store if need be)."""
    from kg.store import open_store

    if store is None:
        from kg.build import build

        store = str(out.parent / "store")
        build([ROOT / "data" / "plans"], store)
    s = open_store(store, read_only=True)
    try:
        out.write_bytes(s.union_graph().serialize(format="nt", encoding="utf-8"))
    finally:
        s.close()
    return out


def scaled_graph(seed_nt: Path, copies: int):
    """``copies`` copies of the seed graph, document IRIs renamed per copy (see the module doc)."""
    from rdflib import Graph, URIRef

    seed = Graph().parse(seed_nt, format="nt")
    g = Graph()
    g += seed
    renamed: dict[URIRef, URIRef] = {}
    for c in range(1, copies):
        prefix = f"{ID}copy{c}/"
        renamed.clear()

        def move(t, prefix=prefix):
            if isinstance(t, URIRef) and t.startswith(ID):
                r = renamed.get(t)
                if r is None:
                    r = renamed[t] = URIRef(prefix + t[len(ID) :])
                return r
            return t

        add = g.add
        for s, p, o in seed:
            add((move(s), p, move(o)))
    return g


# --- adapters for the engines kg.validate does not use (evaluation only) -------------------------


def _other_rows(name: str, g) -> tuple[bool, int]:
    """(conforms, number of distinct violation lines) from one of the other candidate engines."""
    from kg.rdf import SHAPES_FILE
    from kg.validate import _path, _pyshacl_rows, _row, _term

    # The seed corpus's union graph, and so every scaled graph, already holds the ontology.
    if name == "pyshacl-turbo":
        import pyshacl_turbo

        conforms, results, _ = pyshacl_turbo.validate(g, shacl_graph=str(SHAPES_FILE), inference="none")
        return conforms, len(_pyshacl_rows(results, None))
    if name == "shifty":
        import shifty

        conforms, results, _ = shifty.validate(g, shacl_graph=SHAPES_FILE, graph_mode="data")
        return conforms, len(_pyshacl_rows(results, None))
    text = g.serialize(format="nt")
    if name == "shacl-rust":
        import shacl_rust

        rep = shacl_rust.validate(text, SHAPES_FILE.read_text(encoding="utf-8"), data_format="nt")
        rows = {
            _row(
                _term(r["focusNode"]),
                _path(r.get("resultPath")),
                r["messages"][1:] or r["messages"],  # [the engine's own text, sh:message]
                _term(r.get("value")),
                r.get("sourceShape"),
            )
            for r in rep["results"]
        }
        return rep["conforms"], len(rows)
    if name == "pyrudof":
        import pyrudof

        r = pyrudof.Rudof(pyrudof.RudofConfig())
        r.read_data(text, format=pyrudof.RDFFormat.NTriples)
        r.read_shacl(str(SHAPES_FILE), format=pyrudof.ShaclFormat.Turtle)
        rep = r.validate_shacl()
        rows = {
            _row(
                _term(e.focus_node),
                _path(e.path if (e.path or "<").startswith("<") else f"<{e.path}>"),
                [m.strip('"') for m in e.message.split("\n")],
                _term(e.value),
                e.source_shape,
            )
            for e in rep
        }
        return rep.conforms, len(rows)
    raise ValueError(f"unknown engine {name}")


def child(engine: str, seed_nt: Path, copies: int, runs: int) -> dict:
    """One measurement, in this (fresh) process."""

    def rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    g = scaled_graph(seed_nt, copies)
    after_load = rss_mb()
    if engine in KG_ENGINES or engine == TEXT_ENGINE:
        os.environ["KG_SHACL_ENGINE"] = "shacl" if engine == TEXT_ENGINE else engine
        from kg.validate import validate, validate_text

        text = g.serialize(format="nt") if engine == TEXT_ENGINE else None

        def run():
            ok, message = validate(g) if text is None else validate_text(text)
            return ok, 0 if ok else int(message.splitlines()[-1].split()[0])
    else:
        run = lambda: _other_rows(engine, g)  # noqa: E731
    walls, cpus, verdict = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        verdict = run()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {
        "engine": engine,
        "copies": copies,
        "triples": len(g),
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "walls": walls,
        "rss_load_mb": after_load,
        "rss_peak_mb": rss_mb(),
        "conforms": bool(verdict[0]),
        "violations": verdict[1],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="a built store of the seed corpus (default: build one)")
    ap.add_argument("--scales", default="1,20,100", help="copies of the seed graph (default 1,20,100)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown")
    ap.add_argument(
        "--engines",
        default=",".join((*KG_ENGINES, TEXT_ENGINE)),
        help=f"of {', '.join((*KG_ENGINES, TEXT_ENGINE, *OTHER_ENGINES))}",
    )
    ap.add_argument("--pyshacl-max-scale", type=int, default=20, help="skip pyshacl above this scale (slow)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "SEED_NT", "COPIES"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        engine, seed_nt, copies = args.child
        print(json.dumps(child(engine, Path(seed_nt), int(copies), args.runs)))
        return 0

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    scales = [int(s) for s in args.scales.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-validate-bench-") as tmp:
        seed_nt = seed_ntriples(args.store, Path(tmp) / "seed.nt")
        for copies in scales:
            for engine in engines:
                if engine == "pyshacl" and copies > args.pyshacl_max_scale:
                    continue
                p = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--runs",
                        str(args.runs),
                        "--child",
                        engine,
                        str(seed_nt),
                        str(copies),
                    ],
                    capture_output=True,
                    text=True,
                )
                if p.returncode != 0:
                    last = (p.stderr.strip().splitlines() or ["failed"])[-1]
                    print(f"{engine} x{copies}: {last}", file=sys.stderr)
                    continue
                row = json.loads(p.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(
                    f"{row['engine']:<14} x{copies:<4} {row['triples']:>9,} triples  wall {row['wall']:8.2f} s"
                    f"  cpu {row['cpu']:8.2f} s  rss {row['rss_load_mb']:6.0f} -> {row['rss_peak_mb']:6.0f} MB"
                    f"  {'conforms' if row['conforms'] else str(row['violations']) + ' violations'}",
                    flush=True,
                )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
