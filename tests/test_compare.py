"""Plan against plan (API and `kg compare`) and the exports (`kg export --format graphml`, the
explorer's files), each checked against what the seed documents say (data/plans/*.txt).

晋城市 (000_…): 19 actions, its 附件2 names the departments of each; 嘉峰镇 (001_…): 18 actions, the
same as 晋城's without 9. 慢性呼吸系统疾病防治行动, no department assignments and no signing date; its
3.控烟行动 repeats 晋城's text without two clauses. 长春市 (004_…): no date, 19 national-theme targets.
"""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from kg.cli import main
from kg.errors import KGError

HEALTH = "https://w3id.org/healthy-china/id/department-type/health"
SPORT = "https://w3id.org/healthy-china/id/department-type/sport"

# 嘉峰镇's 18 actions, by the theme each is filed under (national themes by their national name,
# the four local ones by the local theme's label), as numbered in its text.
JIAFENG_THEMES = {
    "健康知识普及行动",  # 1
    "合理膳食行动",  # 2
    "控烟行动",  # 3
    "全民健身行动",  # 4
    "心理健康促进行动",  # 5
    "公共卫生服务体系与重大疫情防控",  # 6 公共卫生服务体系提升行动
    "心脑血管疾病防治行动",  # 7
    "癌症防治行动",  # 8
    "糖尿病防治行动",  # 9
    "传染病及地方病防控行动",  # 10
    "妇幼健康促进行动",  # 11
    "中小学健康促进行动",  # 12 中小学生健康促进行动
    "职业健康保护行动",  # 13
    "老年健康促进行动",  # 14
    "残疾人健康促进",  # 15 残疾人健康促进行动
    "中医药健康促进",  # 16 中医药健康促进行动
    "健康环境促进行动",  # 17
    "互联网医疗与智慧健康",  # 18 互联网医疗健康服务促进行动
}


@pytest.fixture(scope="module")
def pg(built_store):
    import kg

    g = kg.open(built_store)
    yield g
    g.close()


def test_jincheng_against_jiafeng_themes(pg):
    found = pg.compare_plans(a="晋城市", b="嘉峰镇")
    assert found.a.doc_number == "晋市政发〔2020〕17号" and found.a.date == "2020-12-30"
    assert found.b.doc_number == "嘉政发〔2023〕27号" and found.b.date is None
    # 嘉峰镇 gives no date: the township plan is taken as the later one by its level
    assert (found.later, found.later_by) == ("b", "level")
    assert found.themes_with("only_a") == ["慢性呼吸系统疾病防治行动"]
    assert found.themes_with("only_b") == []
    assert set(found.themes_with("both")) == JIAFENG_THEMES


def test_jiafeng_repeats_jinchengs_tobacco_text(pg):
    found = pg.compare_plans(a="晋城市", b="嘉峰镇")
    tobacco = next(t for t in found.themes if t.theme == "控烟行动")
    assert (tobacco.a_action, tobacco.b_action, tobacco.national) == ("控烟行动", "控烟行动", 4)
    # every clause of 嘉峰镇's 3.控烟行动 is one of 晋城's (无烟机关 -> 无烟单位 is a close repeat)
    assert tobacco.reuse == 1.0 and tobacco.reuse_from == "link"
    assert tobacco.added == ()
    assert tobacco.dropped == (
        "建立戒烟服务体系，推广戒烟干预服务。",
        "到2022年和2030年，全面无烟法规保护的人口比例分别达到30%及以上和80%及以上。",
    )


def test_departments_each_names(pg):
    found = pg.compare_plans(a="晋城市", b="嘉峰镇")
    # 嘉峰镇's text assigns no action to a department: every department is 晋城's only
    assert found.departments and {d.status for d in found.departments} == {"only_a"}
    by_type = {d.type: d for d in found.departments}
    # 附件2: 市卫健委 leads 1-3, 5-12, 14, 15, 17, 19 and takes part in 4, 13, 16, 18
    health = by_type["hcid:department-type/health"]
    assert (health.a_lead, health.a_participant, health.b_lead, health.b_participant) == (15, 4, 0, 0)
    # 市体育局 leads 4 (全民健身) and takes part in 13 and 16; 市税务局 only in 3 (控烟)
    sport = by_type["hcid:department-type/sport"]
    assert (sport.a_lead, sport.a_participant) == (1, 2)
    assert (
        by_type["hcid:department-type/taxation"].a_lead,
        by_type["hcid:department-type/taxation"].a_participant,
    ) == (0, 1)


def test_targets_of_shared_indicators(pg):
    found = pg.compare_plans(a="晋城市", b="长春市")
    assert found.later_by == "order"  # both cities, 长春's text has no date: b is the later
    pairs = {(t.indicator, t.year): t for t in found.targets}
    # 晋城 全市居民健康素养水平 不低于20%和30%; 长春 分别不低于22%和30%
    assert (pairs[("居民健康素养水平", 2022)].a_target, pairs[("居民健康素养水平", 2022)].b_target) == (
        ">= 20%",
        ">= 22%",
    )
    assert pairs[("居民健康素养水平", 2022)].verdict == "stricter"
    assert pairs[("居民健康素养水平", 2030)].verdict == "equal"
    # 婴儿死亡率: 晋城 5.4‰及以下 (2022), 长春 7.5‰以下 — lower is better, so 长春's is looser
    assert pairs[("婴儿死亡率", 2022)].b_target == "<= 7.5‰"
    assert pairs[("婴儿死亡率", 2022)].verdict == "looser"
    # 孕产妇死亡率 2022: 13/10万 against 18/10万
    assert pairs[("孕产妇死亡率", 2022)].verdict == "looser"


def test_reuse_is_computed_from_the_texts_without_a_link(pg):
    found = pg.compare_plans(a="晋城市", b="长春市")
    tobacco = next(t for t in found.themes if t.theme == "控烟行动")
    # 长春 does not implement 晋城: the share comes from the two texts, and 晋城's clause on minors
    # (禁止向未成年人销售烟草制品) is not in 长春's 控烟行动
    assert tobacco.reuse_from == "text"
    assert 0 < tobacco.reuse < 1
    assert (
        "利用世界无烟日等卫生健康主题日开展控烟宣传，禁止向未成年人销售烟草制品，加大违法发布烟草广告查处力度。"
        in tobacco.dropped
    )
    # 长春 has no 残疾人 action; 晋城 has 16.残疾人健康促进行动
    assert "残疾人健康促进" in found.themes_with("only_a")


def test_the_order_given_is_kept(pg):
    found = pg.compare_plans(a="嘉峰镇", b="晋市政发〔2020〕17号")
    assert found.themes_with("only_b") == ["慢性呼吸系统疾病防治行动"]
    assert found.later == "a"


def test_bad_plans_are_refused(pg):
    with pytest.raises(KGError, match="same plan"):
        pg.compare_plans(a="晋城市", b="晋市政发〔2020〕17号")
    with pytest.raises(KGError, match="no plan matches"):
        pg.compare_plans(a="晋城市", b="火星市")


def test_cli_compare_json(built_store, capsys):
    assert main(["compare", "晋城市", "嘉政发〔2023〕27号", "--json", "--store", str(built_store)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["theme"] for t in data["themes"] if t["status"] == "only_a"] == ["慢性呼吸系统疾病防治行动"]
    assert data["b"]["region"] == "嘉峰镇"
    tobacco = next(t for t in data["themes"] if t["theme"] == "控烟行动")
    assert tobacco["reuse"] == 1.0 and len(tobacco["dropped"]) == 2


def test_cli_compare_table_and_error(built_store, capsys):
    assert main(["compare", "晋城市", "嘉峰镇", "--store", str(built_store)]) == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.startswith("慢性呼吸系统疾病防治行动"))
    assert "only A" in line
    assert main(["compare", "晋城市", "晋城市", "--store", str(built_store)]) == 1
    assert "same plan" in capsys.readouterr().err


# -- exports ---------------------------------------------------------------------------------------


def test_kg_export_graphml_department_action(built_store, tmp_path):
    out = tmp_path / "da.graphml"
    args = ["export", "--format", "graphml", "--network", "department-action", "--plan", "晋城市"]
    assert main([*args, "-o", str(out), "--store", str(built_store)]) == 0
    g = nx.read_graphml(out)
    assert g.nodes[HEALTH]["label"] == "卫生健康委员会"
    # 附件2: 市卫健委 in all 19 rows (15 leading), 市体育局 in rows 4, 13 and 16
    assert g.degree(HEALTH) == 19
    assert sorted(g.nodes[a]["ordinal"] for a in g.neighbors(SPORT)) == [4, 13, 16]
    tobacco = next(a for a in g.neighbors(HEALTH) if g.nodes[a]["label"] == "控烟行动")
    assert g.edges[HEALTH, tobacco]["role"] == "lead"
    assert g.nodes[tobacco]["region"] == "晋城市"


def test_kg_export_graphml_hierarchy_and_bad_options(built_store, tmp_path, capsys):
    out = tmp_path / "h.graphml"
    assert (
        main(
            [
                "export",
                "--format",
                "graphml",
                "--network",
                "hierarchy",
                "-o",
                str(out),
                "--store",
                str(built_store),
            ]
        )
        == 0
    )
    g = nx.read_graphml(out)
    by_title = {d["title"]: n for n, d in g.nodes(data=True)}
    jiafeng = by_title["嘉峰镇人民政府关于推进健康嘉峰建设的实施方案"]
    # 嘉峰镇 cites 沁水县's 沁政办发〔2021〕4号 (not held), which derives from 晋城's plan
    (parent,) = g.successors(jiafeng)
    assert g.nodes[parent]["doc_number"] == "沁政办发〔2021〕4号" and g.nodes[parent]["held"] is False
    assert main(["export", "--network", "hierarchy", "--store", str(built_store)]) == 1
    assert "--format graphml" in capsys.readouterr().err


def test_table_exports_open_in_their_readers():
    import openpyxl
    import pandas as pd

    from explorer import exports

    df = pd.DataFrame(
        {"theme · 主题": ["控烟行动", "合理膳食行动"], "reuse": [1.0, 0.75], "bad": ["a\x07b", None]}
    )
    text = exports.table_csv(df).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == ["theme · 主题", "reuse", "bad"]
    assert back["theme · 主题"].tolist() == ["控烟行动", "合理膳食行动"]
    book = openpyxl.load_workbook(io.BytesIO(exports.table_xlsx(df, "compare/themes")))
    sheet = book.active
    assert sheet.title == "compare-themes"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("theme · 主题", "reuse", "bad")
    assert rows[1] == ("控烟行动", 1.0, "ab")  # the control character Excel refuses is dropped
    assert rows[2] == ("合理膳食行动", 0.75, None)


def test_chart_exports_are_png_and_svg():
    import altair as alt
    import pandas as pd
    from PIL import Image

    from explorer import exports

    chart = (
        alt.Chart(pd.DataFrame({"theme": ["控烟行动", "合理膳食行动"], "reuse": [1.0, 0.5]}))
        .mark_bar()
        .encode(y="theme:N", x="reuse:Q")
    )
    svg = exports.chart_svg(chart).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "控烟行动" in svg
    png = Image.open(io.BytesIO(exports.chart_png(chart)))
    assert png.format == "PNG" and png.width >= exports.CHART_WIDTH  # drawn at twice its size


def test_graph_exports_read_back_with_rdflib(pg):
    from rdflib import Dataset, Graph, Literal, URIRef

    from explorer import exports

    title = URIRef("http://data.europa.eu/eli/ontology#title")
    plan = URIRef("https://w3id.org/healthy-china/id/doc/嘉政发-2023-27")
    want = Literal("嘉峰镇人民政府关于推进健康嘉峰建设的实施方案", lang="zh")
    turtle = Graph().parse(data=exports.graph_bytes(pg, "turtle"), format="turtle")
    assert (plan, title, want) in turtle
    quads = Dataset()
    quads.parse(data=exports.graph_bytes(pg, "nquads"), format="nquads")
    (where,) = {g for _, _, _, g in quads.quads((plan, title, want, None))}
    assert str(where).endswith("/graph/001-e3cc1c46042f0e3f")  # the graph of 嘉峰镇's file, 001_e3cc…
    with pytest.raises(ValueError):
        exports.graph_bytes(pg, "rdfxml")
