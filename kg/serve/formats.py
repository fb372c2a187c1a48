"""Result serialisation and content negotiation for ``kg serve`` (SPARQL 1.1 Protocol §2.1.5).

SELECT and ASK answers: SPARQL Query Results JSON, XML, CSV and TSV. CONSTRUCT and DESCRIBE answers:
Turtle, N-Triples, RDF/XML and JSON-LD. The format is the ``format`` parameter's when given (a
short name or a media type), else the best of the ``Accept`` header by q-value, else JSON / Turtle.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError

# media type -> short name, per answer kind, in the order of preference when Accept allows several
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
ALIASES = {  # what clients send beside the registered types
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "nt",
    "application/x-turtle": "turtle",
}
SHORT = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdfxml": "xml",
    "rdf": "xml",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
}


class NotAcceptable(QueryError):
    """The ``format`` asked for does not fit the answer (406)."""


def parse_accept(accept: str) -> list[tuple[str, float]]:
    """``Accept`` as (media type, q) pairs, best first (ties keep the header's order)."""
    out = []
    for i, part in enumerate(p for p in (accept or "").split(",") if p.strip()):
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for p in params:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((media.lower(), q, i))
    return [(m, q) for m, q, _ in sorted(out, key=lambda t: (-t[1], t[2])) if q > 0]


def negotiate(
    kind: str, accept: str, fmt: str | None = None, *, default: str | None = None
) -> tuple[str, str]:
    """(short name, media type) for an answer of ``kind`` ("select", "ask", "graph").

    An Accept header none of whose types fits gets the default (JSON, or N-Triples for graphs, as
    before these formats existed; ``default`` overrides): a client asking for result JSON on a
    CONSTRUCT still gets an answer. A ``format`` that does not fit is refused (:class:`NotAcceptable`).
    """
    types = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    by_name = {v: k for k, v in types.items()}
    if fmt:
        key = fmt.strip().lower()
        name = SHORT.get(key) or types.get(key) or ALIASES.get(key)
        if name not in by_name:
            raise NotAcceptable(f"format {fmt!r} does not fit this answer; one of {', '.join(by_name)}")
        return name, by_name[name]
    for media, _q in parse_accept(accept):
        if media in types:
            return types[media], media
        alias = ALIASES.get(media)
        if alias in by_name:
            return alias, by_name[alias]
        if media in ("*/*", "application/*", "text/*"):
            break  # any type: the default
    name = default or ("nt" if kind == "graph" else "json")
    return name, by_name[name]


def serialise(result, name: str) -> bytes:
    """The answer (:class:`kg.store.QueryResult`) in the format ``name``."""
    if result.kind == "graph":
        g = result.to_graph()
        fmt = {"turtle": "turtle", "nt": "nt", "xml": "xml", "json-ld": "json-ld"}[name]
        return g.serialize(format=fmt, encoding="utf-8")
    if name == "json":
        return result.to_json().encode("utf-8")
    if name == "csv":
        if result.kind == "ask":
            return ("_askResult\r\n" + ("true" if result.boolean else "false") + "\r\n").encode()
        return result.to_csv().encode("utf-8")
    if name == "tsv":
        return _tsv(result).encode("utf-8")
    return _xml(result).encode("utf-8")


def _tsv(result) -> str:
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join("" if t is None else _nt(t) for t in row) for row in result.terms]
    return "\n".join(lines) + "\n"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _nt(term) -> str:
    """A term as N-Triples writes it: one line, no tab (the TSV results format)."""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    text = f'"{str(term).translate(_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def _xml(result) -> str:
    head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    if result.kind == "ask":
        return head + f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n"
    out = [head, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.vars]
    out.append("</head>\n<results>")
    for row in result.terms:
        out.append("<result>")
        for v, t in zip(result.vars, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def _xml_term(t) -> str:
    if isinstance(t, URIRef):
        return f"<uri>{escape(str(t))}</uri>"
    if isinstance(t, BNode):
        return f"<bnode>{escape(str(t))}</bnode>"
    assert isinstance(t, Literal)
    attr = ""
    if t.language:
        attr = f" xml:lang={quoteattr(t.language)}"
    elif t.datatype:
        attr = f" datatype={quoteattr(str(t.datatype))}"
    return f"<literal{attr}>{escape(str(t))}</literal>"
