"""The ontology's namespaces, its concept schemes as Python maps, and the ontology and shapes files.

The ontology (``ontology/hc.ttl``) reuses ELI for documents and their parts, W3C ORG for
departments, PROV-O for provenance, SKOS for the controlled vocabularies and DCTERMS; the ``hc:``
namespace holds only what those lack (each ``hc:`` term says in its comment why no reused term
fits). ``ontology/shapes.ttl`` holds the SHACL shapes every built graph must satisfy.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

HC = Namespace("https://w3id.org/healthy-china/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
BASE = Namespace("https://w3id.org/healthy-china/id/")
# The EU Publications Office's language authority table: ELI's values of eli:language.
LANGUAGE_ZH = URIRef("http://publications.europa.eu/resource/authority/language/ZHO")

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "hc.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/healthy-china/ontology")
ONTOLOGY_GRAPH = BASE["graph/ontology"]

PREFIXES: dict[str, str] = {
    "hc": str(HC),
    "hcid": str(BASE),
    "eli": str(ELI),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

LEVEL_CONCEPTS: dict[str, URIRef] = {
    "national": HC.National,
    "province": HC.Province,
    "city": HC.City,
    "county": HC.County,
    "township": HC.Township,
}
ROLE_CONCEPTS: dict[str, URIRef] = {"lead": HC.Lead, "participant": HC.Participant}
COMPARATOR_CONCEPTS: dict[str, URIRef] = {
    ">=": HC.GreaterOrEqual,
    ">": HC.Greater,
    "<=": HC.LessOrEqual,
    "<": HC.Less,
    "=": HC.Equal,
    "approx": HC.Approximately,
    "qualitative": HC.Qualitative,
}
# kg.records.PROVENANCES -> the concepts of the scheme hc:FieldSources.
FIELD_SOURCE_CONCEPTS: dict[str, URIRef] = {
    "heading": HC.Heading,
    "signature": HC.Signature,
    "metadata": HC.MetadataBlock,
    "doc_number": HC.DocNumberPrefix,
    "title": HC.TitleWording,
    "body": HC.BodyText,
    "inferred": HC.Inference,
}
# A field of kg.records.PlanMeta -> the property that holds it on the plan node.
PLAN_FIELD_PROPERTIES: dict[str, URIRef] = {
    "title": ELI.title,
    "title_short": ELI.title_short,
    "plan_title": HC.planTitle,
    "doc_number": ELI.id_local,
    "doc_number_raw": HC.idLocalAsWritten,
    "issuer": ELI.passed_by,
    "issuer_inferred": HC.issuerInferred,
    "region": ELI.relevant_for,
    "level": HC.level,
    "province": HC.province,
    "date": ELI.date_document,
    "date_published": ELI.date_publication,
}


def new_graph(identifier: URIRef | None = None) -> Graph:
    """An empty rdflib graph with this project's prefixes bound."""
    g = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(ns), override=True, replace=True)
    return g


def ontology_graph() -> Graph:
    """The ontology (ontology/hc.ttl), parsed into a fresh graph named ``graph/ontology``."""
    g = new_graph(ONTOLOGY_GRAPH)
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


def shapes_graph() -> Graph:
    """The SHACL shapes (ontology/shapes.ttl), parsed into a fresh graph."""
    g = new_graph()
    g.parse(SHAPES_FILE, format="turtle")
    return g
