"""`kg serve` speaks the SPARQL 1.1 Protocol: every request form and result format, the dataset
parameters, CORS and the service description, answers parsed with rdflib (never string-compared)."""

from __future__ import annotations

import io
import json
import urllib.parse

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.query import Result
from serve_helpers import CHANGCHUN_TITLE, LINKS, ZIBO_TITLE, http, kg_serve

from kg.rdf import PREFIXES
from kg.store import open_store

HC = Namespace(PREFIXES["hc"])
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

TITLES = "SELECT ?title WHERE { ?p a hc:Plan ; hc:held true ; eli:title ?title }"
HELD = "CONSTRUCT { ?p a hc:Plan } WHERE { ?p a hc:Plan ; hc:held true }"
SEED_PLANS = 5  # the five files of data/plans


@pytest.fixture(scope="module")
def endpoint(built_store):
    with kg_serve(built_store, "--timeout", "20") as url:
        yield url


@pytest.fixture(scope="module")
def store_counts(built_store):
    """Counts read from the store directly (not through the server)."""
    with open_store(built_store, read_only=True) as s:
        total = s.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
        links = s.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS}> {{ ?s ?p ?o }} }}").rows[0][0]
        graphs = {str(g) for g in s.graphs()}
    return {"total": total, "links": links, "graphs": graphs}


def get(endpoint, query, accept=None, **params):
    url = endpoint + "?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return http(url, headers={"Accept": accept} if accept else {})


def post_direct(endpoint, query, accept=None, **params):
    url = endpoint + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    headers = {"Content-Type": "application/sparql-query", **({"Accept": accept} if accept else {})}
    return http(url, data=query.encode(), headers=headers)


def post_form(endpoint, query, accept=None, **params):
    data = urllib.parse.urlencode({"query": query, **params}, doseq=True).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **({"Accept": accept} if accept else {})}
    return http(endpoint, data=data, headers=headers)


def titles(body: bytes, fmt: str) -> list[str]:
    return [str(row[0]) for row in Result.parse(io.BytesIO(body), format=fmt)]


@pytest.mark.parametrize("send", [get, post_direct, post_form])
def test_each_request_form_answers(endpoint, send):
    status, body, headers = send(endpoint, TITLES)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    found = titles(body, "json")
    assert len(found) == SEED_PLANS and {ZIBO_TITLE, CHANGCHUN_TITLE} <= set(found)


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_formats_by_accept_and_by_parameter(endpoint, media, fmt):
    for status, body, headers in (
        get(endpoint, TITLES, accept=media),
        post_form(endpoint, TITLES, format=fmt),
    ):
        assert status == 200 and headers["Content-Type"].split(";")[0] == media
        found = titles(body, fmt)
        assert len(found) == SEED_PLANS and {ZIBO_TITLE, CHANGCHUN_TITLE} <= set(found)


def test_accept_q_values_choose(endpoint):
    accept = "application/sparql-results+json;q=0.4, application/sparql-results+xml;q=0.9, text/csv;q=0"
    status, body, headers = get(endpoint, TITLES, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    assert len(titles(body, "xml")) == SEED_PLANS


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask(endpoint, fmt):
    yes = get(endpoint, f"ASK {{ ?p eli:title {json.dumps(ZIBO_TITLE)}@zh }}", format=fmt)
    no = get(endpoint, 'ASK { ?p eli:title "不存在的规划"@zh }', format=fmt)
    assert Result.parse(io.BytesIO(yes[1]), format=fmt).askAnswer is True
    assert Result.parse(io.BytesIO(no[1]), format=fmt).askAnswer is False


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_formats(endpoint, media, rdflib_format):
    status, body, headers = post_direct(endpoint, HELD, accept=media)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    g = Graph().parse(data=body, format=rdflib_format)
    assert len(set(g.subjects(RDF.type, HC.Plan))) == SEED_PLANS


def test_describe_as_turtle(endpoint, built_store):
    with open_store(built_store, read_only=True) as s:
        plan = s.query(f"SELECT ?p WHERE {{ ?p eli:title {json.dumps(CHANGCHUN_TITLE)}@zh }}").rows[0][0]
    status, body, _ = get(endpoint, f"DESCRIBE <{plan}>", accept="text/turtle")
    g = Graph().parse(data=body, format="turtle")
    assert status == 200 and str(g.value(URIRef(plan), URIRef(PREFIXES["eli"] + "title"))) == CHANGCHUN_TITLE


def test_default_graph_uri_and_from_see_one_graph(endpoint, store_counts):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    n = lambda answer: int(next(iter(Result.parse(io.BytesIO(answer[1]), format="json")))[0])  # noqa: E731
    assert n(get(endpoint, count)) == store_counts["total"]  # no dataset: the union
    assert n(get(endpoint, count, **{"default-graph-uri": LINKS})) == store_counts["links"]
    assert n(post_direct(endpoint, count, **{"default-graph-uri": LINKS})) == store_counts["links"]
    with_from = f"SELECT (COUNT(*) AS ?n) FROM <{LINKS}> WHERE {{ ?s ?p ?o }}"
    assert n(get(endpoint, with_from)) == store_counts["links"] < store_counts["total"]


def test_named_graph_uri(endpoint, store_counts):
    other = sorted(store_counts["graphs"] - {LINKS})[0]
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, body, _ = post_form(endpoint, q, **{"named-graph-uri": [LINKS, other]})
    assert status == 200
    assert {str(r[0]) for r in Result.parse(io.BytesIO(body), format="json")} == {LINKS, other}


def test_dataset_outside_the_store_is_refused(endpoint):
    status, body, _ = get(
        endpoint, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "http://example.org/g"}
    )
    assert status == 403 and b"http://example.org/g" in body


def test_embedded_store_honours_from(built_store, store_counts):
    """The embedded Oxigraph store used to query the union even under FROM."""
    with open_store(built_store, read_only=True) as s:
        n = s.query(f"SELECT (COUNT(*) AS ?n) FROM <{LINKS}> WHERE {{ ?s ?p ?o }}").rows[0][0]
        union = s.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert n == store_counts["links"] and union == store_counts["total"]


def test_cors_preflight(endpoint):
    status, _, headers = http(
        endpoint,
        method="OPTIONS",
        headers={
            "Origin": "http://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")}
    allowed = {h.strip().lower() for h in headers["Access-Control-Allow-Headers"].split(",")}
    assert {"GET", "POST", "OPTIONS"} <= methods and {"content-type", "accept"} <= allowed
    assert get(endpoint, TITLES)[2]["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_service_description(endpoint, store_counts, media, rdflib_format):
    status, body, headers = http(endpoint, headers={"Accept": media})
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    g = Graph().parse(data=body, format=rdflib_format)
    service = URIRef(endpoint)
    assert (service, RDF.type, SD.Service) in g and g.value(service, SD.endpoint) == service
    assert set(g.objects(service, SD.resultFormat)) == {
        FORMATS.SPARQL_Results_JSON,
        FORMATS.SPARQL_Results_XML,
        FORMATS.SPARQL_Results_CSV,
        FORMATS.SPARQL_Results_TSV,
        FORMATS.Turtle,
        FORMATS["N-Triples"],
        FORMATS.RDF_XML,
        FORMATS["JSON-LD"],
    }
    dataset = g.value(service, SD.defaultDataset)
    assert g.value(dataset, VOID.triples).toPython() == store_counts["total"]
    named = {g.value(node, SD.name): node for node in g.objects(dataset, SD.namedGraph)}
    assert {str(n) for n in named} == store_counts["graphs"]
    links = g.value(named[URIRef(LINKS)], SD.graph)
    assert g.value(links, VOID.triples).toPython() == store_counts["links"]


def test_root_gives_browsers_the_editor_and_clients_the_description(endpoint):
    root = endpoint.rsplit("/", 1)[0] + "/"
    status, body, headers = http(root, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"yasgui" in body
    status, body, headers = http(root, headers={"Accept": "text/turtle"})
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(endpoint), RDF.type, SD.Service) in g


def test_errors_are_clear(endpoint):
    status, body, _ = post_form(endpoint, "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert status == 400 and b"line 2, column 3" in body  # the triple missing its object
    data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    status, _, _ = http(endpoint, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, _ = http(endpoint, data=b"x", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, body, _ = get(endpoint, TITLES, format="turtle")
    assert status == 406 and b"json" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }"),
        ("ASK { ?s ?p ?o }", "ASK FROM <urn:a> FROM NAMED <urn:b> { ?s ?p ?o }"),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "CONSTRUCT { ?s ?p ?o } FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }"),
        (  # the query's own dataset gives way to the protocol's
            "SELECT * FROM <urn:x> FROM NAMED hc:y WHERE { ?s ?p ?o }",
            "SELECT * FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }",
        ),
        (  # a variable, a string and a comment that say FROM are not clauses
            "SELECT ?from WHERE { ?from ?p 'FROM <urn:x>' } # FROM <urn:y>",
            "SELECT ?from FROM <urn:a> FROM NAMED <urn:b> WHERE { ?from ?p 'FROM <urn:x>' } # FROM <urn:y>",
        ),
    ],
)
def test_with_dataset_places_the_clauses(query, expected):
    from kg.store import has_dataset_clause, with_dataset

    out = with_dataset(query, ["urn:a"], ["urn:b"])
    assert " ".join(out.split()) == expected
    assert has_dataset_clause(out) and not has_dataset_clause("SELECT ?from WHERE { ?from ?p 'FROM' }")
