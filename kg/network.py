"""Network views of the policy graph (networkx) and self-contained interactive HTML (pyvis).

    from kg.graph import PolicyGraph
    from kg import network

    pg = PolicyGraph.open(store="data/store")
    g = network.department_action_graph(pg, level="city")    # departments <-> actions
    co = network.cooccurrence_graph(pg)                       # departments, weight = shared actions
    tree = network.hierarchy_graph(pg)                        # plans, child -> parent
    network.size_nodes(co, by="pagerank")
    html = network.to_pyvis_html(co)                          # one offline HTML page

Everything is read through named queries (``department_action_edges``, ``hierarchy``) with user
values passed as bindings. Graph builders insert nodes and edges in a sorted order, and
:func:`to_pyvis_html` sorts again, so the same graph always gives the same bytes.

HTML safety: every label and tooltip comes from documents. They are ``html.escape``d in Python before
they reach pyvis, so the page never holds them raw; a small script in the page turns the escaped text
back into *plain text* (canvas labels, tooltip elements filled with ``textContent``), so a department
named ``<script>…`` is shown as those characters and never parsed as HTML. The data is embedded as JSON
with ``<``, ``>`` and ``://`` escaped, and the page has no ``http(s)://`` reference at all (vis-network
is inlined; pyvis's Bootstrap CDN tags are removed).
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
from rdflib import BNode, Literal, URIRef

from kg.errors import KGError
from kg.rdf import LEVEL_CONCEPTS
from kg.records import LEVELS
from kg.store import QueryResult, shorten

__all__ = [
    "KIND_COLORS",
    "LEVEL_COLORS",
    "construct_graph",
    "cooccurrence_graph",
    "department_action_graph",
    "hierarchy_graph",
    "size_nodes",
    "to_pyvis_html",
]


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

SIZE_MIN, SIZE_MAX = 10.0, 50.0
_DEFAULT_SIZE = {"department": 24, "action": 11, "plan": 20, "resource": 14, "literal": 9, "blank": 9}

# Node attributes that are drawing instructions, not facts to show in a tooltip.
_NOT_IN_TOOLTIP = {"label", "size", "tooltip", "bipartite", "x", "y", "color", "kind", "rank"}
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_HEIGHT = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|em|rem)$")


# ---------------------------------------------------------------------------- graphs from queries


def _level_term(level) -> URIRef | None:
    if level is None or level == "":
        return None
    if isinstance(level, URIRef):
        return level
    key = str(level).strip().lower()
    if key not in LEVEL_CONCEPTS:
        raise KGError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
    return LEVEL_CONCEPTS[key]


def _plan_term(pg, plan) -> URIRef | None:
    """A plan IRI (str or URIRef) as is; anything else (聊城, a 文号, a title) resolved by the graph."""
    if plan is None or plan == "":
        return None
    if isinstance(plan, URIRef):
        return plan
    text = str(plan).strip()
    if _IRI.match(text):
        return URIRef(text)
    return pg.resolve_plan(text)


def _records(res: QueryResult) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def department_action_graph(pg, *, plan: str | None = None, level: str | None = None) -> nx.Graph:
    """Bipartite graph: department types <-> the actions of held plans they are responsible for.

    Department-type nodes: id = type IRI, ``kind="department"``, ``label`` (Chinese), ``label_en``,
    ``bipartite=0``. Action nodes: id = action IRI, ``kind="action"``, ``label`` (action name), ``plan``
    (plan title), ``plan_iri``, ``region``, ``level``, ``ordinal``, ``bipartite=1``. One edge per
    (type, action) with ``role`` ``"lead"`` or ``"participant"`` (lead wins when both).

    ``plan``: a plan IRI (other text — a region, 文号 or title — is resolved with
    ``pg.resolve_plan``); ``level``: national|province|city|county|township (or a level concept IRI).
    Both go to the named query ``department_action_edges`` as bindings.
    """
    bindings = {}
    plan_term = _plan_term(pg, plan)
    level_term = _level_term(level)
    if plan_term is not None:
        bindings["plan"] = plan_term
    if level_term is not None:
        bindings["level"] = level_term
    rows = _records(pg.named("department_action_edges", **bindings))

    departments: dict[str, dict] = {}
    actions: dict[str, dict] = {}
    roles: dict[tuple[str, str], str] = {}
    for r in rows:
        t, a = r["type"], r["action"]
        if t not in departments:
            departments[t] = {
                "kind": "department",
                "label": r.get("department") or shorten(t),
                "label_en": r.get("department_en"),
                "bipartite": 0,
            }
        if a not in actions:
            actions[a] = {
                "kind": "action",
                "label": r.get("actionName") or shorten(a),
                "plan": r.get("title"),
                "plan_iri": r.get("plan"),
                "region": r.get("region"),
                "level": r.get("levelName"),
                "ordinal": r.get("ordinal"),
                "bipartite": 1,
            }
        role = str(r.get("roleName") or "participant")
        if role == "lead" or (t, a) not in roles:  # lead wins over participant
            roles[(t, a)] = role

    g = nx.Graph()
    g.add_nodes_from((n, departments[n]) for n in sorted(departments))
    g.add_nodes_from((n, actions[n]) for n in sorted(actions))
    g.add_edges_from((t, a, {"role": role}) for (t, a), role in sorted(roles.items()))
    return g


def cooccurrence_graph(pg, *, plan: str | None = None, level: str | None = None) -> nx.Graph:
    """Department types; an edge's ``weight`` = the number of actions the two types share.

    The weighted projection (``networkx.algorithms.bipartite.weighted_projected_graph``) of
    :func:`department_action_graph` onto its department nodes (node attributes are kept).
    """
    from networkx.algorithms import bipartite

    b = department_action_graph(pg, plan=plan, level=level)
    departments = sorted(n for n, d in b.nodes(data=True) if d.get("kind") == "department")
    projected = bipartite.weighted_projected_graph(b, departments)
    g = nx.Graph()  # rebuilt in sorted order: the projection's edge order follows set iteration
    g.add_nodes_from((n, projected.nodes[n]) for n in departments)
    g.add_edges_from(
        (u, v, {"weight": int(d["weight"])})
        for u, v, d in sorted((min(u, v), max(u, v), d) for u, v, d in projected.edges(data=True))
    )
    return g


def hierarchy_graph(pg, *, result: QueryResult | None = None) -> nx.DiGraph:
    """Plans (named query ``hierarchy``, or its ``result`` when already run) with an edge child ->
    parent for each derivation.

    Node attributes: ``kind="plan"``, ``label`` (region + 文号, else the title), ``title``, ``level``,
    ``rank`` (0 = national), ``held`` (bool), ``region``, ``doc_number``. Edge attributes: ``method``,
    ``score``.
    """
    rows = _records(result if result is not None else pg.named("hierarchy"))
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    parent_titles: dict[str, str | None] = {}
    for r in rows:
        p = r["plan"]
        if p not in nodes:
            region, doc, title = r.get("region"), r.get("docNumber"), r.get("title")
            if doc:
                label = f"{region}\n{doc}" if region else str(doc)
            else:
                label = str(title or region or shorten(p))
            nodes[p] = {
                "kind": "plan",
                "label": label,
                "title": title,
                "level": r.get("levelName"),
                "rank": r.get("rank"),
                "held": bool(r.get("held")),
                "region": region,
                "doc_number": doc,
            }
        parent = r.get("parent")
        if parent:
            score = r.get("score")
            edges.setdefault(
                (p, parent),
                {"method": r.get("method"), "score": float(score) if score is not None else None},
            )
            parent_titles.setdefault(parent, r.get("parentTitle"))
    for parent, title in parent_titles.items():  # a parent that is not itself a plan row (not expected)
        if parent not in nodes:
            nodes[parent] = {"kind": "plan", "label": str(title or shorten(parent)), "title": title}
            nodes[parent].update(level=None, rank=None, held=False, region=None, doc_number=None)
    g = nx.DiGraph()
    g.add_nodes_from((n, nodes[n]) for n in sorted(nodes))
    g.add_edges_from((c, p, d) for (c, p), d in sorted(edges.items()))
    return g


def collapse_hierarchy(g: nx.DiGraph, *, max_nodes: int = 400) -> tuple[nx.DiGraph, int | None]:
    """The top of a plan hierarchy small enough to draw: the plans of the highest ranks (national = 0)
    that together stay within ``max_nodes``, and the deepest rank kept (None: nothing left out).

    Each plan kept at that rank gets ``below`` (how many of the plans left out derive from it, directly
    or not); the plans left out are those of lower ranks and those of no known level. With no ranks
    at all nothing can be cut: the graph comes back whole, with None."""
    ranks = sorted({d["rank"] for _, d in g.nodes(data=True) if isinstance(d.get("rank"), int)})
    counts = {r: sum(1 for _, d in g.nodes(data=True) if d.get("rank") == r) for r in ranks}
    if g.number_of_nodes() <= max_nodes or not ranks:
        return g, None
    kept_ranks: list[int] = []
    total = 0
    for r in ranks:
        if kept_ranks and total + counts[r] > max_nodes:
            break
        kept_ranks.append(r)
        total += counts[r]
    cut = kept_ranks[-1]
    top = g.subgraph(n for n, d in g.nodes(data=True) if d.get("rank") in kept_ranks).copy()
    for n, d in top.nodes(data=True):
        if d.get("rank") == cut:
            d["below"] = len(nx.ancestors(g, n) - top.nodes)  # edges run child -> parent; not drawn
    return top, cut


def hierarchy_subtree(g: nx.DiGraph, plan: str) -> nx.DiGraph:
    """A plan, the chain of plans it derives from, and every plan that derives from it."""
    if plan not in g:
        raise KGError(f"no plan {plan!r} in the hierarchy")
    keep = {plan} | nx.descendants(g, plan) | nx.ancestors(g, plan)  # parents | children (edges up)
    return g.subgraph(keep).copy()


def size_nodes(g: nx.Graph, *, by: str = "degree") -> dict:
    """Set node attribute ``size`` (10–50, linear in the centrality) and return the raw centrality.

    ``by``: ``"degree"`` (``nx.degree_centrality``), ``"betweenness"`` (``nx.betweenness_centrality``,
    unweighted) or ``"pagerank"`` (``nx.pagerank``, using an edge ``weight`` when there is one). When all
    nodes score the same they all get size 30.
    """
    if by == "degree":
        raw = nx.degree_centrality(g)
    elif by == "betweenness":
        raw = nx.betweenness_centrality(g)
    elif by == "pagerank":
        raw = nx.pagerank(g, weight="weight") if g.number_of_nodes() else {}
    else:
        raise KGError(f"unknown centrality {by!r}; one of degree, betweenness, pagerank")
    if raw:
        lo, hi = min(raw.values()), max(raw.values())
        for n, v in raw.items():
            if hi - lo > 1e-12:
                size = SIZE_MIN + (SIZE_MAX - SIZE_MIN) * (v - lo) / (hi - lo)
            else:
                size = (SIZE_MIN + SIZE_MAX) / 2
            g.nodes[n]["size"] = round(size, 2)
    return raw


# ---------------------------------------------------------------------------- CONSTRUCT answers

_NAME_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://data.europa.eu/eli/ontology#title",
)


def _term_id(term) -> str:
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def construct_graph(result: QueryResult) -> nx.MultiDiGraph:
    """A CONSTRUCT / DESCRIBE answer as a graph: one node per distinct subject / object term.

    Node ids: the IRI, ``_:id`` for blank nodes, the N3 form for literals (``"健康"@zh``). Node
    attributes: ``kind`` (resource, blank, literal), ``label`` (prefixed name such as ``hcid:doc/…``,
    or the literal's text, clipped), ``iri`` / ``value`` / ``lang`` / ``datatype``, and ``name`` when
    the answer gives the resource an rdfs:label, skos:prefLabel or eli:title. Edges subject -> object
    with ``label`` (the shortened predicate) and ``predicate`` (its IRI); the edge key is the label.
    """
    if result.kind != "graph":
        raise KGError("not a CONSTRUCT or DESCRIBE answer: run a CONSTRUCT or DESCRIBE query")
    triples = sorted(result.triples, key=lambda t: tuple(_term_id(x) for x in t))
    names: dict[str, str] = {}
    for s, p, o in triples:
        if str(p) in _NAME_PREDICATES and isinstance(o, Literal) and _term_id(s) not in names:
            names[_term_id(s)] = str(o)

    def attrs(term) -> dict:
        if isinstance(term, Literal):
            d = {"kind": "literal", "label": _clip(str(term)), "value": str(term)}
            if term.language:
                d["lang"] = term.language
            elif term.datatype is not None:
                d["datatype"] = shorten(str(term.datatype))
            return d
        if isinstance(term, BNode):
            return {"kind": "blank", "label": f"_:{term}"}
        d = {"kind": "resource", "label": shorten(str(term)), "iri": str(term)}
        if _term_id(term) in names:
            d["name"] = names[_term_id(term)]
        return d

    g = nx.MultiDiGraph()
    for s, _, o in triples:
        for term in (s, o):
            tid = _term_id(term)
            if tid not in g:
                g.add_node(tid, **attrs(term))
    for s, p, o in triples:
        label = shorten(str(p))
        g.add_edge(_term_id(s), _term_id(o), key=label, label=label, predicate=str(p))
    return g


# ---------------------------------------------------------------------------- HTML


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
