"""Matrix: canonical department × action theme, the number of actions and the share led."""

from __future__ import annotations

import altair as alt
import streamlit as st

from explorer import analyses, filters, helpers
from explorer.actions import action_table

helpers.page_header(
    "Responsibility matrix · 职责矩阵",
    "Canonical departments (市卫健委 = 卫生健康委员会) against the action themes: how many actions of "
    "the held plans each department is responsible for in each theme, and the share it leads. Click a "
    "cell, or choose one below, for its actions and the sentences their assignments were read from.",
)
k = helpers.key()

level, plan, role, f4 = filters.scope_row(k, key="mx", roles=("any", "lead", "participant"))
limit = f4.slider("Departments shown", 5, 80, 25, key="mx_limit")

cells = analyses.matrix(k, level, plan, role)
if cells.empty:
    st.info("No department has an action for this choice of level, plan and role.")
    st.stop()


def _label(zh, en) -> str:
    return f"{zh} · {en}" if not helpers.blank(en) and str(en) != str(zh) else str(zh)


# departments in the API's order (most actions first), themes in national order then local ones
type_order = list(dict.fromkeys(cells["type"]))
theme_rows = cells.drop_duplicates("theme").sort_values(["national", "theme"], na_position="last")
theme_order = list(theme_rows["theme"])
dept_name = {
    t: _label(zh, en)
    for t, zh, en in zip(cells["type"], cells["department"], cells["department_en"], strict=True)
}
theme_name = dict(zip(theme_rows["theme"], theme_rows["theme_label"], strict=True))
shown_types = type_order[:limit]
shown = cells[cells["type"].isin(shown_types)].assign(
    department_label=lambda d: [dept_name[t] for t in d["type"]],
    share_pct=lambda d: [f"{s:.0%}" for s in d["share_led"]],
)

pick = alt.selection_point(name="cell", fields=["type", "theme"], on="click", clear=False)
base = alt.Chart(shown).encode(
    x=alt.X(
        "theme_label:N",
        title="action theme · 行动主题",
        sort=[theme_name[t] for t in theme_order],
        axis=alt.Axis(labelAngle=-50, labelLimit=200, labelOverlap=False, orient="top"),
    ),
    y=alt.Y(
        "department:N",  # Chinese only, so that the themes get the width; English in the tooltip
        title=None,
        sort=list(dict.fromkeys(shown["department"])),
        axis=alt.Axis(labelLimit=200, labelOverlap=False),
    ),
)
heat = (
    base.mark_rect(stroke="white")
    .encode(
        color=alt.Color("actions:Q", title="actions · 行动数", scale=alt.Scale(scheme="blues")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=[
            alt.Tooltip("department_label:N", title="部门"),
            alt.Tooltip("theme_label:N", title="主题"),
            alt.Tooltip("actions:Q", title="actions · 行动数"),
            alt.Tooltip("led:Q", title="led · 牵头"),
            alt.Tooltip("share_pct:N", title="share led · 牵头占比"),
        ],
    )
    .add_params(pick)
)
numbers = base.mark_text(fontSize=10).encode(
    text="actions:Q",
    color=alt.condition(
        f"datum.actions > {0.55 * float(shown['actions'].max())}", alt.value("white"), alt.value("#1a202c")
    ),
)
chart = alt.layer(heat, numbers).properties(height=alt.Step(22))
event = st.altair_chart(chart, width="stretch", on_select="rerun", key="mx_heat")
helpers.download_chart(chart, "matrix-heatmap")
more = len(type_order) - len(shown_types)
st.caption(
    f"{len(cells):,} cells of {len(type_order)} departments and {len(theme_order)} themes"
    + (
        f"; the {len(shown_types)} departments with most actions drawn ({more} more in the table)"
        if more
        else ""
    )
    + ". The number in a cell is its actions; the table gives the share each department leads."
)

# a click on the chart chooses the cell below (the choice boxes stay usable without a pointer)
clicked = (event or {}).get("selection", {}).get("cell") or []
if clicked and clicked[0].get("type") in dept_name and clicked[0].get("theme") in theme_name:
    chosen_now = (clicked[0]["type"], clicked[0]["theme"])
    if st.session_state.get("mx_last_click") != chosen_now:
        st.session_state["mx_last_click"] = chosen_now
        st.session_state["mx_department"], st.session_state["mx_theme"] = chosen_now

table = cells.assign(department=[dept_name[t] for t in cells["type"]])[
    ["department", "theme_label", "actions", "led", "share_led"]
].rename(
    columns={
        "department": "department · 部门",
        "theme_label": "theme · 主题",
        "actions": "actions · 行动数",
        "led": "led · 牵头",
        "share_led": "share led · 牵头占比",
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="mx_table",
    column_config={"share led · 牵头占比": st.column_config.NumberColumn(format="percent")},
)
helpers.download_table(table, "matrix")

st.subheader("Actions of one cell · 单元格的行动")
first = (cells["type"].iloc[0], cells["theme"].iloc[0])
if st.session_state.get("mx_department") not in dept_name:
    st.session_state["mx_department"] = first[0]
c1, c2 = st.columns(2)
department = c1.selectbox(
    "Department · 部门", type_order, format_func=lambda t: dept_name[t], key="mx_department"
)
themes_of = [t for t in theme_order if ((cells["type"] == department) & (cells["theme"] == t)).any()]
if st.session_state.get("mx_theme") not in themes_of:
    st.session_state["mx_theme"] = themes_of[0]
theme = c2.selectbox("Theme · 主题", themes_of, format_func=lambda t: theme_name[t], key="mx_theme")

one = cells[(cells["type"] == department) & (cells["theme"] == theme)].iloc[0]
acts = analyses.matrix_cell(k, department, theme, level, plan, role)
st.caption(
    f"{dept_name[department]} × {theme_name[theme]}: {int(one['actions']):,} actions, "
    f"{int(one['led']):,} led ({float(one['share_led']):.0%}); one row per department as written."
)
out = action_table(k, acts)
st.dataframe(out, hide_index=True, width="stretch", key="mx_actions")
helpers.download_table(out, "matrix-cell-actions")

READ_LIMIT = 200  # rows of source sentences rendered as HTML
with st.expander("Read the source sentences · 阅读原文", expanded=len(acts) <= 25):
    if len(acts) > READ_LIMIT:
        st.caption(f"The first {READ_LIMIT} of {len(acts):,} rows; the table above has them all.")
    parts = [
        "<style>.kg-cell li{margin-bottom:.45rem;line-height:1.6}.kg-cell .src{color:#4a5568}"
        ".kg-cell .role{color:#2b6cb0}</style><ul class='kg-cell'>"
    ]
    for _, r in acts.head(READ_LIMIT).iterrows():
        parts.append(
            f"<li><b>{helpers.esc(r['region'])} · {helpers.esc(r['action_name'])}</b> — "
            f"{helpers.esc(r['department'])} <span class='role'>{helpers.esc(helpers.role_label(k, r['role']))}</span>"
            f"<div class='src'>{helpers.esc(r['source'])}</div></li>"
        )
    parts.append("</ul>")
    st.html("".join(parts))
