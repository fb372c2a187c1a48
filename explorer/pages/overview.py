"""Overview: headline counts, the plan hierarchy as an interactive tree, and the table of plans."""

from __future__ import annotations

import time

import streamlit as st

from explorer import helpers

FIRST_PAINT_PAUSE_S = 0.2

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


@helpers.stored
def hierarchy_outline(k, max_nodes: int) -> tuple[int, list[tuple[str, str]]]:
    """The number of plans, and the plans of the lowest rank drawn when they are too many to draw
    (IRI, label), for the choice of a subtree."""
    from kg import network

    g = helpers.hierarchy_graph(k)
    if g.number_of_nodes() <= max_nodes:
        return g.number_of_nodes(), []
    _, cut = network.collapse_hierarchy(g, max_nodes=max_nodes)
    if cut is None:  # no levels known: nothing to choose from
        return g.number_of_nodes(), []
    heads = [
        (n, str(d.get("label")).replace("\n", " ")) for n, d in g.nodes(data=True) if d.get("rank") == cut
    ]
    return g.number_of_nodes(), sorted(heads, key=lambda h: h[1])


def hierarchy_network(k, height: str = "520px") -> None:
    limit = helpers.OVERVIEW_MAX_NODES
    total, heads = hierarchy_outline(k, limit)
    root = None
    if heads:
        by_label: dict[str, str] = {}
        for iri, label in heads:
            by_label[label if label not in by_label else f"{label} · {iri.rsplit('/', 1)[-1]}"] = iri
        whole = "the top levels · 上层"
        choice = st.selectbox(
            "Show · 显示",
            [whole, *by_label],
            key="overview_hierarchy_root",
            help=f"{total:,} plans are too many to draw at once: pick a plan of the lowest level drawn to "
            "see the plans that derive from it.",
        )
        root = by_label.get(choice)
    html_text, n, e, cut = hierarchy_html(k, height, root, limit)
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
    if cut is not None and root:
        note = (
            f"{n} plans around the chosen plan, down to the {lowest} level (too many below it to draw "
            "them all); (+N) counts the plans below one. "
        )
    elif cut is not None:
        note = (
            f"The {n} plans down to the {lowest} level, of {total:,}; (+N) counts the plans "
            "below one. Pick a plan above to see those. "
        )
    elif root:
        note = f"{n} plans: the chosen plan, the plans it derives from and those deriving from it. "
    else:
        note = f"{n} plans, {e} links from each plan to the plan it derives from, national at the top. "
    st.caption(
        note + "Filled boxes: plans whose text is held; pale dashed ellipses: plans known from citations or "
        "reference data. Colour = level. Drag to move, scroll to zoom, hover for details, click a plan "
        "to highlight its neighbours."
    )


helpers.page_header(
    "Healthy China policy cascade · 健康中国政策层级",
    "Plans of every level, their actions, the departments responsible and the targets they set — "
    "read from the plan texts into one knowledge graph.",
)
k = helpers.key()
c = helpers.counts(k)

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
    levels_table = pd.DataFrame(rows)
    st.dataframe(levels_table, hide_index=True, width="stretch")
    helpers.download_table(levels_table, "plans-per-level")
    st.caption(
        "A plan is *held* when its text is in the corpus; the others are known from the documents "
        "that cite them or from the national reference data."
    )

with left:
    st.subheader("Plan hierarchy · 文件层级")
    network_slot = st.container()  # filled last: the counts and the table show first

st.subheader("Plans · 文件列表")
plans = helpers.plans_table(k).copy()
only_held = st.toggle("Only plans whose text is held", value=False, key="overview_only_held")
if only_held:
    plans = plans[plans["held"] == True]  # noqa: E712 - nullable boolean column
plans["level"] = [helpers.level_label(k, lv) for lv in plans["level"]]
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

with network_slot:
    hierarchy_network(k, height="560px")
