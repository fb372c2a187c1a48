"""Third-party SPARQL clients against `kg serve`: SPARQLWrapper with its defaults (it asks for XML),
rdflib's SPARQLStore, and Comunica's command line (npm @comunica/query-sparql, from .ci/node)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from serve_helpers import CHANGCHUN_TITLE, ROOT, ZIBO_TITLE, kg_serve

from kg.rdf import PREFIXES

HC, ELI = Namespace(PREFIXES["hc"]), Namespace(PREFIXES["eli"])
PROLOGUE = f"PREFIX hc: <{HC}>\nPREFIX eli: <{ELI}>\n"  # third-party clients declare their prefixes
TITLES = PROLOGUE + "SELECT ?p ?title WHERE { ?p a hc:Plan ; hc:held true ; eli:title ?title }"
SEED_PLANS = 5  # the five files of data/plans
COMUNICA = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "comunica-sparql"
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def endpoint(built_store):
    with kg_serve(built_store, "--timeout", "20") as url:
        yield url


def test_sparqlwrapper_defaults_get_xml(endpoint):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint)  # defaults: GET, returnFormat XML
    client.setQuery(TITLES)
    response = client.query()
    assert response.info()["content-type"].startswith("application/sparql-results+xml")
    doc = response.convert()  # an xml.dom.minidom document
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert len(literals) == SEED_PLANS and {ZIBO_TITLE, CHANGCHUN_TITLE} <= set(literals)


def test_sparqlwrapper_post_json_and_construct(endpoint):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint, returnFormat=JSON)
    client.setMethod(POST)
    client.setQuery(TITLES)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert {r["title"]["value"] for r in rows} >= {ZIBO_TITLE, CHANGCHUN_TITLE} and len(rows) == SEED_PLANS
    client = SPARQLWrapper(endpoint, returnFormat=TURTLE)
    client.setQuery(PROLOGUE + "CONSTRUCT { ?p a hc:Plan } WHERE { ?p a hc:Plan ; hc:held true }")
    g = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(set(g.subjects(RDF.type, HC.Plan))) == SEED_PLANS


def test_rdflib_sparqlstore(endpoint):
    g = Graph(SPARQLStore(endpoint, returnFormat="xml"))
    titles = {str(t) for t in g.objects(None, ELI.title)}
    assert {ZIBO_TITLE, CHANGCHUN_TITLE} <= titles
    plans = list(g.query(TITLES))
    assert len(plans) == SEED_PLANS
    held = set(g.subjects(HC.held, Literal(True)))
    assert held == {row.p for row in plans}


def comunica(source: str, query: str, media: str) -> str:
    if NODE is None or not COMUNICA.exists():
        pytest.skip("Comunica is not installed: npm ci --prefix .ci/node (.ci/run does it)")
    done = subprocess.run(
        [NODE, str(COMUNICA), source, query, "-t", media], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_comunica_select_and_construct(endpoint):
    answer = json.loads(comunica(f"sparql@{endpoint}", TITLES, "application/sparql-results+json"))
    titles = [b["title"]["value"] for b in answer["results"]["bindings"]]
    assert len(titles) == SEED_PLANS and {ZIBO_TITLE, CHANGCHUN_TITLE} <= set(titles)
    nt = comunica(
        f"sparql@{endpoint}",
        PROLOGUE + "CONSTRUCT { ?p a hc:Plan } WHERE { ?p a hc:Plan ; hc:held true }",
        "application/n-triples",
    )
    g = Graph().parse(data=nt, format="nt")
    assert len(set(g.subjects(RDF.type, HC.Plan))) == SEED_PLANS


def test_comunica_finds_the_endpoint_from_its_service_description(endpoint):
    """Given only the URL, Comunica reads the service description and queries the endpoint."""
    query = PROLOGUE + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a hc:Plan ; hc:held true }"
    answer = json.loads(comunica(endpoint, query, "application/sparql-results+json"))
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == SEED_PLANS
