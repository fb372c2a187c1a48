"""Networks as GraphML (Gephi, Cytoscape, yEd read it): networkx's writer, with attributes it takes.

GraphML holds strings, numbers and booleans: an attribute that is None is left out of that node or
edge, and any other value (a list, a tuple) is written as its text.
"""

from __future__ import annotations

import io

import networkx as nx

_KEEP = (str, int, float, bool)


def _clean(attrs: dict) -> dict:
    return {str(k): (v if isinstance(v, _KEEP) else str(v)) for k, v in attrs.items() if v is not None}


def graphml_bytes(g: nx.Graph) -> bytes:
    """``g`` as GraphML (UTF-8), node ids as text; ``g`` itself is not changed."""
    h = g.__class__()
    h.graph.update(_clean(g.graph))
    h.add_nodes_from((str(n), _clean(a)) for n, a in g.nodes(data=True))
    h.add_edges_from((str(u), str(v), _clean(a)) for u, v, a in g.edges(data=True))
    buf = io.BytesIO()
    nx.write_graphml(h, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()
