"""Indicators: one indicator's targets across plans beside the national target (stricter/equal/looser)."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from explorer import helpers

helpers.page_header(
    "Indicators · 指标",
    "Targets for 2022 and 2030 set by each plan for one indicator, compared with the national target of "
    "the same year: stricter, equal or looser (the direction — higher or lower is better — follows the "
    "national comparator).",
)
k = helpers.key()

names = helpers.indicator_names(k)
default = names.index("居民健康素养水平") if "居民健康素养水平" in names else 0
c1, c2 = st.columns([2, 1])
chosen = c1.selectbox("Indicator · 指标", names, index=default, key="ind_name")
typed = c2.text_input("…or part of a name · 名称片段", value="", key="ind_text").strip()
indicator = typed or chosen
if not indicator:
    st.stop()

frame = helpers.targets(k, indicator)
if frame.empty:
    st.info(f"No targets for an indicator whose name contains {indicator!r}.")
    st.stop()

years = sorted({int(y) for y in frame["year"].dropna()})
show_years = st.multiselect(
    "Years · 年份", years, default=[y for y in years if y in (2022, 2030)] or years, key="ind_years"
)
view = frame[frame["year"].isin(show_years)] if show_years else frame

VERDICT_LABEL = {
    "stricter": "stricter · 更严",
    "equal": "equal · 持平",
    "looser": "looser · 更宽",
    "national": "national · 国家",
    None: "not comparable · 不可比",
}
COLORS = {
    "stricter · 更严": "#2f855a",
    "equal · 持平": "#3182ce",
    "looser · 更宽": "#dd6b20",
    "national · 国家": "#1a202c",
    "not comparable · 不可比": "#a0aec0",
}


def _number(text) -> float | None:
    m = re.search(r"[+-]?\d+(?:\.\d+)?", str(text or ""))
    return float(m.group()) if m else None


chart_data = view.assign(
    numeric=[_number(v) for v in view["value"]],
    verdict_label=[VERDICT_LABEL.get(v if isinstance(v, str) else None) for v in view["verdict"]],
    who=[
        f"{r or ''} · {o}" if o != "national" else f"{r} (national)"
        for r, o in zip(view["region"], view["origin"], strict=True)
    ],
    target=[
        f"{c or ''} {v or ''}{u or ''}"
        for c, v, u in zip(view["comparator"], view["value"], view["unit"], strict=True)
    ],
)
numeric = chart_data.dropna(subset=["numeric"])
if not numeric.empty:
    base = alt.Chart(numeric).encode(
        y=alt.Y("who:N", title=None, sort=alt.SortField("numeric", order="descending")),
        x=alt.X(
            "numeric:Q",
            title=f"target value · 目标值 ({', '.join(sorted({str(u) for u in numeric['unit'].dropna()})) or 'value'})",
        ),
        color=alt.Color(
            "verdict_label:N",
            title="vs national · 与国家比较",
            scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())),
        ),
        tooltip=[
            alt.Tooltip("region:N", title="地区"),
            alt.Tooltip("plan:N", title="文件"),
            alt.Tooltip("indicator:N", title="指标"),
            alt.Tooltip("year:O", title="年份"),
            alt.Tooltip("target:N", title="目标"),
            alt.Tooltip("national:N", title="国家目标"),
            alt.Tooltip("verdict_label:N", title="比较"),
        ],
    )
    bars = base.mark_bar()
    labels = base.mark_text(align="left", dx=3, color="#1a202c").encode(text="target:N")
    chart = (
        alt.layer(bars, labels, data=numeric)
        .properties(height=alt.Step(22))
        .facet(row=alt.Row("year:O", title="year · 年份"))
        .resolve_scale(y="independent")
    )
    st.altair_chart(chart, width="stretch")
    helpers.download_chart(chart, "indicator-targets")
else:
    st.caption("These targets are qualitative: no chart.")

summary = (
    view[view["verdict"].isin(["stricter", "equal", "looser"])]
    .groupby(["year", "verdict"])
    .size()
    .unstack(fill_value=0)
)
if not summary.empty:
    cols = st.columns(3)
    for col, v in zip(cols, ["stricter", "equal", "looser"], strict=True):
        col.metric(VERDICT_LABEL[v], int(summary[v].sum()) if v in summary else 0)

table = view.assign(verdict=[VERDICT_LABEL.get(v if isinstance(v, str) else None) for v in view["verdict"]])
table = table.rename(
    columns={
        "region": "region · 地区",
        "plan": "plan · 文件",
        "indicator": "indicator as written · 原文指标",
        "origin": "found in",
        "year": "year · 年份",
        "comparator": "comparator",
        "value": "value · 目标值",
        "unit": "unit",
        "national": "national · 国家目标",
        "verdict": "vs national · 比较",
    }
)
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", key="ind_table")
helpers.download_table(pd.DataFrame(table), "indicator-targets")
st.caption(
    "found in: target_sentence = a sentence of the plan; annex = an indicator table; "
    "overall_goal = the plan's general goals. A target of another kind (a yearly decrease, a "
    "qualitative aim) is not comparable with a level."
)
