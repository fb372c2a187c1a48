"""Self-contained interactive HTML of a networkx graph (pyvis, vis-network inlined).

HTML safety: every label and tooltip comes from documents. They are ``html.escape``d in Python before
they reach pyvis, so the page never holds them raw; a small script in the page turns the escaped text
back into *plain text* (canvas labels, tooltip elements filled with ``textContent``), so a department
named ``<script>…`` is shown as those characters and never parsed as HTML. The data is embedded as JSON
with ``<``, ``>`` and ``://`` escaped, and the page has no ``http(s)://`` reference at all (vis-network
is inlined; pyvis's Bootstrap CDN tags are removed). :func:`to_pyvis_html` sorts nodes and edges, so
the same graph always gives the same bytes.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Iterable
from types import SimpleNamespace

import networkx as nx

from kg.errors import KGError

# Fixed palettes (Tableau 10): the same kind / level always gets the same colour.
KIND_COLORS: dict[str, str] = {
    "department": "#e15759",
    "action": "#4e79a7",
    "plan": "#59a14f",
    "resource": "#76b7b2",
    "literal": "#edc948",
    "blank": "#bab0ac",
}
LEVEL_COLORS: dict[str, str] = {
    "national": "#b6403a",
    "province": "#f28e2b",
    "city": "#4e79a7",
    "county": "#59a14f",
    "township": "#b07aa1",
}
OTHER_COLOR = "#9c755f"
_CYCLE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
NOT_HELD_FILL = "#f4f4f4"

_DEFAULT_SIZE = {"department": 24, "action": 11, "plan": 20, "resource": 14, "literal": 9, "blank": 9}

# Node attributes that are drawing instructions, not facts to show in a tooltip.
_NOT_IN_TOOLTIP = {"label", "size", "tooltip", "bipartite", "x", "y", "color", "kind", "rank"}
_HEIGHT = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|em|rem)$")


def _sort_key(x) -> tuple[str, str]:
    return (type(x).__name__, str(x))


def _text(value) -> str:
    """Escaped text for the page (the page script turns it back into plain text, never HTML)."""
    return html.escape(str(value), quote=True)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in sorted(value, key=str))
    return str(value)


def _tooltip(data: dict, extra: Iterable[tuple[str, object]] = ()) -> str:
    if data.get("tooltip") is not None:
        return _text(data["tooltip"])
    lines = []
    if data.get("label") is not None:
        lines.append(str(data["label"]).replace("\n", " "))
    if data.get("kind"):
        lines.append(f"kind: {data['kind']}")
    for key in sorted(k for k in data if k not in _NOT_IN_TOOLTIP):
        value = data[key]
        if value is None or value == "":
            continue
        lines.append(f"{key}: {_fmt(value)}")
    lines.extend(f"{k}: {_fmt(v)}" for k, v in extra)
    return _text("\n".join(lines))


def _palette_color(value, values: list[str]) -> str:
    if value is None:
        return OTHER_COLOR
    return _CYCLE[values.index(str(value)) % len(_CYCLE)]


def _node_color(data: dict, color_by: str, values: list[str]) -> str:
    value = data.get(color_by)
    if color_by == "kind":
        return KIND_COLORS.get(str(value), OTHER_COLOR)
    if color_by == "level":
        return LEVEL_COLORS.get(str(value), OTHER_COLOR)
    return _palette_color(value, values)


def _darker(hex_color: str, factor: float = 0.7) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _vis_node(n, data: dict, color_by: str, values: list[str]) -> dict:
    kind = str(data.get("kind") or "")
    fill = _node_color(data, color_by, values)
    border = _darker(fill)
    node = {
        "id": str(n) if not isinstance(n, (int, float)) else n,
        "label": _text(n if data.get("label") is None else data["label"]),
        "tip": _tooltip(data),
        "size": float(data.get("size", _DEFAULT_SIZE.get(kind, 14))),
        "borderWidth": 1,
        "shape": "dot",
        "font": {"size": 14 if kind != "action" else 11},
    }
    if kind == "plan" or "held" in data:
        if data.get("held"):
            node.update(shape="box", borderWidth=2, font={"size": 14, "color": "#ffffff"})
        else:
            node.update(shape="ellipse", borderWidth=2, shapeProperties={"borderDashes": [5, 4]})
            node["font"] = {"size": 13, "color": "#555555"}
            node["color"] = {
                "background": NOT_HELD_FILL,
                "border": fill,
                "highlight": {"background": "#ffffff", "border": border},
                "hover": {"background": "#ffffff", "border": border},
            }
    elif kind == "literal":
        node.update(shape="box", font={"size": 11})
    if "color" not in node:
        node["color"] = {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#222222"},
            "hover": {"background": fill, "border": "#222222"},
        }
    if isinstance(data.get("rank"), int):
        node["level"] = data["rank"]
    return node


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _vis_edges(g: nx.Graph) -> list[dict]:
    if g.is_multigraph():
        raw = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        raw = [(u, v, "", d) for u, v, d in g.edges(data=True)]
    if not g.is_directed():  # an undirected edge's orientation depends on insertion order
        raw = [(u, v, k, d) if _sort_key(u) <= _sort_key(v) else (v, u, k, d) for u, v, k, d in raw]
    raw.sort(key=lambda e: (_sort_key(e[0]), _sort_key(e[1]), _sort_key(e[2])))
    weights = [d["weight"] for *_, d in raw if _is_number(d.get("weight"))]
    w_lo, w_hi = (min(weights), max(weights)) if weights else (0, 0)

    out = []
    for i, (u, v, _k, d) in enumerate(raw):
        edge = {
            "id": f"e{i}",
            "from": str(u) if not isinstance(u, (int, float)) else u,
            "to": str(v) if not isinstance(v, (int, float)) else v,
            "width": 1.5,
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
        }
        role = d.get("role")
        if role == "lead":
            edge.update(width=3.5, dashes=False)
            edge["color"] = {"color": "#555555", "highlight": "#111111", "hover": "#111111"}
        elif role == "participant":
            edge.update(width=1, dashes=[4, 4])
        weight = d.get("weight")
        if _is_number(weight):
            span = (w_hi - w_lo) or 1
            edge["width"] = round(1 + 9 * (weight - w_lo) / span, 2)
        if d.get("label") is not None:
            edge["label"] = _text(d["label"])
            edge["font"] = {"size": 10, "align": "middle", "color": "#444444"}
        lines = []
        if d.get("tooltip") is not None:
            edge["tip"] = _text(d["tooltip"])
        else:
            for key in sorted(k for k in d if k not in ("tooltip",)):
                if d[key] is not None:
                    lines.append(f"{key}: {_fmt(d[key])}")
            if lines:
                edge["tip"] = _text("\n".join(lines))
        out.append(edge)
    return out


def _positions(g: nx.Graph) -> dict:
    """A fixed layout (for physics off): networkx spring layout with a constant seed."""
    if g.number_of_nodes() == 0:
        return {}
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes, key=_sort_key))
    h.add_edges_from(sorted(((u, v) for u, v in g.edges()), key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))))
    scale = 120 * math.sqrt(max(h.number_of_nodes(), 1))
    pos = nx.spring_layout(h, seed=7, iterations=100)
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in pos.items()}


@functools.lru_cache(maxsize=2)
def _template_env(template_dir: str):
    """pyvis's template environment, shared so that its 0.7 MB template is compiled once per process.

    Its ``tojson`` filter (used for the nodes and the edges only) hands the data through ``hcPrepare``.
    """
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(template_dir))
    env.filters["tojson"] = lambda value: "hcPrepare(" + _js_json(value) + ")"
    return env


class _Options:
    """vis options for pyvis: serialised compactly with sorted keys (pyvis would ``json.dumps`` a dict)."""

    def __init__(self, options: dict):
        self.options = options
        self.physics = SimpleNamespace(enabled=bool(options["physics"]["enabled"]))

    def to_json(self) -> str:
        return _js_json(self.options)


def _js_json(value) -> str:
    """JSON safe inside a <script> element, with no literal ``://`` (``\\/`` is a plain ``/``)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.replace("://", ":\\/\\/")


# Runs before the data is handed to vis-network: escaped text back to plain text. Labels are drawn on a
# canvas (never parsed as HTML); tooltips become elements whose content is set with textContent.
_PAGE_SCRIPT = """<script>
var highlightActive = false;
var HC_ENTITIES = {"lt": "<", "gt": ">", "quot": '"', "#x27": "'", "amp": "&"};
function hcText(s) {
  return String(s).replace(/&(lt|gt|quot|#x27|amp);/g, function (m, k) { return HC_ENTITIES[k]; });
}
function hcPrepare(items) {
  for (var i = 0; i < items.length; i++) {
    var item = items[i];
    if (typeof item.label === "string") { item.label = hcText(item.label); }
    if (typeof item.tip === "string") {
      var tip = document.createElement("div");
      tip.className = "hc-tip";
      tip.textContent = hcText(item.tip);
      item.title = tip;
    }
    delete item.tip;
  }
  return items;
}
</script>
<style>
body { margin: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.hc-tip { white-space: pre-line; max-width: 28em; overflow-wrap: anywhere; font-size: 13px; }
</style>"""

_FOCUS_SCRIPT = """<script>
network.on("doubleClick", function (params) {
  if (params.nodes.length > 0) {
    network.focus(params.nodes[0], {scale: 1.3, animation: {duration: 400, easingFunction: "easeInOutQuad"}});
  } else {
    network.fit({animation: {duration: 400, easingFunction: "easeInOutQuad"}});
  }
});
</script>
"""

_CDN_TAG = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>|<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>",
    re.I | re.S,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*", re.I)
_DEAD_MARKUP = re.compile(r"<!--\s*<link\b.*?-->|//# sourceMappingURL=[\w.-]*", re.I | re.S)
_URL_SCHEME = re.compile(r"(?i)\b(https?)://")


def to_pyvis_html(
    g: nx.Graph,
    *,
    height: str = "650px",
    directed: bool | None = None,
    physics: bool = True,
    color_by: str = "kind",
) -> str:
    """A self-contained interactive HTML page of ``g`` (vis-network inline, no external reference).

    Drag, zoom, hover tooltips; click a node to highlight its neighbours (click the background to reset),
    double-click to focus it. Colours: ``color_by="kind"`` or ``"level"`` use fixed palettes, any other
    attribute a fixed cycle over its sorted values. Held plans are filled boxes, plans not held dashed
    pale ellipses; lead edges are thick and solid, participant edges thin and dashed; ``weight`` sets
    the width. Node ``size`` (see :func:`size_nodes`) sets dot sizes. A ``tooltip`` attribute replaces
    the generated tooltip. Plans with a ``rank`` are laid out top-down (national at the top); other
    graphs by a seeded force layout (``physics=False``: a seeded networkx spring layout).
    """
    from pyvis.network import Network

    if not _HEIGHT.match(str(height)):
        raise KGError(f"height {height!r}: expected a CSS length such as 650px or 80vh")
    directed = g.is_directed() if directed is None else bool(directed)
    node_items = sorted(g.nodes(data=True), key=lambda nd: _sort_key(nd[0]))
    values = sorted({str(d[color_by]) for _, d in node_items if d.get(color_by) is not None})
    nodes = [_vis_node(n, d, color_by, values) for n, d in node_items]
    edges = _vis_edges(g)
    hierarchical = bool(nodes) and all(isinstance(d.get("rank"), int) for _, d in node_items)
    if not hierarchical:
        for node in nodes:
            node.pop("level", None)
        if not physics:
            pos = _positions(g)
            for node, (n, _) in zip(nodes, node_items, strict=True):
                node["x"], node["y"] = pos[n]

    options: dict = {
        "autoResize": True,
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": False,
            "navigationButtons": False,
            "multiselect": True,
        },
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"}},
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.6}},
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
        "layout": {"randomSeed": 7, "improvedLayout": True},
        "physics": {
            "enabled": bool(physics),
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.06,
                "avoidOverlap": 0.4,
            },
            "minVelocity": 0.75,
            "stabilization": {"enabled": True, "iterations": 400, "fit": True},
        },
    }
    if hierarchical:
        options["layout"]["hierarchical"] = {
            "enabled": True,
            "direction": "UD",
            "sortMethod": "directed",
            "levelSeparation": 130,
            "nodeSpacing": 250,
            "shakeTowards": "roots",
        }
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "vertical"}

    net = Network(
        height=str(height),
        width="100%",
        directed=directed,
        neighborhood_highlight=True,
        cdn_resources="in_line",
    )
    net.nodes = nodes
    net.edges = edges
    net.options = _Options(options)
    net.templateEnv = _template_env(net.template_dir)
    page = net.generate_html(notebook=False)

    page = _CDN_TAG.sub("", page)
    page = _EMPTY_HEADING.sub("", page)
    page = _DEAD_MARKUP.sub("", page)  # a commented-out relative link; a source map that is not there
    page = page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n' + _PAGE_SCRIPT, 1)
    page = page.replace("</body>", _FOCUS_SCRIPT + "</body>", 1)
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="zh">', 1)
    # What is left is inside the inlined scripts (licence comments, string literals such as the SVG
    # namespace), where "\/" reads as "/": no http(s):// reference remains in the page.
    return _URL_SCHEME.sub(lambda m: m.group(1) + ":\\/\\/", page)
