"""The responsibility matrix on the seeds: the API, `kg matrix` and the explorer page (AppTest).

The cell (卫生健康委员会, 控烟), read from the documents: four plans assign their 控烟行动 to departments
(嘉峰镇's names none). 晋城's task table: "3 控烟行动 市卫健委牵头，…"; 聊城: "(牵头单位:市卫生健康委;
负责单位:…)"; 淄博: "（责任单位：市卫生健康委牵头，…）" — three led; 长春: "（市卫健委、市委宣传部、… 等
分工负责）", no lead named, so the health commission takes part. 4 actions, 3 led.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.errors import KGError

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
APP = str(ROOT / "app.py")

# the assignment sentence of each seed's 控烟行动, as its document has it
TOBACCO = {
    "晋城市": (
        "000_118f31c14681ba11",
        "市卫健委牵头，市文明办、市教育局、市市场监管局、市税务局等按职责分工负责",
    ),
    "聊城市": ("002_c95cd58d6fdbfc49", "(牵头单位:市卫生健康委;负责单位:市委宣传部"),
    "淄博市": ("003_3b19a394be1abec4", "（责任单位：市卫生健康委牵头，市委宣传部"),
    "长春市": (
        "004_e80d3234836daec5",
        "（市卫健委、市委宣传部、市工信局、市文化广播电视和旅游局、市烟草专卖局",
    ),
}


def flat(stem: str) -> str:
    """The document's text with its line breaks and page breaks removed (聊城's wraps mid-sentence)."""
    return re.sub(r"\s+", "", (PLANS / f"{stem}.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graph(built_store):
    with kg.open(built_store) as g:
        yield g


def cell(cells, type_id: str, theme_id: str):
    found = [
        c
        for c in cells
        if c.type == f"hcid:department-type/{type_id}" and c.theme == f"hcid:theme/{theme_id}"
    ]
    return found[0] if found else None


def test_the_documents_assign_tobacco_control_so():
    for stem, sentence in TOBACCO.values():
        assert re.sub(r"\s+", "", sentence) in flat(stem), stem
    assert "控烟" in flat("001_e3cc1c46042f0e3f") and "牵头" not in flat("001_e3cc1c46042f0e3f")


def test_health_commission_and_tobacco_control(graph):
    c = cell(graph.matrix(), "health", "tobacco")
    assert (c.department, c.theme_label, c.actions, c.led, c.share_led) == (
        "卫生健康委员会",
        "控烟行动",
        4,
        3,
        0.75,
    )
    assert (c.department_en, c.theme_label_en, c.national) == ("Health Commission", "Tobacco control", 4)


def test_the_cells_actions_and_their_sentences(graph):
    acts = graph.matrix_cell(department_type="卫生健康委员会", theme="控烟")
    assert {a.region: a.role for a in acts} == {
        "晋城市": "lead",
        "聊城市": "lead",
        "淄博市": "lead",
        "长春市": "participant",
    }
    for a in acts:
        assert re.sub(r"\s+", "", TOBACCO[a.region][1]) in re.sub(r"\s+", "", a.source), a.region
    assert {a.department for a in acts} == {"市卫健委", "市卫生健康委"}
    # by id or IRI, the same cell
    assert len(graph.matrix_cell(department_type="hcid:department-type/health", theme="tobacco")) == 4


def test_filters_by_role_level_and_plan(graph):
    assert (cell(graph.matrix(role="lead"), "health", "tobacco").actions, "lead") == (3, "lead")
    participant = cell(graph.matrix(role="participant"), "health", "tobacco")
    assert (participant.actions, participant.led) == (1, 0)  # 长春
    one = cell(graph.matrix(plan="聊城市"), "health", "tobacco")
    assert (one.actions, one.led) == (1, 1)
    assert cell(graph.matrix(level="city"), "health", "tobacco").actions == 4
    assert graph.matrix(level="township") == []  # 嘉峰镇 names no departments


def test_a_department_row_adds_up_to_its_ranking(graph):
    """Every action has one theme, so a department's row sums to its number of actions (69 for the
    health commission, README), and the matrix lists the most responsible department first."""
    cells = graph.matrix()
    assert cells[0].type == "hcid:department-type/health"
    assert sum(c.actions for c in cells if c.type == "hcid:department-type/health") == 69
    top = {d.type: d.actions for d in graph.top_departments()}
    totals: dict[str, int] = {}
    for c in cells:
        totals[c.type] = totals.get(c.type, 0) + c.actions
    assert totals == top


def test_rdflib_answers_the_same(graph):
    """The named query on the other engine (the seeds built in memory on rdflib), one plan's worth."""
    memory = kg.open("memory")
    try:
        assert memory.matrix(plan="聊城市") == graph.matrix(plan="聊城市")
    finally:
        memory.close()


def test_unknown_names_say_what_is_accepted(graph):
    with pytest.raises(KGError, match="no theme '吸烟'"):
        graph.matrix_cell(department_type="health", theme="吸烟")
    with pytest.raises(KGError, match="unknown role 'leader'"):
        graph.matrix(role="leader")


def test_kg_matrix_json(built_store, capsys):
    code = main(["matrix", "--store", str(built_store), "--json"])
    cells = json.loads(capsys.readouterr().out)
    assert code == 0
    found = [c for c in cells if c["department"] == "卫生健康委员会" and c["theme_label"] == "控烟行动"]
    assert [(c["actions"], c["led"], c["share_led"]) for c in found] == [(4, 3, 0.75)]


def test_kg_matrix_one_cell(built_store, capsys):
    code = main(
        ["matrix", "--store", str(built_store), "--department", "health", "--theme", "控烟行动", "--json"]
    )
    acts = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted(a["region"] for a in acts if a["role"] == "lead") == ["晋城市", "淄博市", "聊城市"]
    code = main(["matrix", "--store", str(built_store), "--theme", "控烟"])
    assert code == 1
    assert "give both" in capsys.readouterr().err


# -- the explorer page -------------------------------------------------------------------------


@pytest.fixture
def matrix_page(built_store, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.setenv("KG_PLANS", str(PLANS))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("explorer/pages/matrix.py").run()
    assert not at.exception, at.exception
    return at


def frame(at, column: str):
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(found) == 1, f"{len(found)} dataframes with a column {column!r}"
    return found[0]


def test_page_heatmap_table_and_cell(matrix_page):
    at = matrix_page
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1, "the heatmap is missing"
    assert {layer["mark"]["type"] for layer in json.loads(charts[0].proto.spec)["layer"]} == {"rect", "text"}
    table = frame(at, "share led · 牵头占比")
    row = table[
        (table["department · 部门"] == "卫生健康委员会 · Health Commission")
        & (table["theme · 主题"] == "控烟行动")
    ]
    assert (int(row["actions · 行动数"].iloc[0]), int(row["led · 牵头"].iloc[0])) == (4, 3)
    at.selectbox(key="mx_department").set_value("hcid:department-type/health").run()
    at.selectbox(key="mx_theme").set_value("hcid:theme/tobacco").run()
    assert not at.exception, at.exception
    acts = frame(at, "source sentence · 原文")
    assert set(acts["region · 地区"]) == {"晋城市", "聊城市", "淄博市", "长春市"}
    assert any("4 actions, 3 led (75%)" in str(c.value) for c in at.caption)
    reading = " ".join(el.proto.body for el in at.get("html"))
    assert "市卫健委牵头，市文明办" in reading


def test_page_filters_by_role_and_plan(matrix_page):
    at = matrix_page
    at.radio(key="mx_role").set_value("participant").run()
    table = frame(at, "share led · 牵头占比")
    row = table[
        (table["department · 部门"] == "卫生健康委员会 · Health Commission")
        & (table["theme · 主题"] == "控烟行动")
    ]
    assert (int(row["actions · 行动数"].iloc[0]), int(row["led · 牵头"].iloc[0])) == (1, 0)
    at.radio(key="mx_role").set_value("any")
    at.selectbox(key="mx_level").set_value("township").run()
    assert any("No department" in str(i.value) for i in at.info)


@pytest.mark.parametrize("level", [None, "city", "county"])
@pytest.mark.parametrize("role", ["any", "lead", "participant"])
def test_the_builds_summaries_count_the_matrix_as_sparql_does(graph, level, role):
    from kg.api.matrix import _summary_counts

    assert graph.summaries_fresh()  # a folder store: its build wrote the summaries
    by_sparql = graph.named("matrix", level=level, role=None if role == "any" else role)
    expected = [(str(t), str(th), int(a), int(led)) for t, th, a, led in by_sparql.rows]
    assert _summary_counts(graph.summary("responsibilities"), level, role) == expected
    assert _summary_counts(graph.summary("matrix"), level, role) == expected
    if level is None and role == "any":
        health_tobacco = ("department-type/health", "theme/tobacco")
        assert [
            c[2:] for c in expected if c[0].endswith(health_tobacco[0]) and c[1].endswith(health_tobacco[1])
        ] == [(4, 3)]


@pytest.mark.parametrize("level", [None, "city"])
@pytest.mark.parametrize("role", ["any", "lead"])
def test_a_cells_actions_from_the_summaries_are_those_sparql_answers(graph, level, role):
    from kg.api.matrix import CellAction, _summary_cell

    assert graph.summaries_fresh()
    cells = graph.summary("cells")
    checked = 0
    for c in graph.matrix(level=level, role=role):
        by_sparql = graph.named(
            "matrix_cell", type=c.type, theme=c.theme, level=level, role=None if role == "any" else role
        )
        expected = [
            (
                str(r["plan"]),
                r.get("region"),
                r.get("ordinal"),
                r.get("department"),
                r.get("roleLabel"),
                r.get("source"),
            )
            for r in by_sparql.records()
        ]
        found = _summary_cell(cells, kg.store.expand(c.type), kg.store.expand(c.theme), level, role)
        assert all(isinstance(a, CellAction) for a in found)
        assert [(a.plan, a.region, a.ordinal, a.department, a.role, a.source) for a in found] == expected
        checked += 1
    assert checked == len(graph.matrix(level=level, role=role)) > 20


def test_the_health_commissions_tobacco_actions_from_the_summaries(graph):
    found = graph.matrix_cell(department_type="health", theme="tobacco")
    # by region as SPARQL orders strings (code points: 淄 U+6DC4 before 聊 U+804A)
    assert [a.region for a in found] == ["晋城市", "淄博市", "聊城市", "长春市"]
    assert [a.role for a in found] == ["lead", "lead", "lead", "participant"]
    for a in found:
        assert TOBACCO[a.region][1] in a.source
