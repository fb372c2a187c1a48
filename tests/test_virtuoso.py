"""A real third-party store: Virtuoso Open Source (Debian's virtuoso-opensource, installed by
.ci/run), started by the tests on free ports of 127.0.0.1 in a folder of its own, loaded with
`kg build --store URL`, and asked every named query; the answers must be those of the embedded store."""

from __future__ import annotations

import pytest

from bench.virtuoso_server import ISQL, VIRTUOSO, start_virtuoso, stop_virtuoso
from kg.cli import main
from kg.errors import QueryError
from kg.graph import PolicyGraph
from kg.queries import list_queries, load_query
from kg.rdf import BASE
from kg.store import open_store
from kg.store.ordering import order_keys, reorder
from kg.store.virtuoso import VirtuosoStore
from tests.test_remote import BINDINGS

pytestmark = pytest.mark.skipif(
    VIRTUOSO is None or ISQL is None,
    reason="Virtuoso Open Source (`virtuoso-t`, `isql-vt`; Debian package virtuoso-opensource) is not installed",
)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    proc, url, _ = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        assert main(["build", "--store", url]) == 0
        yield url
    finally:
        stop_virtuoso(proc)
    assert proc.poll() is not None  # stopped by its process id


def _rows(store, name):
    res = store.query(load_query(name), bindings=BINDINGS.get(name))
    return res.vars, [tuple(map(repr, row)) for row in res.rows]


def _order_columns(name: str, names: list[str]) -> list[int]:
    """The columns of the query's ORDER BY keys, up to the first key it does not project: the order
    the query asks for, as far as its rows show it (rows that tie on them may come in any order)."""
    keys = order_keys(load_query(name)) or []
    cols = []
    for var, _ in keys:
        if var not in names:
            break
        cols.append(names.index(var))
    return cols


def test_the_endpoint_is_recognised_as_virtuoso(virtuoso):
    store = open_store(virtuoso)
    assert isinstance(store, VirtuosoStore)
    # the engine's own graphs (virtrdf#, ldp#, its service description) are not the project's
    graphs = store.graphs()
    assert all(str(g).startswith(str(BASE["graph/"])) for g in graphs)
    assert len(graphs) == 5 + 1 + 1 + 2  # docs, links, ontology, 2 reference


def test_every_named_query_answers_as_on_the_embedded_store(virtuoso, built_store):
    remote, local = open_store(virtuoso), open_store(str(built_store), read_only=True)
    try:
        names, ordered = sorted(list_queries()), 0
        assert len(names) >= 12
        for name in names:
            rvars, rrows = _rows(remote, name)
            lvars, lrows = _rows(local, name)
            assert rvars == lvars, name
            assert sorted(rrows) == sorted(lrows), name
            cols = _order_columns(name, lvars)
            assert [[r[i] for i in cols] for r in rrows] == [[r[i] for i in cols] for r in lrows], name
            ordered += bool(cols)
        assert ordered >= 15  # queries whose order is checked
        assert remote.triple_count() == local.triple_count()
        assert sorted(remote.quads_about([str(BASE["doc/嘉政发-2023-27"])]).splitlines()) == sorted(
            local.quads_about([str(BASE["doc/嘉政发-2023-27"])]).splitlines()
        )
    finally:
        local.close()


def test_trace_and_top_departments_answer_as_on_the_embedded_store(virtuoso, built_store, capsys):
    # 控烟行动 from 聊城市: its plan (data/plans/002_*.txt, 聊政字〔2020〕30号, which has the action and
    # carries out 健康山东行动), 山东省's 鲁政发〔2019〕15号 (cited, not among the seeds), then 国发〔2019〕13号
    with PolicyGraph.open(store=virtuoso) as remote, PolicyGraph.open(store=str(built_store)) as local:
        hops = remote.trace(place="聊城市", action="控烟行动")
        assert [(h.region, h.doc_number, h.held) for h in hops] == [
            ("聊城市", "聊政字〔2020〕30号", True),
            ("山东省", "鲁政发〔2019〕15号", False),
            ("中国", "国发〔2019〕13号", False),
        ]
        assert hops == local.trace(place="聊城市", action="控烟行动")
        assert remote.top_departments(limit=10) == local.top_departments(limit=10)
        assert [d.actions for d in remote.top_departments(limit=1)] == [69]
    for args in (["trace", "聊城市", "控烟行动"], ["top-departments"]):
        assert main([*args, "--store", virtuoso]) == 0
        remote_out = capsys.readouterr().out
        assert main([*args, "--store", str(built_store)]) == 0
        assert remote_out == capsys.readouterr().out, args


def test_graph_queries_are_graphs(virtuoso, built_store):
    q = "CONSTRUCT { ?plan eli:title ?t } WHERE { ?plan a eli:LegalResource ; eli:title ?t }"
    remote, local = open_store(virtuoso).query(q), open_store(str(built_store), read_only=True).query(q)
    assert remote.kind == "graph"
    assert len(remote.triples) == 18  # the 5 seed plans and the 13 documents they cite, one title each
    assert sorted(remote.triples) == sorted(local.triples)


def test_an_answer_cut_by_the_servers_row_cap_is_refused(tmp_path):
    proc, url, _ = start_virtuoso(tmp_path / "capped", max_rows=100)
    try:
        assert main(["build", "--store", url]) == 0
        store = open_store(url)
        assert [r[4] for r in store.query(load_query("actions_per_plan")).rows] == [19, 18, 15, 19, 16]
        with pytest.raises(QueryError, match=r"cut the answer at 100 rows \(ResultSetMaxRows"):
            store.quad_count()
    finally:
        stop_virtuoso(proc)


def test_sparql_order_is_applied_again():
    from rdflib import Literal

    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?n) ?name") == [("n", True), ("name", False)]
    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY ?n LIMIT 3") is None
    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY STR(?n)") is None
    # code point order: 立 (U+7ACB) before 置 (U+7F6E); unbound first; numbers by value
    rows = [
        (Literal("设置"), Literal(1)),
        (Literal("设立"), Literal(1)),
        (None, Literal(10)),
        (None, Literal(9)),
    ]
    assert reorder(rows, ["name", "n"], [("n", True), ("name", False)]) == [
        (None, Literal(10)),
        (None, Literal(9)),
        (Literal("设立"), Literal(1)),
        (Literal("设置"), Literal(1)),
    ]
