"""Networks of the policy graph as networkx graphs, read through named queries.

``department_action_graph`` (departments <-> actions), ``cooccurrence_graph`` (departments weighted by
shared actions) and ``hierarchy_graph`` (plans, child -> parent) read the named queries
``department_action_edges`` and ``hierarchy``, with user values bound by the graph object
(:meth:`kg.graph.PolicyGraph.named`). Nodes and edges are inserted in sorted order, so the same graph
always gives the same drawing.
"""

from __future__ import annotations

import networkx as nx
from rdflib import BNode, Literal

from kg.errors import KGError
from kg.store import QueryResult, shorten

SIZE_MIN, SIZE_MAX = 10.0, 50.0


def _records(res: QueryResult) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def department_action_graph(pg, *, plan: str | None = None, level: str | None = None) -> nx.Graph:
    """Bipartite graph: department types <-> the actions of held plans they are responsible for.

    Department-type nodes: id = type IRI, ``kind="department"``, ``label`` (Chinese), ``label_en``,
    ``bipartite=0``. Action nodes: id = action IRI, ``kind="action"``, ``label`` (action name), ``plan``
    (plan title), ``plan_iri``, ``region``, ``level``, ``ordinal``, ``bipartite=1``. One edge per
    (type, action) with ``role`` ``"lead"`` or ``"participant"`` (lead wins when both).

    ``plan``: a plan IRI, region, 文号 or title; ``level``: national|province|city|county|township (or
    a level concept IRI). Both are bound to the named query ``department_action_edges`` by ``pg``.
    """
    rows = _records(pg.named("department_action_edges", plan=plan or None, level=level or None))

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
