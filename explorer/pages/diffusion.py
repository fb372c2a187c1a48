"""Diffusion: how many days after the national plan (and after its parent) each plan was signed."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from explorer import analyses, helpers
from kg.api import frame
from kg.api.diffusion import LevelLag, PlanLag, in_province, level_lags, national_doc_number

helpers.page_header(
    "Diffusion over time · 政策扩散",
    "Each plan's signing date against the national plan's (国发〔2019〕13号) and its parent plan's: "
    "the days it took the policy to travel down the levels. Dates are the documents' own; a plan "
    "whose document gives none is listed below, not placed on the timeline.",
)
k = helpers.key()

TIMELINE_MAX_PLANS = helpers.DIFFUSION_MAX_POINTS

every = analyses.diffusion(k)
if not every:
    st.info("No plans in the store.")
    st.stop()
national_date = next((p.date for p in every if p.doc_number == national_doc_number()), None)
level_of = {p.plan: p.level for p in every}

levels = [lv for lv in helpers.LEVELS if lv in set(level_of.values())]
provinces = sorted({p.province for p in every if p.province})
f1, f2 = st.columns([1, 1])
level = f1.selectbox(
    "Level · 层级",
    [None, *levels],
    format_func=lambda lv: "all levels · 全部" if lv is None else helpers.level_label(k, lv),
    key="diff_level",
)
province = f2.selectbox(
    "Province · 省份",
    [None, *provinces],
    format_func=lambda p: "all provinces · 全部" if p is None else p,
    key="diff_province",
)
chosen = [p for p in every if level in (None, p.level) and in_province(p, province)]
view = frame(chosen, PlanLag)
dated = view[view["date"].notna()]
undated = view[view["date"].isna()]

m1, m2, m3 = st.columns(3)
m1.metric(f"National plan · {national_doc_number()}", national_date or "no date")
m2.metric("Dated plans · 有日期", f"{len(dated):,}")
m3.metric("Without a date · 无日期", f"{len(undated):,}")

st.subheader("Median lag per level · 各层级滞后中位数")
lags = frame(level_lags(chosen), LevelLag)
if not lags.empty:
    lags = lags.assign(level=[helpers.level_label(k, lv) for lv in lags["level"]]).rename(
        columns={
            "level": "level · 层级",
            "plans": "plans · 文件数",
            "dated": "dated · 有日期",
            "undated": "undated · 无日期",
            "median_days_after_national": "median days after national · 距国家文件天数中位数",
            "median_days_after_parent": "median days after parent · 距上级文件天数中位数",
            "first": "first signed · 最早",
            "last": "last signed · 最晚",
        }
    )
    st.dataframe(lags, hide_index=True, width="stretch", key="diff_levels")
    helpers.download_table(lags, "diffusion-levels")

st.subheader("Timeline · 时间线")
# one lane for every level of the choice, also those with no dated plan (their absence is the answer)
lane_order = [helpers.level_label(k, lv) for lv in helpers.LEVELS if lv in set(view["level"])]
lane_scale = alt.Scale(domain=lane_order)
if dated.empty:
    st.info("No plan of this choice has a signing date.")
else:
    points = dated.assign(
        lane=[helpers.level_label(k, lv) for lv in dated["level"]],
        when=pd.to_datetime(dated["date"]),
    )
    lane = alt.Y("lane:N", title=None, scale=lane_scale, axis=alt.Axis(labelLimit=200))
    when = alt.X("when:T", title="signing date · 成文日期", axis=alt.Axis(format="%Y-%m"))
    if len(points) <= TIMELINE_MAX_PLANS:
        dots = (
            alt.Chart(points)
            .mark_circle(size=70, opacity=0.85)
            .encode(
                x=when,
                y=lane,
                color=alt.Color("lane:N", title="level · 层级", sort=lane_order),
                tooltip=[
                    alt.Tooltip("region:N", title="地区"),
                    alt.Tooltip("title:N", title="文件"),
                    alt.Tooltip("doc_number:N", title="文号"),
                    alt.Tooltip("date:N", title="成文日期"),
                    alt.Tooltip("days_after_national:Q", title="days after national · 距国家文件"),
                    alt.Tooltip("days_after_parent:Q", title="days after parent · 距上级文件"),
                    alt.Tooltip("parent_title:N", title="上级文件"),
                ],
            )
        )
        links = points[points["parent_date"].notna()].assign(
            parent_when=lambda d: pd.to_datetime(d["parent_date"]),
            parent_lane=lambda d: [helpers.level_label(k, level_of.get(p)) for p in d["parent"]],
        )
        rules = (
            alt.Chart(links)
            .mark_rule(color="#a0aec0", opacity=0.6)
            .encode(
                x="parent_when:T",
                x2="when:T",
                y=alt.Y("parent_lane:N", scale=lane_scale),
                y2="lane:N",
            )
        )
        chart = alt.layer(rules, dots).properties(height=60 * len(lane_order) + 20)
        caption = (
            f"{len(points):,} plans as points, one lane per level; a grey line joins a plan to its "
            f"parent where both are dated ({len(links):,} links)."
        )
    else:
        months = (
            points.assign(month=points["when"].dt.to_period("M").dt.to_timestamp())
            .groupby(["lane", "month"], as_index=False)
            .agg(plans=("plan", "count"), median_days=("days_after_national", "median"))
        )
        chart = (
            alt.Chart(months)
            .mark_circle(opacity=0.8)
            .encode(
                x=alt.X("month:T", title="signing month · 成文月份", axis=alt.Axis(format="%Y-%m")),
                y=lane,
                size=alt.Size("plans:Q", title="plans · 文件数"),
                color=alt.Color("lane:N", title="level · 层级", sort=lane_order),
                tooltip=[
                    alt.Tooltip("lane:N", title="层级"),
                    alt.Tooltip("month:T", title="月份", format="%Y-%m"),
                    alt.Tooltip("plans:Q", title="plans · 文件数"),
                    alt.Tooltip("median_days:Q", title="median days after national"),
                ],
            )
            .properties(height=60 * len(lane_order) + 20)
        )
        caption = (
            f"{len(points):,} plans: each circle is one level's plans signed in one month (more than "
            f"{TIMELINE_MAX_PLANS:,} are not drawn one by one); choose a province or a level to see "
            "each plan and its link to its parent."
        )
    st.altair_chart(chart, width="stretch")
    helpers.download_chart(chart, "diffusion-timeline")
    st.caption(caption)

st.subheader("Plans · 文件")
COLUMNS = {
    "level": "level · 层级",
    "region": "region · 地区",
    "province": "province · 省份",
    "doc_number": "文号",
    "title": "plan · 文件",
    "date": "date · 成文日期",
    "parent_title": "parent · 上级文件",
    "parent_date": "parent date · 上级日期",
    "days_after_parent": "days after parent · 距上级天数",
    "days_after_national": "days after national · 距国家天数",
}
table = dated.assign(level=[helpers.level_label(k, lv) for lv in dated["level"]])[list(COLUMNS)]
st.dataframe(table.rename(columns=COLUMNS), hide_index=True, width="stretch", key="diff_plans")
helpers.download_table(table.rename(columns=COLUMNS), "diffusion-plans")

st.subheader("Plans without a signing date · 无成文日期的文件")
if undated.empty:
    st.caption("Every plan of this choice has a signing date.")
else:
    st.caption(
        "Not guessed: the document gives no date (held), or the plan is only cited by the held "
        "documents (not held)."
    )
    missing = undated.assign(
        level=[helpers.level_label(k, lv) for lv in undated["level"]],
        held=["held · 已收录" if h else "cited, not held · 仅被引用" for h in undated["held"]],
    )[["level", "region", "doc_number", "title", "held"]]
    st.dataframe(
        missing.rename(columns={**COLUMNS, "held": "document · 文本"}),
        hide_index=True,
        width="stretch",
        key="diff_undated",
    )
    helpers.download_table(missing, "diffusion-undated")
