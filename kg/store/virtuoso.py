"""Virtuoso Open Source as a SPARQL endpoint: the same protocols as :class:`HttpStore`, with the
engine's ways handled here so that the named queries run unchanged.

What differs from the SPARQL 1.1 endpoints ``HttpStore`` expects (measured on Virtuoso 7.2.5):

* its default graph is the union of ALL graphs, its own system graphs included (``virtrdf#``,
  ``ldp#``, the endpoint's service description): every query gets ``define input:default-graph-exclude``
  / ``input:named-graph-exclude`` pragmas for the graphs outside the project's ``graph/`` namespace;
* a POST of ``application/sparql-query`` is never answered: queries and updates go as an HTML form
  (``query=``), as its own editor sends them;
* graphs are written through its Graph Store Protocol at ``/sparql-graph-crud`` (the endpoint's
  ``SPARQL`` user needs the ``SPARQL_UPDATE`` role), sent as UTF-8 Turtle;
* ``CLEAR ALL`` would also empty its system graphs: only the project's graphs are dropped;
* it orders strings by its own collation, not by code point: the final ``ORDER BY`` is applied again
  (:mod:`kg.store.ordering`);
* ``ResultSetMaxRows`` in its ``[SPARQL]`` section (10,000 by default) cuts answers, saying so only
  in an ``X-SPARQL-MaxRows`` header: such an answer is refused with a clear error (set it above the
  number of quads of the corpus);
* it answers CONSTRUCT / DESCRIBE as JSON bindings when JSON is acceptable: graph queries ask for Turtle.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from email.message import Message
from urllib.parse import urlencode

from rdflib import URIRef

from kg.errors import QueryError
from kg.rdf import BASE
from kg.store.base import Deadline, nquads_to_ntriples
from kg.store.http import HttpStore
from kg.store.ordering import order_keys, reorder
from kg.store.results import QueryResult
from kg.store.sparql_text import code_only

PROJECT_GRAPHS = str(BASE["graph/"])  # every graph this project writes is named under it
FORM = "application/x-www-form-urlencoded"


def is_virtuoso(url: str) -> bool:
    """Whether the endpoint at ``url`` says it is Virtuoso (its ``Server`` header): one GET of an
    empty ASK. An endpoint that does not answer is not Virtuoso (its first real request then fails
    with the usual message)."""
    import urllib.request

    probe = url.rstrip("/") + "?" + urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(probe, timeout=5) as resp:
            return resp.headers.get("Server", "").lower().startswith("virtuoso")
    except OSError:
        return False


class VirtuosoStore(HttpStore):
    """A Virtuoso endpoint (``http://host:8890/sparql``): see the module's notes."""

    graph_type = "text/turtle; charset=utf-8"

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        super().__init__(url, timeout=timeout)
        base = self.query_url.rsplit("/", 1)[0]
        self.update_url = os.environ.get("KG_SPARQL_UPDATE") or self.query_url
        self.store_url = os.environ.get("KG_SPARQL_STORE") or base + "/sparql-graph-crud"
        self._pragmas: str | None = None

    # -- the engine's protocol
    def _form(self, url: str, text: str, accept: str, timeout: float | None) -> tuple[Message, bytes]:
        body = urlencode({"query": text}).encode("ascii")
        return self.send("POST", url, body, {"Content-Type": FORM, "Accept": accept}, timeout)

    def post_query(self, text: str, accept: str, timeout: float | None) -> tuple[Message, bytes]:
        if _FORM_WORD.search(code_only(text))[1].upper() in ("CONSTRUCT", "DESCRIBE"):
            accept = "text/turtle"  # it would answer a graph query as JSON bindings if JSON came first
        headers, body = self._form(self.query_url, self._scope() + text, accept, timeout)
        cap = headers.get("X-SPARQL-MaxRows")
        if cap:  # sent when the answer reached the cap: rows may be missing, and nothing says which
            raise QueryError(
                f"{self.spec}: Virtuoso cut the answer at {cap} rows (ResultSetMaxRows in the [SPARQL] "
                "section of its virtuoso.ini): raise it above the size of the answer, or add a LIMIT"
            )
        return headers, body

    def post_update(self, sparql: str) -> None:
        self._form(self.update_url, sparql, "*/*", None)

    def _scope(self) -> str:
        """Pragmas that hide the graphs outside the project's namespace (on the query's first line,
        so that line numbers of errors stay those of the query)."""
        if self._pragmas is None:
            accept = "application/sparql-results+json"
            _, body = self._form(self.query_url, _GRAPHS, accept, self.timeout)
            import json

            names = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
            self._pragmas = "".join(
                f"define input:default-graph-exclude <{g}> define input:named-graph-exclude <{g}> "
                for g in sorted({*names, VIRTRDF})
                if not g.startswith(PROJECT_GRAPHS)
            )
        return self._pragmas

    def _query(
        self, text: str, user_text: str, offset: int, deadline: Deadline, limit: int | None
    ) -> QueryResult:
        result = super()._query(text, user_text, offset, deadline, limit)
        keys = order_keys(text) if result.kind == "select" and not result.truncated else None
        if keys:
            result.terms = reorder(result.terms, result.vars, keys)
        return result

    # -- writing
    def replace_all(self, graphs: Mapping[URIRef, bytes]) -> None:
        """Drop the project's graphs (never the engine's own), then one PUT per named graph."""
        for g in self.graphs():
            self.send_update(f"DROP SILENT GRAPH <{g}>")
        for iri, data in graphs.items():
            self.put_graph(iri, nquads_to_ntriples(data))
        self._pragmas = None


_FORM_WORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b|$", re.I)
# Its metadata graph (virtrdf#, always there) also describes its mapped relational data: a GRAPH ?g
# that does not exclude it takes seconds even on an empty store.
VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"
_GRAPHS = (
    f"define input:named-graph-exclude <{VIRTRDF}> SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
)
