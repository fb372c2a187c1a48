"""Diffusion over time on the seeds: the API, `kg diffusion` and the explorer page (AppTest).

The expected dates are read from the documents: 晋城's plan is signed 2020年12月30日 (its signature,
data/plans/000_…), 聊城's ２０２０年１１月１９日 (002_…); 嘉峰镇 (001), 淄博 (003) and 长春 (004) give no
date anywhere in their text. The national plan 国发〔2019〕13号 is dated 2019-06-24 and 健康中国行动
（2019—2030年） 2019-07-09 (data/reference/national.json, from the State Council gazette).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.errors import KGError

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
APP = str(ROOT / "app.py")
NATIONAL = dt.date(2019, 6, 24)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def dates_in(stem: str) -> set[dt.date]:
    text = unicodedata.normalize("NFKC", (PLANS / f"{stem}.txt").read_text(encoding="utf-8"))
    return {dt.date(int(y), int(m), int(d)) for y, m, d in DATE.findall(text)}


@pytest.fixture(scope="module")
def graph(built_store):
    with kg.open(built_store) as g:
        yield g


def by_region(plans, region: str, held: bool = True):
    found = [p for p in plans if p.region == region and p.held == held]
    assert len(found) == 1, found
    return found[0]


def test_the_documents_give_these_dates():
    """What the assertions below rest on, checked in the texts themselves."""
    assert dates_in("000_118f31c14681ba11") == {dt.date(2020, 12, 30)}  # signature and 印发 line
    assert dates_in("002_c95cd58d6fdbfc49") == {dt.date(2020, 11, 19)}
    for undated in ("001_e3cc1c46042f0e3f", "003_3b19a394be1abec4", "004_e80d3234836daec5"):
        assert dates_in(undated) == set(), undated
    assert (dt.date(2020, 12, 30) - NATIONAL).days == 555
    assert (dt.date(2020, 11, 19) - NATIONAL).days == 514


def test_days_after_the_national_plan(graph):
    plans = graph.diffusion()
    jincheng, liaocheng = by_region(plans, "晋城市"), by_region(plans, "聊城市")
    assert (jincheng.date, jincheng.days_after_national) == ("2020-12-30", 555)
    assert (liaocheng.date, liaocheng.days_after_national) == ("2020-11-19", 514)
    assert jincheng.doc_number == "晋市政发〔2020〕17号" and jincheng.province == "山西省"
    assert liaocheng.doc_number == "聊政字〔2020〕30号" and liaocheng.province == "山东省"
    national = next(p for p in plans if p.doc_number == "国发〔2019〕13号")
    assert (national.level, national.date, national.days_after_national) == ("national", "2019-06-24", 0)


def test_days_after_the_parent_plan(graph):
    plans = graph.diffusion()
    action_plan = next(p for p in plans if p.title == "健康中国行动（2019—2030年）")
    assert action_plan.parent_date == "2019-06-24"
    assert action_plan.days_after_parent == 15  # 2019-07-09
    # 晋城 derives from 山西省's 晋政发〔2019〕27号, which it cites but the corpus does not hold: no date
    jincheng = by_region(plans, "晋城市")
    assert jincheng.parent_title == "山西省人民政府关于推进健康中国·山西行动的实施意见"
    assert (jincheng.parent_date, jincheng.days_after_parent) == (None, None)


def test_plans_without_a_date_are_listed_not_guessed(graph):
    plans = graph.diffusion()
    held_undated = {p.region for p in plans if p.held and p.date is None}
    assert held_undated == {"嘉峰镇", "淄博市", "长春市"}
    for p in plans:
        if p.date is None:
            assert p.days_after_national is None and p.days_after_parent is None
    # the cited province plans are in the cascade too, undated
    assert {p.region for p in plans if p.level == "province"} == {"山西省", "山东省", "吉林省"}
    assert all(p.date is None and not p.held for p in plans if p.level == "province")


def test_median_lag_per_level(graph):
    levels = {lv.level: lv for lv in graph.diffusion_by_level()}
    assert list(levels) == ["national", "province", "city", "county", "township"]
    city = levels["city"]
    # 聊城 514, 晋城 555; 淄博 and 长春 undated, and the cited 健康晋城建设行动方案 undated
    assert (city.plans, city.dated, city.undated) == (5, 2, 3)
    assert city.median_days_after_national == (514 + 555) / 2
    assert (city.first, city.last) == ("2020-11-19", "2020-12-30")
    assert levels["national"].median_days_after_national == 15  # the nation's own 0 left out
    assert levels["township"].dated == 0 and levels["township"].median_days_after_national is None


def test_filters_by_level_and_province(graph):
    assert {p.region for p in graph.diffusion(level="city", held=True)} == {
        "晋城市",
        "聊城市",
        "淄博市",
        "长春市",
    }
    shandong = graph.diffusion(province="山东省")
    assert {(p.level, p.region) for p in shandong} == {
        ("province", "山东省"),
        ("city", "聊城市"),
        ("city", "淄博市"),
    }
    with pytest.raises(KGError, match="unknown level 'prefecture'"):
        graph.diffusion(level="prefecture")


def test_kg_diffusion_json(built_store, capsys):
    code = main(["diffusion", "--store", str(built_store), "--level", "city", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["national"] == {"doc_number": "国发〔2019〕13号", "date": "2019-06-24"}
    lags = {p["region"]: p["days_after_national"] for p in doc["plans"] if p["held"]}
    assert lags == {"晋城市": 555, "聊城市": 514, "淄博市": None, "长春市": None}
    assert [lv["level"] for lv in doc["levels"]] == ["city"]
    assert doc["levels"][0]["median_days_after_national"] == 534.5


def test_kg_diffusion_table_lists_the_undated(built_store, capsys):
    code = main(["diffusion", "--store", str(built_store), "--province", "山西省"])
    text = capsys.readouterr().out
    assert code == 0
    row = next(line for line in text.splitlines() if "晋市政发〔2020〕17号" in line)
    assert row.split()[-1] == "555"
    undated = text.split("no signing date", 1)[1]
    assert "嘉政发〔2023〕27号  [held]" in undated and "晋政发〔2019〕27号  [not held]" in undated


# -- the explorer page -------------------------------------------------------------------------


@pytest.fixture
def diffusion_page(built_store, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.setenv("KG_PLANS", str(PLANS))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("explorer/pages/diffusion.py").run()
    assert not at.exception, at.exception
    return at


def frame(at, column: str):
    """The dataframe on the page with this column."""
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(found) == 1, f"{len(found)} dataframes with a column {column!r}"
    return found[0]


def test_page_shows_lags_medians_and_undated_plans(diffusion_page):
    metrics = {m.label: m.value for m in diffusion_page.metric}
    assert metrics["National plan · 国发〔2019〕13号"] == "2019-06-24"
    assert metrics["Dated plans · 有日期"] == "4"  # 国发, 健康中国行动, 聊城, 晋城
    plans = frame(diffusion_page, "parent · 上级文件")
    lag = dict(zip(plans["region · 地区"], plans["days after national · 距国家天数"], strict=True))
    assert lag["晋城市"] == 555 and lag["聊城市"] == 514
    levels = frame(diffusion_page, "median days after national · 距国家文件天数中位数")
    city = levels[levels["level · 层级"] == "市级 · City"].iloc[0]
    assert city["median days after national · 距国家文件天数中位数"] == 534.5
    undated = frame(diffusion_page, "document · 文本")
    held = undated[undated["document · 文本"] == "held · 已收录"]
    assert set(held["region · 地区"]) == {"嘉峰镇", "淄博市", "长春市"}
    charts = diffusion_page.get("vega_lite_chart")
    assert len(charts) == 1, "the timeline is missing"
    spec = json.loads(charts[0].proto.spec)
    marks = {layer["mark"]["type"] for layer in spec["layer"]}
    assert marks == {"circle", "rule"}  # plans as points, parent -> child links as rules
    points = chart_data(charts[0], without="parent_lane")  # the points' data, not the links'
    links = chart_data(charts[0], having="parent_lane")
    # the one plan whose parent is dated: 健康中国行动（2019—2030年）, 15 days after 国发
    assert list(zip(links["parent_date"], links["date"], strict=True)) == [("2019-06-24", "2019-07-09")]
    assert sorted(zip(points["region"], points["days_after_national"], strict=True)) == sorted(
        [("中国", 0), ("中国", 15), ("聊城市", 514), ("晋城市", 555)]
    )
    assert any("4 plans as points" in str(c.value) for c in diffusion_page.caption)


def test_page_filters_by_province(diffusion_page):
    diffusion_page.selectbox(key="diff_province").set_value("山东省").run()
    assert not diffusion_page.exception, diffusion_page.exception
    plans = frame(diffusion_page, "parent · 上级文件")
    assert list(plans["region · 地区"]) == ["聊城市"]
    undated = frame(diffusion_page, "document · 文本")
    assert set(undated["region · 地区"]) == {"山东省", "淄博市"}


def test_page_counts_plans_per_month_beyond_the_drawing_limit(built_store, monkeypatch):
    """Beyond the limit the lanes show plans per month (the limit lowered to 3 so that the 4 dated
    seed plans exceed it): 2019-06 and 2019-07 in the national lane, 2020-11 and 2020-12 in the city's."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.syspath_prepend(str(ROOT))
    from explorer import helpers

    monkeypatch.setattr(helpers, "DIFFUSION_MAX_POINTS", 3)
    monkeypatch.setenv("KG_STORE", str(built_store))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("explorer/pages/diffusion.py").run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["mark"]["type"] == "circle" and spec["encoding"]["size"]["field"] == "plans"
    assert any(
        "4 plans: each circle is one level's plans signed in one month" in str(c.value) for c in at.caption
    )
    months = chart_data(at.get("vega_lite_chart")[0])
    assert [
        (lane, str(m)[:7], n)
        for lane, m, n in zip(months["lane"], months["month"], months["plans"], strict=True)
    ] == [
        ("国家 · National", "2019-06", 1),
        ("国家 · National", "2019-07", 1),
        ("市级 · City", "2020-11", 1),
        ("市级 · City", "2020-12", 1),
    ]


def chart_data(element, *, having: str = "", without: str = "\0"):
    """The rows an Altair chart on the page was given (Arrow IPC in the element's datasets): those
    of the datasets with a column ``having`` and none ``without``."""
    import pandas as pd
    import pyarrow as pa

    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in element.proto.datasets]
    return pd.concat([f for f in frames if (not having or having in f.columns) and without not in f.columns])


def test_the_builds_summary_gives_the_rows_the_query_gives(graph):
    from kg.queries import load_query

    assert graph.summaries_fresh()
    by_query = graph.store.query_raw(load_query("diffusion")).plain_rows()
    key = lambda r: str(r["plan"])  # noqa: E731
    assert sorted(graph._diffusion_rows(), key=key) == sorted(by_query, key=key)
    jincheng = next(lag for lag in graph.diffusion() if lag.region == "晋城市")
    assert (jincheng.date, jincheng.days_after_national) == ("2020-12-30", 555)
