"""Linking across levels: parent plans, themes, lineage, text reuse, canonical departments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract_file
from kg.link.departments import canonical_types
from kg.link.linker import link, record_key
from kg.link.plans import cited_plan_node, is_action_plan
from kg.link.reference import themes
from kg.link.reuse import place_names, reuse_share, text_reuse
from kg.records import Citation

PLANS = Path(__file__).resolve().parents[1] / "data" / "plans"


@pytest.fixture(scope="module")
def records():
    return [extract_file(p) for p in sorted(PLANS.glob("*.txt"))]


@pytest.fixture(scope="module")
def links(records):
    return link(records)


def _chain(links, key):
    parent = {pl.child: pl.parent for pl in links.plan_links}
    chain = [key]
    while chain[-1] in parent:
        chain.append(parent[chain[-1]])
    return chain


def test_township_climbs_to_the_national_source(records, links):
    jiafeng = record_key(records[1])
    assert _chain(links, jiafeng) == [
        "嘉政发〔2023〕27号",
        "沁政办发〔2021〕4号",
        "晋市政发〔2020〕17号",
        "晋政发〔2019〕27号",
        "国发〔2019〕13号",
    ]


def test_every_held_plan_reaches_the_national_source(records, links):
    for r in records:
        assert _chain(links, record_key(r))[-1] == "国发〔2019〕13号", r.file


def test_parent_methods(links):
    methods = {pl.child: (pl.parent, pl.method) for pl in links.plan_links}
    assert methods["聊政字〔2020〕30号"] == ("鲁政发〔2019〕15号", "cited")
    # 淄博 cites no plan; its text names 健康山东, whose plan the graph knows from 聊城's citation
    assert methods["淄政发〔2021〕5号"] == ("鲁政发〔2019〕15号", "region-ancestor")
    assert methods["沁政办发〔2021〕4号"] == ("晋市政发〔2020〕17号", "region-ancestor")


def test_unheld_plans_are_inferred_from_doc_numbers_and_titles(links):
    nodes = {n.key: n for n in links.plans}
    qinshui = nodes["沁政办发〔2021〕4号"]
    assert (qinshui.held, qinshui.region, qinshui.level, qinshui.issuer) == (
        False,
        "沁水县",
        "county",
        "沁水县人民政府办公室",
    )
    shandong = nodes["鲁政发〔2019〕15号"]
    assert (shandong.region, shandong.level, shandong.issuer) == ("山东省", "province", "山东省人民政府")
    national = nodes["国发〔2019〕13号"]
    assert (national.reference, national.held, national.issuer, national.date) == (
        True,
        False,
        "国务院",
        "2019-06-24",
    )


@pytest.mark.parametrize(
    ("title", "region"),
    [
        ("景德镇市人民政府关于推进健康景德镇建设的实施意见", "景德镇市"),  # a city, not the township 景德镇
        ("兴安盟人民政府关于推进健康兴安建设的实施方案", "兴安盟"),
        ("黔南州人民政府办公室关于印发健康黔南行动实施方案的通知", "黔南布依族苗族自治州"),
    ],
)
def test_a_cited_plan_is_placed_by_the_region_its_title_starts_with(records, title, region):
    node = cited_plan_node(
        Citation(title=title, doc_number=None, doc_number_raw=None, issuer=None), records[0]
    )
    assert (node.region, node.level, node.held) == (region, "city", False)


def test_one_node_per_document_however_often_it_is_cited(links):
    titles = [n.title for n in links.plans if n.title and n.title.startswith("健康中国行动")]
    assert titles == ["健康中国行动（2019—2030年）"]  # cited as 2019—2030 by 晋城 and 2019-2030 by 嘉峰镇
    assert sum(1 for n in links.plans if n.doc_number == "晋市政发〔2020〕17号") == 1


def test_laws_and_other_programmes_are_cited_not_derived_from(links):
    assert not is_action_plan("中华人民共和国基本医疗卫生与健康促进法")
    assert not is_action_plan("国民营养计划（2017－2030年）")
    assert not is_action_plan("“健康山西2030”规划纲要")
    assert is_action_plan("吉林省贯彻落实健康中国行动实施方案")
    documents = {d.title for d in links.documents}
    assert {"中华人民共和国基本医疗卫生与健康促进法", "国民营养计划（2017－2030年）"} <= documents
    assert not {n.title for n in links.plans} & documents


def test_every_action_has_a_theme(records, links):
    themed = {(al.plan, al.ordinal) for al in links.action_links}
    for r in records:
        key = record_key(r)
        assert all((key, a.ordinal) in themed for a in r.actions), r.file


def _themes_of(links, key):
    return {al.theme for al in links.action_links if al.plan == key}


def test_coverage_of_national_themes(records, links):
    national = {t.id for t in themes() if t.national_ordinal}
    assert len(national) == 15
    assert _themes_of(links, record_key(records[2])) == national  # 聊城: exactly the national 15
    jiafeng = _themes_of(links, record_key(records[1]))
    assert national - jiafeng == {"respiratory"}  # 嘉峰镇 drops 慢性呼吸系统疾病防治行动
    zibo = _themes_of(links, record_key(records[3]))
    assert national <= zibo and "famous_doctors" in zibo  # 淄博 adds 名医基层工作站, drops nothing national


def test_township_actions_implement_the_city_actions(records, links):
    jiafeng = record_key(records[1])
    tobacco = next(al for al in links.action_links if al.plan == jiafeng and al.theme == "tobacco")
    assert (tobacco.parent_plan, tobacco.parent_ordinal) == ("晋市政发〔2020〕17号", 3)
    assert tobacco.reuse >= 0.9
    city = next(
        al for al in links.action_links if al.plan == "晋市政发〔2020〕17号" and al.theme == "tobacco"
    )
    assert (city.parent_plan, city.parent_ordinal) == ("国发〔2019〕13号", 4)


def test_text_reuse_reports_added_and_dropped_passages():
    parent = "3.控烟行动。开展控烟宣传。禁止向未成年人销售烟草制品。建立戒烟服务体系。"
    child = "3.控烟行动。开展控烟宣传。禁止向未成年人销售烟草制品。把辖区内相关单位建设成无烟单位。"
    reuse = text_reuse(child, parent)
    assert reuse.added == ("把辖区内相关单位建设成无烟单位。",)
    assert reuse.dropped == ("建立戒烟服务体系。",)
    assert reuse.share == round((len("开展控烟宣传。") + len("禁止向未成年人销售烟草制品。")) / 37, 3)


def _shares_both_ways(records, links) -> tuple[int, int]:
    """(implementations compared, those whose stored share differs from text_reuse's)."""
    holders = {record_key(r): r for r in records}
    compared = differ = 0
    for al in links.action_links:
        if al.reuse is None:
            continue
        child, parent = holders[al.plan], holders[al.parent_plan]
        text = next(a.text for a in child.actions if a.ordinal == al.ordinal)
        parent_text = next(a.text for a in parent.actions if a.ordinal == al.parent_ordinal)
        places = place_names(child.meta.region), place_names(parent.meta.region)
        full = text_reuse(text, parent_text, child_places=places[0], parent_places=places[1])
        compared += 1
        differ += al.reuse != full.share
    return compared, differ


def test_the_stored_share_is_the_share_text_reuse_reports(records, links):
    # the seeds' implementations between held plans: 嘉峰镇's 18 actions of 晋城市's
    assert _shares_both_ways(records, links) == (18, 0)


def test_reuse_share_stops_at_a_close_clause_with_the_same_share(tmp_path):
    """reuse_share stops at the first parent clause close enough; text_reuse looks for the closest.
    On a generated cascade (texts reworded from their parents) they agree on every implementation."""
    from bench.generate import generate
    from kg.extract import extract_file

    generate(tmp_path, 60)
    records = [extract_file(p) for p in sorted(tmp_path.glob("*.txt"))]
    compared, differ = _shares_both_ways(records, link(records))
    assert compared > 200 and differ == 0


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="健康城乡行动开展推进。，", max_size=40),
    st.text(alphabet="健康城乡行动开展推进。，", max_size=40),
)
def test_compiled_difflib_gives_difflib_s_ratios(a, b):
    import difflib

    import cydifflib

    ours = cydifflib.SequenceMatcher(None, a, b, autojunk=False)
    theirs = difflib.SequenceMatcher(None, a, b, autojunk=False)
    assert (ours.ratio(), ours.quick_ratio(), ours.real_quick_ratio()) == (
        theirs.ratio(),
        theirs.quick_ratio(),
        theirs.real_quick_ratio(),
    )
    assert ours.find_longest_match(0, len(a), 0, len(b)) == theirs.find_longest_match(0, len(a), 0, len(b))


def test_reuse_share_counts_the_characters_of_reused_clauses():
    parent = "3.控烟行动。开展控烟宣传。禁止向未成年人销售烟草制品。建立戒烟服务体系。"
    child = "3.控烟行动。开展控烟宣传活动。禁止向未成年人销售烟草。把辖区内相关单位建设成无烟单位。"
    reused = len("开展控烟宣传活动。") + len("禁止向未成年人销售烟草。")
    assert reuse_share(child, parent) == round(reused / (reused + len("把辖区内相关单位建设成无烟单位。")), 3)
    assert reuse_share(child, parent) == text_reuse(child, parent).share
    assert reuse_share("", parent) == 0.0


@pytest.mark.parametrize(
    ("name", "region", "types"),
    [
        ("市卫健委", "晋城市", ("health",)),
        ("市卫生健康委", "聊城市", ("health",)),
        ("市发改委", "长春市", ("development_reform",)),
        ("市发展改革委", "淄博市", ("development_reform",)),
        ("市工信局", "长春市", ("industry_it",)),
        ("市工业和信息化局", "淄博市", ("industry_it",)),
        ("市人社局", "晋城市", ("human_resources",)),
        ("市市场监督管理局", "长春市", ("market_regulation",)),
        ("市规划与自然资源局", "长春市", ("natural_resources",)),
        ("市自然资源和规划局", "淄博市", ("natural_resources",)),
        ("市教育体育局", "聊城市", ("education", "sport")),
        ("共青团聊城市委", "聊城市", ("youth_league",)),
        ("聊城银保监分局", "聊城市", ("banking_insurance_regulation",)),
    ],
)
def test_canonical_department_types(name, region, types):
    assert canonical_types(name, region)[0] == types


def test_every_department_mention_of_the_corpus_is_typed(links):
    assert [d.name for d in links.departments if d.kind == "department" and not d.types] == []


def test_regions_form_one_hierarchy(links):
    parent = {r.name: r.parent for r in links.regions}
    chain = ["嘉峰镇"]
    while parent.get(chain[-1]):
        chain.append(parent[chain[-1]])
    assert chain == ["嘉峰镇", "沁水县", "晋城市", "山西省", "中国"]
    level = {r.name: r.level for r in links.regions}
    assert [level[n] for n in chain] == ["township", "county", "city", "province", "national"]
