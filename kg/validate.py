"""SHACL validation of a built graph, with a short readable message.

``validate(data)`` checks ``data`` against ontology/shapes.ttl with the ontology (hc.ttl) mixed
in and no inference, and returns ``(conforms, message)``: one line per violation,
``focus node  path  message``, sorted, at most ``MAX_LINES`` lines, then a count. No engine
object leaves this module.

Two engines give the same verdicts and the same lines (tests/test_validate_engines.py checks
this on the seed corpus, on every broken graph of the tests and on one violation of every kind
of constraint the shapes use):

* ``shacl`` (PyPI ``shacl``, a SHACL engine in Rust), the default. It reads N-Triples / N-Quads
  files, so ``validate_text`` and ``validate_nquads_file`` (what ``kg build`` uses) build no rdflib
  graph at all; ``validate_nquads_file`` checks a 10,000-plan corpus (16 M triples) in ~40 s with
  ~1.1 GB. The shapes use core constraints only: the engine evaluates SPARQL-based constraints by
  scanning the graph once per focus node. Timings per engine: ``bench/validate_bench.py``.
* ``pyshacl``, selected with ``KG_SHACL_ENGINE=pyshacl``, and used automatically (with a
  warning) when ``shacl`` is not installed or cannot load the shapes.

Both read the data with the ontology added: pySHACL as ``ont_graph``; ``shacl`` from one
temporary N-Triples file (ontology, then data) that it streams, so a corpus-sized graph is not
held in memory twice.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from rdflib import RDF, BNode, Dataset, Graph, Literal, Node, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import SH

from kg.rdf import ONTOLOGY_FILE, PREFIXES, SHAPES_FILE, ontology_graph, shapes_graph

MAX_LINES = 20
ENGINE_ENV = "KG_SHACL_ENGINE"
ENGINES = ("shacl", "pyshacl")

# (focus, path, message) of one violation, each already shortened for display.
Row = tuple[str, str, str]

# Longest namespace first, so "hcid:" wins over a shorter prefix of the same IRI.
_SHORTEN = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def short(node: Node | None) -> str:
    """A compact, readable form of a node: prefix:local for known namespaces."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        iri = str(node)
        for prefix, ns in _SHORTEN:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 40 else text[:39] + "…")
    return str(node)  # a blank node (only in the shapes / an engine's own paths)


def _as_graph(data: Graph) -> Graph:
    """Merge a Dataset / ConjunctiveGraph into one graph: shapes span named graphs."""
    if isinstance(data, Dataset | ConjunctiveGraph):
        merged = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return data


def _row(focus: Node | None, path: Node | None, messages: Iterable[str], value: Node | None, shape) -> Row:
    """One report line's parts, the same whichever engine found the violation."""
    texts = sorted(m for m in messages if m)
    message = texts[0] if texts else "violates " + short(shape)
    if value is not None and value != focus:
        message += f" (value {short(value)})"
    return short(focus), short(path) if isinstance(path, URIRef) else "-", message


def violations(results: Graph) -> list[Row]:
    """(focus, path, message) of every result in a pySHACL results graph, sorted."""
    return sorted(_pyshacl_rows(results, None))


def _pyshacl_rows(results: Graph, focus_nodes: set[Node] | None) -> set[Row]:
    rows = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if focus_nodes is not None and focus not in focus_nodes:
            continue
        rows.add(
            _row(
                focus,
                results.value(result, SH.resultPath),
                (str(m) for m in results.objects(result, SH.resultMessage)),
                results.value(result, SH.value),
                results.value(result, SH.sourceShape),
            )
        )
    return rows


# --- the pySHACL engine ---------------------------------------------------------------------------


def _validate_pyshacl(data: Graph, focus_nodes: set[Node] | None) -> set[Row]:
    import pyshacl

    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        allow_infos=False,
        focus_nodes=sorted(focus_nodes) if focus_nodes else None,
    )
    return set() if conforms else _pyshacl_rows(results, focus_nodes)


# --- the shacl (Rust) engine ----------------------------------------------------------------------

_cache: dict[str, tuple[tuple, object]] = {}


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


def _cached(key: str, path: Path, make):
    stamp = _stamp(path)
    hit = _cache.get(key)
    if hit is None or hit[0] != stamp:
        hit = (stamp, make())
        _cache[key] = hit
    return hit[1]


def _fast_shapes():
    """The shapes compiled by the ``shacl`` engine (once per version of shapes.ttl)."""
    import shacl

    def compile_shapes():
        shapes = shacl.Shapes.from_turtle(SHAPES_FILE.read_text(encoding="utf-8"))
        if len(shapes) == 0:
            raise ValueError("no shapes compiled")
        return shapes

    return _cached("shapes", SHAPES_FILE, compile_shapes)


def _ontology_nt() -> bytes:
    """The ontology as N-Triples, written ahead of the data (duplicate triples are harmless)."""
    return _cached(
        "ontology", ONTOLOGY_FILE, lambda: ontology_graph().serialize(format="nt", encoding="utf-8")
    )


# An N-Triples term as the engine writes it: <iri>, _:label, or "lexical"(@lang | ^^<datatype>)?
_LITERAL = re.compile(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.S)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(
        lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else _SIMPLE.get(m[3], m[3]), text
    )


def _term(text: str | None) -> Node | None:
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return URIRef(_unescape(text[1:-1]))
    if text.startswith("_:"):
        return BNode(text[2:])
    m = _LITERAL.match(text)
    if m:
        lexical, lang, datatype = m.groups()
        return Literal(_unescape(lexical), lang=lang, datatype=URIRef(datatype) if datatype else None)
    return Literal(text)


def _path(text: str | None) -> Node | None:
    """A predicate path as a URIRef; any other path (rendered as SPARQL) shows as '-'."""
    if text and text.startswith("<") and text.endswith(">") and " " not in text:
        return URIRef(_unescape(text[1:-1]))
    return None


def _run_fast(write: Callable[[BinaryIO], object], focus_nodes: set[Node] | None) -> set[Row]:
    """Rows of the ``shacl`` engine's report on the ontology plus what ``write`` writes (N-Triples).

    Through a file rather than a string: the engine streams it, and a corpus-sized graph's
    N-Triples (~1 GB at 5M triples) is not held in memory a second time (and the ontology is
    added without copying the data). Duplicate triples are harmless (the engine keeps a set).
    """
    with tempfile.TemporaryDirectory(prefix="kg-shacl-") as tmp:
        path = Path(tmp) / "data.nq"  # N-Triples lines are N-Quads lines too
        with open(path, "wb") as out:
            out.write(_ontology_nt())
            write(out)
        return _rows_of_file(path, focus_nodes)


def _rows_of_file(path: Path, focus_nodes: set[Node] | None) -> set[Row]:
    """Rows of the ``shacl`` engine's report on an N-Triples / N-Quads file (syntax by extension)."""
    report = _fast_shapes().validate_file(str(path), inference="none", allow_warnings=False)
    rows = set()
    for r in report.results:
        focus = _term(r.focus_node)
        if focus_nodes is not None and focus not in focus_nodes:
            continue
        rows.add(_row(focus, _path(r.path), r.messages, _term(r.value), r.source_shape))
    return rows


def _validate_fast(data: Graph, focus_nodes: set[Node] | None) -> set[Row]:
    return _run_fast(lambda out: data.serialize(out, format="nt", encoding="utf-8"), focus_nodes)


_CHUNK = 1 << 22  # characters encoded at a time when writing N-Triples text


def _fast_rows(pieces: Iterable[str | bytes], focus_nodes: set[Node] | None) -> set[Row]:
    def write(out: BinaryIO) -> None:
        for text in pieces:
            if isinstance(text, bytes):
                out.write(text)
                continue
            for i in range(0, len(text), _CHUNK):
                out.write(text[i : i + _CHUNK].encode("utf-8"))

    return _run_fast(write, focus_nodes)


# --- choosing an engine ---------------------------------------------------------------------------


def engine() -> str:
    """The engine ``validate`` uses: ``$KG_SHACL_ENGINE`` if set, else ``shacl`` when it loads."""
    wanted = os.environ.get(ENGINE_ENV, "").strip().lower() or "shacl"
    if wanted not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={wanted!r}: expected one of {', '.join(ENGINES)}")
    if wanted == "shacl":
        try:
            _fast_shapes()
        except Exception as e:  # not installed, or cannot compile the shapes: pySHACL still can
            warnings.warn(f"SHACL engine 'shacl' unavailable ({e}); validating with pySHACL", stacklevel=2)
            return "pyshacl"
    return wanted


def validate(
    data: Graph,
    max_lines: int = MAX_LINES,
    *,
    focus_nodes: Iterable[Node] | None = None,
) -> tuple[bool, str]:
    """Validate ``data`` against the shapes; return (conforms, readable message).

    ``focus_nodes``: report only on these nodes (as pySHACL's option: the shapes' targets,
    restricted to them); the rest of ``data`` is still there for the shapes to look at.
    """
    focus = set(focus_nodes) if focus_nodes is not None else None
    graph = _as_graph(data)
    run = _validate_fast if engine() == "shacl" else _validate_pyshacl
    return _report(sorted(run(graph, focus)), max_lines)


def validate_text(
    ntriples: str | bytes | Iterable[str | bytes],
    max_lines: int = MAX_LINES,
    *,
    focus_nodes: Iterable[Node] | None = None,
) -> tuple[bool, str]:
    """``validate`` for data given as N-Triples or N-Quads text (one string, or pieces of whole
    lines; bytes are UTF-8): with the ``shacl`` engine no rdflib graph is built at all (the fast path
    of large builds); pySHACL parses the text first."""
    focus = set(focus_nodes) if focus_nodes is not None else None
    pieces = [ntriples] if isinstance(ntriples, str | bytes) else list(ntriples)
    if engine() == "shacl":
        return _report(sorted(_fast_rows(pieces, focus)), max_lines)
    graph = Graph()
    for piece in pieces:
        _parse_quads(graph, piece)
    return _report(sorted(_validate_pyshacl(graph, focus)), max_lines)


def validate_nquads_file(path: str | os.PathLike, max_lines: int = MAX_LINES) -> tuple[bool, str]:
    """``validate`` for data in an N-Quads file that already holds the ontology (the union of its
    graphs is validated): the ``shacl`` engine streams it; pySHACL parses it first."""
    if engine() == "shacl":
        return _report(sorted(_rows_of_file(Path(path), None)), max_lines)
    graph = Graph()
    _parse_quads(graph, Path(path).read_bytes())
    return _report(sorted(_validate_pyshacl(graph, None)), max_lines)


def _parse_quads(graph: Graph, text: str | bytes) -> None:
    """Add the triples of N-Triples / N-Quads text to ``graph`` (graph names dropped)."""
    ds = Dataset()
    ds.parse(data=text.decode("utf-8") if isinstance(text, bytes) else text, format="nquads")
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))


def _report(rows: list[Row], max_lines: int) -> tuple[bool, str]:
    if not rows:
        return True, "conforms: no SHACL violations"
    lines = [f"{f}  {p}  {m}" for f, p, m in rows[:max_lines]]
    if len(rows) > max_lines:
        lines.append(f"... and {len(rows) - max_lines} more")
    lines.append(f"{len(rows)} SHACL violation(s)")
    return False, "\n".join(lines)
