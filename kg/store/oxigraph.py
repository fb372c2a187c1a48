"""The embedded Oxigraph backend (a folder store, the default): the only module that uses pyoxigraph."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import KGError, QueryError
from kg.store.base import Deadline, Store
from kg.store.diagnostics import clean, oxigraph_error
from kg.store.results import QueryResult, RawAnswer, take
from kg.store.sparql_text import add_prefixes, bind_values, has_dataset_clause
from kg.store.terms import OxConverter, Term, compact_ox, from_ox

NQUADS = ox.RdfFormat.N_QUADS


class OxigraphStore(Store):
    """pyoxigraph ``Store``: on disk at ``path``, or in memory when ``path`` is None.

    A query without FROM / FROM NAMED sees the union of the named graphs as its default graph
    (``use_default_graph_as_union``); one with them sees the dataset it names. Oxigraph's union is a
    multiset: a triple held in two named graphs would match twice, where rdflib's set union matches it
    once. The graphs ``kg.rdf`` writes never share a triple (shared nodes such as regions and
    organisations are described only by the links graph; a test checks quads == distinct triples), so
    the two engines agree, each document's triples can be replaced on their own, and nothing is stored
    twice.
    """

    BULK_CHUNK = 32 * 2**20  # bytes of N-Quads per bulk load: few, large loads are fastest

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False) -> None:
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
                f"{path}: cannot open store: {clean(str(e))} (`kg build --full` rebuilds it)"
            ) from None

    def _live(self) -> ox.Store:
        if self._store is None:
            raise KGError(f"{self.spec}: store is closed")
        return self._store

    # -- writing
    def replace_all(self, graphs: Mapping[URIRef, bytes]) -> None:
        """Drop everything and bulk-load each graph's N-Quads, joined into a few large loads (each
        bulk load writes and ingests files of its own, so one per graph would be slow)."""
        store = self._live()
        store.clear()
        chunk: list[bytes] = []
        size = 0
        for data in graphs.values():
            chunk.append(data)
            size += len(data)
            if size >= self.BULK_CHUNK:
                self.load_nquads(b"".join(chunk))
                chunk, size = [], 0
        if chunk:
            self.load_nquads(b"".join(chunk))
        self.flush()

    def load_nquads(self, data: bytes) -> None:
        if data:
            self._live().bulk_load(data, format=NQUADS)

    def load_nquads_file(self, path: str | os.PathLike, *, own: bool = False) -> None:
        """Streamed by Oxigraph's bulk loader, which releases the GIL: another thread goes on meanwhile.
        ``own``: lenient parsing (no IRI validation), about an eighth less CPU on a build's files,
        which the SHACL engine parses strictly beside the loading."""
        self._live().bulk_load(path=str(path), format=NQUADS, lenient=own)

    def add_quads(self, data: bytes) -> None:
        if data:
            self._live().load(data, format=NQUADS)

    def remove_quads(self, data: bytes) -> None:
        store = self._live()
        for quad in ox.parse(data, format=NQUADS):
            store.remove(quad)

    def remove_graphs(self, iris: Iterable[URIRef]) -> None:
        store = self._live()
        for iri in iris:
            store.remove_graph(ox.NamedNode(str(iri)))

    def backup(self, path: str | os.PathLike) -> None:
        self._live().backup(str(path))

    def flush(self) -> None:
        if self.path is not None:
            self._live().flush()

    # -- reading
    def _query(
        self, text: str, user_text: str, offset: int, deadline: Deadline, limit: int | None
    ) -> QueryResult:
        convert = OxConverter()
        cap = -1 if limit is None else limit
        truncated = False
        try:
            res = self._live().query(text, use_default_graph_as_union=not has_dataset_clause(text))
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                triples = []
                for t in res:
                    if len(triples) == cap:
                        truncated = True
                        break
                    deadline.check()
                    triples.append((convert(t.subject), convert(t.predicate), convert(t.object)))
                return QueryResult("graph", triples=triples, truncated=truncated)
            names = [v.value for v in res.variables]
            solutions = []
            for sol in res:
                if len(solutions) == cap:
                    truncated = True
                    break
                deadline.check()
                solutions.append(tuple(convert(sol[v]) for v in names))
        except QueryError:
            raise
        except SyntaxError as e:
            raise oxigraph_error(e, user_text, offset) from None
        except (OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"SPARQL query failed: {clean(str(e))}") from None
        return QueryResult("select", vars=names, terms=solutions, truncated=truncated)

    def query_raw(
        self, sparql: str, *, limit: int | None = None, bindings: dict[str, Term] | None = None
    ) -> RawAnswer:
        """Compact terms straight from pyoxigraph's (no rdflib term is built in the worker)."""
        if bindings:
            sparql = bind_values(sparql, bindings)
        text, offset = add_prefixes(sparql)
        try:
            res = self._live().query(text, use_default_graph_as_union=not has_dataset_clause(text))
            if isinstance(res, ox.QueryBoolean):
                return RawAnswer("ask", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                found, truncated = take(
                    ((compact_ox(t.subject), compact_ox(t.predicate), compact_ox(t.object)) for t in res),
                    limit,
                )
                return RawAnswer("graph", rows=tuple(found), truncated=truncated)
            names = [v.value for v in res.variables]
            found, truncated = take((tuple(compact_ox(s[v]) for v in names) for s in res), limit)
        except QueryError:
            raise
        except SyntaxError as e:
            raise oxigraph_error(e, sparql, offset) from None
        except (OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"SPARQL query failed: {clean(str(e))}") from None
        return RawAnswer("select", tuple(names), None, tuple(found), truncated)

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        for q in self._live():
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), from_ox(q.graph_name)

    def quads_about(
        self, subjects: Iterable[str], *, graph: str | None = None, exclude: Iterable[str] = ()
    ) -> bytes:
        store, skip = self._live(), set(exclude)
        in_graph = None if graph is None else ox.NamedNode(graph)
        found = [
            q
            for s in subjects
            for q in store.quads_for_pattern(ox.NamedNode(s), None, None, in_graph)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in skip
        ]
        return ox.serialize(found, format=NQUADS) if found else b""

    def subjects_pointing_at(
        self, objects: Iterable[str], *, predicate: str | None = None, graph: str | None = None
    ) -> set[tuple[str, str]]:
        store = self._live()
        p = None if predicate is None else ox.NamedNode(predicate)
        g = None if graph is None else ox.NamedNode(graph)
        return {
            (str(q.subject) if isinstance(q.subject, ox.BlankNode) else q.subject.value, q.graph_name.value)
            for o in objects
            for q in store.quads_for_pattern(None, p, ox.NamedNode(o), g)
            if isinstance(q.graph_name, ox.NamedNode)
        }

    def dump(self) -> bytes:
        quads = (q for q in self._live() if not isinstance(q.graph_name, ox.DefaultGraph))
        return ox.serialize(quads, format=NQUADS) or b""

    def dump_to(self, path: str | os.PathLike) -> None:
        """Oxigraph's own writer, streamed (a corpus's N-Quads are not held in memory)."""
        self._live().dump(output=str(path), format=NQUADS)

    def graphs(self) -> list[URIRef]:
        return sorted(from_ox(g) for g in self._live().named_graphs())

    def quad_count(self) -> int:
        return len(self._live())

    def graph_quad_count(self, graph: str) -> int:
        return sum(1 for _ in self._live().quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def held_quads(self, data: bytes) -> tuple[int, int]:
        store = self._live()
        given = set(ox.parse(data, format=NQUADS)) if data else set()
        return len(given), sum(1 for q in given if q in store)

    def match(self, s=None, p=None, o=None, graph=None) -> list:
        """An index lookup (Oxigraph keeps the quads sorted six ways): microseconds a pattern."""
        found = self._live().quads_for_pattern(_to_ox(s), _to_ox(p), _to_ox(o), _to_ox(graph))
        return [
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in found
            if isinstance(q.graph_name, ox.NamedNode)
        ]

    def holds(self, s=None, p=None, o=None) -> bool:
        found = self._live().quads_for_pattern(_to_ox(s), _to_ox(p), _to_ox(o), None)
        return any(isinstance(q.graph_name, ox.NamedNode) for q in found)

    def close(self) -> None:
        # pyoxigraph has no explicit close: dropping the last reference releases the files.
        self._store = None


def _to_ox(term):
    """An rdflib term (or None) as a pyoxigraph term."""
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))
