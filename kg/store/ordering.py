"""SPARQL 1.1's order of solutions (section 15.1), for engines that order otherwise.

Virtuoso orders strings by its own collation (not by code point, as SPARQL's ``<`` on strings and
Oxigraph do) and places unbound values elsewhere; a query's final ``ORDER BY`` of plain variables is
applied again here, stably, so that callers see the rows in the order the query asks for. Keys that are
expressions, keys not projected, or a ``LIMIT`` / ``OFFSET`` (the engine chose the rows by its order)
leave the engine's order as it is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.store.sparql_text import code_only

_ORDER = re.compile(r"\bORDER\s+BY\b(?P<keys>[^{}]*)$", re.I)
_KEY = re.compile(r"\s*(?:(?P<dir>ASC|DESC)\s*\(\s*[?$](?P<v1>\w+)\s*\)|[?$](?P<v2>\w+))", re.I)
_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short")}


def order_keys(sparql: str) -> list[tuple[str, bool]] | None:
    """(variable, descending) of the query's final ORDER BY, or None where it cannot be re-applied."""
    m = _ORDER.search(code_only(sparql).rstrip())
    if m is None:
        return None
    text, keys, pos = m["keys"], [], 0
    while pos < len(text.rstrip()):
        k = _KEY.match(text, pos)
        if k is None:
            return None  # an expression, a LIMIT or an OFFSET
        keys.append((k["v1"] or k["v2"], (k["dir"] or "").upper() == "DESC"))
        pos = k.end()
    return keys or None


def _rank(term):
    """Unbound < blank nodes < IRIs < literals; numbers by value, other literals by lexical form."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            return (3, 0, Decimal(str(term)), "")
        except InvalidOperation:
            pass
    dt = "" if term.datatype is None else str(term.datatype)
    return (3, 1, str(term), dt + "@" + (term.language or ""))


def reorder(rows: list[tuple], names: list[str], keys: list[tuple[str, bool]]) -> list[tuple]:
    """``rows`` (solutions over ``names``) in the order of ``keys``; unchanged if a key is not projected."""
    if any(v not in names for v, _ in keys):
        return rows
    out = list(rows)
    for var, desc in reversed(keys):  # stable sorts, last key first
        i = names.index(var)
        out.sort(key=lambda row, i=i: _rank(row[i]), reverse=desc)
    return out
