"""The store interface on both backends (Oxigraph on disk, rdflib in memory), on a small hand-built graph."""

from __future__ import annotations

import datetime
import json

import pytest
from conftest import GRAPH_A, GRAPH_B, HC, ID, as_nquads, sample_nquads
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg.errors import KGError, QueryError
from kg.store import (
    DEFAULT_STORE,
    HttpStore,
    MemoryStore,
    OxigraphStore,
    add_prefixes,
    bind_values,
    default_spec,
    open_store,
    shorten,
)

ACTIONS_PER_PLAN = """
SELECT ?plan ?title (COUNT(?action) AS ?n)
WHERE {
  ?plan a hc:Plan ; eli:title ?title .
  OPTIONAL { ?plan eli:has_part ?action . ?action a hc:Action }
}
GROUP BY ?plan ?title
ORDER BY ?plan
"""

EXPECTED_ROWS = [
    ("https://w3id.org/healthy-china/id/plan/A", "健康晋城行动", 2),
    ("https://w3id.org/healthy-china/id/plan/B", "Plan B", 1),
]


def test_select_rows_are_exact_on_each_backend(store):
    res = store.query(ACTIONS_PER_PLAN)
    assert res.kind == "select"
    assert res.vars == ["plan", "title", "n"]
    assert res.rows == EXPECTED_ROWS


def test_both_backends_give_identical_terms(tmp_path):
    ox = open_store(tmp_path / "s")
    mem = open_store("memory")
    for s in (ox, mem):
        s.replace_all(sample_nquads())
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    a, b = ox.query(q), mem.query(q)
    assert a.terms == b.terms
    assert len(a.terms) == 18
    ox.close()


def test_default_graph_is_the_union_of_named_graphs(store):
    # plan A's second action is typed hc:Action only in graph B: the count of 2 needs the union.
    assert store.query(ACTIONS_PER_PLAN).rows[0][2] == 2
    rows = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ).rows
    assert rows == [(str(GRAPH_A), 11), (str(GRAPH_B), 7)]
    assert store.graphs() == [GRAPH_A, GRAPH_B]
    assert store.triple_count() == 18
    assert store.quad_count() == 18


def test_the_built_graphs_share_no_triple(built_store):
    # Oxigraph's union default graph is a multiset; kg.rdf describes shared nodes (regions,
    # organisations, cited documents) only in the links graph, so every triple lives in one named
    # graph and both engines see it once.
    from kg.store import open_store

    s = open_store(str(built_store), read_only=True)
    try:
        quads = s.quad_count()
        assert quads == s.triple_count()
        assert s.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == [(quads,)]
    finally:
        s.close()


def test_replace_all_replaces_everything(store):
    g = Graph()
    g.add((ID["plan/C"], RDF.type, HC.Plan))
    store.replace_all(as_nquads({ID["graph/c"]: g}))
    assert store.graphs() == [ID["graph/c"]]
    assert store.query("SELECT ?p WHERE { ?p a hc:Plan }").rows == [
        ("https://w3id.org/healthy-china/id/plan/C",)
    ]
    assert store.triple_count() == 1


def test_folder_store_persists_and_reopens_read_only(tmp_path):
    path = tmp_path / "store"
    s = open_store(path)
    s.replace_all(sample_nquads())
    s.close()
    r = open_store(path, read_only=True)
    assert isinstance(r, OxigraphStore)
    assert r.query(ACTIONS_PER_PLAN).rows == EXPECTED_ROWS
    r.close()


def test_to_json_is_sparql_results_json(store):
    # a count through a sub-select gives an xsd:integer binding; ?missing stays unbound
    res = store.query(
        """SELECT ?title ?date ?n ?missing WHERE {
             ?p eli:title ?title ; eli:date_document ?date .
             { SELECT (COUNT(*) AS ?n) WHERE { ?a a hc:Action } }
           }"""
    )
    assert json.loads(res.to_json()) == {
        "head": {"vars": ["title", "date", "n", "missing"]},
        "results": {
            "bindings": [
                {
                    "title": {"type": "literal", "value": "健康晋城行动", "xml:lang": "zh"},
                    "date": {
                        "type": "literal",
                        "value": "2020-06-01",
                        "datatype": "http://www.w3.org/2001/XMLSchema#date",
                    },
                    "n": {
                        "type": "literal",
                        "value": "3",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    },
                }
            ]
        },
    }
    assert res.rows == [("健康晋城行动", datetime.date(2020, 6, 1), 3, None)]


def test_to_json_uri_and_plain_literal(store):
    res = store.query("SELECT ?p ?t WHERE { ?p eli:title ?t FILTER(lang(?t) = '') }")
    assert json.loads(res.to_json())["results"]["bindings"] == [
        {
            "p": {"type": "uri", "value": "https://w3id.org/healthy-china/id/plan/B"},
            "t": {"type": "literal", "value": "Plan B"},
        }
    ]


def test_ask_and_construct(store):
    ask = store.query("ASK { ?p a hc:Plan ; eli:title 'Plan B' }")
    assert ask.kind == "ask" and ask.boolean is True
    assert json.loads(ask.to_json()) == {"head": {}, "boolean": True}
    assert store.query("ASK { ?p a hc:Nothing }").to_table() == "false"
    cons = store.query("CONSTRUCT { ?p a hc:Thing } WHERE { ?p a hc:Plan }")
    assert cons.kind == "graph"
    assert sorted(cons.triples) == sorted((ID[f"plan/{x}"], RDF.type, HC.Thing) for x in "AB")


def test_to_csv_and_table(store):
    res = store.query(ACTIONS_PER_PLAN)
    assert res.to_csv() == (
        "plan,title,n\r\n"
        "https://w3id.org/healthy-china/id/plan/A,健康晋城行动,2\r\n"
        "https://w3id.org/healthy-china/id/plan/B,Plan B,1\r\n"
    )
    assert res.to_table().splitlines() == [
        "plan         title         n",
        "-----------  ------------  -",
        "hcid:plan/A  健康晋城行动  2",
        "hcid:plan/B  Plan B        1",
        "(2 rows)",
    ]


def test_to_dataframe_shortens_iris(store):
    df = store.query(
        "SELECT ?p ?type ?n WHERE { ?p a ?type ; eli:has_part ?a . ?a hc:ordinal ?n } ORDER BY ?p ?n"
    ).to_dataframe()
    assert list(df.columns) == ["p", "type", "n"]
    assert df["type"].tolist() == ["hc:Plan", "hc:Plan", "hc:Plan"]
    assert df["p"].tolist() == ["hcid:plan/A", "hcid:plan/A", "hcid:plan/B"]
    assert df["n"].tolist() == [1, 2, 1]
    assert str(df["n"].dtype) == "Int64"


def test_bindings_pre_bind_variables(store):
    q = "SELECT ?plan ?n WHERE { ?plan eli:has_part ?a . ?a hc:ordinal ?n } ORDER BY ?n"
    rows = store.query(q, bindings={"plan": ID["plan/A"]}).rows
    assert rows == [
        ("https://w3id.org/healthy-china/id/plan/A", 1),
        ("https://w3id.org/healthy-china/id/plan/A", 2),
    ]
    assert store.query(q, bindings={"?plan": ID["plan/B"]}).rows == [
        ("https://w3id.org/healthy-china/id/plan/B", 1)
    ]
    assert len(store.query(q, bindings={"plan": None}).rows) == 3  # None = unbound
    # a variable that is not projected, a language-tagged literal, and braces inside a comment and a string
    q = "# WHERE { not this }\nSELECT ?n\nWHERE {\n  ?p eli:title ?t ; eli:has_part ?a . ?a hc:ordinal ?n\n  FILTER(?t != '{')\n} ORDER BY ?n"
    assert store.query(q, bindings={"t": Literal("健康晋城行动", lang="zh")}).rows == [(1,), (2,)]
    assert store.query(q, bindings={"t": Literal("Plan B")}).rows == [(1,)]
    assert store.query(q, bindings={"t": Literal("健康晋城行动")}).rows == []  # no language tag: no match
    with pytest.raises(QueryError, match="not a variable name"):
        store.query(q, bindings={"t x": Literal(1)})


def test_bind_values_keeps_line_numbers():
    q = "SELECT ?n\nWHERE {\n  ?p hc:ordinal ?n }"
    assert bind_values(q, {"p": ID["plan/A"]}) == (
        "SELECT ?n\nWHERE { VALUES (?p) { (<https://w3id.org/healthy-china/id/plan/A>) } \n  ?p hc:ordinal ?n }"
    )
    assert bind_values("ASK { ?s ?p ?o }", {"s": Literal(3)}).startswith(
        'ASK { VALUES (?s) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) } '
    )


def test_bind_values_goes_where_the_query_marks(store):
    """An aggregate computed in a subquery takes the bindings inside it, where its variables are."""
    q = (
        "SELECT ?n ?t WHERE {\n"
        "  { SELECT ?p (COUNT(?a) AS ?n) WHERE {  # bindings here\n"
        "      ?p eli:has_part ?a . ?a hc:ordinal ?o } GROUP BY ?p }\n"
        "  ?p eli:title ?t }"
    )
    bound = bind_values(q, {"o": Literal(2)})
    assert bound.splitlines()[1].startswith(
        '  { SELECT ?p (COUNT(?a) AS ?n) WHERE { VALUES (?o) { ("2"^^<http://www.w3.org/2001/XMLSchema#integer>) } '
    )
    assert len(bound.splitlines()) == 4  # line numbers hold
    assert sorted((r[0], str(r[1])) for r in store.query(q).rows) == [(1, "Plan B"), (2, "健康晋城行动")]
    # bound inside the subquery: plan A counts its one action with ordinal 2, plan B has none
    assert [(r[0], str(r[1])) for r in store.query(q, bindings={"o": Literal(2)}).rows] == [
        (1, "健康晋城行动")
    ]
    # a variable the marked group does not mention is bound in the outer WHERE, where it filters
    both = store.query(q, bindings={"o": Literal(2), "t": Literal("Plan B")}).rows
    assert both == []  # plan B has no action with ordinal 2
    only_t = store.query(q, bindings={"t": Literal("Plan B")}).rows
    assert [(r[0], str(r[1])) for r in only_t] == [(1, "Plan B")]
    # a marker on the outer WHERE's own brace: the bindings stay there
    assert bind_values("SELECT * WHERE {  # bindings here\n ?s ?p ?o }", {"s": Literal(1)}).startswith(
        'SELECT * WHERE { VALUES (?s) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) } '
    )
    # a marker that does not follow an opening brace (here inside a string) is text like any other
    other = "SELECT ?t WHERE { ?p eli:title ?t FILTER(?t != '{ # bindings here') { ?p ?x ?t } }"
    assert bind_values(other, {"p": ID["plan/A"]}).startswith("SELECT ?t WHERE { VALUES (?p)")


def test_malformed_query_reports_the_users_line(store):
    bad = "SELECT ?p\nWHERE {\n  ?p a hc:Plan . FILTER(?x = ) }"
    with pytest.raises(QueryError) as e:
        store.query(bad)
    msg = str(e.value)
    assert "line 3" in msg, msg
    assert "\n" not in msg


def test_unknown_prefix_is_reported_with_its_line(store):
    with pytest.raises(QueryError) as e:
        store.query("SELECT ?p\nWHERE { ?p a nope:Plan }")
    assert "line 2" in str(e.value)
    assert "nope" in str(e.value)


def test_query_may_declare_its_own_prefixes(store):
    q = "PREFIX hc: <https://example.org/other#>\nSELECT ?p WHERE { ?p a hc:Plan }"
    assert store.query(q).rows == []
    text, added = add_prefixes(q)
    assert "PREFIX hc: <https://w3id.org" not in text
    assert text.endswith(q) and added == text.count("\n") - q.count("\n")


def test_timeout_raises_query_error(store):
    with pytest.raises(QueryError, match="timed out"):
        store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=1e-9)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "nquads"])
def test_export_is_deterministic(tmp_path, fmt):
    graphs = sample_nquads()
    reversed_graphs = {k: graphs[k] for k in reversed(list(graphs))}
    outputs = set()
    for i, gs in enumerate([graphs, reversed_graphs]):
        for spec in (tmp_path / f"s{i}", "memory"):
            s = open_store(spec)
            s.replace_all(gs)
            outputs.add(s.export(fmt))
            outputs.add(s.export(fmt))
            s.close()
    assert len(outputs) == 1
    data = outputs.pop()
    if fmt == "nt":
        lines = data.decode("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == 18
    if fmt == "nquads":
        assert len(data.decode("utf-8").splitlines()) == 18
    if fmt == "jsonld":
        assert json.loads(data)["@context"]["hc"] == str(HC)
    if fmt == "turtle":
        g = Graph().parse(data=data, format="turtle")
        assert len(g) == 18
        assert (ID["plan/A"], HC.held, Literal(True)) in g


def test_export_rejects_unknown_format(store):
    with pytest.raises(KGError, match="unknown export format"):
        store.export("rdfxml")


def test_spec_strings(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    assert default_spec() == DEFAULT_STORE == "data/store"
    monkeypatch.setenv("KG_STORE", "memory")
    assert default_spec() == "memory"
    assert isinstance(open_store(), MemoryStore)
    remote = open_store("https://example.org/ds/sparql")
    assert isinstance(remote, HttpStore)
    assert (remote.query_url, remote.update_url, remote.store_url) == (
        "https://example.org/ds/sparql",
        "https://example.org/ds/update",
        "https://example.org/ds/store",
    )
    assert open_store("http://127.0.0.1:7878").query_url == "http://127.0.0.1:7878/query"
    assert issubclass(HttpStore, type(open_store("memory")).__mro__[1])
    with pytest.raises(KGError, match="no store here"):
        open_store(tmp_path / "missing", read_only=True)


def test_refuses_to_write_into_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(KGError, match="not a store"):
        open_store(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_shorten_uses_the_longest_namespace():
    assert shorten(str(HC.Plan)) == "hc:Plan"
    assert shorten("https://w3id.org/healthy-china/id/plan/A") == "hcid:plan/A"
    assert shorten("https://example.org/x") == "https://example.org/x"


def test_quads_go_in_and_out_as_nquads(store):
    plan_b = str(ID["plan/B"])
    about = store.quads_about([plan_b])
    assert sorted(line.split(b" ", 2)[1] for line in about.splitlines()) == sorted(
        f"<{p}>".encode()
        for p in (
            RDF.type,
            "http://data.europa.eu/eli/ontology#title",
            HC.held,
            "http://data.europa.eu/eli/ontology#has_part",
        )
    )
    assert all(line.endswith(f" <{GRAPH_B}> .".encode()) for line in about.splitlines())
    assert store.quads_about([plan_b], exclude=[str(GRAPH_B)]) == b""
    store.remove_quads(about)
    assert (store.quads_about([plan_b]), store.triple_count()) == (b"", 14)
    store.add_quads(about)
    assert store.triple_count() == 18
    store.remove_graphs([GRAPH_B])
    assert (store.graphs(), store.triple_count()) == ([GRAPH_A], 11)
    assert len(store.dump().splitlines()) == 11


def test_a_limit_keeps_the_first_rows_and_says_there_were_more(store):
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    cut = store.query(q, limit=5)
    assert (len(cut.terms), cut.truncated) == (5, True)
    assert cut.terms == store.query(q).terms[:5]
    assert store.query(q, limit=18).truncated is False
    raw = store.query_raw(q, limit=5)
    assert raw.truncated is True and raw.to_result().terms == cut.terms


def test_a_folder_store_snapshots_into_a_store_of_its_own(tmp_path):
    s = open_store(tmp_path / "s")
    s.replace_all(sample_nquads())
    s.backup(tmp_path / "snapshot")
    s.remove_graphs([GRAPH_A])
    s.close()
    with open_store(tmp_path / "snapshot", read_only=True) as snap:
        assert (snap.graphs(), snap.triple_count()) == ([GRAPH_A, GRAPH_B], 18)
    with pytest.raises(KGError, match="a snapshot is not supported by a MemoryStore"):
        open_store("memory").backup(tmp_path / "nowhere")
