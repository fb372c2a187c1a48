"""RDF terms between the engines and the rest of the project.

Answers leave the store as rdflib terms (so the same query gives the same rows on every engine);
this module is the one place that converts pyoxigraph terms, SPARQL results JSON terms and the
compact, picklable form a query worker sends across a pipe (:func:`compact_ox`, :class:`Decoder`).
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import KGError

Term = URIRef | BNode | Literal
Triple = tuple[Term, Term, Term]

XSD_STRING = str(XSD.string)
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PLAIN = (XSD_STRING, RDF_LANGSTRING)


def python_value(term: Term | None):
    """A term as a plain Python value: IRIs and blank nodes as str, literals via rdflib's mapping."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


# --------------------------------------------------------------------------- SPARQL results JSON


def to_json_term(term: Term) -> dict:
    """A term as a binding of SPARQL 1.1 Query Results JSON."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def from_json_term(b: dict) -> Term:
    """A binding of SPARQL 1.1 Query Results JSON as an rdflib term."""
    kind = b.get("type")
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    if b.get("xml:lang"):
        return Literal(b["value"], lang=b["xml:lang"])
    dt = b.get("datatype")
    if dt and dt not in _PLAIN:
        return Literal(b["value"], datatype=URIRef(dt))
    return Literal(b["value"])


# --------------------------------------------------------------------------- pyoxigraph


def from_ox(term) -> Term | None:
    """A pyoxigraph term as an rdflib term."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt in _PLAIN:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise KGError(f"unsupported term in answer: {term!r}")


class OxConverter(dict):
    """:func:`from_ox` remembering the terms of one answer: answers repeat terms (levels, regions,
    types), and building an rdflib term costs several times a dictionary lookup."""

    def __call__(self, term):
        if term is None:
            return None
        found = self.get(term)
        if found is None:
            found = self[term] = from_ox(term)
        return found


def compact_ox(term):
    """A pyoxigraph term in the compact form a worker sends: an IRI as its str, a literal as
    ``("s", text)``, ``("l", text, lang)`` or ``("t", text, datatype)``, a blank node as ``("b", id)``."""
    import pyoxigraph as ox

    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    if kind is ox.Literal:
        if term.language:
            return ("l", term.value, term.language)
        dt = term.datatype.value
        return ("s", term.value) if dt in _PLAIN else ("t", term.value, dt)
    if kind is ox.BlankNode:
        return ("b", term.value)
    raise KGError(f"unsupported term in answer: {term!r}")


def compact_rdflib(term: Term | None):
    """An rdflib term in the same compact form as :func:`compact_ox`."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return ("b", str(term))
    if term.language:
        return ("l", str(term), term.language)
    if term.datatype is None or str(term.datatype) in _PLAIN:
        return ("s", str(term))
    return ("t", str(term), str(term.datatype))


class Decoder:
    """Compact terms -> rdflib terms, as :func:`from_ox` reads them (memoised per answer)."""

    MEMO = 100_000  # distinct terms remembered

    def __init__(self) -> None:
        self.memo: dict = {}

    def __call__(self, x):
        if x is None:
            return None
        term = self.memo.get(x)
        if term is None:
            if type(x) is str:
                term = URIRef(x)
            elif x[0] == "s":
                term = Literal(x[1])
            elif x[0] == "l":
                term = Literal(x[1], lang=x[2])
            elif x[0] == "t":
                term = Literal(x[1], datatype=URIRef(x[2]))
            else:
                term = BNode(x[1])
            if len(self.memo) < self.MEMO:
                self.memo[x] = term
        return term


# --------------------------------------------------------------------------- N-Triples


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt(term: Term) -> str:
    """A term in N-Triples syntax (blank nodes as ``_:id``)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = '"' + str(term).translate(_NT_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and str(term.datatype) != XSD_STRING:
        return f"{text}^^<{term.datatype}>"
    return text


def nquad_line(s: Term, p: Term, o: Term, g: Term) -> str:
    return f"{nt(s)} {nt(p)} {nt(o)} {nt(g)} .\n"
