"""The named analyses over the built seed corpus: kg top-departments, trace, hierarchy, coverage, targets."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg.cli import main
from kg.graph import PolicyGraph
from kg.rdf import BASE, HC
from kg.validate import validate


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_top_departments_counts_merge_spelling_variants(built_store, capsys):
    # Expected counts derived from shared/gold by hand: the health commission (市卫健委 in 晋城 and
    # 长春, 市卫生健康委 in 聊城 and 淄博) takes part in every one of the 69 actions that name
    # departments; the development-and-reform commission (市发展改革委 / 市发改委) in 10 + 13 + 16 + 10.
    rows = run_json(capsys, "top-departments", "--json", "--store", str(built_store))
    assert rows[:2] == [
        {"department": "卫生健康委员会", "department_en": "Health Commission", "actions": 69, "plans": 4},
        {
            "department": "发展和改革委员会",
            "department_en": "Development and Reform Commission",
            "actions": 49,
            "plans": 4,
        },
    ]
    counts = [r["actions"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_top_departments_filters(built_store, capsys):
    lead = run_json(
        capsys, "top-departments", "--role", "lead", "--limit", "2", "--json", "--store", str(built_store)
    )
    assert [(r["department"], r["actions"]) for r in lead] == [("卫生健康委员会", 55), ("体育局", 5)]
    one = run_json(
        capsys, "top-departments", "--plan", "聊城市", "--limit", "1", "--json", "--store", str(built_store)
    )
    assert one == [
        {"department": "卫生健康委员会", "department_en": "Health Commission", "actions": 15, "plans": 1}
    ]
    township = run_json(
        capsys, "top-departments", "--level", "township", "--json", "--store", str(built_store)
    )
    assert township == []  # 嘉峰镇 names no departments


def test_merged_body_counts_for_education_and_sport(built_store):
    with PolicyGraph.open(store=str(built_store)) as pg:
        counts = {d.department: d.actions for d in pg.top_departments(plan="聊城市")}
    # 市教育体育局 takes part in 13 of 聊城's actions and leads 2 more: it counts for both types
    assert counts["教育局"] == counts["体育局"] == 13


def test_trace_from_the_township_to_the_national_action(built_store, capsys):
    hops = run_json(capsys, "trace", "嘉峰镇", "控烟行动", "--json", "--store", str(built_store))
    assert [(h["level"], h["region"], h["doc_number"], h["held"], h["action"]) for h in hops] == [
        ("township", "嘉峰镇", "嘉政发〔2023〕27号", True, "控烟行动"),
        ("county", "沁水县", "沁政办发〔2021〕4号", False, None),
        ("city", "晋城市", "晋市政发〔2020〕17号", True, "控烟行动"),
        ("province", "山西省", "晋政发〔2019〕27号", False, None),
        ("national", "中国", "国发〔2019〕13号", False, "控烟行动"),
    ]
    assert {h["theme"] for h in hops} == {"控烟行动"}
    assert hops[0]["plan"] == "嘉峰镇人民政府关于推进健康嘉峰建设的实施方案"


def test_every_township_and_city_action_traces_to_a_theme(built_store):
    with PolicyGraph.open(store=str(built_store)) as pg:
        for place, count in (("嘉峰镇", 18), ("晋城市", 19), ("聊城市", 15), ("淄博市", 19), ("长春市", 16)):
            actions = pg.named("plan_actions", plan=pg.resolve_plan(place)).to_dataframe()
            assert len(actions) == count
            assert actions["theme"].notna().all(), place


def test_trace_of_a_local_theme_stops_without_a_national_action(built_store, capsys):
    hops = run_json(
        capsys, "trace", "淄博市", "实施“名医基层工作站（室）”行动", "--json", "--store", str(built_store)
    )
    assert hops[0]["action"] == "实施“名医基层工作站（室）”行动"
    assert [h["action"] for h in hops[1:]] == [None, None]
    assert [h["level"] for h in hops] == ["city", "province", "national"]


def test_trace_of_an_unknown_action_is_one_clear_error(built_store, capsys):
    assert main(["trace", "嘉峰镇", "登月行动", "--store", str(built_store)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: no action '登月行动' in that plan")
    assert len(err.splitlines()) == 1


def test_coverage(built_store, capsys):
    matrix = run_json(capsys, "coverage", "--json", "--store", str(built_store))
    national = {theme: row for theme, row in matrix.items() if row["national"] is not None}
    assert len(national) == 15
    assert national["慢性呼吸系统疾病防治行动"]["嘉峰镇"] is None  # 嘉峰镇 drops it
    assert all(row["聊城市"] is not None for row in national.values())  # 聊城's 15 are the national 15
    assert [t for t, row in matrix.items() if row["聊城市"] is not None] == list(national)
    assert matrix["名医基层工作站"]["淄博市"] == "实施“名医基层工作站（室）”行动"


def test_hierarchy(built_store, capsys):
    rows = run_json(capsys, "hierarchy", "--json", "--store", str(built_store))
    by_doc = {r["docNumber"]: r for r in rows if r["docNumber"]}
    assert by_doc["嘉政发〔2023〕27号"]["parent"] == "hcid:doc/沁政办发-2021-4"
    assert by_doc["沁政办发〔2021〕4号"]["held"] is False
    assert by_doc["沁政办发〔2021〕4号"]["parent"] == "hcid:doc/晋市政发-2020-17"
    assert by_doc["国发〔2019〕13号"]["parent"] is None
    assert sum(1 for r in rows if r["held"]) == 5


def test_targets_against_the_nation(built_store, capsys):
    rows = run_json(capsys, "targets", "居民健康素养水平", "--json", "--store", str(built_store))
    verdicts = {(r["region"], r["year"], r["value"]): r["verdict"] for r in rows}
    assert verdicts[("聊城市", 2022, "24")] == "stricter"  # 24% against the national >= 22%
    assert verdicts[("晋城市", 2022, "20")] == "looser"  # 20% against >= 22%
    assert verdicts[("长春市", 2030, "30")] == "equal"
    assert verdicts[("中国", 2022, "22")] == "national"


def test_broken_link_fails_validation(built_store):
    with PolicyGraph.open(store=str(built_store)) as pg:
        graph = pg.store.union_graph()
    city, township = BASE["doc/晋市政发-2020-17"], BASE["doc/嘉政发-2023-27"]
    broken = Graph()
    broken += graph
    broken.add((city, HC.derivedFrom, township))  # a city deriving from a township
    ok, message = validate(broken)
    assert not ok
    assert "hcid:doc/晋市政发-2020-17" in message
    assert "must be of a higher administrative level" in message
    assert "at most one parent plan" in message


@pytest.mark.parametrize("level", ["city", "township"])
def test_level_filter_uses_bindings_not_text(built_store, level):
    with PolicyGraph.open(store=str(built_store)) as pg:
        found = pg.top_departments(level=level)
    assert (len(found) > 0) == (level == "city")


def test_department_name_with_quotes_is_data(built_store):
    # A parameter is bound as an RDF term: quotes and braces cannot change the query.
    with PolicyGraph.open(store=str(built_store)) as pg:
        before = pg.store.triple_count()
        assert pg.targets(indicator='"} } ; DROP ALL ; SELECT * WHERE { ?s ?p "') == []
        assert len(pg.targets(indicator="婴儿死亡率")) == 11
        assert pg.store.triple_count() == before
