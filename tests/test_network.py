"""kg.network on the seed corpus: networkx projections of the graph and their offline HTML.

Numbers on the seed corpus (5 held plans, 87 actions): 69 actions of held plans name a department
that has a canonical type, and there are 51 such types; 620 (type, action) edges, 74 lead and 546
participant; the health commission is responsible for all 69 actions and shares 49 of them with
development and reform; 聊城's plan has 15 actions; the hierarchy has 12 plans and 11 derivations.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from rdflib import URIRef

from kg import network
from kg.errors import KGError
from kg.graph import PolicyGraph
from kg.rdf import HC

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/healthy-china/id/"
HEALTH = ID + "department-type/health"
DEVELOPMENT = ID + "department-type/development-reform"
LIAOCHENG = ID + "doc/聊政字-2020-30"
JIAFENG = ID + "doc/嘉政发-2023-27"
GUOFA = ID + "doc/国发-2019-13"


@pytest.fixture(scope="session")
def pg(tmp_path_factory):
    from kg.build import build

    path = tmp_path_factory.mktemp("s") / "store"
    build([ROOT / "data" / "plans"], str(path))
    graph = PolicyGraph.open(store=path)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def bipartite(pg):
    return network.department_action_graph(pg)


def _count(pg, sparql: str) -> dict:
    res = pg.query(sparql)
    return {k: int(v) for k, v in zip(res.vars, res.rows[0], strict=True)}


def _kinds(g) -> Counter:
    return Counter(d["kind"] for _, d in g.nodes(data=True))


def _tags(page: str, tag: str) -> tuple[int, int]:
    """(start tags, end tags) of ``tag`` as an HTML parser sees them."""
    seen = Counter()

    class Parser(HTMLParser):
        def handle_starttag(self, name, attrs):
            seen["start", name] += 1

        def handle_endtag(self, name):
            seen["end", name] += 1

    parser = Parser()
    parser.feed(page)
    parser.close()
    return seen["start", tag], seen["end", tag]


def _vis_data(page: str, name: str) -> list[dict]:
    """The nodes or edges handed to vis.DataSet in a page made by to_pyvis_html."""
    m = re.search(name + r" = new vis\.DataSet\(hcPrepare\((.*?)\)\);\n", page)
    assert m, name
    return json.loads(m.group(1))


# ---------------------------------------------------------------------------- bipartite graph


def test_bipartite_nodes_match_an_independent_count(pg, bipartite):
    counted = _count(
        pg,
        """SELECT (COUNT(DISTINCT ?type) AS ?types) (COUNT(DISTINCT ?action) AS ?actions)
                  (COUNT(DISTINCT CONCAT(STR(?type), " ", STR(?action))) AS ?pairs)
           WHERE { ?plan hc:held true ; eli:has_part ?action .
                   ?action hc:responsibility/hc:department/hc:departmentType ?type }""",
    )
    assert counted == {"types": 51, "actions": 69, "pairs": 620}
    assert _kinds(bipartite) == {"department": 51, "action": 69}
    assert bipartite.number_of_edges() == 620
    assert nx.is_bipartite(bipartite)
    assert {d["bipartite"] for _, d in bipartite.nodes(data=True)} == {0, 1}


def test_bipartite_node_and_edge_attributes(pg, bipartite):
    health = bipartite.nodes[HEALTH]
    assert health["kind"] == "department"
    assert health["label"] == "卫生健康委员会"
    assert health["label_en"] == "Health Commission"
    assert bipartite.degree(HEALTH) == 69
    top = {d.type: d.actions for d in pg.top_departments()}
    assert top["hcid:department-type/health"] == 69

    action = bipartite.nodes[LIAOCHENG + "/action/1"]
    assert action["kind"] == "action"
    assert action["plan"] == "聊城市人民政府关于贯彻健康山东行动推进健康聊城建设的实施意见"
    assert action["plan_iri"] == LIAOCHENG
    assert action["region"] == "聊城市"
    assert action["level"] == "city"
    assert action["ordinal"] == 1
    assert action["label"]

    roles = Counter(d["role"] for _, _, d in bipartite.edges(data=True))
    assert roles == {"participant": 546, "lead": 74}


def test_lead_edges_agree_with_the_store(pg, bipartite):
    counted = _count(
        pg,
        """SELECT (COUNT(DISTINCT CONCAT(STR(?type), " ", STR(?action))) AS ?lead)
           WHERE { ?plan hc:held true ; eli:has_part ?action .
                   ?action hc:responsibility ?r . ?r hc:role hc:Lead ; hc:department/hc:departmentType ?type }""",
    )
    assert counted == {"lead": 74}


def test_filter_by_plan_and_level(pg, bipartite):
    by_name = network.department_action_graph(pg, plan="聊城")
    assert _kinds(by_name)["action"] == 15
    assert {d["region"] for _, d in by_name.nodes(data=True) if d["kind"] == "action"} == {"聊城市"}
    by_iri = network.department_action_graph(pg, plan=LIAOCHENG)
    assert sorted(by_iri.nodes) == sorted(by_name.nodes)
    assert sorted(network.department_action_graph(pg, plan=URIRef(LIAOCHENG)).nodes) == sorted(by_name.nodes)

    # every action that names a typed department is in a city plan of the seed corpus
    city = network.department_action_graph(pg, level="city")
    assert _kinds(city) == {"department": 51, "action": 69}
    assert city.number_of_edges() == 620
    assert network.department_action_graph(pg, level=HC.City).number_of_nodes() == 120
    assert network.department_action_graph(pg, level="township").number_of_nodes() == 0
    assert network.department_action_graph(pg, plan=LIAOCHENG, level="county").number_of_nodes() == 0


def test_filters_reject_bad_values_without_touching_the_query(pg):
    with pytest.raises(KGError, match="unknown level"):
        network.department_action_graph(pg, level="galaxy")
    with pytest.raises(KGError, match="no plan matches"):
        network.department_action_graph(pg, plan="https://x/> } UNION { ?s ?p ?o")
    with pytest.raises(KGError, match="no plan matches"):
        network.department_action_graph(pg, plan="https://x/a>b")
    # a well-formed IRI of no plan is an empty graph, not an error
    assert network.department_action_graph(pg, plan=ID + "doc/none").number_of_nodes() == 0


# ---------------------------------------------------------------------------- co-occurrence


def test_cooccurrence_weights(pg, bipartite):
    co = network.cooccurrence_graph(pg)
    assert co.number_of_nodes() == 51
    assert {d["kind"] for _, d in co.nodes(data=True)} == {"department"}
    assert co[HEALTH][DEVELOPMENT]["weight"] == 49
    shared = set(bipartite[HEALTH]) & set(bipartite[DEVELOPMENT])
    assert len(shared) == 49
    counted = _count(
        pg,
        f"""SELECT (COUNT(DISTINCT ?action) AS ?shared)
            WHERE {{ ?plan hc:held true ; eli:has_part ?action .
                    ?action hc:responsibility/hc:department/hc:departmentType <{HEALTH}> , <{DEVELOPMENT}> }}""",
    )
    assert counted == {"shared": 49}
    # health is in every action, so its weight to any type is that type's number of actions
    assert all(co[HEALTH][t]["weight"] == bipartite.degree(t) for t in co[HEALTH])
    assert co.nodes[HEALTH]["label"] == "卫生健康委员会"


def test_cooccurrence_filtered_by_plan(pg):
    co = network.cooccurrence_graph(pg, plan="聊城")
    b = network.department_action_graph(pg, plan="聊城")
    assert co.number_of_nodes() == _kinds(b)["department"]
    assert co[HEALTH][DEVELOPMENT]["weight"] == len(set(b[HEALTH]) & set(b[DEVELOPMENT]))


# ---------------------------------------------------------------------------- hierarchy


def test_hierarchy_graph(pg):
    h = network.hierarchy_graph(pg)
    assert h.number_of_nodes() == 12
    assert h.number_of_edges() == 11
    path = nx.shortest_path(h, JIAFENG, GUOFA)
    assert len(path) - 1 == 4
    assert [h.nodes[p]["level"] for p in path] == ["township", "county", "city", "province", "national"]
    jiafeng = h.nodes[JIAFENG]
    assert jiafeng["label"] == "嘉峰镇\n嘉政发〔2023〕27号"
    assert jiafeng["title"] == "嘉峰镇人民政府关于推进健康嘉峰建设的实施方案"
    assert jiafeng["held"] is True
    assert jiafeng["region"] == "嘉峰镇"
    assert jiafeng["doc_number"] == "嘉政发〔2023〕27号"
    assert h.nodes[GUOFA]["held"] is False
    assert sum(d["held"] for _, d in h.nodes(data=True)) == 5
    assert h.edges[JIAFENG, path[1]]["method"] == "cited"
    assert nx.is_directed_acyclic_graph(h)


def test_collapse_hierarchy_keeps_the_top_ranks_within_the_limit(pg):
    h = network.hierarchy_graph(pg)
    same, cut = network.collapse_hierarchy(h, max_nodes=12)
    assert same is h and cut is None
    top, cut = network.collapse_hierarchy(h, max_nodes=5)
    assert cut == 1  # national (2 plans: 国发 and the action plan it issues) and the 3 provinces
    assert top.number_of_nodes() == 5 and top.number_of_edges() == 4
    below = {d["region"]: d.get("below") for _, d in top.nodes(data=True) if d["rank"] == 1}
    assert below == {"山西省": 4, "山东省": 2, "吉林省": 1}  # 晋城 沁水 嘉峰 + 健康晋城; 聊城 淄博; 长春
    assert "below" not in h.nodes[GUOFA]  # the whole graph is left as it was
    # the first rank is kept even when it alone exceeds the limit
    top, cut = network.collapse_hierarchy(h, max_nodes=1)
    # 国发's plans below it: all but the national action plan, which is drawn beside it
    assert (cut, top.number_of_nodes(), top.nodes[GUOFA]["below"]) == (0, 2, 10)


def test_hierarchy_subtree(pg):
    h = network.hierarchy_graph(pg)
    jincheng = ID + "doc/晋市政发-2020-17"
    sub = network.hierarchy_subtree(h, jincheng)
    assert sorted(d["region"] for _, d in sub.nodes(data=True)) == sorted(
        ["中国", "山西省", "晋城市", "沁水县", "嘉峰镇"]
    )
    assert sub.number_of_edges() == 4
    with pytest.raises(KGError, match="no plan"):
        network.hierarchy_subtree(h, ID + "doc/nowhere")


# ---------------------------------------------------------------------------- sizes


def test_size_nodes(bipartite):
    g = bipartite.copy()
    raw = network.size_nodes(g, by="degree")
    assert max(raw, key=raw.get) == HEALTH
    assert raw[HEALTH] == pytest.approx(69 / 119)
    assert g.nodes[HEALTH]["size"] == 50
    sizes = [d["size"] for _, d in g.nodes(data=True)]
    assert min(sizes) == 10 and max(sizes) == 50
    for by in ("betweenness", "pagerank"):
        raw = network.size_nodes(g, by=by)
        assert max(raw, key=raw.get) == HEALTH
        assert g.nodes[HEALTH]["size"] == 50
    with pytest.raises(KGError):
        network.size_nodes(g, by="closeness")
    single = nx.Graph()
    single.add_node("a")
    network.size_nodes(single)
    assert single.nodes["a"]["size"] == 30


# ---------------------------------------------------------------------------- CONSTRUCT


def test_construct_graph(pg):
    res = pg.query(
        "CONSTRUCT { ?p eli:title ?t ; hc:derivedFrom ?q } "
        "WHERE { ?p a hc:Plan ; eli:title ?t . OPTIONAL { ?p hc:derivedFrom ?q } }"
    )
    g = network.construct_graph(res)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_edges() == len(res.triples) == 12 + 11
    assert Counter(d["label"] for _, _, d in g.edges(data=True)) == {"eli:title": 12, "hc:derivedFrom": 11}
    assert g.nodes[GUOFA]["label"] == "hcid:doc/国发-2019-13"
    assert g.nodes[GUOFA]["name"] == "国务院关于实施健康中国行动的意见"
    assert g.nodes[GUOFA]["kind"] == "resource"
    title = '"国务院关于实施健康中国行动的意见"@zh'
    assert g.nodes[title]["kind"] == "literal" and g.nodes[title]["lang"] == "zh"
    page = network.to_pyvis_html(g)
    assert "http://" not in page and "https://" not in page
    edges = _vis_data(page, "edges")
    assert Counter(e["label"] for e in edges) == {"eli:title": 12, "hc:derivedFrom": 11}
    assert '"arrows":{"to":{"enabled":true' in page
    with pytest.raises(KGError):
        network.construct_graph(pg.query("SELECT ?s WHERE { ?s a hc:Plan } LIMIT 1"))


# ---------------------------------------------------------------------------- HTML


def test_html_is_self_contained_and_deterministic(bipartite):
    page = network.to_pyvis_html(bipartite)
    assert "vis-network" in page and "@version 9.1.2" in page  # the library itself, inline
    assert "new vis.Network(" in page
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page, re.I)
    assert '<meta charset="utf-8">' in page
    # parsed as HTML, the page is the five inline scripts it was made of, each one closed
    assert _tags(page, "script") == (5, 5)
    assert "vis-network.min.js.map" not in page and "sourceMappingURL" not in page
    assert "卫生健康委员会" in page
    assert page == network.to_pyvis_html(bipartite)
    # the same graph built in another order gives the same bytes
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(bipartite.nodes(data=True))))
    shuffled.add_edges_from((v, u, d) for u, v, d in reversed(list(bipartite.edges(data=True))))
    assert network.to_pyvis_html(shuffled) == page
    nodes = _vis_data(page, "nodes")
    assert len(nodes) == 120 and len(_vis_data(page, "edges")) == 620
    health = next(n for n in nodes if n["id"] == HEALTH)
    assert health["label"] == "卫生健康委员会"
    assert "kind: department" in health["tip"]


def test_html_distinguishes_roles_and_held_plans(pg, bipartite):
    edges = _vis_data(network.to_pyvis_html(bipartite), "edges")
    lead = [e for e in edges if e["width"] == 3.5]
    participant = [e for e in edges if e.get("dashes") == [4, 4]]
    assert len(lead) == 74 and all(e["dashes"] is False for e in lead)
    assert len(participant) == 546 and all(e["width"] == 1 for e in participant)

    page = network.to_pyvis_html(network.hierarchy_graph(pg), color_by="level")
    nodes = {n["id"]: n for n in _vis_data(page, "nodes")}
    assert nodes[JIAFENG]["shape"] == "box" and nodes[JIAFENG]["color"]["background"] == "#b07aa1"
    assert nodes[GUOFA]["shape"] == "ellipse"
    assert nodes[GUOFA]["shapeProperties"] == {"borderDashes": [5, 4]}
    assert nodes[GUOFA]["color"]["background"] == network.NOT_HELD_FILL
    assert nodes[GUOFA]["color"]["border"] == network.LEVEL_COLORS["national"]
    assert nodes[GUOFA]["level"] == 0 and nodes[JIAFENG]["level"] == 4
    assert '"hierarchical":{"direction":"UD"' in page
    assert '"arrows":{"to":{"enabled":true' in page
    assert "http://" not in page and "https://" not in page


def test_html_weights_sizes_and_fixed_layout(pg):
    co = network.cooccurrence_graph(pg)
    network.size_nodes(co, by="degree")
    page = network.to_pyvis_html(co, physics=False, height="80vh")
    nodes = {n["id"]: n for n in _vis_data(page, "nodes")}
    assert nodes[HEALTH]["size"] == 50
    assert all("x" in n and "y" in n for n in nodes.values())
    assert '"physics":{"enabled":false' in page
    assert "height: 80vh;" in page
    edges = _vis_data(page, "edges")
    widths = [e["width"] for e in edges]
    assert min(widths) == 1 and max(widths) == 10
    assert page == network.to_pyvis_html(co, physics=False, height="80vh")


def test_html_escapes_document_text():
    g = nx.Graph()
    g.add_node(
        "a", kind="department", label="<script>alert(1)</script>", tooltip="<img src=x onerror=alert(1)>"
    )
    g.add_node("b", kind="action", label="行动", plan='"><svg onload=alert(2)>')
    g.add_edge("a", "b", role="lead", label="</script><script>alert(3)</script>")
    page = network.to_pyvis_html(g)
    for raw in ("<script>alert", "<img src=x", "<svg onload", "</script><script>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot;&gt;&lt;svg onload=alert(2)&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page
    nodes = {n["id"]: n for n in _vis_data(page, "nodes")}
    assert nodes["a"]["label"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert nodes["a"]["tip"] == "&lt;img src=x onerror=alert(1)&gt;"
    # the page shows them as text: labels on the canvas, tooltips through textContent
    assert "tip.textContent = hcText(item.tip);" in page
    assert "innerHTML" not in page.split("<script>", 2)[1].split("</script>")[0]


def test_html_rejects_a_height_that_is_not_a_length(bipartite):
    with pytest.raises(KGError):
        network.to_pyvis_html(bipartite, height="1px;}</style><script>alert(1)</script>")


def test_html_leaves_the_working_directory_alone(bipartite, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    network.to_pyvis_html(bipartite)
    assert list(tmp_path.iterdir()) == []
