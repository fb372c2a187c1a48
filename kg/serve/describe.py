"""The SPARQL 1.1 Service Description of ``kg serve`` (sd: vocabulary), with a VoID description of
the dataset: its triples, its classes, and each named graph with its triples.

Served at the endpoint's URL when a request carries no query. The counts come from the store once
(the server is read-only, so they hold while it runs), through the same bounded path as any query;
on the 10,000-plan store that first answer took 35 s on a loaded machine, later ones are cached.
"""

from __future__ import annotations

import threading

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.serve.formats import GRAPH_TYPES, RESULT_TYPES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# the W3C formats IRIs of the media types the endpoint writes
FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/ld+json": FORMATS["JSON-LD"],
}
assert set(FORMAT_IRIS) == set(RESULT_TYPES) | set(GRAPH_TYPES)


class Description:
    """The description of one endpoint, built on first use."""

    def __init__(self, store_spec: str, endpoint: str, *, timeout: float):
        self.store_spec = store_spec
        self.endpoint = endpoint
        self.timeout = timeout
        self._graph: Graph | None = None
        self._bytes: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def graph(self) -> Graph:
        with self._lock:
            if self._graph is None:
                self._graph = self._build()
            return self._graph

    def serialised(self, rdflib_format: str) -> bytes:
        """The description in one of rdflib's formats, written once (10,000 plans: 1.9 MB of Turtle,
        seconds to write)."""
        graph = self.graph()
        with self._lock:
            if rdflib_format not in self._bytes:
                self._bytes[rdflib_format] = graph.serialize(format=rdflib_format, encoding="utf-8")
            return self._bytes[rdflib_format]

    def _count(self, name: str):
        from kg.queries import store_query
        from kg.safety import run_user_query

        res = run_user_query(self.store_spec, store_query(name), timeout=self.timeout, limit=None).result
        return res.terms

    def _build(self) -> Graph:
        graphs = [(g, int(n)) for g, n in self._count("void_graphs")]
        classes = int(self._count("void_classes")[0][0])
        g = Graph()
        for prefix, ns in (("sd", SD), ("void", VOID), ("formats", FORMATS), ("dcterms", DCTERMS)):
            g.bind(prefix, ns)
        service = URIRef(self.endpoint)
        dataset, default = URIRef(self.endpoint + "#dataset"), BNode("default")
        g.add((service, RDF.type, SD.Service))
        g.add((service, SD.endpoint, service))
        g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        g.add((service, SD.feature, SD.UnionDefaultGraph))
        for iri in FORMAT_IRIS.values():
            g.add((service, SD.resultFormat, iri))
        g.add((service, SD.defaultDataset, dataset))
        g.add((dataset, RDF.type, SD.Dataset))
        g.add((dataset, RDF.type, VOID.Dataset))
        g.add((dataset, DCTERMS.title, Literal("Healthy China policy cascade knowledge graph", lang="en")))
        g.add((dataset, VOID.sparqlEndpoint, service))
        g.add((dataset, VOID.triples, Literal(sum(n for _, n in graphs), datatype=XSD.integer)))
        g.add((dataset, VOID.classes, Literal(classes, datatype=XSD.integer)))
        # the default graph is the union of the named graphs (sd:UnionDefaultGraph)
        g.add((dataset, SD.defaultGraph, default))
        g.add((default, RDF.type, SD.Graph))
        g.add((default, VOID.triples, Literal(sum(n for _, n in graphs), datatype=XSD.integer)))
        for name, n in graphs:
            node, inner = BNode(), BNode()
            g.add((dataset, SD.namedGraph, node))
            g.add((node, RDF.type, SD.NamedGraph))
            g.add((node, SD.name, name))
            g.add((node, SD.graph, inner))
            g.add((inner, RDF.type, SD.Graph))
            g.add((inner, VOID.triples, Literal(n, datatype=XSD.integer)))
        return g
