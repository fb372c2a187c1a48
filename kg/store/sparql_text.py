"""SPARQL text rewriting: the known prefixes, prefixed names, and pre-bound variables (``VALUES``).

Every query may use the prefixes of ``kg.rdf.PREFIXES`` without declaring them; a named query that
says "Bind ?x" takes values as a ``VALUES`` block (see :func:`bind_values`). Pure text: no engine.
"""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.rdf import PREFIXES

Term = URIRef | BNode | Literal


def prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI known to every query (``kg.rdf.PREFIXES``)."""
    return dict(PREFIXES)


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def add_prefixes(sparql: str, prefix_map: dict[str, str] | None = None) -> tuple[str, int]:
    """Prepend a ``PREFIX`` line for every known prefix the query does not declare itself.

    Returns the new text and the number of lines added (to keep error positions relative to the
    user's text).
    """
    prefix_map = prefixes() if prefix_map is None else prefix_map
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(code_only(sparql))}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(prefix_map.items()) if p not in declared]
    if not lines:
        return sparql, 0
    return "\n".join(lines) + "\n" + sparql, len(lines)


def shorten(iri: str, prefix_map: dict[str, str] | None = None) -> str:
    """``https://w3id.org/healthy-china/ontology#Plan`` -> ``hc:Plan`` (longest matching namespace)."""
    prefix_map = prefixes() if prefix_map is None else prefix_map
    best = None
    for p, ns in prefix_map.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (p, ns)
    if best is None:
        return iri
    return f"{best[0]}:{iri[len(best[1]) :]}"


def expand(name: str, prefix_map: dict[str, str] | None = None) -> str:
    """``hc:Plan`` -> the full IRI (the inverse of :func:`shorten`); anything else as it is."""
    prefix_map = prefixes() if prefix_map is None else prefix_map
    prefix, colon, local = str(name).partition(":")
    if colon and prefix in prefix_map and not local.startswith("//"):
        return prefix_map[prefix] + local
    return str(name)


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WHERE = re.compile(r"(?i)\bWHERE\s*\{")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def code_only(sparql: str) -> str:
    """The query with string literals, IRIs and comments blanked out (same length, same positions)."""
    out = list(sparql)
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "#":
            j = sparql.find("\n", i)
            j = n if j < 0 else j
        elif ch == "<" and (m := _IRIREF.match(sparql, i)):
            j = m.end()
        elif ch in "'\"":
            quote = sparql[i : i + 3] if sparql[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            j = min(n, j + len(quote))
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def bind_values(sparql: str, bindings: dict[str, Term | None]) -> str:
    """Pre-bind variables: ``VALUES (?a ?b) { (x y) }`` at the start of the WHERE clause (a list of
    terms as a variable's value: ``VALUES ?c { x y z }``, one solution each).

    A query whose outer WHERE only decorates an aggregate computed in a subquery marks that subquery's
    group with the comment ``# bindings here`` right after its opening brace: the variables that group
    mentions are bound there (where they still filter the aggregate), any others in the outer WHERE.

    The same text works on every engine (Oxigraph's own substitution refuses variables that are not
    projected). VALUES go on the line of the opening brace, so line numbers in error messages hold.
    """
    bound = {k.lstrip("?$"): v for k, v in bindings.items() if v is not None}
    if not bound:
        return sparql
    for name in bound:
        if not _VAR_NAME.match(name):
            raise QueryError(f"cannot bind {name!r}: not a variable name")
    code = code_only(sparql)
    m = _WHERE.search(code)
    outer = m.end() - 1 if m else code.find("{")
    if outer < 0:
        raise QueryError("cannot bind variables: the query has no WHERE clause")
    places = {outer: dict(bound)}
    marked = marked_group(sparql, code)
    if marked is not None and marked[0] != outer:  # a marker on the outer brace changes nothing
        start, end = marked
        inside = {k for k in bound if re.search(rf"[?$]{k}(?![A-Za-z0-9_])", code[start:end])}
        if inside:
            places[start] = {k: bound[k] for k in inside}
            places[outer] = {k: v for k, v in bound.items() if k not in inside}
    out = sparql
    for brace in sorted((b for b, vs in places.items() if vs), reverse=True):  # later text first
        out = f"{out[: brace + 1]} {_values_block(places[brace])} {out[brace + 1 :]}"
    return out


def _values_block(bound: dict) -> str:
    """One VALUES row of the single values; a list or tuple of terms binds its variable to each."""
    one = {k: v for k, v in bound.items() if not isinstance(v, (list, tuple))}
    blocks = [f"VALUES ?{k} {{ {' '.join(t.n3() for t in v)} }}" for k, v in bound.items() if k not in one]
    if one:
        names = " ".join(f"?{k}" for k in one)
        blocks.insert(0, f"VALUES ({names}) {{ ({' '.join(v.n3() for v in one.values())}) }}")
    return " ".join(blocks)


_MARKER = re.compile(r"\{([ \t]*)# bindings here(?![A-Za-z0-9_])")


def marked_group(sparql: str, code: str) -> tuple[int, int] | None:
    """(opening brace, closing brace) of the first group marked ``# bindings here``: a comment (not
    text in a string) right after the brace."""
    for m in _MARKER.finditer(sparql):
        brace = m.start()
        if code[brace] != "{":  # inside a string, an IRI or a comment; a '#' that follows a real
            continue  # brace with only blanks between starts a comment
        depth = 0
        for k in range(brace, len(code)):
            if code[k] == "{":
                depth += 1
            elif code[k] == "}":
                depth -= 1
                if depth == 0:
                    return brace, k
        return None
    return None


_FROM = re.compile(r"(?i)(?<![?$\w:.-])FROM(?![\w:-])")
_FROM_CLAUSE = re.compile(r"(?i)FROM\s+(?:NAMED\s+)?(?:<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.\-%]*|:[\w.\-%]*)\s*")
_FORM = re.compile(r"(?i)(?<![?$\w:.-])(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:-])")


def has_dataset_clause(sparql: str) -> bool:
    """Whether the query says FROM or FROM NAMED (strings, IRIs and comments aside)."""
    return _FROM.search(code_only(sparql)) is not None


def with_dataset(sparql: str, default_graphs=(), named_graphs=()) -> str:
    """The query with its FROM / FROM NAMED clauses replaced by these graphs (the SPARQL Protocol's
    ``default-graph-uri`` / ``named-graph-uri``, which take precedence over the query's own).

    The clauses go where the grammar puts them: after the query form's clause (a CONSTRUCT template
    skipped), before the WHERE clause; so the read-only check sees them like any FROM.
    """
    if not default_graphs and not named_graphs:
        return sparql
    code = code_only(sparql)
    form = _FORM.search(code)
    if form is None:
        raise QueryError("default-graph-uri / named-graph-uri: no SELECT, CONSTRUCT, ASK or DESCRIBE here")
    i = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        j = i
        while j < len(code) and code[j].isspace():
            j += 1
        if j < len(code) and code[j] == "{" and not re.match(r"(?i)\s*WHERE\b", code[i:]):
            depth = 0
            for k in range(j, len(code)):
                depth += {"{": 1, "}": -1}.get(code[k], 0)
                if depth == 0:
                    i = k + 1
                    break
    m = re.compile(r"(?i)(?<![?$\w:.-])WHERE(?![\w:-])|\{").search(code, i)
    end = m.start() if m else len(code)
    head = _strip_clauses(sparql[i:end], code[i:end])
    clauses = [f"FROM <{g}>" for g in default_graphs] + [f"FROM NAMED <{g}>" for g in named_graphs]
    return f"{sparql[:i]}{head.rstrip()} {' '.join(clauses)} {sparql[end:]}"


def _strip_clauses(text: str, code: str) -> str:
    """``text`` without its FROM clauses (found as keywords in ``code``, read in ``text``)."""
    out, last = [], 0
    for kw in _FROM.finditer(code):
        m = _FROM_CLAUSE.match(text, kw.start())
        if m and kw.start() >= last:
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return "".join(out)
