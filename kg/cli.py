"""The ``kg`` command line.

    kg extract FILE... [--json]
    kg build [PATH...] [--store PATH] [--full] [--strict]
    kg validate [--store PATH]
    kg export [--format turtle|nt|jsonld|nquads] [--store PATH] [--output FILE]
    kg query "SPARQL" | --file Q.rq | --name NAME | --list  [--format table|csv|json] [--bind NAME=VALUE]
    kg eval [--gold DIR] [--json] ...
    kg top-departments [--level L] [--plan P] [--role lead|any|participant] [--limit N] [--json]
    kg trace PLACE ACTION [--json]
    kg hierarchy | kg coverage | kg targets INDICATOR   [--json]
    kg serve [--host 127.0.0.1] [--port 7878] [--timeout S] [--limit ROWS] [--store PATH]

``--store`` takes a folder (default ``$KG_STORE`` or ``data/store``) or ``memory`` (the corpus in
``data/plans`` is then built in memory first). Expected errors print one line, ``kg: error: ...``,
and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kg.errors import ExtractionError, KGError, ValidationError
from kg.version import __version__

PROG = "kg"


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


# --------------------------------------------------------------------------- stores


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="PATH",
        default=None,
        help="store folder, or 'memory' (default: $KG_STORE or data/store)",
    )


def _data_store(args):
    """The store a reading command works on; with ``memory`` the corpus is built in memory first."""
    from kg.store import open_store, spec_kind

    if spec_kind(args.store) == "memory":
        from kg.build import build

        return build(None, "memory").memory_store
    return open_store(args.store, read_only=True)


# --------------------------------------------------------------------------- commands


def cmd_extract(args) -> int:
    from kg.extract import extract_file
    from kg.records import to_gold_json

    records = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise ExtractionError(name, "no such file" if not path.exists() else "not a file")
        records.append(extract_file(path))
    if args.json:
        _out(json.dumps([to_gold_json(r) for r in records], ensure_ascii=False, indent=2))
        return 0
    for r in records:
        m = r.meta
        head = " ".join(x for x in (m.region, m.level, m.doc_number) if x) or "no header fields"
        with_depts = sum(1 for a in r.actions if a.assignments)
        _out(
            f"{r.file}: {m.title or '(no title)'}\n"
            f"  {head}; issuer {m.issuer or '-'}; date {m.date or '-'}; encoding {r.encoding}\n"
            f"  {len(r.actions)} actions ({with_depts} with departments), "
            f"{len(r.indicators)} indicators, {len(r.cites)} cites"
        )
    return 0


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal, or with --progress)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = None
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        if not self.enabled:
            return
        now = time.monotonic()
        self.start = self.start or now
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / (now - self.start) if now > self.start else 0.0
        sys.stderr.write(
            f"\rextracting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.0f} plans/s"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_build(args) -> int:
    from kg.build import BuildRefused, build

    progress = _Progress(args.progress or sys.stderr.isatty())
    try:
        res = build(
            args.paths or None,
            args.store,
            jobs=args.jobs,
            progress=progress,
            incremental=not args.full,
            strict=args.strict,
        )
    except BuildRefused as e:
        for refused in e.refused:
            _err(f"{PROG}: refused: {refused.message}")
        raise KGError(e.summary) from None
    for refused in res.refused:
        _err(f"{PROG}: refused: {refused.message}")
    for name, text in res.warnings:
        _err(f"{PROG}: warning: {name}: {_one_line(text)}")
    if len(res.actions) <= 20:
        for name, n in res.actions.items():
            _out(f"  {name}: {n} actions")
    lines = [
        f"store: {res.store}",
        f"plans: {res.documents}",
        f"actions: {res.total_actions}",
        f"triples: {res.triples}",
        f"extracted: {res.extracted} (the others unchanged)",
        f"graphs written: {res.replaced}, removed: {res.removed}",
        f"refused: {len(res.refused)}"
        + (f" ({', '.join(r.file for r in res.refused)})" if res.refused else ""),
        f"warnings: {len(res.warnings)}",
        f"mode: {res.mode}",
    ]
    if res.links_changed is not None:
        removed, added = res.links_changed
        lines.append(f"link quads: {removed} removed, {added} added (the others unchanged)")
    lines.append(f"seconds: {res.seconds:.2f}")
    if res.phases:
        lines.append(f"phases: {', '.join(f'{k} {v:.1f} s' for k, v in res.phases.items())}")
    _out("\n".join(lines))
    return 0


def cmd_validate(args) -> int:
    from kg.validate import validate_text

    store = _data_store(args)
    try:
        conforms, message = validate_text(store.dump())
    finally:
        store.close()
    _out(message)
    if not conforms:
        last = message.strip().splitlines()[-1] if message.strip() else "violations"
        raise ValidationError(f"the stored graph does not conform to the shapes: {last}")
    return 0


def cmd_export(args) -> int:
    store = _data_store(args)
    try:
        data = store.export(args.format)
    finally:
        store.close()
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as e:
            raise KGError(f"{args.output}: {e.strerror or e}") from None
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def cmd_query(args, parser: argparse.ArgumentParser) -> int:
    from kg.queries import list_queries, load_query
    from kg.safety import run_user_query
    from kg.store import spec_kind

    if args.list:
        for name, path in list_queries().items():
            _out(f"{name}\t{path.title}\t{path.description}")
        return 0
    given = [x for x in (args.sparql, args.file, args.name) if x is not None]
    if len(given) != 1:
        parser.error("give exactly one of: a SPARQL text, --file Q.rq, --name NAME (or --list)")
    if args.file is not None:
        try:
            sparql = Path(args.file).read_text(encoding="utf-8")
        except OSError as e:
            raise KGError(f"{args.file}: {e.strerror or e}") from None
    elif args.name is not None:
        sparql = load_query(args.name)
    else:
        sparql = args.sparql
    if not args.timeout > 0:
        parser.error(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    if args.limit < 0:
        parser.error(f"--limit must be zero or more rows, not {args.limit}")
    bindings = dict(_binding(b) for b in args.bind)
    # Checked (read-only, no SERVICE, no FROM outside the store) and bounded: a folder store is
    # queried in a worker process that is killed at --timeout; at most --limit rows come back.
    store = _data_store(args) if spec_kind(args.store) == "memory" else args.store
    answer = run_user_query(store, sparql, timeout=args.timeout, limit=args.limit, bindings=bindings)
    if answer.truncated:
        print(
            f"{PROG}: warning: only the first {args.limit} rows are shown (--limit {args.limit}); the query has more",
            file=sys.stderr,
        )
    result = answer.result
    if args.format == "json":
        _out(result.to_json())
    elif args.format == "csv":
        sys.stdout.write(result.to_csv())
    else:
        _out(result.to_table())
    return 0


def _binding(spec: str):
    """``NAME=VALUE``: ``<iri>`` or a known ``prefix:name`` is an IRI, an integer is an integer, else a string."""
    from rdflib import Literal, URIRef

    from kg.store import prefixes

    name, sep, value = spec.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name:
        raise KGError(f"--bind {spec!r}: expected NAME=VALUE")
    if value.startswith("<") and value.endswith(">"):
        return name, URIRef(value[1:-1])
    prefix, colon, local = value.partition(":")
    pm = prefixes()
    if colon and prefix in pm and not local.startswith("//"):
        return name, URIRef(pm[prefix] + local)
    if value.lstrip("-").isdigit():
        return name, Literal(int(value))
    return name, Literal(value)


def cmd_eval(argv: list[str]) -> int:
    from kg.evaluate import main as evaluate_main

    # --store is accepted by every command; the scorer reads files, not the store.
    rest, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "--store":
            skip = i + 1 < len(argv)
            continue
        if a.startswith("--store="):
            continue
        rest.append(a)
    return int(evaluate_main(rest) or 0)


# --------------------------------------------------------------------------- analyses (named queries)


def _graph(args):
    from kg.graph import PolicyGraph

    return PolicyGraph(_data_store(args))


def _print_frame(frame, as_json: bool, columns: list[str] | None = None) -> None:
    if as_json:
        _out(frame.to_json(orient="records", force_ascii=False, indent=2))
        return
    frame = frame[columns] if columns else frame
    _print_table([str(c) for c in frame.columns], list(frame.itertuples(index=False)))


def _print_table(heads: list[str], rows: list) -> None:
    from kg.store import text_width as _width

    cells = [[("" if v is None or v != v else str(v)) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(heads)]

    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    _out(
        "\n".join(
            [line(heads), line(["-" * w for w in widths]), *(line(r) for r in cells), f"({len(cells)} rows)"]
        )
    )


def cmd_top_departments(args) -> int:
    with _graph(args) as pg:
        found = pg.top_departments(level=args.level, plan=args.plan, role=args.role, limit=args.limit)
    columns = ["department", "department_en", "actions", "plans"]
    rows = [[getattr(r, c) for c in columns] for r in found]
    if args.json:
        _out(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2))
    else:
        _print_table(columns, rows)
    return 0


def cmd_trace(args) -> int:
    with _graph(args) as pg:
        hops = pg.trace(place=args.place, action=args.action)
    if args.json:
        keys = ("level", "region", "plan", "doc_number", "held", "action", "theme", "score")
        _out(json.dumps([{k: h.as_dict()[k] for k in keys} for h in hops], ensure_ascii=False, indent=2))
        return 0
    for h in hops:
        held = "held" if h.held else "not held"
        action = h.action or "—"
        score = f"  score {h.score:.2f}" if h.score is not None else ""
        reuse = f"  text reuse {h.text_reuse:.0%}" if h.text_reuse is not None else ""
        _out(
            f"{h.level:<9} {h.region or '?'}  {h.doc_number or '(no 文号)'}  [{held}]  {action}{score}{reuse}"
        )
        _out(f"          {h.plan or ''}")
    return 0


def cmd_hierarchy(args) -> int:
    with _graph(args) as pg:
        frame = pg.named_df("hierarchy")
    if args.json:
        _print_frame(frame, True)
        return 0
    rows = list(frame.itertuples(index=False))
    children: dict = {}
    for r in rows:
        children.setdefault(r.parent if isinstance(r.parent, str) else None, []).append(r)

    def show(r, depth):
        held = "" if r.held else "  (not held)"
        method = f"  ← {r.method} {float(r.score):.2f}" if isinstance(r.method, str) else ""
        _out(
            f"{'    ' * depth}{r.levelName}: {r.region} {r.docNumber if isinstance(r.docNumber, str) else ''} {r.title}{held}{method}"
        )
        for c in children.get(r.plan, []):
            show(c, depth + 1)

    for root in children.get(None, []):
        show(root, 0)
    return 0


def cmd_coverage(args) -> int:
    with _graph(args) as pg:
        cells = pg.coverage()
    matrix: dict[str, dict] = {}
    for c in cells:
        matrix.setdefault(c.theme, {"national": c.national})[c.region or c.plan] = c.actions
    if args.json:
        _out(json.dumps(matrix, ensure_ascii=False, indent=2))
        return 0
    places = list(next(iter(matrix.values()), {"national": None}))[1:]
    rows = [
        [theme, "" if row["national"] is None else str(row["national"])]
        + ["✓" if row[p] is not None else "—" for p in places]
        for theme, row in matrix.items()
    ]
    _print_table(["theme", "national", *places], rows)
    return 0


def cmd_targets(args) -> int:
    with _graph(args) as pg:
        found = pg.targets(indicator=args.indicator)
    if not found:
        raise KGError(f"no indicator matches {args.indicator!r}")
    if args.json:
        _out(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=2))
        return 0
    columns = ["region", "indicator", "year", "comparator", "value", "unit", "national", "verdict"]
    _print_table(columns, [[getattr(r, c) for c in columns] for r in found])
    return 0


def cmd_serve(args) -> int:
    import signal

    from kg.serve import serve
    from kg.store import default_spec, is_store_folder, spec_kind

    spec = str(default_spec() if args.store is None else args.store)
    if spec_kind(spec) != "path":
        raise KGError(f"{spec}: kg serve serves a built store folder (run kg build first)")
    if not is_store_folder(spec):
        raise KGError(f"{spec}: no store here (run `kg build --store {spec}` first)")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    serve(
        spec,
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        limit=args.limit,
        max_request_bytes=args.max_request_bytes,
        max_concurrent=args.max_concurrent,
    )
    return 0


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Healthy China policy-cascade knowledge graph: extract, build, query."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("extract", help="extract plan records from text files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON array in the gold schema")
    _store_arg(p)

    p = sub.add_parser("build", help="build the graph of plan files into the store")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: data/plans)")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="extraction processes (default: all cores)"
    )
    p.add_argument("--full", action="store_true", help="rebuild everything instead of updating what changed")
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole build if any file is refused (store untouched)",
    )
    p.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a terminal"
    )
    _store_arg(p)

    p = sub.add_parser("validate", help="check the stored graph against the SHACL shapes")
    _store_arg(p)

    p = sub.add_parser("export", help="serialise the stored graph (deterministic output)")
    p.add_argument("--format", choices=["turtle", "nt", "jsonld", "nquads"], default="turtle")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    _store_arg(p)

    p = sub.add_parser("query", help="run a SPARQL query over the union of all documents")
    parser.set_defaults(query_parser=p)
    p.add_argument("sparql", nargs="?", help="the query text")
    p.add_argument("--file", "-f", metavar="Q.rq", help="read the query from a file")
    p.add_argument("--name", "-n", metavar="NAME", help="run the named query kg/queries/NAME.rq")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop the query after this long (default: 30); the engine is killed, not just abandoned",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=10_000,
        metavar="ROWS",
        help="return at most this many rows (default: 10000); a warning says when there were more",
    )
    p.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pre-bind ?NAME: <iri>, prefix:name, an integer or a string (repeatable)",
    )
    _store_arg(p)

    p = sub.add_parser("top-departments", help="department types ranked by the number of actions")
    p.add_argument("--level", choices=["national", "province", "city", "county", "township"])
    p.add_argument("--plan", metavar="P", help="a plan: region, 文号 or title")
    p.add_argument("--role", choices=["lead", "any", "participant"], default="any")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    p = sub.add_parser("trace", help="follow a plan's action up to the national action")
    p.add_argument("place", help="the plan: region (嘉峰镇), 文号 or title")
    p.add_argument("action", help="the action: its name (控烟行动) or ordinal")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    p = sub.add_parser("hierarchy", help="the plan tree, national at the top")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    p = sub.add_parser("coverage", help="national and local themes against plans")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    p = sub.add_parser("targets", help="one indicator's targets across plans beside the national target")
    p.add_argument("indicator", help="(part of) the indicator's name, e.g. 居民健康素养水平")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    p = sub.add_parser("serve", help="serve the built graph as a read-only SPARQL endpoint")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per query (default 30)")
    p.add_argument(
        "--limit", type=int, default=10_000, metavar="ROWS", help="rows per answer (default 10000)"
    )
    p.add_argument("--max-request-bytes", type=int, default=64 * 1024, metavar="N")
    p.add_argument("--max-concurrent", type=int, default=4, metavar="N", help="queries running at once")
    _store_arg(p)

    sub.add_parser(
        "eval", help="score extraction against the gold annotations (see kg eval --help)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "eval":
            return cmd_eval(argv[1:])
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "query":
            return cmd_query(args, args.query_parser)
        return {
            "extract": cmd_extract,
            "build": cmd_build,
            "validate": cmd_validate,
            "export": cmd_export,
            "top-departments": cmd_top_departments,
            "trace": cmd_trace,
            "hierarchy": cmd_hierarchy,
            "coverage": cmd_coverage,
            "targets": cmd_targets,
            "serve": cmd_serve,
        }[args.command](args)
    except KGError as e:
        print(f"{PROG}: error: {_one_line(str(e))}", file=sys.stderr)
        return 1
    except SystemExit as e:  # argparse: --help, --version, usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
