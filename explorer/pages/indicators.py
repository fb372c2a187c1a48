"""Indicators: one indicator's targets across plans beside the national target (stricter/equal/looser)."""

from __future__ import annotations

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


values = helpers.target_values(k, indicator)
values = values[values["year"].isin(show_years)] if show_years else values
local = values[~values["reference"].astype(bool)]
national = values[values["reference"].astype(bool)].drop_duplicates("year")
if not local.empty:
    order = [lv for lv in helpers.LEVELS if lv in set(local["level"].dropna())]
    shown = local.assign(
        level_label=[helpers.level_label(k, lv) for lv in local["level"]],
        target=[
            f"{c or ''} {v:g}{u or ''}"
            for c, v, u in zip(local["comparator"], local["value"], local["unit"].fillna(""), strict=True)
        ],
    )
    units = ", ".join(sorted({str(u) for u in local["unit"].dropna()})) or "value"
    y = alt.Y("level_label:N", title=None, sort=[helpers.level_label(k, lv) for lv in order])
    charts = []
    for year in sorted(set(int(v) for v in local["year"])):
        data = shown[shown["year"] == year]
        box = (
            alt.Chart(data)
            .mark_boxplot(extent="min-max", size=18, color="#90cdf4")
            .encode(
                x=alt.X("value:Q", title=f"target value · 目标值 ({units})", scale=alt.Scale(zero=False)), y=y
            )
        )
        points = (
            alt.Chart(data)
            .mark_tick(color="#2b6cb0", opacity=0.5, thickness=1)
            .encode(
                x="value:Q",
                y=y,
                tooltip=[
                    alt.Tooltip("region:N", title="地区"),
                    alt.Tooltip("title:N", title="文件"),
                    alt.Tooltip("indicatorName:N", title="指标"),
                    alt.Tooltip("target:N", title="目标"),
                ],
            )
        )
        layers = [box, points]
        mark = national[national["year"] == year]
        if not mark.empty:
            rule = alt.Chart(
                mark.assign(
                    label=[
                        f"national · 国家 {c} {v:g}"
                        for c, v in zip(mark["comparator"], mark["value"], strict=True)
                    ]
                )
            )
            layers.append(
                rule.mark_rule(color="#c53030", strokeWidth=2).encode(x="value:Q", tooltip=["label:N"])
            )
            layers.append(
                rule.mark_text(color="#c53030", align="left", dx=4, dy=-6, baseline="bottom").encode(
                    x="value:Q", y=alt.value(0), text="label:N"
                )
            )
        charts.append(alt.layer(*layers).properties(title=f"{year}", height=alt.Step(34)))
    chart = alt.vconcat(*charts)
    st.altair_chart(chart, width="stretch")
    helpers.download_chart(chart, "indicator-targets")
    st.caption(
        f"{len(local):,} targets of {local['plan'].nunique():,} plans, by level: the box spans the lowest "
        "to the highest target, its line the median; each tick is one plan's target; the red line the "
        "national target of that year."
    )
else:
    st.caption("These targets are qualitative: no chart.")

summary = (
    view[view["verdict"].isin(["stricter", "equal", "looser"])]
    .groupby(["year", "verdict"])
    .size()
    .unstack(fill_value=0)
)
st.subheader("Each target vs national · 与国家目标比较")
if not summary.empty:
    cols = st.columns(3)
    for col, v in zip(cols, ["stricter", "equal", "looser"], strict=True):
        col.metric(VERDICT_LABEL[v], int(summary[v].sum()) if v in summary else 0)

search = st.text_input(
    "Search the table · 搜索 (region, plan, indicator)", value="", key="ind_search"
).strip()
if search:
    hay = view[["region", "plan", "indicator"]].astype(str).agg(" ".join, axis=1)
    view = view[hay.str.contains(search, regex=False)]
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
