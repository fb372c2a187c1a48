"""The interface every backend offers (:class:`Store`), and what it computes the same way for all.

Graphs come in and go out as N-Quads (UTF-8 bytes): ``replace_all`` takes the N-Quads of each named
graph, ``load_nquads`` / ``load_nquads_file`` bulk-load them, ``add_quads`` / ``remove_quads`` change
single quads, ``quads_about`` and ``dump`` give them back. Answers to queries are
:class:`~kg.store.results.QueryResult` (rdflib terms) or, for a worker process,
:class:`~kg.store.results.RawAnswer`. A backend that cannot do something (a snapshot of a remote
endpoint) says so with a :class:`~kg.errors.KGError`.
"""

from __future__ import annotations

import json
import os
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import KGError, QueryError
from kg.queries import store_query
from kg.store.results import QueryResult, RawAnswer, take
from kg.store.sparql_text import add_prefixes, bind_values, prefixes
from kg.store.terms import Term, Triple, compact_rdflib, nquad_line

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "nquads")

# The graph name closing an N-Quads line: what turns a graph's N-Quads into N-Triples.
NQ_GRAPH = re.compile(rb" <[^<>\s]*> \.\r?$", re.M)


def nquads_to_ntriples(data: bytes) -> bytes:
    """The N-Quads of one named graph as N-Triples (the graph name dropped from every line)."""
    return NQ_GRAPH.sub(b" .", data)


class Deadline:
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


class Store(ABC):
    """The common interface. Use :func:`kg.store.open_store` to get one."""

    spec: str
    path: Path | None = None  # the folder of a folder store

    # -- writing
    @abstractmethod
    def replace_all(self, graphs: Mapping[URIRef, bytes]) -> None:
        """Drop everything and store each graph: named graph IRI -> its N-Quads (UTF-8 bytes)."""

    def load_nquads(self, data: bytes) -> None:
        """Add the quads of N-Quads bytes (bulk: for large loads)."""
        self.add_quads(data)

    def load_nquads_file(self, path: str | os.PathLike, *, own: bool = False) -> None:
        """Add the quads of an N-Quads file. ``own``: the file is a build's own serialization (engines
        that can may then skip re-checking every IRI as they parse it)."""
        with open(path, "rb") as f:
            self.load_nquads(f.read())

    def add_quads(self, data: bytes) -> None:
        """Add the quads of N-Quads bytes (in one transaction where the engine has them)."""
        raise self._unsupported("adding quads")

    def remove_quads(self, data: bytes) -> None:
        """Remove the quads of N-Quads bytes (those the store does not hold are ignored)."""
        raise self._unsupported("removing quads")

    def remove_graphs(self, iris: Iterable[URIRef]) -> None:
        """Drop these named graphs (those the store does not hold are ignored)."""
        raise self._unsupported("removing graphs")

    def backup(self, path: str | os.PathLike) -> None:
        """A consistent snapshot of the store in the new folder ``path`` (a store of its own)."""
        raise self._unsupported("a snapshot")

    def flush(self) -> None:  # noqa: B027 - only stores with write buffers need it
        """Write buffered changes to disk."""

    def _unsupported(self, what: str) -> KGError:
        return KGError(f"{self.spec}: {what} is not supported by a {type(self).__name__}")

    # -- reading
    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = None,
        bindings: dict[str, Term] | None = None,
        add_known_prefixes: bool = True,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all named graphs.

        Known prefixes (:func:`prefixes`) the query does not declare are prepended; error positions stay
        relative to the text given here. ``bindings`` pre-binds variables (name -> rdflib term; None
        leaves it unbound) for the named queries that say "Bind ?x": see :func:`bind_values`. At most
        ``limit`` rows are kept (``truncated`` says there were more). Malformed queries raise
        :class:`QueryError`.
        """
        if bindings:
            sparql = bind_values(sparql, bindings)
        text, offset = add_prefixes(sparql) if add_known_prefixes else (sparql, 0)
        return self._query(text, sparql, offset, Deadline(timeout), limit)

    def query_raw(
        self, sparql: str, *, limit: int | None = None, bindings: dict[str, Term] | None = None
    ) -> RawAnswer:
        """:meth:`query` (known prefixes added), the answer as a picklable :class:`RawAnswer`."""
        res = self.query(sparql, limit=limit, bindings=bindings)
        if res.kind == "ask":
            return RawAnswer("ask", boolean=res.boolean)
        rows = res.triples if res.kind == "graph" else res.terms
        compact = tuple(tuple(compact_rdflib(t) for t in row) for row in rows)
        return RawAnswer(res.kind, tuple(res.vars), None, compact, res.truncated)

    @abstractmethod
    def _query(
        self, text: str, user_text: str, offset: int, deadline: Deadline, limit: int | None
    ) -> QueryResult: ...

    @abstractmethod
    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        """Every (s, p, o, graph) in the named graphs, as rdflib terms."""

    @abstractmethod
    def graphs(self) -> list[URIRef]:
        """The named graphs, sorted."""

    def quads_about(
        self, subjects: Iterable[str], *, graph: str | None = None, exclude: Iterable[str] = ()
    ) -> bytes:
        """N-Quads of the quads whose subject is one of these IRIs: in ``graph`` only (if given),
        never in a graph of ``exclude``."""
        wanted, skip = set(subjects), set(exclude)
        lines = [
            nquad_line(s, p, o, g)
            for s, p, o, g in self.quads()
            if str(s) in wanted and (graph is None or str(g) == graph) and str(g) not in skip
        ]
        return "".join(lines).encode("utf-8")

    def subjects_pointing_at(
        self, objects: Iterable[str], *, predicate: str | None = None, graph: str | None = None
    ) -> set[tuple[str, str]]:
        """(subject, graph) of the quads whose object is one of these IRIs (a blank subject as
        ``_:id``), through ``predicate`` and in ``graph`` only if given: who points at a node."""
        wanted = set(objects)
        return {
            (str(s) if isinstance(s, URIRef) else f"_:{s}", str(g))
            for s, p, o, g in self.quads()
            if isinstance(o, URIRef)
            and str(o) in wanted
            and (predicate is None or str(p) == predicate)
            and (graph is None or str(g) == graph)
        }

    def dump(self) -> bytes:
        """N-Quads of every named graph (in the engine's order)."""
        return "".join(nquad_line(*q) for q in self.quads()).encode("utf-8")

    def dump_to(self, path: str | os.PathLike) -> None:
        """:meth:`dump` into a file."""
        Path(path).write_bytes(self.dump())

    def triple_count(self) -> int:
        """Distinct triples in the union graph (what queries see)."""
        return int(self.query(store_query("triple_count"), add_known_prefixes=False).rows[0][0])

    def quad_count(self) -> int:
        return sum(1 for _ in self.quads())

    def graph_quad_count(self, graph: str) -> int:
        """The number of quads in one named graph."""
        return sum(1 for q in self.quads() if str(q[3]) == graph)

    def held_quads(self, data: bytes) -> tuple[int, int]:
        """(distinct quads in the N-Quads ``data``, how many of them the store holds)."""
        raise self._unsupported("counting given quads")

    def match(
        self, s: Term | None = None, p: Term | None = None, o: Term | None = None, graph: Term | None = None
    ) -> list[tuple[Term, Term, Term]]:
        """The (s, p, o) of the named graphs' quads that match the given terms (None: any), in
        ``graph`` only if given: the lookups of a patch build's counts (see kg/build/counts.py)."""
        return [
            (qs, qp, qo)
            for qs, qp, qo, qg in self.quads()
            if (s is None or qs == s)
            and (p is None or qp == p)
            and (o is None or qo == o)
            and (graph is None or qg == graph)
        ]

    def holds(self, s: Term | None = None, p: Term | None = None, o: Term | None = None) -> bool:
        """Whether a named graph holds a quad matching the given terms (None: any)."""
        return bool(self.match(s, p, o))

    def union_graph(self) -> Graph:
        """All named graphs merged into one rdflib Graph (for rdflib-based analyses)."""
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


def capped(result: QueryResult, rows: Iterable, limit: int | None) -> QueryResult:
    """``result`` with at most ``limit`` of ``rows`` as its terms or triples."""
    kept, result.truncated = take(rows, limit)
    if result.kind == "graph":
        result.triples = kept
    else:
        result.terms = kept
    return result


def _sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(set(triples), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


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
