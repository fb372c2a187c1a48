"""The rdflib in-memory backend (``--store memory``): slow, simple, the reference engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import QueryError
from kg.store.base import Deadline, Store
from kg.store.diagnostics import rdflib_error
from kg.store.results import QueryResult, take
from kg.store.terms import Term


def _checked(rows: Iterable, deadline: Deadline) -> Iterator:
    for row in rows:
        deadline.check()
        yield row


class MemoryStore(Store):
    """rdflib ``Dataset(default_union=True)``: queries see the (set) union of the named graphs."""

    def __init__(self) -> None:
        self.spec = "memory"
        self._ds = Dataset(default_union=True)

    def replace_all(self, graphs: Mapping[URIRef, bytes]) -> None:
        ds = Dataset(default_union=True)
        for data in graphs.values():
            _parse_into(ds, data)
        self._ds = ds

    def add_quads(self, data: bytes) -> None:
        _parse_into(self._ds, data)

    def load_nquads_file(self, path, *, own: bool = False) -> None:
        self._ds.parse(str(path), format="nquads")

    def remove_quads(self, data: bytes) -> None:
        parsed = Dataset()
        _parse_into(parsed, data)
        for s, p, o, g in parsed.quads((None, None, None, None)):
            self._ds.remove((s, p, o, self._ds.graph(_graph_id(g))))

    def remove_graphs(self, iris: Iterable[URIRef]) -> None:
        for iri in iris:
            self._ds.remove_graph(self._ds.graph(URIRef(iri)))

    def _query(
        self, text: str, user_text: str, offset: int, deadline: Deadline, limit: int | None
    ) -> QueryResult:
        try:
            res = self._ds.query(text)
            if res.type == "ASK":
                return QueryResult("ask", boolean=bool(res.askAnswer))
            if res.type in ("CONSTRUCT", "DESCRIBE"):
                triples, truncated = take(_checked(res.graph, deadline), limit)
                return QueryResult("graph", triples=triples, truncated=truncated)
            names = [str(v) for v in res.vars]
            rows, truncated = take(_checked((tuple(r[v] for v in res.vars) for r in res), deadline), limit)
        except QueryError:
            raise
        except Exception as e:  # pyparsing and rdflib evaluation errors
            raise rdflib_error(e, user_text, offset) from None
        return QueryResult("select", vars=names, terms=rows, truncated=truncated)

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        for s, p, o, g in self._ds.quads((None, None, None, None)):
            gid = _graph_id(g)
            if gid is None or gid == DATASET_DEFAULT_GRAPH_ID:
                continue
            yield s, p, o, gid

    def graphs(self) -> list[URIRef]:
        return sorted(
            c.identifier for c in self._ds.graphs() if c.identifier != DATASET_DEFAULT_GRAPH_ID and len(c) > 0
        )

    def quad_count(self) -> int:
        return sum(len(c) for c in self._ds.graphs() if c.identifier != DATASET_DEFAULT_GRAPH_ID)


def _graph_id(g):
    return g.identifier if isinstance(g, Graph) else g


def _parse_into(ds: Dataset, data: bytes) -> None:
    if data:
        ds.parse(data=data.decode("utf-8"), format="nquads")
