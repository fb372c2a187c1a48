"""The Healthy China knowledge-graph explorer: ``streamlit run app.py``.

On first start the graph is built from ``data/plans`` (or ``$KG_PLANS``) into the store
(``$KG_STORE`` or ``data/store``); later starts open the store as it is.
"""

from __future__ import annotations

import streamlit as st

from explorer import helpers
from kg.errors import KGError

st.set_page_config(
    page_title="Healthy China KG · 健康中国知识图谱", page_icon=helpers.favicon(), layout="wide"
)

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

try:
    helpers.ensure_store()  # builds the store on first start
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

nav.run()
