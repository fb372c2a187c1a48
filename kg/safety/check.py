"""The read-only check of a user's query: :func:`check_read_only`.

rdflib's SPARQL parser reads the query (no regex over the raw text, so a keyword inside a string or
a comment is just text); every SPARQL Update, every ``SERVICE`` and every ``FROM`` / ``FROM NAMED``
naming a graph the store does not hold is refused before anything runs. Parser differences are the
weak point of any check done with one parser for another engine: rdflib expands ``\\uXXXX`` escapes
in the whole text before parsing while Oxigraph only reads them inside strings and IRIs, and a lone
carriage return ends a comment for Oxigraph but not for rdflib, so the text is also parsed as
Oxigraph tokenises it, and refused when the two readings disagree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.errors import QueryError, QueryRefused

MAX_QUERY_CHARS = 200_000

_UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_PROLOGUE = re.compile(r"\s*(?:(?i:PREFIX)\s+[A-Za-z0-9_.\-\u00C0-\uFFFF]*:|(?i:BASE)\b)")
_WORD = re.compile(r"\s*([A-Za-z]+)")
# how Oxigraph reads escapes: \uXXXX and \UXXXXXXXX, inside strings and IRIs only
_UCHAR = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_RDFLIB_ESCAPE = re.compile(r"\\(?=[uU][0-9A-Fa-f]{4})")


@dataclass(frozen=True)
class Checked:
    form: str
    datasets: tuple[str, ...]  # the IRIs of FROM / FROM NAMED


def check_read_only(sparql: str, *, graphs=None) -> str:
    """The query form (``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"``, ``"DESCRIBE"``), or :class:`QueryError`.

    Refused, with a one-line message, before anything runs: SPARQL Update, ``SERVICE`` anywhere, and
    ``FROM`` / ``FROM NAMED`` naming a graph that is not in ``graphs`` (the store's named graphs; when
    None, every FROM is refused). Syntax errors give the line and column in ``sparql``. Known prefixes
    (``kg.rdf.PREFIXES``) need not be declared, as everywhere in this project.

    Parsing is not time-bounded here: :func:`run_user_query` runs this check inside its worker.
    """
    checked = check(sparql)
    check_datasets(checked.datasets, graphs)
    return checked.form


def check_datasets(datasets: tuple[str, ...], graphs) -> None:
    known = {str(g) for g in graphs} if graphs is not None else set()
    for iri in datasets:
        if iri not in known:
            raise QueryRefused(
                f"FROM <{iri}> refused: not a graph in the store (queries cannot load graphs from outside)"
            )


@functools.lru_cache(maxsize=256)
def check(sparql: str) -> Checked:
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryRefused(f"query refused: {len(sparql)} characters (at most {MAX_QUERY_CHARS})")
    views = [sparql]
    oxigraph_view = _as_oxigraph_reads_it(sparql)
    if oxigraph_view != sparql:
        views.append(oxigraph_view)
    forms, datasets = set(), []
    for view in views:
        tree = _parse(view)
        forms.add(_FORMS.get(tree[1].name, tree[1].name))
        for node in _nodes(tree):
            if node.name == "ServiceGraphPattern":
                term = _field(node, "term")
                target = f"SERVICE <{term}>" if _is_iri(term) else "SERVICE"
                raise QueryRefused(
                    f"{target} refused: federated queries could make the server fetch arbitrary URLs"
                )
        datasets += [iri for iri in _dataset_iris(tree) if iri not in datasets]
    if len(forms) != 1:  # the two readings disagree: refuse rather than guess
        raise QueryRefused(
            "query refused: its escapes or line ends read differently in the two SPARQL parsers"
        )
    return Checked(forms.pop(), tuple(datasets))


def _as_oxigraph_reads_it(sparql: str) -> str:
    r"""The text as Oxigraph tokenises it, in a form rdflib's parser reads the same way.

    rdflib replaces every ``\uXXXX`` in the whole text before parsing (so ``\u0022`` can end a string
    or ``\u000A`` a comment); Oxigraph reads escapes only inside strings and IRIs. Here every escape
    Oxigraph would read becomes plain letters of the same length, any other ``\u`` loses its ``u``
    (for rdflib it would still expand), and a carriage return, which ends a comment for Oxigraph,
    becomes a line feed.
    """
    if "\\" not in sparql and "\r" not in sparql:
        return sparql
    out, i, n = [], 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "\\":
            m = _UCHAR.match(sparql, i)
            if m:
                out.append("x" * (m.end() - i))
                i = m.end()
                continue
            if sparql.startswith("\\\\", i):
                out.append("\\\\")
                i += 2
                continue
        out.append(ch)
        i += 1
    text = _RDFLIB_ESCAPE.sub(r"\\x", "".join(out)).replace("\r\n", " \n")
    return text.replace("\r", "\n")


def _parse(view: str):
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    from kg.store import rdflib_error

    try:
        return parseQuery(view)
    except RecursionError:
        raise QueryRefused("query refused: nested too deeply to be checked") from None
    except ParseBaseException as e:
        update = _update_name(view)
        if update:
            raise QueryRefused(
                f"SPARQL Update refused ({update}): queries are read-only, the store cannot be changed here"
            ) from None
        raise rdflib_error(e, view, 0) from None
    except Exception as e:  # noqa: BLE001 - an invalid \u escape, a parse action's own error
        raise QueryError(f"SPARQL syntax error: {' '.join(str(e).split())[:300]}") from None


def _update_name(view: str) -> str | None:
    """What the text updates, if it is a SPARQL Update (parsed; a broken update by its first keyword)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        request = _field(parseUpdate(view), "request") or []
    except Exception:  # noqa: BLE001 - not a well-formed update: named by its first keyword below
        request = []
    names = []
    for op in request:
        if op.name == "Modify":
            parts = [k for k in ("withClause", "delete", "insert") if _field(op, k) is not None]
            name = " … ".join(
                {"withClause": "WITH", "delete": "DELETE", "insert": "INSERT"}[k] for k in parts
            )
        else:
            name = _UPDATE_NAMES.get(op.name, op.name.upper())
        if name not in names:
            names.append(name)
    if names:
        return ", ".join(names)
    from kg.store import code_only

    code, pos = code_only(view), 0
    while m := _PROLOGUE.match(code, pos):
        pos = m.end()
    m = _WORD.match(code, pos)
    word = m.group(1).upper() if m else ""
    return word if word in _UPDATE_KEYWORDS else None


def _field(node, key: str):
    """A parse-tree node's field, or None (``CompValue.get`` answers a missing key with the key)."""
    return dict.get(node, key)


def _nodes(tree):
    """Every CompValue in a parse tree (iterative: trees can be deep)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _is_iri(term) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _dataset_iris(tree) -> list[str]:
    """The IRIs of FROM / FROM NAMED, with prefixed names and relative IRIs resolved."""
    from urllib.parse import urljoin

    from rdflib.plugins.sparql.parserutils import CompValue

    from kg.store import prefixes

    clauses = _field(tree[1], "datasetClause") or []
    if not clauses:
        return []
    known, base = prefixes(), None
    for decl in tree[0]:
        if decl.name == "PrefixDecl":
            known[_field(decl, "prefix") or ""] = str(_field(decl, "iri"))
        elif decl.name == "Base":
            base = str(_field(decl, "iri"))
    out = []
    for clause in clauses:
        iri = _field(clause, "default")
        if iri is None:
            iri = _field(clause, "named")
        if isinstance(iri, CompValue):  # pname
            prefix = _field(iri, "prefix") or ""
            if prefix not in known:
                raise QueryError(f"SPARQL syntax error: unknown prefix {prefix}: in FROM")
            iri = known[prefix] + (_field(iri, "localname") or "")
        else:
            iri = str(iri)
            if base:
                iri = urljoin(base, iri)
        out.append(iri)
    return out
