"""Helpers shared by several pages: pyvis networks embedded as self-contained HTML."""

from __future__ import annotations

import re

import streamlit as st

import app_support as sup


def network_module():
    """``kg.network``, or None (with a notice) when it is not available."""
    try:
        from kg import network
    except ImportError as e:  # pragma: no cover - only while the module is missing
        st.info(f"Network views are not available: {e}")
        return None
    return network


def _px(height: str | int) -> int:
    if isinstance(height, int):
        return height
    m = re.match(r"\s*(\d+)", str(height))
    return int(m.group(1)) if m else 650


def show_html_network(html_text: str, height: str | int = "650px") -> None:
    """Embed a self-contained pyvis page (vis-network inline, labels escaped by kg.network)."""
    if hasattr(st, "iframe"):
        st.iframe(html_text, height=_px(height) + 30)
    else:  # Streamlit before st.iframe
        import streamlit.components.v1 as components

        components.html(html_text, height=_px(height) + 30)


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
        f"<tr><th>{sup.esc(key)}</th><td>{sup.esc(value)}</td></tr>"
        for key, value in sorted(data.items())
        if key not in ("size", "bipartite", "x", "y") and not sup.blank(value)
    )
    neighbours = sorted({str(g.nodes[m].get("label", m)).replace("\n", " ") for m in nx_neighbours(g, node)})
    items = "".join(f"<li>{sup.esc(x)}</li>" for x in neighbours)
    return (
        "<style>.kg-card table{border-collapse:collapse;font-size:.9rem}.kg-card th{text-align:left;"
        "padding:.1rem .8rem .1rem 0;color:#4a5568;font-weight:500}.kg-card ul{columns:2;font-size:.9rem}"
        "</style><div class='kg-card'>"
        f"<h4 style='margin:.2rem 0'>{sup.esc(str(data.get('label', node)).replace(chr(10), ' '))}</h4>"
        f"<table>{rows}</table><p style='margin:.5rem 0 .2rem'><b>{len(neighbours)} neighbours · 相邻节点</b></p>"
        f"<ul>{items}</ul></div>"
    )


def nx_neighbours(g, node):
    if g.is_directed():
        return set(g.successors(node)) | set(g.predecessors(node))
    return set(g.neighbors(node))


# Actions of one department listed at once on the Departments page: each row is looked up in the
# store (~3 ms a row at 10,000 plans), and the national ranking's top department has 100,000.
DEPARTMENT_LIST_LIMIT = 5_000
OVERVIEW_MAX_NODES = 400  # a hierarchical vis-network layout of thousands of plans stalls the browser
SUBTREE_MAX_NODES = 1500


@st.cache_resource(show_spinner=False, max_entries=2)
def hierarchy_graph(k):
    """The plan hierarchy as a networkx graph (shared, read-only: project it, do not change it)."""
    return network_module().hierarchy_graph(sup._pg(k), result=sup.hierarchy_result(k))


@sup.stored
def hierarchy_html(
    k, height: str, root: str | None = None, max_nodes: int = OVERVIEW_MAX_NODES
) -> tuple[str, int, int, int | None]:
    """The hierarchy drawn whole when small; else its top ranks (or the plans around ``root``).
    Returns the page, its plan and link counts, and the deepest rank drawn when plans were left out."""
    kn = network_module()
    g = hierarchy_graph(k)
    cut = None
    if root:  # a plan of the lowest rank of the collapsed view; its subtree collapses in turn if huge
        g, cut = kn.collapse_hierarchy(kn.hierarchy_subtree(g, root), max_nodes=SUBTREE_MAX_NODES)
    else:
        g, cut = kn.collapse_hierarchy(g, max_nodes=max_nodes)
    if cut is not None:
        for _, d in g.nodes(data=True):
            if d.get("below"):
                d["label"] = f"{d['label']}\n(+{d['below']})"
    if g.number_of_nodes() > SUBTREE_MAX_NODES:  # even the top level, or plans of no known level
        return None, g.number_of_nodes(), g.number_of_edges(), cut
    html_text = kn.to_pyvis_html(g, height=height, directed=True, physics=False, color_by="level")
    return html_text, g.number_of_nodes(), g.number_of_edges(), cut


@sup.stored
def hierarchy_outline(k, max_nodes: int) -> tuple[int, list[tuple[str, str]]]:
    """The number of plans, and the plans of the lowest rank drawn when they are too many to draw
    (IRI, label), for the choice of a subtree."""
    g = hierarchy_graph(k)
    if g.number_of_nodes() <= max_nodes:
        return g.number_of_nodes(), []
    _, cut = network_module().collapse_hierarchy(g, max_nodes=max_nodes)
    if cut is None:  # no levels known: nothing to choose from
        return g.number_of_nodes(), []
    heads = [
        (n, str(d.get("label")).replace("\n", " ")) for n, d in g.nodes(data=True) if d.get("rank") == cut
    ]
    return g.number_of_nodes(), sorted(heads, key=lambda h: h[1])


def hierarchy_network(k, height: str = "520px") -> None:
    if network_module() is None:
        return
    limit = OVERVIEW_MAX_NODES
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
    show_html_network(html_text, height)
    if cut is not None:
        levels = sup.level_order()
        lowest = sup.level_label(k, levels[cut]) if cut < len(levels) else str(cut)
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
