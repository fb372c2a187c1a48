"""The SPARQL endpoint backend (``http://…`` / ``https://…``): SPARQL 1.1 Protocol for queries,
Graph Store Protocol for writes. Standard library HTTP only."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from email.message import Message

from rdflib import Graph, URIRef

from kg.errors import KGError, QueryError
from kg.queries import store_query
from kg.store.base import Deadline, Store, nquads_to_ntriples
from kg.store.diagnostics import clean, oxigraph_error
from kg.store.results import QueryResult, take
from kg.store.terms import Term, from_json_term


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


class HttpStore(Store):
    """A SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, QLever, ``oxigraph serve`` …).

    Queries use the SPARQL 1.1 Protocol (POST ``application/sparql-query``), writes the Graph Store
    Protocol (one PUT per named graph). Queries expect the default graph to be the union of the named
    graphs: when the server does not offer that (``oxigraph serve --union-default-graph`` does),
    ``replace_all`` also writes the union into the default graph.
    """

    graph_type = "application/n-triples"  # the media type graphs are PUT as

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.spec = url
        self.query_url, self.update_url, self.store_url = endpoints(url)
        self.timeout = timeout

    # -- HTTP
    def send(self, method: str, url: str, body: bytes | None, headers: dict, timeout: float | None):
        """One HTTP request: (headers, body) of the answer; HTTP errors raise `_HttpError`."""
        import urllib.error
        import urllib.request

        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise _HttpError(e.code, detail) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise KGError(f"{self.spec}: cannot reach the SPARQL endpoint ({reason})") from None

    def post_query(self, text: str, accept: str, timeout: float | None) -> tuple[Message, bytes]:
        """POST a query (the protocol's direct form); returns (headers, body)."""
        headers = {"Content-Type": "application/sparql-query", "Accept": accept}
        return self.send("POST", self.query_url, text.encode("utf-8"), headers, timeout)

    def post_update(self, sparql: str) -> None:
        headers = {"Content-Type": "application/sparql-update"}
        self.send("POST", self.update_url, sparql.encode("utf-8"), headers, None)

    def send_update(self, sparql: str) -> None:
        try:
            self.post_update(sparql)
        except _HttpError as e:
            raise KGError(f"{self.update_url}: update refused ({e.code}): {clean(e.detail)}") from None

    def put_graph(self, graph_iri: URIRef | None, ntriples: bytes) -> None:
        from urllib.parse import quote

        target = (
            f"{self.store_url}?default"
            if graph_iri is None
            else f"{self.store_url}?graph={quote(str(graph_iri), safe='')}"
        )
        try:
            self.send("PUT", target, ntriples, {"Content-Type": self.graph_type}, None)
        except _HttpError as e:
            raise KGError(
                f"{self.store_url}: graph store refused <{graph_iri}> ({e.code}): {clean(e.detail)}"
            ) from None

    # -- writing
    def replace_all(self, graphs: Mapping[URIRef, bytes]) -> None:
        """``CLEAR ALL``, then one PUT per named graph (its N-Quads sent as N-Triples). A server whose
        default graph is not the union of the named graphs also gets the union as its default graph."""
        self.send_update(store_query("clear_all"))
        for iri, data in graphs.items():
            self.put_graph(iri, nquads_to_ntriples(data))
        if not self.query(store_query("any_triple"), add_known_prefixes=False).boolean:
            self.put_graph(None, b"".join(nquads_to_ntriples(data) for data in graphs.values()))

    # -- reading
    def _query(
        self, text: str, user_text: str, offset: int, deadline: Deadline, limit: int | None
    ) -> QueryResult:
        accept = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5"
        try:
            headers, body = self.post_query(text, accept, deadline.remaining())
        except _HttpError as e:
            if e.code == 400:
                raise oxigraph_error(Exception(e.detail.strip()), user_text, offset) from None
            raise QueryError(f"SPARQL endpoint answered {e.code}: {clean(e.detail)}") from None
        ctype = headers.get("Content-Type", "").split(";")[0].strip()
        if ctype in ("application/sparql-results+json", "application/json"):
            data = json.loads(body)
            if "boolean" in data:
                return QueryResult("ask", boolean=bool(data["boolean"]))
            names = data["head"].get("vars", [])

            def solutions():
                for b in data["results"]["bindings"]:
                    deadline.check()
                    yield tuple(from_json_term(b[v]) if v in b else None for v in names)

            rows, truncated = take(solutions(), limit)
            return QueryResult("select", vars=names, terms=rows, truncated=truncated)
        g = Graph()
        g.parse(data=body.decode("utf-8"), format="turtle" if "turtle" in ctype else "nt")
        triples, truncated = take(iter(g), limit)
        return QueryResult("graph", triples=triples, truncated=truncated)

    def quads(self) -> Iterator[tuple[Term, Term, Term, URIRef]]:
        res = self.query(store_query("all_quads"), add_known_prefixes=False)
        yield from res.terms

    def graphs(self) -> list[URIRef]:
        res = self.query(store_query("graph_names"), add_known_prefixes=False)
        return sorted(row[0] for row in res.terms)


class _HttpError(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
