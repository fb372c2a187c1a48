"""The explorer app, page by page, with Streamlit's AppTest (no browser).

The seed corpus is built once into a temporary store (``built_store`` in conftest.py) and the app
reads it through ``KG_STORE``; tests that change data work on copies (``KG_PLANS`` points the app at a
copy of the plan folder).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIXTURES = Path(__file__).resolve().parent / "e2e_fixtures"
TIMEOUT = 60


@pytest.fixture
def app(built_store, monkeypatch):
    """The app on the seed store, first page run."""
    monkeypatch.setenv("KG_STORE", str(built_store))
    monkeypatch.setenv("KG_PLANS", str(ROOT / "data" / "plans"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"explorer/pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def frame_with(at: AppTest, column_part: str):
    """The first dataframe on the page with a column whose name contains ``column_part``."""
    for df in at.dataframe:
        value = df.value
        if any(column_part in str(c) for c in value.columns):
            return value
    raise AssertionError(f"no dataframe with a column like {column_part!r}")


def html_blobs(at: AppTest) -> list[str]:
    """The HTML of the iframes (st.iframe: ``srcdoc``) and st.html elements on the page."""
    blobs = []
    for el in at.get("iframe"):
        blobs.append(el.proto.srcdoc)
    for el in at.get("html"):
        blobs.append(el.proto.body)
    return blobs


def pyvis_pages(at: AppTest) -> list[str]:
    return [b for b in html_blobs(at) if "vis-network" in b or "vis.Network" in b]


# -- overview ----------------------------------------------------------------------------------


def test_overview_counts_cascade_and_plans(app, built_store):
    metrics = {m.label: m.value for m in app.metric}
    held = next(v for k, v in metrics.items() if k.startswith("Held plans"))
    assert held == "5"
    assert next(v for k, v in metrics.items() if k.startswith("Actions")) == "87"
    # department kinds (canonical types) apart from department bodies (one per region)
    from kg.graph import PolicyGraph

    with PolicyGraph.open(store=built_store) as g:
        kinds, bodies = len(g.top_departments()), g.named("build_counts").records()[0]["departments"]
    assert kinds < bodies
    assert next(v for k, v in metrics.items() if k.startswith("Dept. kinds")) == f"{kinds:,}"
    assert next(v for k, v in metrics.items() if k.startswith("Dept. bodies")) == f"{bodies:,}"
    plans = frame_with(app, "文号")
    assert len(plans) >= 5
    assert "晋市政发〔2020〕17号" in set(plans["文号"].dropna())
    assert {"issuer · 发文机关", "date · 成文日期", "level · 层级"} <= set(plans.columns)
    # the cascade is drawn as a sunburst of regions, the provinces of the seeds to choose from
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart"), "no sunburst"
    assert set(app.selectbox(key="overview_province").options) == {"all · 全部", "山西省", "山东省", "吉林省"}
    caption = " ".join(str(c.value) for c in app.sidebar.caption)
    assert "5 documents" in caption, caption
    assert app.session_state["overview_painted"] is True  # the first-paint pause is taken once


def test_overview_sunburst_counts_plans_and_coverage(built_store):
    """山西省's plans: its own, 晋城市's two (one held), 沁水县's (cited by 嘉峰镇's) and 嘉峰镇's (held)."""
    from explorer import sunburst
    from kg.graph import PolicyGraph

    with PolicyGraph.open(store=built_store) as g:
        rows = sunburst.region_rows(sunburst.with_path(g.plan_tree()))
    arcs = {(r["level"], r["region"]): r for r in rows}
    assert (arcs["province", "山西省"]["plans"], arcs["province", "山西省"]["held"]) == (5, 2)
    assert (arcs["city", "晋城市"]["plans"], arcs["city", "晋城市"]["held"]) == (4, 2)
    assert (arcs["county", "沁水县"]["plans"], arcs["county", "沁水县"]["coverage"]) == (2, 0.5)
    assert arcs["city", "聊城市"]["path"] == "山东省 › 聊城市"
    # the rings fill the circle: the provinces' arcs end to end
    provinces = sorted((r for r in rows if r["ring"] == 0), key=lambda r: r["start"])
    assert provinces[0]["start"] == 0 and abs(provinces[-1]["end"] - 2 * 3.141592653589793) < 1e-9
    assert sum(r["plans"] for r in provinces) == 10  # the 12 plans but the two national ones


def test_overview_drills_down_to_one_region(app):
    at = app
    at.selectbox(key="overview_province").set_value("山西省").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="overview_city").options == ["all · 全部", "晋城市"]
    at.selectbox(key="overview_city").set_value("晋城市").run()
    plans = frame_with(at, "文号")
    assert set(plans["region · 地区"]) == {"晋城市", "沁水县", "嘉峰镇"} and len(plans) == 4
    at.toggle(key="overview_draw_tree").set_value(True).run()
    assert not at.exception, at.exception
    drawn = pyvis_pages(at)[0]
    assert "嘉峰镇" in drawn and "聊城市" not in drawn


def test_build_info_leaves_out_the_file_list(built_store, monkeypatch):
    """The app's copy of build.json has no per-document lists (5.5 MB at 10,000 plans) but keeps the
    rest."""
    monkeypatch.syspath_prepend(str(ROOT))
    from explorer import helpers
    from kg.locations import read_build_info

    assert {"files", "replaced_graphs", "removed_graphs"} <= set(read_build_info(built_store))
    info = helpers.build_info((str(built_store), "test-stamp"))
    assert "files" not in info and "replaced_graphs" not in info and "removed_graphs" not in info
    assert info["documents"] == 5
    assert info["counts"]["heldPlans"] == 5
    assert info["counts"]["actions"] == 87


def test_overview_levels_are_bilingual(app):
    levels = frame_with(app, "held")
    assert "市级 · City" in set(levels["level"])


# -- departments -------------------------------------------------------------------------------


def test_departments_ranking_and_actions(app):
    at = page(app, "departments")
    ranking = frame_with(at, "actions · 行动数")
    first = ranking.iloc[0]
    assert first["department · 部门"] == "卫生健康委员会"
    assert int(first["actions · 行动数"]) == 69
    assert first["department (en)"] == "Health Commission"
    # choosing the department lists its actions with plan, role and source sentence
    at.selectbox(key="dept_choice").set_value("hcid:department-type/health").run()
    acts = frame_with(at, "source sentence")
    assert {"plan · 文件", "action · 行动", "role · 角色", "source sentence · 原文"} <= set(acts.columns)
    assert acts["source sentence · 原文"].dropna().str.len().min() > 0
    assert any("69 actions" in c for c in texts(at.caption))


def test_departments_asks_to_narrow_a_long_list(built_store, monkeypatch):
    """A department with more actions than the page lists asks for a level or a plan first (the
    limit lowered to 60 so that the health commission's 69 exceed it)."""
    monkeypatch.syspath_prepend(str(ROOT))
    from explorer import helpers

    monkeypatch.setattr(helpers, "DEPARTMENT_LIST_LIMIT", 60)
    monkeypatch.setenv("KG_STORE", str(built_store))
    at = page(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), "departments")
    at.selectbox(key="dept_choice").set_value("hcid:department-type/health").run()
    assert not at.exception, at.exception
    notice = [str(i.value) for i in at.info]
    assert any("69 actions: too many to list here (at most 60)" in n for n in notice), notice
    assert not any("source sentence" in str(c) for df in at.dataframe for c in df.value.columns)
    # within one plan the list is short enough
    plans = at.selectbox(key="dept_plan")
    plans.set_value(next(o for o in plans.options if "聊城" in o)).run()
    acts = frame_with(at, "source sentence")
    assert 0 < len(acts) <= 60
    assert set(acts["plan · 文件"]) == {"聊城市人民政府关于贯彻健康山东行动推进健康聊城建设的实施意见"}


def test_departments_filters(app):
    at = page(app, "departments")
    at.radio(key="dept_role").set_value("lead").run()
    lead = frame_with(at, "actions · 行动数")
    assert lead.iloc[0]["department · 部门"] == "卫生健康委员会"
    assert int(lead.iloc[0]["actions · 行动数"]) == 55
    at.radio(key="dept_role").set_value("any").run()
    plan = next(o for o in at.selectbox(key="dept_plan").options if o.startswith("聊城市"))
    at.selectbox(key="dept_plan").set_value(plan).run()
    one = frame_with(at, "actions · 行动数")
    assert int(one.iloc[0]["actions · 行动数"]) == 15
    assert set(one["plans · 文件数"]) == {1}
    # the township plan names no departments: said so, not an empty chart
    at.selectbox(key="dept_plan").set_value("all plans · 全部")
    at.selectbox(key="dept_level").set_value("township").run()
    assert any("No department" in s for s in texts(at.info))


# -- trace -------------------------------------------------------------------------------------


def test_trace_reaches_the_national_action(app):
    at = page(app, "trace")
    plan = next(o for o in at.selectbox(key="trace_plan").options if o.startswith("嘉峰镇"))
    at.selectbox(key="trace_plan").set_value(plan).run()
    at.selectbox(key="trace_action").set_value("控烟行动").run()
    assert not at.exception, at.exception
    chain = frame_with(at, "level · 层级")
    assert chain.iloc[0]["region · 地区"] == "嘉峰镇"
    last = chain.iloc[-1]
    assert last["level · 层级"].startswith("国家")
    assert last["文号"] == "国发〔2019〕13号"
    assert last["action · 行动"] == "控烟行动"
    assert any("national level" in s for s in texts(at.success))
    # the texts side by side, reused passages highlighted
    marked = [b for b in html_blobs(at) if '<mark class="reused">' in b]
    assert marked, "no highlighted reuse"
    assert any("无烟" in b for b in marked)
    # the reuse the links graph holds: 嘉峰镇 repeats 晋城's text in full and drops two clauses
    labels = [e.label for e in at.expander]
    assert "嘉峰镇 控烟行动 → 晋城市 控烟行动 · reused 100% of the child's text" in labels, labels
    assert "晋城市 控烟行动 → 中国 控烟行动 · reuse not measured" in labels, labels
    dropped = frame_with(at, "clause")
    assert len(dropped) == 2 and dropped["clause · 分句"].iloc[0] == "建立戒烟服务体系，推广戒烟干预服务。"
    assert any(
        '<mark class="dropped">建立戒烟服务体系，推广戒烟干预服务。</mark>' in b for b in html_blobs(at)
    )


# -- indicators --------------------------------------------------------------------------------


def test_indicators_liaocheng_2022_is_stricter(app):
    at = page(app, "indicators")
    at.selectbox(key="ind_name").set_value("居民健康素养水平").run()
    table = frame_with(at, "vs national")
    row = table[(table["region · 地区"] == "聊城市") & (table["year · 年份"] == 2022)]
    assert len(row) == 1
    assert row.iloc[0]["vs national · 比较"].startswith("stricter")
    national = table[table["region · 地区"] == "中国"]
    assert set(national["year · 年份"]) == {2022, 2030}
    assert at.get("vega_lite_chart"), "no chart"


# -- network -----------------------------------------------------------------------------------


def test_network_page_embeds_pyvis(app):
    at = page(app, "network")
    blobs = pyvis_pages(at)
    assert blobs, "no pyvis HTML on the page"
    html = blobs[0]
    assert "<canvas" in html or "new vis.Network" in html
    assert "http://" not in html and "https://" not in html.replace("https://w3id.org", "")
    nodes = frame_with(at, "kind")
    assert len(nodes) > 10
    at.radio(key="net_view").set_value("cooccurrence").run()
    assert not at.exception, at.exception
    at.radio(key="net_size").set_value("pagerank").run()
    assert not at.exception, at.exception
    assert pyvis_pages(at)


# -- SPARQL ------------------------------------------------------------------------------------

PER_PLAN = """SELECT ?plan (COUNT(?action) AS ?n)
WHERE { ?plan a hc:Plan ; hc:held true ; eli:has_part ?action }
GROUP BY ?plan"""


def sparql(app) -> AppTest:
    at = page(app, "sparql")
    at.toggle(key="sparql_rich").set_value(False).run()
    return at


def run_query(at: AppTest, text: str) -> AppTest:
    at.text_area(key="sparql_area").set_value(text)
    at.button(key="sparql_run").click().run()
    assert not at.exception, at.exception
    return at


def test_sparql_select_table_downloads_and_url(app):
    at = run_query(sparql(app), PER_PLAN)
    assert not at.error, texts(at.error)
    result = frame_with(at, "n")
    assert len(result) == 5
    assert sorted(int(n) for n in result["n"]) == [15, 16, 18, 19, 19]
    labels = {b.label for b in at.get("download_button")} if at.get("download_button") else set()
    assert {"CSV", "JSON"} <= labels
    assert at.query_params.get("q") in (PER_PLAN, [PER_PLAN])


def test_sparql_query_from_the_address(built_store, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(built_store))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("explorer/pages/sparql.py")
    at.query_params["q"] = PER_PLAN
    at.run()
    assert not at.exception, at.exception
    assert len(frame_with(at, "n")) == 5


def test_sparql_syntax_error_has_line(app):
    at = run_query(sparql(app), "SELECT ?s WHERE {\n  ?s ?p \n")
    assert at.error, "no error shown"
    assert "line" in at.error[0].value


def test_sparql_update_is_refused(app):
    at = run_query(sparql(app), "DROP ALL")
    assert at.error, "no refusal shown"
    message = at.error[0].value.lower()
    assert "refused" in message and "read-only" in message
    # the store is untouched
    at = run_query(at, PER_PLAN)
    assert len(frame_with(at, "n")) == 5


def test_sparql_example_and_construct_network(app):
    at = sparql(app)
    at.selectbox(key="sparql_example").set_value("actions_per_plan").run()
    at.button(key="sparql_load").click().run()
    assert "hc:held true" in at.text_area(key="sparql_area").value
    at.button(key="sparql_run").click().run()
    assert len(frame_with(at, "actions")) == 5
    construct = "CONSTRUCT { ?p hc:derivedFrom ?q } WHERE { ?p hc:derivedFrom ?q }"
    at = run_query(at, construct)
    assert not at.error, texts(at.error)
    triples = frame_with(at, "predicate")
    assert len(triples) > 5
    assert pyvis_pages(at)


# -- add a plan --------------------------------------------------------------------------------


@pytest.fixture
def private(store_copy, tmp_path, monkeypatch):
    """A private copy of the store and of the plan folder (the app may change both)."""
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "data" / "plans", plans)
    monkeypatch.setenv("KG_STORE", str(store_copy))
    monkeypatch.setenv("KG_PLANS", str(plans))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at, plans, store_copy


def test_add_plan_bad_upload_changes_nothing(private):
    at, plans, store = private
    before = sorted(p.name for p in plans.rglob("*"))
    stamp = (store / "build.json").read_bytes()
    at = page(at, "add_plan")
    data = (FIXTURES / "900_bad_plan.txt").read_bytes()
    at.file_uploader[0].set_value(("900_bad_plan.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert errors and "900_bad_plan.txt" in errors[0] and "no numbered actions" in errors[0]
    at.file_uploader[0].set_value(("big.txt", b"x" * (5 * 1024 * 1024 + 1), "text/plain")).run()
    assert "big.txt" in at.error[0].value and "too large" in at.error[0].value
    at.file_uploader[0].set_value(("empty.txt", b"", "text/plain")).run()
    assert "empty.txt" in at.error[0].value
    assert not any(b.key == "add_plan_confirm" for b in at.button)
    assert sorted(p.name for p in plans.rglob("*")) == before
    assert (store / "build.json").read_bytes() == stamp


def test_add_plan_preview_then_confirm(private):
    at, plans, store = private
    at = page(at, "add_plan")
    data = (FIXTURES / "900_xss_plan.txt").read_text(encoding="utf-8").encode("gb18030")
    at.file_uploader[0].set_value(("试验镇方案.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    assert not at.error, texts(at.error)
    meta = frame_with(at, "field")
    assert "试验镇政发〔2024〕9号" in set(meta["value"])
    assert "gb18030" in set(meta["value"])
    actions = frame_with(at, "lead · 牵头")
    assert len(actions) == 3
    depts = frame_with(at, "canonical type")
    assert "health" in set(depts["canonical type · 部门类型"])
    chain = frame_with(at, "linked up by")
    assert "国发〔2019〕13号" in set(chain["文号"].dropna())
    assert not (plans / "uploads").exists()
    at.button(key="add_plan_confirm").click().run()
    assert not at.exception, at.exception
    assert any("now holds 6 plans" in s for s in texts(at.success))
    assert (plans / "uploads" / "试验镇方案.txt").read_bytes() == data
    at = page(at, "overview")
    assert next(m.value for m in at.metric if m.label.startswith("Held plans")) == "6"


def test_add_plan_shows_where_each_field_was_read_and_the_warnings(private):
    """A notice as found on a government site: its title and the plan it sends, each field with
    where it was read; a document without numbered actions is previewed with the build's warning."""
    at, plans, store = private
    at = page(at, "add_plan")
    data = (ROOT / "tests" / "fixtures" / "real" / "b12_qiannan.txt").read_bytes()
    at.file_uploader[0].set_value(("b12_qiannan.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    assert not at.error, texts(at.error)
    meta = frame_with(at, "read from").set_index("field")
    assert meta.loc["title · 标题", "value"] == "黔南州人民政府办公室关于印发健康黔南行动实施方案的通知"
    assert meta.loc["attached plan · 所附方案", "value"] == "健康黔南行动实施方案"
    assert meta.loc["date · 成文日期", ["value", "read from"]].tolist() == ["2020-05-20", "signature · 落款"]
    assert meta.loc["region · 地区", ["value", "read from"]].tolist() == [
        "黔南布依族苗族自治州",
        "heading · 标题行",
    ]
    assert not texts(at.warning)

    data = (ROOT / "tests" / "fixtures" / "real" / "a01_guowuyuan_shishi_yijian.txt").read_bytes()
    at.file_uploader[0].set_value(("a01.txt", data, "text/plain")).run()
    assert not at.exception, at.exception
    assert texts(at.warning)[0] == (
        "a01.txt: no numbered actions found: kept as a policy document with its metadata, citations and targets"
    )


def test_first_start_builds_the_store(tmp_path, monkeypatch):
    store = tmp_path / "fresh" / "store"
    monkeypatch.setenv("KG_STORE", str(store))
    monkeypatch.setenv("KG_PLANS", str(ROOT / "data" / "plans"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert (store / "build.json").exists()
    assert next(m.value for m in at.metric if m.label.startswith("Held plans")) == "5"
    assert any(s.label.startswith("Built 5 plans") for s in at.status)


def test_a_damaged_store_is_reported_on_the_page(built_store, tmp_path, monkeypatch):
    """The store is opened at the first query, not before the page starts: with its build.json
    intact and its database damaged, the Overview still shows the build's counts, then the page's
    message naming the folder, and no traceback."""
    store = tmp_path / "store"
    store.mkdir()
    shutil.copy(built_store / "build.json", store / "build.json")
    (store / "CURRENT").write_text("junk\n")  # RocksDB's pointer to its manifest, damaged
    monkeypatch.setenv("KG_STORE", str(store))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert next(m.value for m in at.metric if m.label.startswith("Held plans")) == "5"
    assert len(at.error) == 1, texts(at.error)
    message = at.error[0].value
    assert message.startswith("Cannot open the knowledge graph:") and str(store) in message, message
    assert "Corruption" in message, message


def test_the_counts_are_written_before_any_heavy_import(built_store):
    """The app's first run writes the overview's counts (app.py's page config, navigation and
    sidebar, the page's header and its seven metrics) before it imports rdflib, pyoxigraph, pandas,
    pyarrow, Altair, numpy or PIL: on 2 cores each would hold back the first paint. The run is
    watched in a fresh process, at the moment the last count (triples) is written."""
    import json
    import os
    import subprocess
    import sys

    heavy = ("rdflib", "pyoxigraph", "pandas", "pyarrow", "altair", "numpy", "PIL", "kg.store", "kg.graph")
    code = f"""
import json, sys
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

seen = {{}}
write_metric = DeltaGenerator.metric


def metric(self, label, value, *args, **kwargs):
    if str(label).startswith("Triples"):
        seen["loaded"] = [m for m in {heavy!r} if m in sys.modules]
        seen["value"] = value
    return write_metric(self, label, value, *args, **kwargs)


DeltaGenerator.metric = metric
at = AppTest.from_file({APP!r}, default_timeout={TIMEOUT}).run()
assert not at.exception, at.exception
seen["after"] = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps(seen))
"""
    env = dict(os.environ, KG_STORE=str(built_store))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    triples = json.loads((built_store / "build.json").read_text(encoding="utf-8"))["triples"]
    assert seen["value"] == f"{triples:,}"
    assert seen["loaded"] == []
    # the rest of the page did import them: the watch saw the counts of a whole run
    assert {"pandas", "pyarrow", "numpy"} <= set(seen["after"]), seen["after"]


def test_stop_with_raises_outside_a_streamlit_run(monkeypatch):
    """In bare mode st.stop does nothing: the error itself must come out, not a None graph."""
    monkeypatch.syspath_prepend(str(ROOT))
    from explorer import helpers
    from kg.errors import KGError

    with pytest.raises(KGError, match="no store here"):
        helpers.stop_with(KGError("/nowhere: no store here"))


# -- document text stays text ------------------------------------------------------------------

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def xss_store(tmp_path_factory):
    """The seeds plus a plan whose department and action names hold HTML (see tests/e2e_fixtures)."""
    from kg.build import build

    store = tmp_path_factory.mktemp("xss") / "store"
    build([ROOT / "data" / "plans", FIXTURES / "900_xss_plan.txt"], str(store))
    return store


def test_html_in_documents_is_escaped(xss_store, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(xss_store))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at = page(at, "departments")
    plan = next(o for o in at.selectbox(key="dept_plan").options if o.startswith("试验镇"))
    at.selectbox(key="dept_plan").set_value(plan).run()
    acts = frame_with(at, "department as written")
    assert "<img src=x onerror=xss=1>卫健委" in set(acts["department as written · 原文部门"])
    reading = [b for b in html_blobs(at) if "kg-read" in b]
    assert reading
    assert "&lt;img src=x onerror=xss=1&gt;卫健委" in reading[0]
    assert "&lt;script&gt;xss=1&lt;/script&gt;" in reading[0]
    assert "<img" not in reading[0] and "<script" not in reading[0]

    at = page(at, "network")
    plan = next(o for o in at.selectbox(key="net_plan").options if o.startswith("试验镇"))
    at.selectbox(key="net_plan").set_value(plan).run()
    html = pyvis_pages(at)[0]
    body = html.split("<body", 1)[1]
    assert "<img src=x" not in body and "<script>xss" not in body
    node = next(n for n in at.selectbox(key="net_node").options if "全民健身行动" in str(n))
    at.selectbox(key="net_node").set_value(node).run()
    card = [b for b in html_blobs(at) if "kg-card" in b][0]
    assert "&lt;script&gt;xss=1&lt;/script&gt;全民健身行动" in card and "<script>xss" not in card

    at = page(at, "trace")
    plan = next(o for o in at.selectbox(key="trace_plan").options if o.startswith("试验镇"))
    at.selectbox(key="trace_plan").set_value(plan).run()
    at.selectbox(key="trace_action").set_value("<img src=x onerror=xss=1>控烟行动").run()
    assert not at.exception, at.exception
    for blob in html_blobs(at):
        assert "<img src=x" not in blob and "<script>xss" not in blob


def test_network_opens_on_the_highest_level_held_plan(app, built_store):
    """The bounded default: one plan, the held plan of the highest level (of the seeds: a city's,
    the first by region), with fewer nodes than all plans together."""
    from kg.graph import PolicyGraph

    with PolicyGraph.open(store=built_store) as g:
        held = [r for r in g.named("hierarchy").records() if r.get("held")]
    top = min(held, key=lambda r: (int(r["rank"]), str(r["region"]), str(r["title"])))
    at = page(app, "network")
    assert at.selectbox(key="net_plan").value.startswith(f"{top['region']} — ")
    one = len(frame_with(at, "kind"))
    at.selectbox(key="net_plan").set_value("all plans · 全部").run()
    assert not at.exception, at.exception
    assert len(frame_with(at, "kind")) > one


def test_indicators_table_is_searchable(app):
    at = page(app, "indicators")
    at.selectbox(key="ind_name").set_value("居民健康素养水平").run()
    at.text_input(key="ind_search").set_value("聊城").run()
    assert not at.exception, at.exception
    table = frame_with(at, "vs national")
    assert set(table["region · 地区"]) == {"聊城市"} and set(table["year · 年份"]) == {2022, 2030}
