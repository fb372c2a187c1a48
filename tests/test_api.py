"""The Python API (``import kg; g = kg.open()``) on the seed corpus: the README's session run as it
is, then each part of the API and its errors."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal, URIRef

import kg
from kg.api import DepartmentCount, Hop, TargetComparison, TextReuse, ThemeCoverage, frame
from kg.errors import KGError, QueryError
from kg.graph import PolicyGraph

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/healthy-china/id/"
JIAFENG_SMOKING = ID + "doc/嘉政发-2023-27/action/3"
JINCHENG_SMOKING = ID + "doc/晋市政发-2020-17/action/3"


def readme_session() -> str:
    """The first ```python block of the README's "Python API" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def g(built_store):
    graph = kg.open(str(built_store))
    yield graph
    graph.close()


# -- the README ------------------------------------------------------------------------------


def test_the_readme_session_prints_what_its_comments_say(built_store, tmp_path, monkeypatch):
    code = readme_session()
    expected = [
        line.rsplit("  # ", 1)[1]
        for line in code.splitlines()
        if line.startswith("print(") and "  # " in line
    ]
    assert len(expected) == 8  # one per print: the test checks every one
    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.chdir(tmp_path)  # the session exports kg.ttl into the working folder
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == expected
    assert (tmp_path / "kg.ttl").read_text(encoding="utf-8").count("hc:Plan") >= 12


# -- opening ---------------------------------------------------------------------------------


def test_open_takes_a_folder_the_default_and_a_store(built_store, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(built_store))
    with kg.open() as g:
        assert g.spec is None and len(g.top_departments(limit=3)) == 3
    with PolicyGraph.open(store=built_store) as g:
        assert g.counts(triples=False)["heldPlans"] == 5
        again = PolicyGraph.open(store=g.store)
        assert again.store is g.store and again.spec is None


def test_open_a_missing_store_is_the_projects_error(tmp_path):
    with pytest.raises(KGError, match=str(tmp_path / "nowhere")):
        kg.open(str(tmp_path / "nowhere"))


def test_importing_kg_loads_nothing_else():
    import subprocess
    import sys

    code = "import sys, kg; print(','.join(m for m in ('rdflib', 'pandas', 'kg.graph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "", out.stderr


# -- queries and bindings --------------------------------------------------------------------


def test_query_df_binds_plain_values(g):
    df = g.query_df(
        "SELECT ?title WHERE { ?p eli:id_local ?doc ; eli:title ?title }", doc="嘉政发〔2023〕27号"
    )
    assert df["title"].tolist() == ["嘉峰镇人民政府关于推进健康嘉峰建设的实施方案"]
    # an IRI as a string, a prefixed name, and an rdflib term give the same answer
    sparql = "SELECT ?doc WHERE { ?p eli:id_local ?doc }"
    iri = ID + "doc/嘉政发-2023-27"
    answers = [
        g.query_df(sparql, p=v)["doc"].tolist()
        for v in (iri, f"<{iri}>", "hcid:doc/嘉政发-2023-27", URIRef(iri))
    ]
    assert answers == [["嘉政发〔2023〕27号"]] * 4
    assert g.query_df("SELECT ?n WHERE { ?a hc:ordinal ?n } LIMIT 1", n=4)["n"].tolist() == [4]


def test_named_df_resolves_plans_levels_and_roles(g):
    lead = g.named_df("top_departments", role="lead", plan="聊城市")
    assert lead.loc[0, "department"] == "卫生健康委员会" and lead.loc[0, "actions"] == 13
    by_doc = g.named_df("top_departments", role="lead", plan="聊政字〔2020〕30号")
    assert by_doc.equals(lead)
    assert g.named_df("top_departments", level="township").empty  # 嘉峰镇 names no departments
    targets = g.named_df("indicator_targets", name="居民健康素养水平")  # declared "(a string)"
    assert set(targets["region"].dropna()) >= {"聊城市", "晋城市", "长春市"}


def test_a_string_declared_as_a_string_stays_a_literal(g):
    # ?name is declared "(a string)": even text that reads as a prefixed name is matched as text
    assert g.named_df("indicator_targets", name="hc:Plan").empty
    assert len(g.named_df("indicator_targets", name="婴儿死亡率")) > 0


def test_a_parameter_declared_as_an_iri_refuses_other_text(g):
    with pytest.raises(KGError, match=r"\?action takes an IRI"):
        g.named_df("text_reuse", action="控烟行动")


def test_unknown_parameters_and_values_are_readable_errors(g):
    with pytest.raises(KGError, match=r"has no parameter \?levle \(it takes \?level, \?plan, \?role\)"):
        g.named_df("top_departments", levle="city")
    with pytest.raises(KGError, match="unknown level 'x'; one of national, province, city, county, township"):
        g.named_df("top_departments", level="x")
    with pytest.raises(KGError, match="unknown role 'boss'"):
        g.named_df("top_departments", role="boss")
    with pytest.raises(KGError, match="no plan matches '火星'"):
        g.named_df("plan_actions", plan="火星")
    with pytest.raises(KGError, match="no named query 'nosuch'"):
        g.named_df("nosuch")
    with pytest.raises(KGError, match="cannot bind a list"):
        g.query_df("SELECT ?x WHERE { ?x a ?t }", t=["hc:Plan"])


def test_a_hostile_value_is_data(g):
    before = g.store.triple_count()
    evil = '"} } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    assert g.query_df("SELECT ?p WHERE { ?p eli:title ?t }", t=evil).empty
    assert g.store.triple_count() == before


def test_safe_queries_are_bounded_and_read_only(g):
    df = g.query_df("SELECT ?p WHERE { ?p a hc:Plan }", safe=True, limit=3)
    assert len(df) == 3 and df.attrs["truncated"] is True
    whole = g.query_df("SELECT ?p WHERE { ?p a hc:Plan }", safe=True)
    assert len(whole) == 12 and whole.attrs["truncated"] is False
    assert len(g.named_df("top_departments", safe=True, plan="聊城市")) == len(
        g.named_df("top_departments", plan="聊城市")
    )
    with pytest.raises(QueryError, match="(?i)refused"):
        g.query_df("DROP ALL", safe=True)
    with pytest.raises(KGError, match="pass safe=True"):
        g.query_df("SELECT ?p WHERE { ?p a hc:Plan }", limit=3)


def test_raw_answers_stay_available(g):
    res = g.named("plan_actions", plan="聊城市")
    assert res.vars[:3] == ["action", "ordinal", "name"] and len(res.rows) == 15
    assert g.query("ASK { ?p a hc:Plan }").boolean is True
    assert (
        g.query("SELECT ?t WHERE { ?p eli:id_local ?d ; eli:title ?t }", bindings={"d": Literal("x")}).rows
        == []
    )


# -- analyses: lists of frozen records -------------------------------------------------------


def test_top_departments_are_records(g):
    top = g.top_departments(limit=2)
    assert top == [
        DepartmentCount("hcid:department-type/health", "卫生健康委员会", "Health Commission", 69, 4),
        DepartmentCount(
            "hcid:department-type/development-reform",
            "发展和改革委员会",
            "Development and Reform Commission",
            49,
            4,
        ),
    ]
    assert top[0].as_dict()["actions"] == 69
    with pytest.raises(AttributeError):
        top[0].actions = 1  # frozen
    assert [d.actions for d in g.top_departments(role="lead", limit=2)] == [55, 5]


def test_department_actions_and_their_errors(g):
    acts = g.department_actions(department_type="health", plan="聊城市")
    assert len({a.action for a in acts}) == 15
    assert {a.department for a in acts} == {"市卫生健康委"}
    assert acts == g.department_actions(department_type="hcid:department-type/health", plan="聊城市")
    with pytest.raises(KGError, match="unknown level 'x'"):
        g.department_actions(department_type="health", level="x")
    with pytest.raises(KGError, match="unknown role 'x'"):
        g.department_actions(department_type="health", role="x")


def test_trace_and_the_text_reuse_the_links_hold(g):
    hops = g.trace(place="嘉峰镇", action="控烟行动")
    assert all(isinstance(h, Hop) for h in hops)
    assert [(h.level, h.action) for h in hops] == [
        ("township", "控烟行动"),
        ("county", None),
        ("city", "控烟行动"),
        ("province", None),
        ("national", "控烟行动"),
    ]
    township, city = hops[0], hops[2]
    assert (township.action_iri, city.action_iri) == (JIAFENG_SMOKING, JINCHENG_SMOKING)
    reuse = g.text_reuse(actions=[JIAFENG_SMOKING, JINCHENG_SMOKING])
    assert [r.action for r in reuse] == [JIAFENG_SMOKING, JINCHENG_SMOKING]
    first = reuse[0]
    assert isinstance(first, TextReuse) and first.parent == JINCHENG_SMOKING
    assert first.share == township.text_reuse == 1.0  # 嘉峰镇 repeats 晋城's action in full
    assert first.added == () and len(first.dropped) == 2
    assert all(p in first.parent_text for p in first.dropped) and "无烟" in first.text
    assert city.text_reuse is None and reuse[1].parent == ID + "doc/国发-2019-13/action/4"
    assert g.text_reuse(actions=[ID + "doc/国发-2019-13/action/4"]) == []  # implements nothing


def test_coverage_cells(g):
    cells = g.coverage()
    assert all(isinstance(c, ThemeCoverage) for c in cells)
    by = {(c.theme, c.region): c for c in cells}
    assert by[("慢性呼吸系统疾病防治行动", "嘉峰镇")].actions is None  # 嘉峰镇 drops it
    assert by[("名医基层工作站", "淄博市")].actions == "实施“名医基层工作站（室）”行动"
    assert by[("名医基层工作站", "淄博市")].national is None
    national = {c.theme for c in cells if c.national is not None}
    assert len(national) == 15
    assert {c.theme for c in cells if c.region == "聊城市" and c.actions} == national


def test_targets_records_and_frame(g):
    found = g.targets(indicator="居民健康素养水平")
    assert all(isinstance(t, TargetComparison) for t in found)
    verdicts = {(t.region, t.year, t.value): t.verdict for t in found}
    assert verdicts[("聊城市", 2022, "24")] == "stricter" and verdicts[("晋城市", 2022, "20")] == "looser"
    df = frame(found)
    assert list(df.columns)[:3] == ["region", "plan", "indicator"] and len(df) == len(found)
    with pytest.raises(KGError, match="give \\(part of\\) an indicator's name, not None"):
        g.targets(indicator=None)
    empty = frame(g.targets(indicator="登月"), TargetComparison)
    assert isinstance(empty, pd.DataFrame) and empty.empty and "verdict" in empty.columns


# -- networks, validation, export, build -----------------------------------------------------


def test_to_networkx_kinds_and_filters(g):
    b = g.to_networkx("department-action")
    assert b.degree(ID + "department-type/health") == 69
    assert g.to_networkx("department-action", plan="聊城市").number_of_nodes() < b.number_of_nodes()
    co = g.to_networkx("cooccurrence")
    assert co[ID + "department-type/health"][ID + "department-type/development-reform"]["weight"] == 49
    tree = g.to_networkx("hierarchy")
    assert (tree.number_of_nodes(), tree.number_of_edges()) == (12, 11)
    with pytest.raises(
        KGError, match="unknown network 'tree'; one of department-action, cooccurrence, hierarchy"
    ):
        g.to_networkx("tree")
    with pytest.raises(KGError, match="the hierarchy network has no filter 'plan'"):
        g.to_networkx("hierarchy", plan="聊城市")
    with pytest.raises(KGError, match="unknown level 'galaxy'"):
        g.to_networkx("cooccurrence", level="galaxy")


def test_validate_and_export(g, tmp_path):
    report = g.validate(strict=True)
    assert report.conforms is True and report.as_dict()["conforms"] is True
    path = g.export(tmp_path / "kg.nt", format="nt")
    assert path == tmp_path / "kg.nt"
    assert path.read_bytes() == g.store.export("nt")  # the same graph gives the same bytes
    with pytest.raises(KGError, match="nowhere"):
        g.export(tmp_path / "nowhere" / "kg.ttl")


def test_build_updates_the_store_and_reads_the_new_graph(store_copy, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in sorted((ROOT / "data" / "plans").glob("00[0-3]_*.txt")):
        shutil.copy(f, plans / f.name)
    with kg.open(str(store_copy)) as g:
        assert g.counts(triples=False)["heldPlans"] == 5
        result = g.build([plans])
        assert result.documents == 4 and result.mode in ("incremental", "full")
        assert g.counts(triples=False)["heldPlans"] == 4
        assert g.validate().conforms


def test_memory_graph_builds_in_place(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in sorted((ROOT / "data" / "plans").glob("00[0-3]_*.txt")):
        shutil.copy(f, plans / f.name)
    with kg.open("memory") as g:  # data/plans, built in memory
        assert g.spec == "memory" and g.counts(triples=False)["heldPlans"] == 5
        store = g.store
        assert g.build([plans]).documents == 4
        assert g.store is store and g.counts(triples=False)["heldPlans"] == 4


def test_preview_links_a_new_plan_without_writing(g, built_store):
    fixtures = Path(__file__).resolve().parent / "e2e_fixtures"
    stamp = (built_store / "build.json").read_bytes()
    found = g.preview(fixtures / "900_xss_plan.txt")
    assert [(s.doc_number, s.level, s.held) for s in found.chain] == [
        ("试验镇政发〔2024〕9号", "township", True),
        ("国发〔2019〕13号", "national", False),
    ]
    assert found.chain[0].method == "cited" and found.chain[-1].method is None
    assert [(a.ordinal, a.parent_name, a.parent_region) for a in found.actions] == [
        (1, "健康知识普及行动", "中国"),
        (2, "控烟行动", "中国"),
        (3, "全民健身行动", "中国"),
    ]
    assert (built_store / "build.json").read_bytes() == stamp
    with pytest.raises(KGError, match="900_bad_plan.txt"):
        g.preview(fixtures / "900_bad_plan.txt")
