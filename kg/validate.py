"""SHACL validation of a built graph, with a short readable message.

``validate(data)`` runs pyshacl with ontology/shapes.ttl, the ontology (hc.ttl) mixed
in as ``ont_graph`` and no inference, and returns ``(conforms, message)``: one line per
violation, ``focus node  path  message``, sorted, at most ``MAX_LINES`` lines, then a
count. No pyshacl object leaves this module.
"""

from __future__ import annotations

import pyshacl
from rdflib import RDF, Dataset, Graph, Literal, Node, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import SH

from kg.rdf import PREFIXES, ontology_graph, shapes_graph

MAX_LINES = 20

# Longest namespace first, so "hcid:" wins over a shorter prefix of the same IRI.
_SHORTEN = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def short(node: Node | None) -> str:
    """A compact, readable form of a node: prefix:local for known namespaces."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        iri = str(node)
        for prefix, ns in _SHORTEN:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 40 else text[:39] + "…")
    return str(node)  # a blank node (only in the shapes / pyshacl's own paths)


def _as_graph(data: Graph) -> Graph:
    """Merge a Dataset / ConjunctiveGraph into one graph: shapes span named graphs."""
    if isinstance(data, Dataset | ConjunctiveGraph):
        merged = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return data


def violations(results: Graph) -> list[tuple[str, str, str]]:
    """(focus, path, message) of every result in a pyshacl results graph, sorted."""
    rows = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        message = messages[0] if messages else "violates " + short(results.value(result, SH.sourceShape))
        value = results.value(result, SH.value)
        if value is not None and value != focus:
            message += f" (value {short(value)})"
        rows.add((short(focus), short(path) if isinstance(path, URIRef) else "-", message))
    return sorted(rows)


def validate(data: Graph, max_lines: int = MAX_LINES) -> tuple[bool, str]:
    """Validate ``data`` against the shapes; return (conforms, readable message)."""
    conforms, results, _text = pyshacl.validate(
        _as_graph(data),
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        allow_infos=False,
    )
    if conforms:
        return True, "conforms: no SHACL violations"
    rows = violations(results)
    lines = [f"{focus}  {path}  {message}" for focus, path, message in rows[:max_lines]]
    if len(rows) > max_lines:
        lines.append(f"... and {len(rows) - max_lines} more")
    lines.append(f"{len(rows)} SHACL violation(s)")
    return bool(conforms), "\n".join(lines)
