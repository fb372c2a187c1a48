"""One small interface over the places the graph can live, chosen by a spec string.

* a folder path (the default, ``data/store``): an embedded Oxigraph store on disk (pyoxigraph);
* ``memory``: an rdflib in-memory ``Dataset`` — the slow but simple reference engine;
* ``http://…`` / ``https://…``: a SPARQL 1.1 endpoint (query and graph-store protocols).

``KG_STORE`` in the environment sets the default spec. Every document lives in its own named graph;
queries see the UNION of all named graphs (a set: a triple held by two documents matches once) as
their default graph, and ``GRAPH ?g`` reaches a single document. Answers come back as a
:class:`QueryResult` whatever the backend, with rdflib terms inside, so the same query gives the same
rows on every engine.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from kg.errors import KGError, QueryError
from kg.locations import DEFAULT_STORE, default_spec, is_store_folder, spec_kind
from kg.rdf import ONTOLOGY_GRAPH, PREFIXES, as_triples

__all__ = [
    "DEFAULT_STORE",
    "EXPORT_FORMATS",
    "ONTOLOGY_GRAPH",
    "HttpStore",
    "MemoryStore",
    "OxigraphStore",
    "QueryResult",
    "Store",
    "add_prefixes",
    "bind_values",
    "default_spec",
    "open_store",
    "prefixes",
    "shorten",
]

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "nquads")

_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Term = URIRef | BNode | Literal
Triple = tuple[Term, Term, Term]


# --------------------------------------------------------------------------- prefixes


def prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI known to every query (``kg.rdf.PREFIXES``)."""
    return dict(PREFIXES)


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def add_prefixes(sparql: str, prefix_map: dict[str, str] | None = None) -> tuple[str, int]:
    """Prepend a ``PREFIX`` line for every known prefix the query does not declare itself.

    Returns the new text and the number of lines added (to keep error positions relative to the
    user's text).
    """
    prefix_map = prefixes() if prefix_map is None else prefix_map
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(_code_only(sparql))}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(prefix_map.items()) if p not in declared]
    if not lines:
        return sparql, 0
    return "\n".join(lines) + "\n" + sparql, len(lines)


def shorten(iri: str, prefix_map: dict[str, str] | None = None) -> str:
    """``https://w3id.org/healthy-china/ontology#Plan`` -> ``hc:Plan`` (longest matching namespace)."""
    prefix_map = prefixes() if prefix_map is None else prefix_map
    best = None
    for p, ns in prefix_map.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (p, ns)
    if best is None:
        return iri
    return f"{best[0]}:{iri[len(best[1]) :]}"


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WHERE = re.compile(r"(?i)\bWHERE\s*\{")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _code_only(sparql: str) -> str:
    """The query with string literals, IRIs and comments blanked out (same length, same positions)."""
    out = list(sparql)
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "#":
            j = sparql.find("\n", i)
            j = n if j < 0 else j
        elif ch == "<" and (m := _IRIREF.match(sparql, i)):
            j = m.end()
        elif ch in "'\"":
            quote = sparql[i : i + 3] if sparql[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            j = min(n, j + len(quote))
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def bind_values(sparql: str, bindings: dict[str, Term | None]) -> str:
    """Pre-bind variables: ``VALUES (?a ?b) { (x y) }`` at the start of the WHERE clause.

    A query whose outer WHERE only decorates an aggregate computed in a subquery marks that subquery's
    group with the comment ``# bindings here`` right after its opening brace: the variables that group
    mentions are bound there (where they still filter the aggregate), any others in the outer WHERE.

    The same text works on every engine (Oxigraph's own substitution refuses variables that are not
    projected). VALUES go on the line of the opening brace, so line numbers in error messages hold.
    """
    bound = {k.lstrip("?$"): v for k, v in bindings.items() if v is not None}
    if not bound:
        return sparql
    for name in bound:
        if not _VAR_NAME.match(name):
            raise QueryError(f"cannot bind {name!r}: not a variable name")
    code = _code_only(sparql)
    m = _WHERE.search(code)
    outer = m.end() - 1 if m else code.find("{")
    if outer < 0:
        raise QueryError("cannot bind variables: the query has no WHERE clause")
    places = {outer: dict(bound)}
    marked = _marked_group(sparql, code)
    if marked is not None and marked[0] != outer:  # a marker on the outer brace changes nothing
        start, end = marked
        inside = {k for k in bound if re.search(rf"[?$]{k}(?![A-Za-z0-9_])", code[start:end])}
        if inside:
            places[start] = {k: bound[k] for k in inside}
            places[outer] = {k: v for k, v in bound.items() if k not in inside}
    out = sparql
    for brace in sorted((b for b, vs in places.items() if vs), reverse=True):  # later text first
        names = " ".join(f"?{k}" for k in places[brace])
        values = " ".join(v.n3() for v in places[brace].values())
        out = f"{out[: brace + 1]} VALUES ({names}) {{ ({values}) }} {out[brace + 1 :]}"
    return out


_MARKER = re.compile(r"\{([ \t]*)# bindings here(?![A-Za-z0-9_])")


def _marked_group(sparql: str, code: str) -> tuple[int, int] | None:
    """(opening brace, closing brace) of the first group marked ``# bindings here``: a comment (not
    text in a string) right after the brace."""
    for m in _MARKER.finditer(sparql):
        brace = m.start()
        if code[brace] != "{":  # inside a string, an IRI or a comment; a '#' that follows a real
            continue  # brace with only blanks between starts a comment
        depth = 0
        for k in range(brace, len(code)):
            if code[k] == "{":
                depth += 1
            elif code[k] == "}":
                depth -= 1
                if depth == 0:
                    return brace, k
        return None
    return None


# --------------------------------------------------------------------------- results


def python_value(term: Term | None):
    """A term as a plain Python value: IRIs and blank nodes as str, literals via rdflib's mapping."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def _json_term(term: Term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != str(XSD.string):
        out["datatype"] = str(term.datatype)
    return out


def _display(term: Term | None, prefix_map: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term), prefix_map)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out, w = [], 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > limit - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


@dataclass
class QueryResult:
    """The answer to one query, backend-independent.

    ``kind`` is ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT/DESCRIBE). SELECT answers have
    ``vars`` and ``terms`` (rows of rdflib terms or None); ``rows`` gives the same as Python values.
    ASK answers have ``boolean``; graph answers have ``triples`` (and ``vars`` subject/predicate/object
    so that they render as a table too).
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    terms: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple]:
        return [tuple(python_value(t) for t in row) for row in self._term_rows()]

    def __len__(self) -> int:
        return len(self._term_rows())

    def _term_rows(self) -> list[tuple[Term | None, ...]]:
        if self.kind == "graph":
            return [tuple(t) for t in self.triples]
        if self.kind == "ask":
            return [(Literal(bool(self.boolean)),)]
        return self.terms

    def _columns(self) -> list[str]:
        if self.kind == "graph":
            return ["subject", "predicate", "object"]
        if self.kind == "ask":
            return ["boolean"]
        return list(self.vars)

    def to_graph(self) -> Graph:
        g = Graph(bind_namespaces="none")
        for t in self.triples:
            g.add(t)
        return g

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (graph answers are given as subject/predicate/object bindings)."""
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        cols = self._columns()
        bindings = [
            {v: _json_term(t) for v, t in zip(cols, row, strict=True) if t is not None}
            for row in self._term_rows()
        ]
        return json.dumps({"head": {"vars": cols}, "results": {"bindings": bindings}}, ensure_ascii=False)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: a header of variable names, then lexical values (CRLF lines)."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(self._columns())
        for row in self._term_rows():
            w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
        return buf.getvalue()

    def to_table(self, max_width: int = 60) -> str:
        """A plain-text table for a terminal (IRIs as prefixed names, CJK-aware column widths)."""
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        pm = prefixes()
        cols = self._columns()
        body = [[_clip(_display(t, pm), max_width) for t in row] for row in self._term_rows()]
        widths = [max([_width(c)] + [_width(r[i]) for r in body]) for i, c in enumerate(cols)]

        def line(cells: list[str]) -> str:
            return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [line(cols), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in body]
        n = len(body)
        out.append(f"({n} row{'s' if n != 1 else ''})")
        return "\n".join(out)

    def _cells(self) -> list[list]:
        pm = prefixes()

        def cell(t):
            if isinstance(t, URIRef):
                return shorten(str(t), pm)
            return python_value(t)

        return [[cell(t) for t in row] for row in self._term_rows()]

    def records(self) -> list[dict]:
        """One dict per row, as in :meth:`to_dataframe` (IRIs as prefixed names, literals as Python
        values, None where unbound) but without pandas."""
        cols = self._columns()
        return [dict(zip(cols, row, strict=True)) for row in self._cells()]

    def to_dataframe(self):
        """A pandas DataFrame: one column per variable, IRIs as prefixed names, literals as Python values."""
        import pandas as pd

        df = pd.DataFrame(self._cells(), columns=self._columns(), dtype=object)
        for col in df.columns:
            values = [v for v in df[col] if v is not None]
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                df[col] = df[col].astype("Int64")  # counts stay integers even with gaps (no 3.0 / NaN)
            elif values and all(isinstance(v, str) for v in values):
                df[col] = df[col].astype("string")
            elif values and all(isinstance(v, bool) for v in values):
                df[col] = df[col].astype("boolean")
        return df


# --------------------------------------------------------------------------- errors


_OX_POS = re.compile(r"^error at (\d+):(\d+):\s*", re.S)


def _clean(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _locate_prefix(sparql: str, prefix: str) -> str:
    for i, text in enumerate(sparql.splitlines(), start=1):
        col = text.find(prefix + ":")
        if col >= 0:
            return f"line {i}, column {col + 1}: "
    return ""


def _syntax_error(message: str, line: int | None, col: int | None, offset: int) -> QueryError:
    where = ""
    if line is not None:
        line = line - offset if line > offset else line
        where = f"line {line}" + (f", column {col}" if col is not None else "") + ": "
    return QueryError(f"SPARQL syntax error at {where}{_clean(message)}")


def _oxigraph_error(e: Exception, user_sparql: str, offset: int) -> QueryError:
    text = str(e)
    m = _OX_POS.match(text)
    if m:
        line, col, rest = int(m.group(1)), int(m.group(2)), text[m.end() :]
        if "Prefix not found" in rest:
            lines = user_sparql.splitlines()
            user_line = line - offset
            if 1 <= user_line <= len(lines):
                names = re.findall(r"([A-Za-z][\w.-]*)?:[\w.-]*", lines[user_line - 1][:col])
                if names:
                    rest = f"unknown prefix {names[-1]}:"
        return _syntax_error(rest, line, col, offset)
    return QueryError(f"SPARQL query failed: {_clean(text)}")


def _rdflib_error(e: Exception, user_sparql: str, offset: int) -> QueryError:
    line, col = getattr(e, "lineno", None), getattr(e, "col", None)
    if line is not None:
        msg = getattr(e, "msg", None) or str(e).split(" (at char")[0]
        found = getattr(e, "line", "")
        return _syntax_error(f"{msg} near {found.strip()[:60]!r}" if found else msg, line, col, offset)
    text = str(e)
    m = re.match(r"Unknown namespace prefix\s*:\s*(\S+)", text)
    if m:
        where = _locate_prefix(user_sparql, m.group(1))
        return QueryError(f"SPARQL syntax error at {where}unknown prefix {m.group(1)}:")
    return QueryError(f"SPARQL query failed: {_clean(text)}")


# --------------------------------------------------------------------------- stores


class _Deadline:
    """Cooperative timeout: checked while answers are collected (an engine call itself is not interrupted)."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self.end = None if timeout is None else time.monotonic() + timeout

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise QueryError(f"query timed out after {self.timeout:g} s")

    def remaining(self) -> float | None:
        if self.end is None:
            return None
        left = self.end - time.monotonic()
        if left <= 0:
            raise QueryError(f"query timed out after {self.timeout:g} s")
        return left


def _sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(set(triples), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


class Store(ABC):
    """The common interface. Use :func:`open_store` to get one."""

    spec: str

    # -- writing
    @abstractmethod
    def replace_all(self, graphs: dict[URIRef, Graph]) -> None:
        """Drop everything and store each graph as the named graph of its key."""

    # -- reading
    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = None,
        bindings: dict[str, Term] | None = None,
        add_known_prefixes: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all named graphs.

        Known prefixes (:func:`prefixes`) the query does not declare are prepended; error positions stay
        relative to the text given here. ``bindings`` pre-binds variables (name -> rdflib term; None
        leaves it unbound) for the named queries that say "Bind ?x": see :func:`bind_values`. Malformed
        queries raise :class:`QueryError`.
        """
        if bindings:
            sparql = bind_values(sparql, bindings)
        text, offset = add_prefixes(sparql) if add_known_prefixes else (sparql, 0)
        return self._query(text, sparql, offset, _Deadline(timeout))

    @abstractmethod
    def _query(self, text: str, user_text: str, offset: int, deadline: _Deadline) -> QueryResult: ...

    @abstractmethod
    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        """Every (s, p, o, graph) in the named graphs, as rdflib terms."""

    @abstractmethod
    def graphs(self) -> list[URIRef]:
        """The named graphs, sorted."""

    def triple_count(self) -> int:
        """Distinct triples in the union graph (what queries see)."""
        q = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        return int(self.query(q, add_known_prefixes=False).rows[0][0])

    def quad_count(self) -> int:
        return sum(1 for _ in self.quads())

    def union_graph(self) -> Graph:
        """All named graphs merged into one rdflib Graph (e.g. for SHACL validation)."""
        g = Graph()
        for s, p, o, _ in self.quads():
            g.add((s, p, o))
        return g

    def export(self, fmt: str) -> bytes:
        """Serialise deterministically: the same content gives byte-identical output.

        ``turtle``, ``nt`` and ``jsonld`` give the union graph; ``nquads`` keeps the named graphs.
        """
        if fmt not in EXPORT_FORMATS:
            raise KGError(f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})")
        if fmt == "nquads":
            by_graph: dict[URIRef, Graph] = {}
            for s, p, o, g in self.quads():
                by_graph.setdefault(g, Graph(bind_namespaces="none")).add((s, p, o))
            lines = []
            for g, graph in by_graph.items():
                suffix = f" <{g}> .".encode()
                for ln in graph.serialize(format="nt", encoding="utf-8").splitlines():
                    if ln.strip():
                        lines.append(ln.rstrip()[:-1].rstrip() + suffix)  # "s p o ." -> "s p o <g> ."
            return _sorted_lines(b"\n".join(lines))
        triples = _sorted_triples((s, p, o) for s, p, o, _ in self.quads())
        g = Graph(bind_namespaces="none")
        pm = prefixes()
        for p in sorted(pm):
            g.bind(p, pm[p], override=True, replace=True)
        for t in triples:
            g.add(t)
        if fmt == "nt":
            return _sorted_lines(g.serialize(format="nt", encoding="utf-8"))
        if fmt == "turtle":
            return g.serialize(format="turtle", encoding="utf-8")
        context = {p: pm[p] for p in sorted(pm)}
        doc = json.loads(g.serialize(format="json-ld", context=context, encoding="utf-8"))
        # rdflib orders nodes by set iteration (varies with PYTHONHASHSEED): sort nodes and values
        text = json.dumps(_canonical_jsonld(doc), ensure_ascii=False, indent=2, sort_keys=True)
        return (text + "\n").encode("utf-8")

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the backend (safe to call twice)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"


def _canonical_jsonld(node, key: str | None = None):
    """Sort every JSON-LD array (nodes in @graph, multiple values) except ordered @list contents."""
    if isinstance(node, dict):
        return {k: _canonical_jsonld(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_canonical_jsonld(v) for v in node]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted({ln for ln in data.splitlines() if ln.strip()})
    return b"".join(ln + b"\n" for ln in lines)


# ---- rdflib in memory


class MemoryStore(Store):
    """rdflib ``Dataset(default_union=True)``: the reference engine."""

    def __init__(self) -> None:
        self.spec = "memory"
        self._ds = Dataset(default_union=True)

    def replace_all(self, graphs: dict[URIRef, Graph]) -> None:
        ds = Dataset(default_union=True)
        for iri, graph in graphs.items():
            ctx = ds.graph(URIRef(iri))
            ds.addN((s, p, o, ctx) for s, p, o in as_triples(graph))
        self._ds = ds

    def _query(self, text: str, user_text: str, offset: int, deadline: _Deadline) -> QueryResult:
        try:
            res = self._ds.query(text)
            if res.type == "ASK":
                return QueryResult("ask", boolean=bool(res.askAnswer))
            if res.type in ("CONSTRUCT", "DESCRIBE"):
                triples = []
                for t in res.graph:
                    deadline.check()
                    triples.append(t)
                return QueryResult("graph", triples=triples)
            names = [str(v) for v in res.vars]
            rows = []
            for row in res:
                deadline.check()
                rows.append(tuple(row[v] for v in res.vars))
        except QueryError:
            raise
        except Exception as e:  # pyparsing and rdflib evaluation errors
            raise _rdflib_error(e, user_text, offset) from None
        return QueryResult("select", vars=names, terms=rows)

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        for s, p, o, g in self._ds.quads((None, None, None, None)):
            gid = g.identifier if isinstance(g, Graph) else g
            if gid is None or gid == DATASET_DEFAULT_GRAPH_ID:
                continue
            yield s, p, o, gid

    def graphs(self) -> list[URIRef]:
        return sorted(
            c.identifier for c in self._ds.graphs() if c.identifier != DATASET_DEFAULT_GRAPH_ID and len(c) > 0
        )


# ---- pyoxigraph embedded


def _to_ox(term: Term):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise KGError(f"cannot store term {term!r}")


def _from_ox(term) -> Term | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt in (str(XSD.string), _RDF_LANGSTRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise KGError(f"unsupported term in answer: {term!r}")


class _Converter(dict):
    """``_from_ox`` remembering the terms of one answer: answers repeat terms (levels, regions,
    types), and building an rdflib term costs several times a dictionary lookup."""

    def __call__(self, term):
        if term is None:
            return None
        found = self.get(term)
        if found is None:
            found = self[term] = _from_ox(term)
        return found


class OxigraphStore(Store):
    """pyoxigraph ``Store``: on disk at ``path``, or in memory when ``path`` is None.

    Queries see the union of the named graphs (``use_default_graph_as_union``). Oxigraph's union is a
    multiset: a triple held in two named graphs would match twice, where rdflib's set union matches it
    once. The graphs ``kg.rdf`` writes never share a triple (shared nodes such as regions and
    organisations are described only by the links graph; a test checks quads == distinct triples), so
    the two engines agree, each document's triples can be replaced on their own, and nothing is stored
    twice.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False) -> None:
        import pyoxigraph as ox

        self.path = None if path is None else Path(path)
        self.spec = "oxigraph:memory" if path is None else str(path)
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except (OSError, RuntimeError) as e:  # RuntimeError: RocksDB reports a damaged folder
            raise KGError(
                f"{path}: cannot open store: {_clean(str(e))} (`kg build --full` rebuilds it)"
            ) from None

    def _live(self):
        if self._store is None:
            raise KGError(f"{self.spec}: store is closed")
        return self._store

    def replace_all(self, graphs: dict[URIRef, Iterable[Triple]]) -> None:
        """Drop everything and store each graph (an rdflib Graph or any iterable of triples)."""
        store = self._live()
        store.clear()
        self.load_graphs(graphs)
        if self.path is not None:
            store.flush()

    BULK_CHUNK = 32 * 2**20  # characters of N-Quads per bulk load: few, large loads are fastest

    def load_graphs(self, graphs: dict[URIRef, Iterable[Triple]]) -> None:
        """Add graphs: written as N-Quads and parsed by Oxigraph's bulk loader in a few large chunks
        (each bulk load writes and ingests its own files, so one per graph would be slow), or term by
        term when a graph holds blank nodes (which N-Quads would rename)."""
        import pyoxigraph as ox

        from kg.rdf import nquads

        store = self._live()
        chunk: list[str] = []
        size = 0

        def flush() -> None:
            nonlocal chunk, size
            if chunk:
                store.bulk_load("".join(chunk).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            chunk, size = [], 0

        for iri, graph in graphs.items():
            if isinstance(graph, bytes):  # N-Quads already
                flush()
                store.bulk_load(graph, format=ox.RdfFormat.N_QUADS)
                continue
            try:
                text = nquads(graph, iri)
            except ValueError:
                g = ox.NamedNode(str(iri))
                store.extend(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g) for s, p, o in graph)
                continue
            chunk.append(text)
            size += len(text)
            if size >= self.BULK_CHUNK:
                flush()
        flush()

    def bulk_load_file(self, path: str | os.PathLike) -> None:
        """Add the quads of an N-Quads file, streamed by Oxigraph's bulk loader (the GIL is released:
        another thread can go on meanwhile)."""
        import pyoxigraph as ox

        self._live().bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)

    def _query(self, text: str, user_text: str, offset: int, deadline: _Deadline) -> QueryResult:
        import pyoxigraph as ox

        store = self._live()
        try:
            res = store.query(text, use_default_graph_as_union=True)
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(res))
            convert = _Converter()
            if isinstance(res, ox.QueryTriples):
                triples = []
                for t in res:
                    deadline.check()
                    triples.append((convert(t.subject), convert(t.predicate), convert(t.object)))
                return QueryResult("graph", triples=triples)
            names = [v.value for v in res.variables]
            rows = []
            for sol in res:
                deadline.check()
                rows.append(tuple(convert(sol[v]) for v in names))
        except QueryError:
            raise
        except SyntaxError as e:
            raise _oxigraph_error(e, user_text, offset) from None
        except (OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"SPARQL query failed: {_clean(str(e))}") from None
        return QueryResult("select", vars=names, terms=rows)

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        import pyoxigraph as ox

        for q in self._live():
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue
            yield _from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object), _from_ox(q.graph_name)

    def graphs(self) -> list[URIRef]:
        return sorted(_from_ox(g) for g in self._live().named_graphs())

    def close(self) -> None:
        # pyoxigraph has no explicit close: dropping the last reference releases the files.
        self._store = None


# ---- SPARQL endpoint


def endpoints(url: str) -> tuple[str, str, str]:
    """(query, update, graph store) endpoints of a SPARQL server spec.

    ``http://host:7878`` is read with Oxigraph's layout (``/query``, ``/update``, ``/store``); a URL
    ending in ``/query``, ``/sparql`` or ``/update`` names the query endpoint and its siblings. The
    environment variables ``KG_SPARQL_UPDATE`` and ``KG_SPARQL_STORE`` override the derived ones
    (Fuseki: ``…/ds/update`` and ``…/ds/data``).
    """
    base = url.rstrip("/")
    last = base.rsplit("/", 1)[-1]
    if last in ("query", "sparql", "update"):
        base = base.rsplit("/", 1)[0]
        query = url.rstrip("/") if last != "update" else base + "/query"
    else:
        query = base + "/query"
    update = os.environ.get("KG_SPARQL_UPDATE") or base + "/update"
    store = os.environ.get("KG_SPARQL_STORE") or base + "/store"
    return query, update, store


def _json_to_term(b: dict) -> Term:
    kind = b.get("type")
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    if b.get("xml:lang"):
        return Literal(b["value"], lang=b["xml:lang"])
    dt = b.get("datatype")
    if dt and dt not in (str(XSD.string), _RDF_LANGSTRING):
        return Literal(b["value"], datatype=URIRef(dt))
    return Literal(b["value"])


class HttpStore(Store):
    """A SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, QLever, ``oxigraph serve`` …).

    Queries use the SPARQL 1.1 Protocol (POST ``application/sparql-query``), writes the Graph Store
    Protocol (one PUT per named graph). Queries expect the default graph to be the union of the named
    graphs: when the server does not offer that (``oxigraph serve --union-default-graph`` does),
    ``replace_all`` also writes the union into the default graph.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.spec = url
        self.query_url, self.update_url, self.store_url = endpoints(url)
        self.timeout = timeout

    # -- HTTP
    def _request(self, method: str, url: str, body: bytes | None, headers: dict, timeout: float | None):
        import urllib.error
        import urllib.request

        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise _HttpError(e.code, detail) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise KGError(f"{self.spec}: cannot reach the SPARQL endpoint ({reason})") from None

    def _update(self, sparql: str) -> None:
        try:
            self._request(
                "POST", self.update_url, sparql.encode(), {"Content-Type": "application/sparql-update"}, None
            )
        except _HttpError as e:
            raise KGError(f"{self.update_url}: update refused ({e.code}): {_clean(e.detail)}") from None

    def _put_graph(self, graph_iri: URIRef | None, graph: Graph) -> None:
        from urllib.parse import quote

        target = (
            f"{self.store_url}?default"
            if graph_iri is None
            else f"{self.store_url}?graph={quote(str(graph_iri), safe='')}"
        )
        if isinstance(graph, str):  # N-Triples text already
            body = graph.encode("utf-8")
        else:
            if not isinstance(graph, Graph):
                graph = _as_rdflib(as_triples(graph))
            body = graph.serialize(format="nt", encoding="utf-8")
        try:
            self._request("PUT", target, body, {"Content-Type": "application/n-triples"}, None)
        except _HttpError as e:
            raise KGError(
                f"{self.store_url}: graph store refused <{graph_iri}> ({e.code}): {_clean(e.detail)}"
            ) from None

    # -- writing
    def replace_all(self, graphs: dict[URIRef, Graph]) -> None:
        self._update("CLEAR ALL")
        for iri, graph in graphs.items():
            self._put_graph(iri, graph)
        if not self.query("ASK { ?s ?p ?o }", add_known_prefixes=False).boolean:
            union = Graph()
            for g in graphs.values():
                for t in as_triples(g):
                    union.add(t)
            self._put_graph(None, union)

    # -- reading
    def _query(self, text: str, user_text: str, offset: int, deadline: _Deadline) -> QueryResult:
        accept = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5"
        try:
            ctype, body = self._request(
                "POST",
                self.query_url,
                text.encode("utf-8"),
                {"Content-Type": "application/sparql-query", "Accept": accept},
                deadline.remaining(),
            )
        except _HttpError as e:
            if e.code == 400:
                raise _oxigraph_error(Exception(e.detail.strip()), user_text, offset) from None
            raise QueryError(f"SPARQL endpoint answered {e.code}: {_clean(e.detail)}") from None
        ctype = ctype.split(";")[0].strip()
        if ctype in ("application/sparql-results+json", "application/json"):
            data = json.loads(body)
            if "boolean" in data:
                return QueryResult("ask", boolean=bool(data["boolean"]))
            names = data["head"].get("vars", [])
            rows = []
            for b in data["results"]["bindings"]:
                deadline.check()
                rows.append(tuple(_json_to_term(b[v]) if v in b else None for v in names))
            return QueryResult("select", vars=names, terms=rows)
        g = Graph()
        g.parse(data=body.decode("utf-8"), format="turtle" if "turtle" in ctype else "nt")
        return QueryResult("graph", triples=list(g))

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        res = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", add_known_prefixes=False)
        yield from res.terms

    def graphs(self) -> list[URIRef]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", add_known_prefixes=False)
        return sorted(row[0] for row in res.terms)


def _as_rdflib(triples: Iterable[Triple]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


class _HttpError(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


# --------------------------------------------------------------------------- factory


def open_store(spec: str | os.PathLike | None = None, *, read_only: bool = False) -> Store:
    """Open the store named by ``spec`` (default: :func:`default_spec`).

    With ``read_only`` a folder store must already exist (and is opened without taking the write lock).
    """
    s = str(default_spec() if spec is None else spec)
    kind = spec_kind(s)
    if kind == "memory":
        return MemoryStore()
    if kind == "http":
        return HttpStore(s)
    path = Path(s)
    if read_only:
        if not path.exists():
            raise KGError(f"{s}: no store here (run `kg build --store {s}` first)")
        if not is_store_folder(path):
            raise KGError(f"{s}: not a store folder")
    elif path.exists() and any(path.iterdir()) and not is_store_folder(path):
        raise KGError(f"{s}: folder exists and is not a store; refusing to write into it")
    return OxigraphStore(path, read_only=read_only)
