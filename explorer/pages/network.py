"""Network: department–action, department co-occurrence and plan-hierarchy networks (pyvis)."""

from __future__ import annotations

import streamlit as st

from explorer import helpers

helpers.page_header(
    "Networks · 网络",
    "Who works with whom: departments and the actions they are responsible for, departments linked by "
    "the actions they share, and the plan hierarchy. Drag nodes, scroll to zoom, hover for details.",
)
k = helpers.key()

VIEWS = {
    "department-action": "Department – action · 部门–行动",
    "cooccurrence": "Department co-occurrence · 部门共现",
    "hierarchy": "Plan hierarchy · 文件层级",
}
SIZES = {"degree": "degree · 度", "betweenness": "betweenness · 中介中心性", "pagerank": "PageRank"}

c1, c2, c3, c4 = st.columns([2, 2, 1.3, 1])
view = c1.radio("View · 视图", list(VIEWS), format_func=VIEWS.get, key="net_view")
plans = helpers.held_plans(k)
plan_by_label = {helpers.plan_option(p): p["plan"] for p in plans}
# A bounded default that draws at once at any scale: the plan of the highest level held (one
# province's plan, at national scale); all plans, or a level, on request.
first = min(plans, key=lambda p: (int(p["rank"]), p["region"], p["title"]), default=None)
plan_label = c2.selectbox(
    "Plan · 文件",
    ["all plans · 全部", *plan_by_label],
    index=1 + list(plan_by_label).index(helpers.plan_option(first)) if first else 0,
    key="net_plan",
    disabled=view == "hierarchy",
    help="The network opens on one plan; choose all plans (or a level) for the larger networks.",
)
level = c2.selectbox(
    "Level · 层级",
    [None, *helpers.levels_present(k)],
    format_func=lambda lv: "all levels · 全部" if lv is None else helpers.level_label(k, lv),
    key="net_level",
    disabled=view == "hierarchy",
)
size_by = c3.radio("Node size · 节点大小", list(SIZES), format_func=SIZES.get, key="net_size")
physics = c4.toggle("Physics · 物理", value=True, key="net_physics")
plan = None if view == "hierarchy" else plan_by_label.get(plan_label)
if view == "hierarchy":
    level = None


def node_table(g, centrality: dict | None = None, measure: str = ""):
    """One row per node: label, kind, where it comes from, degree, centrality (text only, never HTML)."""
    import pandas as pd

    centrality = centrality or {}
    rows = []
    for n, data in g.nodes(data=True):
        rows.append(
            {
                "label · 名称": str(data.get("label", n)).replace("\n", " "),
                "kind · 类型": data.get("kind"),
                "English": data.get("label_en"),
                "plan / region · 文件": data.get("region") or data.get("doc_number") or data.get("title"),
                "degree · 度": g.degree(n),
                f"centrality ({measure or 'degree'})": round(float(centrality[n]), 4)
                if n in centrality
                else None,
                "node": str(n),
            }
        )
    df = pd.DataFrame(rows)
    if not df.empty:
        df = df.sort_values(["degree · 度", "label · 名称"], ascending=[False, True])
        df = df.dropna(axis=1, how="all")
    return df


def node_card(g, node) -> str:
    """A node's details and its neighbours as HTML; every value escaped."""
    data = g.nodes[node]
    rows = "".join(
        f"<tr><th>{helpers.esc(key)}</th><td>{helpers.esc(value)}</td></tr>"
        for key, value in sorted(data.items())
        if key not in ("size", "bipartite", "x", "y") and not helpers.blank(value)
    )
    neighbours = sorted({str(g.nodes[m].get("label", m)).replace("\n", " ") for m in nx_neighbours(g, node)})
    items = "".join(f"<li>{helpers.esc(x)}</li>" for x in neighbours)
    return (
        "<style>.kg-card table{border-collapse:collapse;font-size:.9rem}.kg-card th{text-align:left;"
        "padding:.1rem .8rem .1rem 0;color:#4a5568;font-weight:500}.kg-card ul{columns:2;font-size:.9rem}"
        "</style><div class='kg-card'>"
        f"<h4 style='margin:.2rem 0'>{helpers.esc(str(data.get('label', node)).replace(chr(10), ' '))}</h4>"
        f"<table>{rows}</table><p style='margin:.5rem 0 .2rem'><b>{len(neighbours)} neighbours · 相邻节点</b></p>"
        f"<ul>{items}</ul></div>"
    )


def nx_neighbours(g, node):
    if g.is_directed():
        return set(g.successors(node)) | set(g.predecessors(node))
    return set(g.neighbors(node))


MAX_DRAWN = 2000  # nodes; more would stall the browser's layout (the node table still lists them)


@st.cache_resource(show_spinner=False, max_entries=16)
def make(k, view: str, plan: str | None, level: str | None, size_by: str, physics: bool):
    """(html, graph, centrality) for one choice; the graph is kept (not copied) for node look-ups."""
    from kg import network as kn

    pg = helpers.graph(k)
    if view in ("department-action", "cooccurrence"):
        g = pg.to_networkx(view, plan=plan, level=level)
    else:
        # the overview's graph, copied: sizing below sets node attributes
        g = kn.collapse_hierarchy(helpers.hierarchy_graph(k), max_nodes=helpers.OVERVIEW_MAX_NODES)[0].copy()
    if g.number_of_nodes() > MAX_DRAWN:  # listed, not drawn (nor sized: betweenness would take long)
        return None, g, {}
    centrality = kn.size_nodes(g, by=size_by) if g.number_of_nodes() else {}
    color_by = "level" if view == "hierarchy" else "kind"
    html_text = kn.to_pyvis_html(g, height="650px", physics=physics, color_by=color_by)
    return html_text, g, centrality


with st.spinner("Drawing the network…"):
    html_text, g, centrality = make(k, view, plan, level, size_by, physics)

if g.number_of_nodes() == 0:
    st.info("No nodes for this choice of plan and level.")
    st.stop()
LEGEND = {
    "department-action": "Red dots: department types; blue dots: actions. Thick solid edges: the department "
    "leads the action; thin dashed: it takes part.",
    "cooccurrence": "Department types; an edge's width is the number of actions the two share.",
    "hierarchy": "Plans, national at the top. Filled boxes: held plans; pale dashed ellipses: cited plans. "
    f"Beyond {helpers.OVERVIEW_MAX_NODES} plans only the top levels are drawn (a plan's tooltip says how "
    "many are below it; the Overview draws those of any one plan).",
}
st.caption(
    f"{g.number_of_nodes()} nodes · {g.number_of_edges()} edges · node size by {SIZES[size_by]}. "
    + LEGEND[view]
    + " Click a node to highlight its neighbours, double-click to focus it."
)
if html_text is None:
    st.info(
        f"{g.number_of_nodes():,} nodes are too many to draw (at most {MAX_DRAWN:,}): choose a plan or a "
        "level above. The table below lists them all."
    )
else:
    helpers.show_html_network(html_text, "650px")
helpers.download_network(g, f"network-{view}")

st.subheader("Nodes · 节点")
table = node_table(g, centrality, SIZES[size_by])
st.dataframe(table.drop(columns=["node"]), hide_index=True, width="stretch", key="net_nodes")
helpers.download_table(table.drop(columns=["node"]), "network-nodes")

labels = dict(zip(table["node"], table["label · 名称"], strict=True))
chosen = st.selectbox(
    "Look up a node · 查看节点",
    list(labels),
    format_func=lambda n: labels.get(n, n),
    index=None,
    placeholder="Choose a node (type to search)",
    key="net_node",
)
if chosen is not None and chosen in g:
    st.html(node_card(g, chosen))
