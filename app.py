"""The Healthy China knowledge-graph explorer: ``streamlit run app.py``.

On first start the graph is built from ``data/plans`` (or ``$KG_PLANS``) into the store
(``$KG_STORE`` or ``data/store``); later starts open the store as it is.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from explorer import helpers
from kg.errors import KGError

# The tab icon: Streamlit draws an emoji icon as an inline SVG (nothing fetched), where an image icon
# makes it import numpy and PIL (0.15-0.2 s on 2 cores) before anything reaches the browser. Set
# before ``st.navigation``, else the first page's Material icon is fetched from a CDN as the tab icon.
st.set_page_config(page_title="Healthy China KG · 健康中国知识图谱", page_icon="🏥", layout="wide")

PAGES = [
    st.Page("explorer/pages/overview.py", title="Overview · 概览", icon=":material/dashboard:", default=True),
    st.Page(
        "explorer/pages/departments.py",
        title="Departments · 部门",
        icon=":material/account_balance:",
        url_path="departments",
    ),
    st.Page("explorer/pages/trace.py", title="Trace · 溯源", icon=":material/timeline:", url_path="trace"),
    st.Page(
        "explorer/pages/indicators.py",
        title="Indicators · 指标",
        icon=":material/monitoring:",
        url_path="indicators",
    ),
    st.Page(
        "explorer/pages/diffusion.py",
        title="Diffusion · 扩散",
        icon=":material/schedule:",
        url_path="diffusion",
    ),
    st.Page(
        "explorer/pages/matrix.py", title="Matrix · 职责矩阵", icon=":material/grid_on:", url_path="matrix"
    ),
    st.Page(
        "explorer/pages/compare.py",
        title="Compare · 对比",
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page("explorer/pages/network.py", title="Network · 网络", icon=":material/hub:", url_path="network"),
    st.Page("explorer/pages/sparql.py", title="SPARQL", icon=":material/code:", url_path="sparql"),
    st.Page(
        "explorer/pages/add_plan.py",
        title="Add a plan · 添加文件",
        icon=":material/upload_file:",
        url_path="add-plan",
    ),
]

nav = st.navigation(PAGES)


def build_with_progress(spec: str) -> None:
    """Build the plans folder into the folder store ``spec``, showing what happens."""
    from kg.build import build

    files = sorted(helpers.plans_dir().rglob("*.txt"))
    with st.status(f"Building the knowledge graph from {len(files)} plan files…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading and extracting the plan texts")
        holder: dict = {}

        def work():
            try:
                holder["result"] = build(
                    [helpers.plans_dir()], spec, progress=lambda *dt: holder.update(progress=dt)
                )
            except BaseException as e:  # reported below, in the script thread
                holder["error"] = e

        t = threading.Thread(target=work, daemon=True)
        start = time.perf_counter()
        t.start()
        while t.is_alive():
            elapsed = time.perf_counter() - start
            done, total = holder.get("progress", (0, len(files)))
            if done < total:
                bar.progress(0.8 * done / max(total, 1), text=f"Extracted {done} of {total} plan texts")
            else:  # linking, validation and writing: no finer progress, creep towards the end
                frac = min(0.97, 0.8 + 0.02 * (elapsed - holder.setdefault("extracted_at", elapsed)))
                bar.progress(frac, text=f"Linking, validating and writing the store… {elapsed:.1f} s")
            t.join(0.2)
        if "error" in holder:
            status.update(label="The build failed", state="error")
            raise holder["error"]
        res = holder["result"]
        bar.progress(1.0, text="Done")
        status.update(
            label=f"Built {res.documents} plans, {res.total_actions} actions, {res.triples:,} triples "
            f"in {res.seconds:.1f} s",
            state="complete",
            expanded=False,
        )


try:
    if not helpers.store_ready():
        with helpers.BUILD_LOCK:
            if not helpers.store_ready():  # another session may have built it while we waited
                build_with_progress(helpers.store_spec())
        helpers.store_ready()
except KGError as e:
    helpers.stop_with(e)

with st.sidebar:
    info = helpers.build_info(helpers.key())
    spec = helpers.store_spec()
    if info:
        st.caption(
            f"Store `{spec}` · {info.get('documents')} documents · {info.get('triples', 0):,} triples · "
            f"built {info.get('built_at', '?')}"
        )
    else:
        st.caption(f"Store `{spec}`")
    st.caption("The whole graph · 整个图谱")
    helpers.download_graph(helpers.key())

nav.run()
