"""Departments: canonical department types ranked by the number of actions they are responsible for."""

from __future__ import annotations

import altair as alt
import streamlit as st

from explorer import filters, helpers
from explorer.actions import action_table

helpers.page_header(
    "Departments · 部门",
    "Canonical department types (市卫健委 = 县卫生健康局 = 卫生健康委员会) ranked by the number of actions "
    "of the held plans they lead or take part in.",
)
k = helpers.key()


def _reading(acts) -> str:
    """The department's actions as readable HTML, plan by plan; every value escaped."""
    parts = [
        "<style>.kg-read{font-size:.92rem;line-height:1.6}.kg-read h4{margin:.6rem 0 .2rem;font-size:1rem}"
        ".kg-read li{margin-bottom:.45rem}.kg-read .dept{background:#edf2f7;border-radius:.25rem;padding:0 .3rem}"
        ".kg-read .src{color:#4a5568}.kg-read .role{color:#2b6cb0}</style><div class='kg-read'>"
    ]
    for (region, title), rows in acts.groupby(["region", "title"], sort=False, dropna=False):
        parts.append(f"<h4>{helpers.esc(region)} · {helpers.esc(title)}</h4><ul>")
        for _, r in rows.iterrows():
            parts.append(
                f"<li><b>{helpers.esc(r['ordinal'])}. {helpers.esc(r['action_name'])}</b> — "
                f"<span class='dept'>{helpers.esc(r['department'])}</span> "
                f"<span class='role'>{helpers.esc(helpers.role_label(k, r['role']))}</span>"
                f"<div class='src'>{helpers.esc(r['source'] if not helpers.blank(r['source']) else '')}</div></li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _label(zh, en) -> str:
    return f"{zh} · {en}" if en is not None and str(en) not in ("", "<NA>", str(zh)) else str(zh)


level, plan, role, f4 = filters.scope_row(k, key="dept", roles=("any", "lead"))
limit = f4.slider("Show top", 5, 60, 20, key="dept_limit")
LIST_LIMIT = helpers.DEPARTMENT_LIST_LIMIT
READ_LIMIT = 300  # rows of source sentences rendered as HTML

ranking = helpers.top_departments(k, level, plan, role)
if ranking.empty:
    st.info("No department has an action for this choice of level, plan and role.")
    st.stop()

view = ranking.head(limit).copy()
view["label"] = [_label(zh, en) for zh, en in zip(view["department"], view["department_en"], strict=True)]
chart = (
    alt.Chart(view)
    .mark_bar()
    .encode(
        x=alt.X("actions:Q", title="actions · 行动数", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        color=alt.Color("plans:O", title="plans · 文件数", scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("department:N", title="部门"),
            alt.Tooltip("department_en:N", title="department"),
            alt.Tooltip("actions:Q"),
            alt.Tooltip("plans:Q"),
        ],
    )
    .properties(height=alt.Step(20))
)
st.altair_chart(chart, width="stretch")
helpers.download_chart(chart, "departments-ranking")

table = ranking.rename(
    columns={
        "department": "department · 部门",
        "department_en": "department (en)",
        "actions": "actions · 行动数",
        "plans": "plans · 文件数",
    }
)
st.dataframe(table.drop(columns=["type"]), hide_index=True, width="stretch", key="dept_ranking")
helpers.download_table(table.drop(columns=["type"]), "departments")

st.subheader("Actions of one department · 部门的行动")
types = list(ranking["type"])
names = {
    t: _label(zh, en)
    for t, zh, en in zip(ranking["type"], ranking["department"], ranking["department_en"], strict=True)
}
chosen = st.selectbox("Department · 部门", types, format_func=lambda t: names.get(t, t), key="dept_choice")
chosen_actions = int(ranking.loc[ranking["type"] == chosen, "actions"].iloc[0]) if chosen else 0
if chosen and chosen_actions > LIST_LIMIT:
    st.info(
        f"{names[chosen]} shares responsibility for {chosen_actions:,} actions: too many to list here "
        f"(at most {LIST_LIMIT:,}). Choose a level or a plan above, or run the named query "
        "`department_actions` (SPARQL page, or `kg query --name department_actions --bind type=…`)."
    )
elif chosen:
    acts = helpers.department_actions(k, chosen, level, plan, role)  # a prefixed IRI: hcid:department-type/…
    if acts.empty:
        st.info("No actions.")
    else:
        n_actions = acts["action"].nunique()
        st.caption(
            f"{n_actions} actions in {acts['plan'].nunique()} plans; one row per department as written "
            "(a merged body such as 教育体育局 counts for both of its types)."
        )
        out = action_table(k, acts)
        st.dataframe(out, hide_index=True, width="stretch", key="dept_actions")
        helpers.download_table(out, "department-actions")
        with st.expander("Read the source sentences · 阅读原文", expanded=len(acts) <= 25):
            if len(acts) > READ_LIMIT:
                st.caption(f"The first {READ_LIMIT} of {len(acts):,} rows; the table above has them all.")
            st.html(_reading(acts.head(READ_LIMIT)))
