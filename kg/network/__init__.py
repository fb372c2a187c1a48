"""Network views of the policy graph (networkx) and self-contained interactive HTML (pyvis).

    import kg
    from kg import network

    g = kg.open()
    b = g.to_networkx("department-action", level="city")   # departments <-> actions
    co = g.to_networkx("cooccurrence")                      # departments, weight = shared actions
    tree = g.to_networkx("hierarchy")                       # plans, child -> parent
    network.size_nodes(co, by="pagerank")
    html = network.to_pyvis_html(co)                        # one offline HTML page

:mod:`kg.network.graphs` builds the graphs from named queries; :mod:`kg.network.html` draws them.
"""

from kg.network.graphml import graphml_bytes
from kg.network.graphs import (
    collapse_hierarchy,
    construct_graph,
    cooccurrence_graph,
    department_action_graph,
    hierarchy_graph,
    hierarchy_subtree,
    size_nodes,
)
from kg.network.html import KIND_COLORS, LEVEL_COLORS, NOT_HELD_FILL, to_pyvis_html

__all__ = [
    "graphml_bytes",
    "KIND_COLORS",
    "LEVEL_COLORS",
    "NOT_HELD_FILL",
    "collapse_hierarchy",
    "construct_graph",
    "cooccurrence_graph",
    "department_action_graph",
    "hierarchy_graph",
    "hierarchy_subtree",
    "size_nodes",
    "to_pyvis_html",
]
