"""The one door to the places the graph can live, chosen by a spec string.

* a folder path (the default, ``data/store``): an embedded Oxigraph store on disk (``oxigraph``);
* ``memory``: an rdflib in-memory ``Dataset`` — the slow but simple reference engine (``memory``);
* ``http://…`` / ``https://…``: a SPARQL 1.1 endpoint (query and graph-store protocols, ``http``; Virtuoso,
  recognised by its ``Server`` header, gets ``virtuoso``).

``KG_STORE`` in the environment sets the default spec. Every document lives in its own named graph;
queries see the UNION of all named graphs as their default graph, and ``GRAPH ?g`` reaches a single
document. Graphs go in and out as N-Quads bytes (:class:`Store`); answers come back as a
:class:`QueryResult` whatever the backend, with rdflib terms inside, so the same query gives the same
rows on every engine. Nothing outside this package talks to an engine directly.

Modules: ``base`` (the interface), ``oxigraph`` / ``memory`` / ``http`` / ``virtuoso`` (the backends), ``results``
(answers and their renderers), ``terms`` (RDF-term conversion), ``sparql_text`` (prefixes and
``VALUES`` binding), ``diagnostics`` (engine errors as one-line messages).
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import KGError
from kg.locations import DEFAULT_STORE, default_spec, is_store_folder, spec_kind
from kg.rdf import ONTOLOGY_GRAPH
from kg.store.base import EXPORT_FORMATS, Store, nquads_to_ntriples
from kg.store.diagnostics import clean, oxigraph_error, rdflib_error
from kg.store.http import HttpStore, endpoints
from kg.store.memory import MemoryStore
from kg.store.results import QueryResult, RawAnswer, clip, text_width
from kg.store.sparql_text import (
    add_prefixes,
    bind_values,
    code_only,
    expand,
    has_dataset_clause,
    prefixes,
    shorten,
    with_dataset,
)
from kg.store.terms import python_value

__all__ = [
    "DEFAULT_STORE",
    "EXPORT_FORMATS",
    "ONTOLOGY_GRAPH",
    "HttpStore",
    "MemoryStore",
    "OxigraphStore",
    "QueryResult",
    "RawAnswer",
    "Store",
    "add_prefixes",
    "bind_values",
    "clean",
    "clip",
    "code_only",
    "has_dataset_clause",
    "default_spec",
    "endpoints",
    "expand",
    "is_store_folder",
    "nquads_to_ntriples",
    "open_store",
    "oxigraph_error",
    "prefixes",
    "python_value",
    "rdflib_error",
    "scratch_store",
    "shorten",
    "spec_kind",
    "text_width",
    "with_dataset",
]


def __getattr__(name: str):
    # The Oxigraph backend imports pyoxigraph: loaded when first asked for (the explorer's first
    # page and the query worker's parent do without it).
    if name == "OxigraphStore":
        from kg.store.oxigraph import OxigraphStore

        return OxigraphStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scratch_store() -> Store:
    """An empty in-memory Oxigraph store: reads N-Quads exactly as a folder store does."""
    from kg.store.oxigraph import OxigraphStore

    return OxigraphStore(None)


def open_store(spec: str | os.PathLike | None = None, *, read_only: bool = False) -> Store:
    """Open the store named by ``spec`` (default: :func:`default_spec`).

    With ``read_only`` a folder store must already exist (and is opened without taking the write lock).
    """
    from kg.store.oxigraph import OxigraphStore

    s = str(default_spec() if spec is None else spec)
    kind = spec_kind(s)
    if kind == "memory":
        return MemoryStore()
    if kind == "http":
        from kg.store.virtuoso import VirtuosoStore, is_virtuoso

        # Engine quirks are handled by a backend of their own, chosen by what the server says it is.
        return VirtuosoStore(s) if is_virtuoso(endpoints(s)[0]) else HttpStore(s)
    path = Path(s)
    if read_only:
        if not path.exists():
            raise KGError(f"{s}: no store here (run `kg build --store {s}` first)")
        if not is_store_folder(path):
            raise KGError(f"{s}: not a store folder")
    elif path.exists() and any(path.iterdir()) and not is_store_folder(path):
        raise KGError(f"{s}: folder exists and is not a store; refusing to write into it")
    return OxigraphStore(path, read_only=read_only)
