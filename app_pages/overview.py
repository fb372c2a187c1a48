"""Overview: headline counts, the plan hierarchy as an interactive tree, and the table of plans."""

from __future__ import annotations

import time

import streamlit as st

import app_support as sup
from app_pages import _common as common

FIRST_PAINT_PAUSE_S = 0.2

sup.page_header(
    "Healthy China policy cascade · 健康中国政策层级",
    "Plans of every level, their actions, the departments responsible and the targets they set — "
    "read from the plan texts into one knowledge graph.",
)
k = sup.key()
c = sup.counts(k)

cols = st.columns(6)
cols[0].metric("Held plans · 已收录", c["heldPlans"], help="Plans whose full text is in data/plans")
cols[1].metric("All plans · 全部", c["plans"], help="Held plans and the plans they cite or derive from")
cols[2].metric("Actions · 行动", c["actions"], help="Actions of the held plans")
cols[3].metric("Departments · 部门", c["departments"], help="Departments as written, per region")
cols[4].metric("Indicators · 指标", c["indicators"])
cols[5].metric("Triples · 三元组", f"{c['triples']:,}")

if not st.session_state.get("overview_painted"):
    # A session's first run: leave the CPU to the browser for a moment, so that it paints the counts
    # before pandas is imported and the rest of the page computed (both compete with its first
    # render on a 2-core machine; measured: the counts appear ~0.5 s sooner for 0.2 s of pause).
    st.session_state["overview_painted"] = True
    time.sleep(FIRST_PAINT_PAUSE_S)

import pandas as pd  # noqa: E402 - after the counts are on screen (pandas takes ~0.6 s to import)

left, right = st.columns([3, 1])
with right:
    st.subheader("Plans by level · 各层级文件")
    held_by_level: dict[str, int] = {}
    for p in sup.held_plans(k):
        held_by_level[p["level"]] = held_by_level.get(p["level"], 0) + 1
    rows = [
        {
            "level": sup.level_label(k, lv),
            "plans": c["plans_by_level"].get(lv, 0),
            "held": held_by_level.get(lv, 0),
        }
        for lv in sup.level_order()
        if c["plans_by_level"].get(lv)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        "A plan is *held* when its text is in the corpus; the others are known from the documents "
        "that cite them or from the national reference data."
    )

with left:
    st.subheader("Plan hierarchy · 文件层级")
    network_slot = st.container()  # filled last: the counts and the table show first

st.subheader("Plans · 文件列表")
plans = sup.plans_table(k).copy()
only_held = st.toggle("Only plans whose text is held", value=False, key="overview_only_held")
if only_held:
    plans = plans[plans["held"] == True]  # noqa: E712 - nullable boolean column
plans["level"] = [sup.level_label(k, lv) for lv in plans["level"]]
plans = plans.rename(
    columns={
        "title": "title · 标题",
        "doc_number": "文号",
        "issuer": "issuer · 发文机关",
        "date": "date · 成文日期",
        "level": "level · 层级",
        "region": "region · 地区",
        "held": "held · 已收录",
    }
)
st.dataframe(plans.drop(columns=["plan"]), hide_index=True, width="stretch")

with network_slot:
    common.hierarchy_network(k, height="560px")
