"""`kg extract`, `build`, `validate`, `export`, `query`, `eval` and `serve`: documents in, graph out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.cli.common import (
    PROG,
    data_store,
    err,
    one_line,
    out,
)
from kg.errors import ExtractionError, KGError, ValidationError


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
        out(json.dumps([to_gold_json(r) for r in records], ensure_ascii=False, indent=2))
        return 0
    for r in records:
        m = r.meta
        head = " ".join(x for x in (m.region, m.level, m.doc_number) if x) or "no header fields"
        with_depts = sum(1 for a in r.actions if a.assignments)
        out(
            f"{r.file}: {m.title or '(no title)'}\n"
            f"  {head}; issuer {m.issuer or '-'}; date {m.date or '-'}; encoding {r.encoding}\n"
            f"  {len(r.actions)} actions ({with_depts} with departments), "
            f"{len(r.indicators)} indicators, {len(r.cites)} cites"
        )
    return 0


class Progress:
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

    progress = Progress(args.progress or sys.stderr.isatty())
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
            err(f"{PROG}: refused: {refused.message}")
        raise KGError(e.summary) from None
    for refused in res.refused:
        err(f"{PROG}: refused: {refused.message}")
    for name, text in res.warnings:
        err(f"{PROG}: warning: {name}: {one_line(text)}")
    if len(res.actions) <= 20:
        for name, n in res.actions.items():
            out(f"  {name}: {n} actions")
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
    out("\n".join(lines))
    return 0


def cmd_validate(args) -> int:
    from kg.validate import validate_text

    store = data_store(args)
    try:
        conforms, message = validate_text(store.dump())
    finally:
        store.close()
    out(message)
    if not conforms:
        last = message.strip().splitlines()[-1] if message.strip() else "violations"
        raise ValidationError(f"the stored graph does not conform to the shapes: {last}")
    return 0


def cmd_export(args) -> int:
    if args.format != "graphml" and (args.network or args.level or args.plan):
        raise KGError("--network, --level and --plan go with --format graphml (a network, not the graph)")
    store = data_store(args)
    try:
        data = store.export(args.format) if args.format != "graphml" else _network_graphml(store, args)
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


def _network_graphml(store, args) -> bytes:
    """One network of the graph (kg.network) as GraphML, for Gephi and the like."""
    from kg.graph import PolicyGraph
    from kg.network import graphml_bytes

    kind = args.network or "department-action"
    filters = {k: v for k, v in (("level", args.level), ("plan", args.plan)) if v is not None}
    return graphml_bytes(PolicyGraph(store).to_networkx(kind, **filters))


def cmd_query(args, parser: argparse.ArgumentParser) -> int:
    from kg.queries import list_queries, load_query
    from kg.safety import run_user_query
    from kg.store import spec_kind

    if args.list:
        for name, path in list_queries().items():
            out(f"{name}\t{path.title}\t{path.description}")
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
    bindings = dict(binding(b) for b in args.bind)
    # Checked (read-only, no SERVICE, no FROM outside the store) and bounded: a folder store is
    # queried in a worker process that is killed at --timeout; at most --limit rows come back.
    store = data_store(args) if spec_kind(args.store) == "memory" else args.store
    answer = run_user_query(store, sparql, timeout=args.timeout, limit=args.limit, bindings=bindings)
    if answer.truncated:
        print(
            f"{PROG}: warning: only the first {args.limit} rows are shown (--limit {args.limit}); the query has more",
            file=sys.stderr,
        )
    result = answer.result
    if args.format == "json":
        out(result.to_json())
    elif args.format == "csv":
        sys.stdout.write(result.to_csv())
    else:
        out(result.to_table())
    return 0


def binding(spec: str):
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
