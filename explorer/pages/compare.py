"""Compare: two plans side by side — themes, departments, targets, and the text the later one reuses."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from explorer import analyses, helpers
from kg.errors import KGError

helpers.page_header(
    "Compare plans · 文件对比",
    "Any two plans side by side: the themes both have and those only one has, the departments each "
    "names, the targets both set for the same indicator and year (the later plan's stricter, equal or "
    "looser), and per shared theme how much of the later plan's text repeats the earlier plan's.",
)
k = helpers.key()

plans = helpers.held_plans(k)
if len(plans) < 2:
    st.info("Two held plans are needed to compare.")
    st.stop()
labels = [helpers.plan_option(p) for p in plans]
iris = [p["plan"] for p in plans]
b_default = 0  # the lowest level first: a township or county plan
up = analyses.held_ancestor(k, iris[b_default])
a_default = iris.index(up) if up in iris else (1 if b_default == 0 else 0)
c1, c2 = st.columns(2)
a_label = c1.selectbox("Plan A · 文件甲", labels, index=a_default, key="cmp_a")
b_label = c2.selectbox("Plan B · 文件乙", labels, index=b_default, key="cmp_b")
a_iri, b_iri = iris[labels.index(a_label)], iris[labels.index(b_label)]
try:
    found = analyses.compare_plans(k, a_iri, b_iri)
except KGError as e:
    st.warning(str(e))
    st.stop()

A, B = found["a"], found["b"]
later = found[found["later"]]
BY = {"date": "signed later", "level": "lower level", "order": "given second (no dates or levels to tell)"}
st.caption(
    f"A: {A['region'] or ''} {A['doc_number'] or ''} · {A['date'] or 'no date'} — "
    f"B: {B['region'] or ''} {B['doc_number'] or ''} · {B['date'] or 'no date'}. "
    f"Text reuse is measured for **{later['region'] or later['title']}** ({BY[found['later_by']]})."
)
STATUS = {"both": "both · 共有", "only_a": "only A · 仅甲", "only_b": "only B · 仅乙"}
themes = found["themes"]
m = st.columns(4)
m[0].metric("Themes in both · 共有主题", sum(t["status"] == "both" for t in themes))
m[1].metric("Only in A · 仅甲", sum(t["status"] == "only_a" for t in themes))
m[2].metric("Only in B · 仅乙", sum(t["status"] == "only_b" for t in themes))
shared = [t for t in themes if t["reuse"] is not None]
m[3].metric(
    "Median text reuse · 文本复用中位数",
    f"{pd.Series([t['reuse'] for t in shared]).median():.0%}" if shared else "—",
)

st.subheader("Themes · 主题")
theme_table = pd.DataFrame(
    [
        {
            "theme · 主题": t["theme"],
            "national · 国家序号": t["national"],
            "A": t["a_action"],
            "B": t["b_action"],
            "status · 状态": STATUS[t["status"]],
            "text reuse · 文本复用": None if t["reuse"] is None else round(t["reuse"], 3),
            "from · 来源": t["reuse_from"],
        }
        for t in themes
    ]
)
st.dataframe(theme_table, hide_index=True, width="stretch")
helpers.download_table(theme_table, "compare-themes")

if shared:
    reuse_data = pd.DataFrame({"theme": [t["theme"] for t in shared], "reuse": [t["reuse"] for t in shared]})
    chart = (
        alt.Chart(reuse_data)
        .mark_bar(color="#c53030")
        .encode(
            y=alt.Y(
                "theme:N",
                title=None,
                sort=[t["theme"] for t in shared],
                axis=alt.Axis(labelOverlap=False, labelLimit=240),
            ),
            x=alt.X(
                "reuse:Q",
                title="share of the later text repeating the earlier · 复用比例",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=["theme", alt.Tooltip("reuse:Q", format=".0%")],
        )
        .properties(height=max(120, 22 * len(shared)))
    )
    st.altair_chart(chart, width="stretch")
    helpers.download_chart(chart, "compare-reuse")

    names = [t["theme"] for t in shared]
    pick = st.selectbox("Passages of a shared theme · 共有主题的文本差异", names, key="cmp_theme")
    chosen = shared[names.index(pick)]
    c1, c2 = st.columns(2)
    c1.markdown("**Dropped from the earlier text · 删去的语句**")
    c1.markdown(
        "<br>".join(f"− {helpers.esc(p)}" for p in chosen["dropped"]) or "(none)", unsafe_allow_html=True
    )
    c2.markdown("**Added by the later text · 新增的语句**")
    c2.markdown(
        "<br>".join(f"+ {helpers.esc(p)}" for p in chosen["added"]) or "(none)", unsafe_allow_html=True
    )

st.subheader("Departments · 部门")
dept_table = pd.DataFrame(
    [
        {
            "department · 部门": d["department"],
            "department (en)": d["department_en"],
            "A lead · 甲牵头": d["a_lead"],
            "A participant · 甲参与": d["a_participant"],
            "B lead · 乙牵头": d["b_lead"],
            "B participant · 乙参与": d["b_participant"],
            "status · 状态": STATUS[d["status"]],
        }
        for d in found["departments"]
    ],
    columns=[
        "department · 部门",
        "department (en)",
        "A lead · 甲牵头",
        "A participant · 甲参与",
        "B lead · 乙牵头",
        "B participant · 乙参与",
        "status · 状态",
    ],
)
if dept_table.empty:
    st.info("Neither plan assigns its actions to departments.")
else:
    st.dataframe(dept_table, hide_index=True, width="stretch")
    helpers.download_table(dept_table, "compare-departments")

st.subheader("Targets of shared indicators · 共有指标的目标")
VERDICT = {
    "stricter": "stricter · 更严",
    "equal": "equal · 持平",
    "looser": "looser · 更宽",
    None: "not comparable · 不可比",
}
target_table = pd.DataFrame(
    [
        {
            "indicator · 指标": t["indicator"],
            "year · 年份": t["year"],
            "A": t["a_target"],
            "B": t["b_target"],
            "later's target · 后者目标": VERDICT[t["verdict"]],
        }
        for t in found["targets"]
    ],
    columns=["indicator · 指标", "year · 年份", "A", "B", "later's target · 后者目标"],
)
if target_table.empty:
    st.info("The two plans set no target for the same indicator and year.")
else:
    st.dataframe(target_table, hide_index=True, width="stretch")
    helpers.download_table(target_table, "compare-targets")
