"""Overview: headline counts, the plan hierarchy as an interactive tree, and the table of plans."""

from __future__ import annotations

import time

import streamlit as st

from explorer import cascade, helpers

FIRST_PAINT_PAUSE_S = 0.6

SUBTREE_MAX_NODES = 1500  # plans drawn around one chosen plan


@helpers.stored
def hierarchy_html(
    k, height: str, root: str | None = None, max_nodes: int = 400
) -> tuple[str, int, int, int | None]:
    """The hierarchy drawn whole when small; else its top ranks (or the plans around ``root``).
    Returns the page, its plan and link counts, and the deepest rank drawn when plans were left out."""
    from kg import network

    g = helpers.hierarchy_graph(k)
    cut = None
    if root:  # a plan of the lowest rank of the collapsed view; its subtree collapses in turn if huge
        g, cut = network.collapse_hierarchy(network.hierarchy_subtree(g, root), max_nodes=SUBTREE_MAX_NODES)
    else:
        g, cut = network.collapse_hierarchy(g, max_nodes=max_nodes)
    if cut is not None:
        for _, d in g.nodes(data=True):
            if d.get("below"):
                d["label"] = f"{d['label']}\n(+{d['below']})"
    if g.number_of_nodes() > SUBTREE_MAX_NODES:  # even the top level, or plans of no known level
        return None, g.number_of_nodes(), g.number_of_edges(), cut
    html_text = network.to_pyvis_html(g, height=height, directed=True, physics=False, color_by="level")
    return html_text, g.number_of_nodes(), g.number_of_edges(), cut


def hierarchy_network(k, height: str, root: str) -> None:
    """The tree of the plans around ``root`` (a region's own plan): its parents and what derives from it."""
    html_text, n, e, cut = hierarchy_html(k, height, root, helpers.OVERVIEW_MAX_NODES)
    if html_text is None:
        st.info(
            f"{n:,} plans are too many to draw as a tree (at most {SUBTREE_MAX_NODES:,}); the table lists them."
        )
        return
    helpers.show_html_network(html_text, height)
    helpers.download_network(helpers.hierarchy_graph(k), "hierarchy")
    if cut is not None:
        levels = helpers.LEVELS
        lowest = helpers.level_label(k, levels[cut]) if cut < len(levels) else str(cut)
        note = (
            f"{n} plans around the region's plan, down to the {lowest} level (too many below it to draw "
            "them all); (+N) counts the plans below one. "
        )
    else:
        note = f"{n} plans: the region's plan, the plans it derives from and those deriving from it. "
    st.caption(
        note + "Filled boxes: plans whose text is held; pale dashed ellipses: plans known from citations or "
        "reference data. Colour = level. Drag to move, scroll to zoom, hover for details."
    )


def cascade_chart(k) -> tuple[str, ...]:
    """The sunburst of the regions under the chosen one, and the choice (province, then city …)
    made with the selectors or by a click on an inner arc. Returns the chosen path."""
    from explorer import sunburst

    within: list[str] = []
    cols = st.columns(3)
    for depth, level in enumerate(sunburst.PATH[:3]):
        options = cascade.regions_below(k, tuple(within))
        key = f"overview_{level}"
        picked = st.session_state.pop(f"{key}_clicked", None)  # set by a click on the chart, below
        if picked in options:
            st.session_state[key] = picked
        if st.session_state.get(key) not in (None, *options):
            st.session_state[key] = None
        choice = cols[depth].selectbox(
            f"{helpers.level_label(k, level)}",
            [None, *options],
            format_func=lambda r: "all · 全部" if r is None else r,
            key=key,
            disabled=not options,
        )
        if choice is None:
            break
        within.append(choice)
    rows = cascade.cascade_rows(k, tuple(within))
    if not rows:
        st.info("No plans of a known region below this one.")
        return tuple(within)
    chart = sunburst.chart(rows, title=" › ".join(within) or "中国")
    event = st.vega_lite_chart(
        spec=chart, on_select="rerun", selection_mode="region", key="overview_sunburst"
    )
    helpers.download_chart(chart, "cascade")
    clicked = (getattr(event, "selection", None) or {}).get("region") or []
    if clicked and len(within) < 3:
        region, level = clicked[0].get("region"), clicked[0].get("level")
        if level == sunburst.PATH[len(within)] and region:
            st.session_state[f"overview_{level}_clicked"] = region
            st.session_state.pop("overview_sunburst", None)
            st.rerun()
    shown = {r["level"] for r in rows}
    st.caption(
        "Rings from the centre: "
        + " → ".join(helpers.level_label(k, lv) for lv in sunburst.PATH if lv in shown)
        + ". An arc's size is the number of plans in that region (its own and those below); its colour "
        "the share of them whose text is held. Click an inner arc, or choose above, to go down a level."
    )
    return tuple(within)


helpers.page_header(
    "Healthy China policy cascade · 健康中国政策层级",
    "Plans of every level, their actions, the departments responsible and the targets they set — "
    "read from the plan texts into one knowledge graph.",
)
k = helpers.key()
c = helpers.counts(k)

cols = st.columns(7)
cols[0].metric("Held plans · 已收录", f"{c['heldPlans']:,}", help="Plans whose full text is in data/plans")
cols[1].metric(
    "All plans · 全部", f"{c['plans']:,}", help="Held plans and the plans they cite or derive from"
)
cols[2].metric("Actions · 行动", f"{c['actions']:,}", help="Actions of the held plans")
kinds = c.get("department_kinds")
cols[3].metric(
    "Dept. kinds · 部门类型",
    "–" if kinds is None else f"{kinds:,}",
    help="Canonical kinds of department (卫生健康委员会, 教育局 …) responsible for actions",
)
cols[4].metric(
    "Dept. bodies · 部门机构",
    f"{c['departments']:,}",
    help="Departments as written, one per region (each city's own health commission counts once)",
)
cols[5].metric("Indicators · 指标", f"{c['indicators']:,}")
cols[6].metric("Triples · 三元组", f"{c['triples']:,}")

if not st.session_state.get("overview_painted"):
    # A session's first run: leave the CPU to the browser for a moment, so that it paints the counts
    # before the cascade arrives (its chart's code is loaded and its 3,000 arcs laid out on the
    # browser's one main thread) and before pandas is imported (which slows the server's sending of
    # the front end's code, in this process). On 2 cores the browser needs ~0.4 s after the counts
    # are written; 0.6 s against 0.2 s: the counts 0.1 s sooner, the cascade no later (load 4-6).
    st.session_state["overview_painted"] = True
    time.sleep(FIRST_PAINT_PAUSE_S)

left, right = st.columns([3, 1])
with left:  # first: the cascade's regions and arcs are plain lists, drawn before pandas is imported
    st.subheader("The cascade · 政策层级")
    within = cascade_chart(k)

import pandas as pd  # noqa: E402 - after the counts and the cascade are sent (~0.5 s to import)

with right:
    st.subheader("Plans by level · 各层级文件")
    held_by_level: dict[str, int] = {}
    for p in helpers.held_plans(k):
        held_by_level[p["level"]] = held_by_level.get(p["level"], 0) + 1
    rows = [
        {
            "level": helpers.level_label(k, lv),
            "plans": c["plans_by_level"].get(lv, 0),
            "held": held_by_level.get(lv, 0),
        }
        for lv in helpers.LEVELS
        if c["plans_by_level"].get(lv)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    helpers.download_table(pd.DataFrame(rows), "plans-per-level")
    st.caption(
        "A plan is *held* when its text is in the corpus; the others are known from the documents "
        "that cite them or from the national reference data."
    )

st.subheader("Plans · 文件列表")
plans = helpers.plans_table(k).copy()
if within:
    in_region = cascade.plans_within(k, within)
    plans = plans[plans["plan"].isin(in_region)]
only_held = st.toggle("Only plans whose text is held", value=False, key="overview_only_held")
if only_held:
    plans = plans[plans["held"] == True]  # noqa: E712 - nullable boolean column
level_names = {lv: helpers.level_label(k, lv) for lv in plans["level"].dropna().unique()}
plans["level"] = [level_names.get(lv, "") for lv in plans["level"]]  # labelled once per level
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
helpers.download_table(plans.drop(columns=["plan"]), "plans")
if within:
    st.caption(f"The {len(plans):,} plans of {' › '.join(within)}.")

if within:
    st.subheader(f"Plan tree of {within[-1]} · 文件层级")
    if st.toggle("Draw the plans of this region as a tree", value=False, key="overview_draw_tree"):
        root = cascade.region_plan(k, within)
        if root is None:
            st.info(f"No plan of {within[-1]} itself: its plans are listed above.")
        else:
            hierarchy_network(k, height="560px", root=root)
