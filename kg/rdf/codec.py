"""N-Triples / N-Quads: term strings written without rdflib, and read back into rdflib terms.

A graph is built as a list of ``(s, p, o)`` N-Triples term strings ("<iri>", '"text"@zh',
'"5"^^<…#integer>'): no rdflib term is made on the way, which is what keeps large builds fast.
The interchange form between ``kg.rdf``, the stores and the validator is N-Quads bytes of one
named graph (``to_nquads``); rdflib terms are made only where rdflib is the engine (``from_nt``,
``as_triples``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.rdf.iris import org_iri, region_iri
from kg.rdf.vocabulary import ELI, HC, ORG

Triple = tuple[URIRef, URIRef, URIRef | Literal]
NTTriple = tuple[str, str, str]  # N-Triples terms: "<iri>", '"text"@zh', '"5"^^<...#integer>'

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


class NTNamespace:
    """``ns.name`` -> "<ns+name>", computed once per name."""

    def __init__(self, namespace):
        self._ns = str(namespace)

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = f"<{self._ns}{name}>"
        setattr(self, name, term)
        return term


hc, eli, org, prov, skos, rdfs = (NTNamespace(ns) for ns in (HC, ELI, ORG, PROV, SKOS, RDFS))
A = f"<{RDF.type}>"
TRUE = f'"true"^^<{XSD.boolean}>'
FALSE = f'"false"^^<{XSD.boolean}>'
_INTEGER = f"^^<{XSD.integer}>"
_DECIMAL = f"^^<{XSD.decimal}>"


def iri(node) -> str:
    """An IRI in N-Triples syntax (IRIs of this project need no escaping: see ``iris.slug``)."""
    return f"<{node}>"


def lit(text) -> str:
    """A plain (xsd:string) literal."""
    text = str(text)
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:  # str.translate is slow: rarely needed
        text = text.translate(_NT_ESCAPES)
    return '"' + text + '"'


def zh(text: str) -> str:
    """A literal tagged @zh (titles and names)."""
    return lit(text) + "@zh"


def en(text: str) -> str:
    return lit(text) + "@en"


def typed(lexical: str, datatype) -> str:
    return f"{lit(lexical)}^^<{datatype}>"


def boolean(value: bool) -> str:
    return TRUE if value else FALSE


def integer(value: int) -> str:
    return f'"{int(value)}"{_INTEGER}'


def decimal(value: Decimal) -> str:
    return f'"{format(value, "f")}"{_DECIMAL}'


def score(value: float) -> str:
    return decimal(Decimal(str(value)))


@lru_cache(maxsize=1 << 16)
def region(name: str) -> str:
    return f"<{region_iri(name)}>"


@lru_cache(maxsize=1 << 18)
def organisation(region_name: str | None, name: str) -> str:
    return f"<{org_iri(region_name, name)}>"


def nt_term(term) -> str:
    """An rdflib term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    raise ValueError(f"not an IRI or literal: {term!r}")


def _is_nt(term) -> bool:
    return type(term) is str  # rdflib terms are str subclasses


def nt_lines(triples: Iterable, *, end: str = " .\n") -> str:
    """N-Triples text of triples given as rdflib terms or as N-Triples term strings; each line ends
    with ``end`` (N-Quads: the graph name before the dot)."""
    out = []
    for s, p, o in triples:
        if _is_nt(s):
            out.append(f"{s} {p} {o}{end}")
        else:
            out.append(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{end}")
    return "".join(out)


def nquads(triples, graph: URIRef) -> str:
    """N-Quads lines in ``graph`` of triples (rdflib terms or N-Triples term strings) or of
    N-Triples text (a ``str``: every line ends with " .", as ``nt_lines`` writes it)."""
    if isinstance(triples, bytes):
        return triples.decode("utf-8")
    end = f" <{graph}> .\n"
    if isinstance(triples, str):
        return triples.replace(" .\n", end)
    return nt_lines(triples, end=end)


def to_nquads(triples: Iterable, graph: URIRef) -> bytes:
    """The interchange form: UTF-8 N-Quads bytes of ``triples`` in the named graph ``graph``."""
    return nquads(triples, graph).encode("utf-8")


_NQ_GRAPH = re.compile(r" <[^<>]*> \.\n")
_LITERAL_NT = re.compile(r'"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?', re.S)
_UNESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r"}


def nt_to_term(text: str):
    """The rdflib term of an N-Triples term string written by this module."""
    if text[0] == "<":
        return URIRef(text[1:-1])
    m = _LITERAL_NT.fullmatch(text)
    if m is None:
        raise ValueError(f"not an N-Triples term of this module: {text!r}")
    lexical, lang, datatype = m.groups()
    if "\\" in lexical:
        lexical = re.sub(r'\\[\\"nr]', lambda e: _UNESCAPES[e[0]], lexical)
    return Literal(lexical, lang=lang, datatype=URIRef(datatype) if datatype else None)


def from_nt(triples: list[NTTriple]) -> list[Triple]:
    """N-Triples term strings -> rdflib terms (each distinct string converted once)."""
    cache: dict[str, object] = {}

    def term(t: str):
        node = cache.get(t)
        if node is None:
            node = cache[t] = nt_to_term(t)
        return node

    return [(term(s), term(p), term(o)) for s, p, o in triples]


def is_nt_list(graph) -> bool:
    """Whether ``graph`` is a non-empty list of N-Triples term strings (as ``record_nt`` returns)."""
    return isinstance(graph, list) and bool(graph) and _is_nt(graph[0][0])


def as_triples(graph) -> Iterable[Triple]:
    """rdflib triples of a graph given as an rdflib Graph or triple list, a list of N-Triples term
    strings (``record_nt``), N-Triples text (``nt_lines``) or N-Quads bytes of one graph."""
    if isinstance(graph, bytes):
        graph = graph.decode("utf-8")
        return [] if not graph else list(as_triples(_NQ_GRAPH.sub(" .\n", graph)))
    if isinstance(graph, str):
        g = Graph()
        g.parse(data=graph, format="nt")
        return g
    if is_nt_list(graph):
        return from_nt(graph)
    return graph
