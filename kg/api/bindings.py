"""Plain Python values -> the RDF terms a named query's parameters take.

A named query declares its parameters in its ``# description:`` line: every ``?name`` mentioned
there is one, and the words in brackets after it say what it takes (``Bind ?plan (a plan IRI)``,
``?name (a string)``). A value is turned into a term so (and then bound as a ``VALUES`` term, never
pasted into the query text):

* an rdflib term is used as it is; ``None`` leaves the variable unbound;
* ``bool``, ``int``, ``float``, ``date`` become typed literals;
* a string, by the parameter's name where the project knows it: ``plan`` / ``start`` — a plan by
  region, 文号, title or IRI (:meth:`PolicyGraph.resolve_plan`); ``level`` — national, province,
  city, county, township; ``role`` — lead or participant; ``type`` — a department type's id
  (``health``) or IRI; ``theme`` — a theme's id or IRI;
* any other string as the command line's ``--bind`` reads it: ``<iri>``, a full ``http(s)://`` IRI
  or a known ``prefix:name`` is an IRI — unless the query declares the parameter a string — and
  anything else a string literal; a parameter declared an IRI refuses a string that is none.
"""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.errors import KGError

_PARAM = re.compile(r"\?([A-Za-z_]\w*)(?:\s*\(([^)]*)\))?")
_FULL_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_DESCRIPTION = re.compile(r"^#\s*description\s*:\s*(.*?)\s*$", re.M)


def declared(sparql: str) -> dict[str, str]:
    """Parameter name -> "iri", "literal" or "" (not said) from a named query's description line."""
    m = _DESCRIPTION.search(sparql)
    out: dict[str, str] = {}
    for name, note in _PARAM.findall(m.group(1) if m else ""):
        note = note.lower()
        if "string" in note:
            kind = "literal"
        elif "iri" in note or "concept" in note or "hc:" in note or note.startswith(("the ", "a ")):
            kind = "iri"
        else:
            kind = ""
        if out.get(name, "") == "":
            out[name] = kind
    return out


def iri_of(text: str) -> URIRef | None:
    """``<iri>``, a full http(s) IRI or a known ``prefix:name`` as an IRI; None for other text."""
    from kg.store import prefixes

    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if _FULL_IRI.match(text):
        return URIRef(text)
    prefix, colon, local = text.partition(":")
    known = prefixes()
    if colon and prefix in known and not local.startswith("//"):
        return URIRef(known[prefix] + local)
    return None


def _one_of(name: str, value: str, table: dict[str, URIRef]) -> URIRef:
    key = value.strip().lower()
    if key in table:
        return table[key]
    raise KGError(f"unknown {name} {value!r}; one of {', '.join(table)}")


def term_for(pg, name: str, value, kind: str = "") -> Identifier | None:
    """The RDF term for ``value`` bound to ``?name`` (see the module notes); ``pg`` resolves plans."""
    from kg.rdf import LEVEL_CONCEPTS, ROLE_CONCEPTS, department_type_iri, theme_iri
    from kg.records import LEVELS

    if value is None or isinstance(value, Identifier):
        return value
    if isinstance(value, (bool, int, float, dt.date)):
        return Literal(value)
    if not isinstance(value, str):
        raise KGError(f"?{name}: cannot bind a {type(value).__name__} (give a str, number, date or RDF term)")
    iri = iri_of(value)
    if kind == "literal":
        return Literal(value)
    if name in ("plan", "start"):
        return iri if iri is not None else URIRef(pg.resolve_plan(value))
    if name == "level" and iri is None:
        return _one_of("level", value, {lv: LEVEL_CONCEPTS[lv] for lv in LEVELS})
    if name == "role" and iri is None:
        return _one_of("role", value, ROLE_CONCEPTS)
    if name == "type" and iri is None:
        return department_type_iri(value.strip())
    if name == "theme" and iri is None:
        return theme_iri(value.strip())
    if iri is not None:
        return iri
    if kind == "iri":
        raise KGError(f"?{name} takes an IRI (<…>, https://… or prefix:name), not {value!r}")
    return Literal(value)


def bind(pg, sparql: str, values: dict, *, named: str | None = None) -> dict:
    """``values`` (name -> plain value) as the bindings of ``sparql``. For a named query (``named``)
    every name must be one of its declared parameters."""
    params = declared(sparql) if named else {}
    if named:
        unknown = sorted(set(values) - set(params))
        if unknown:
            takes = ", ".join(f"?{p}" for p in params) or "no parameters"
            raise KGError(f"named query {named!r} has no parameter ?{unknown[0]} (it takes {takes})")
    out = {}
    for name, value in values.items():
        term = term_for(pg, name, value, params.get(name, ""))
        if term is not None:
            out[name] = term
    return out
