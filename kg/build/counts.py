"""The headline counts of a patch build (build.json's ``counts``: kg/queries/build_counts.rq and
plans_per_level.rq) from the previous build's, without a scan of the whole store.

Each count is of distinct nodes with a property (a plan, a held plan, an action, an action of a
plan not held, a department, an indicator, a plan at a level). A node's standing can change only
when a quad it is the subject or object of is removed or added, or, for an action of a plan not
held, when that plan's flag changes (the plan is then a subject of a quad changed: its parts are
taken in too). So the new count is the previous one less the count among those nodes before the
patch, plus the count among them after: a few index lookups per node (a patch touches a few
thousand), where the two queries take seconds at 10,000 plans. (Tried before as a SPARQL query
with the nodes in a VALUES block: Oxigraph did not push the VALUES into the counts, and it was
slower than counting whole.) tests/test_counts.py compares the patched counts with fresh builds'.
"""

from __future__ import annotations

from rdflib import RDF, Literal
from rdflib.namespace import SKOS

from kg.rdf.vocabulary import ELI, HC

_KEYS = ("plans", "heldPlans", "actions", "departments", "indicators")
_TRUE = Literal(True)
_FALSE = Literal(False)


def nodes_of(triples) -> set:
    """The subjects and objects of (s, p, o) triples."""
    out = set()
    for s, _, o in triples:
        out.add(s)
        out.add(o)
    return out


def with_parts(store, nodes: set) -> set:
    """``nodes`` and the parts of those that have any (a plan's actions: their count of actions of
    plans not held follows the plan's flag)."""
    parts = {o for n in nodes if not isinstance(n, Literal) for _, _, o in store.match(n, ELI.has_part)}
    return nodes | parts


def counts_among(store, nodes: set) -> dict:
    """The build counts' terms restricted to ``nodes``, with the nodes' notations (a level whose
    notation changed would move every plan at that level: :func:`patched_counts` then gives up)."""
    out = dict.fromkeys(("plans", "heldPlans", "allActions", "otherActions", "departments", "indicators"), 0)
    levels: dict[str, int] = {}
    notations: dict = {}
    for node in nodes:
        if store.holds(None, HC.department, node):
            out["departments"] += 1
        if store.holds(None, HC.hasIndicator, node):
            out["indicators"] += 1
        if isinstance(node, Literal):
            continue
        notations[node] = sorted(str(o) for _, _, o in store.match(node, SKOS.notation))
        types = {o for _, _, o in store.match(node, RDF.type)}
        if HC.Plan in types:
            out["plans"] += 1
            if store.holds(node, HC.held, _TRUE):
                out["heldPlans"] += 1
            found = {
                str(n)
                for _, _, lv in store.match(node, HC.level)
                for _, _, n in store.match(lv, SKOS.notation)
            }
            for n in found:
                levels[n] = levels.get(n, 0) + 1
        if HC.Action in types:
            out["allActions"] += 1
            sources = [s for s, _, _ in store.match(None, ELI.has_part, node)]
            if any(store.holds(s, HC.held, _FALSE) for s in sources):
                out["otherActions"] += 1
    out["levels"] = levels
    out["notations"] = notations
    return out


def patched_counts(previous: dict | None, before: dict, after: dict, triples: int) -> dict | None:
    """build.json's counts from the previous build's (``previous``) and the counts among the nodes a
    patch touched before and after it (:func:`counts_among`); None when they cannot be patched (no
    previous counts, or a level's notation changed)."""
    if not previous or any(k not in previous for k in (*_KEYS, "plans_by_level")):
        return None
    if before["notations"] != after["notations"]:
        return None  # a node's notation changed: the plans at a level may differ beyond the nodes

    def delta(key: str) -> int:
        return after[key] - before[key]

    counts = {k: int(previous[k]) for k in _KEYS}
    counts["plans"] += delta("plans")
    counts["heldPlans"] += delta("heldPlans")
    counts["actions"] += delta("allActions") - delta("otherActions")
    counts["departments"] += delta("departments")
    counts["indicators"] += delta("indicators")
    by_level = {str(k): int(v) for k, v in previous["plans_by_level"].items()}
    for level in set(before["levels"]) | set(after["levels"]):
        n = by_level.get(level, 0) + after["levels"].get(level, 0) - before["levels"].get(level, 0)
        if n:
            by_level[level] = n
        else:
            by_level.pop(level, None)
    counts["plans_by_level"] = dict(sorted(by_level.items()))
    return {**counts, "triples": triples}
