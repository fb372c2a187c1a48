"""The Compare page and the downloads of every page, with Streamlit's AppTest (no browser).

Every table (st.dataframe) is followed by its CSV and Excel buttons, every chart by PNG and SVG, every
drawn network by GraphML; the sidebar offers the whole graph as Turtle and N-Quads.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402
from test_app import APP, TIMEOUT, page, private, run_query, sparql  # noqa: E402, F401

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "e2e_fixtures"
NEEDS = {"dataframe": {"CSV", "Excel"}, "chart": {"PNG", "SVG"}, "network": {"GraphML"}}


@pytest.fixture
def app(built_store, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.setenv("KG_PLANS", str(ROOT / "data" / "plans"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def walk(node):
    """The page's elements in the order they are shown."""
    yield node
    children = getattr(node, "children", None) or {}
    for key in sorted(children):
        yield from walk(children[key])


def kind_of(el) -> str | None:
    name = type(el).__name__
    if name == "Dataframe":
        return "dataframe"
    if name == "DownloadButton":
        return "button"
    proto = getattr(el, "proto", None)
    if getattr(el, "type", None) in ("vega_lite_chart", "arrow_vega_lite_chart"):
        return "chart"
    if getattr(el, "type", None) == "iframe" and "vis-network" in (getattr(proto, "srcdoc", "") or ""):
        return "network"
    return None


def unserved(at: AppTest) -> list[str]:
    """Each table, chart or network of the main area without its download buttons right after it
    (the buttons before the next table, chart or network)."""
    items = [(k, el) for el in walk(at.main) if (k := kind_of(el))]
    missing = []
    for i, (k, _) in enumerate(items):
        if k == "button":
            continue
        labels = set()
        for k2, el2 in items[i + 1 :]:
            if k2 != "button":
                break
            labels.add(el2.proto.label)
        if not NEEDS[k] <= labels:
            missing.append(f"{k} #{i} has {sorted(labels)}")
    return missing


def counts(at: AppTest) -> dict[str, int]:
    out: dict[str, int] = {}
    for el in walk(at.main):
        k = kind_of(el)
        if k:
            out[k] = out.get(k, 0) + 1
    return out


def test_compare_defaults_to_a_plan_and_its_held_parent(app):
    at = page(app, "compare")
    a, b = at.selectbox(key="cmp_a"), at.selectbox(key="cmp_b")
    assert a.value.startswith("晋城市") and b.value.startswith("嘉峰镇")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Themes in both · 共有主题"] == "18"
    assert metrics["Only in A · 仅甲"] == "1"
    assert metrics["Only in B · 仅乙"] == "0"
    themes = at.dataframe[0].value
    row = themes[themes["theme · 主题"] == "慢性呼吸系统疾病防治行动"].iloc[0]
    assert row["status · 状态"] == "only A · 仅甲" and pd.isna(row["B"])
    tobacco = themes[themes["theme · 主题"] == "控烟行动"].iloc[0]
    assert tobacco["text reuse · 文本复用"] == 1.0 and tobacco["from · 来源"] == "link"


def test_compare_passages_of_a_shared_theme(app):
    at = page(app, "compare")
    at.selectbox(key="cmp_theme").select("控烟行动").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "− 建立戒烟服务体系，推广戒烟干预服务。" in shown


def test_compare_targets_of_two_cities(app):
    at = page(app, "compare")
    at.selectbox(key="cmp_b").select(
        next(o for o in at.selectbox(key="cmp_b").options if o.startswith("长春市"))
    )
    at.run()
    targets = next(df.value for df in at.dataframe if "later's target · 后者目标" in df.value.columns)
    row = targets[
        (targets["indicator · 指标"] == "居民健康素养水平") & (targets["year · 年份"] == 2022)
    ].iloc[0]
    assert (row["A"], row["B"], row["later's target · 后者目标"]) == (">= 20%", ">= 22%", "stricter · 更严")


def test_the_same_plan_twice_is_a_warning(app):
    at = page(app, "compare")
    at.selectbox(key="cmp_b").select(at.selectbox(key="cmp_a").value).run()
    assert not at.exception
    assert any("same plan" in w.value for w in at.warning)


PAGES = {
    "overview": {"dataframe": 2, "chart": 1},  # the region's tree is drawn on request
    "departments": {"dataframe": 2, "chart": 1},
    "trace": {"dataframe": 1},
    "indicators": {"dataframe": 1, "chart": 1},
    "compare": {"dataframe": 3, "chart": 1},
    "network": {"dataframe": 1, "network": 1},
    "diffusion": {"dataframe": 2, "chart": 1},
    "matrix": {"dataframe": 2, "chart": 1},
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_table_chart_and_network_has_its_downloads(app, name):
    at = page(app, name)
    found = counts(at)
    for kind, least in PAGES[name].items():
        assert found.get(kind, 0) >= least, (kind, found)
    assert unserved(at) == []
    sidebar = {b.proto.label for b in at.sidebar.get("download_button")}
    assert {"Turtle", "N-Quads"} <= sidebar


def test_sparql_results_and_construct_network_have_downloads(app):
    at = sparql(app)
    at = run_query(at, "CONSTRUCT { ?p hc:derivedFrom ?q } WHERE { ?p hc:derivedFrom ?q }")
    found = counts(at)
    # the seeds' 12 plans: 11 derive from another (the national 国发〔2019〕13号 from none)
    assert len(at.dataframe[0].value) == 11
    assert found.get("dataframe") == 1 and found.get("network") == 1
    assert unserved(at) == []


def test_add_plan_preview_tables_have_downloads(private):  # noqa: F811 - the fixture of test_app
    at, _, _ = private
    at = page(at, "add_plan")
    data = (FIXTURES / "900_xss_plan.txt").read_text(encoding="utf-8").encode("gb18030")
    at.file_uploader[0].set_value(("试验镇方案.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    assert counts(at).get("dataframe", 0) >= 5  # fields, actions, departments, targets or cites, chain
    assert unserved(at) == []
