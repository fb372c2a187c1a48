"""Engine errors as the project's own one-line :class:`~kg.errors.QueryError`: a syntax error names
the line and column of the user's text (the known prefixes the store prepends are not counted)."""

from __future__ import annotations

import re

from kg.errors import QueryError

_OX_POS = re.compile(r"^error at (\d+):(\d+):\s*", re.S)


def clean(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def locate_prefix(sparql: str, prefix: str) -> str:
    for i, text in enumerate(sparql.splitlines(), start=1):
        col = text.find(prefix + ":")
        if col >= 0:
            return f"line {i}, column {col + 1}: "
    return ""


def syntax_error(message: str, line: int | None, col: int | None, offset: int) -> QueryError:
    where = ""
    if line is not None:
        line = line - offset if line > offset else line
        where = f"line {line}" + (f", column {col}" if col is not None else "") + ": "
    return QueryError(f"SPARQL syntax error at {where}{clean(message)}")


def oxigraph_error(e: Exception, user_sparql: str, offset: int) -> QueryError:
    text = str(e)
    m = _OX_POS.match(text)
    if m:
        line, col, rest = int(m.group(1)), int(m.group(2)), text[m.end() :]
        if "Prefix not found" in rest:
            lines = user_sparql.splitlines()
            user_line = line - offset
            if 1 <= user_line <= len(lines):
                names = re.findall(r"([A-Za-z][\w.-]*)?:[\w.-]*", lines[user_line - 1][:col])
                if names:
                    rest = f"unknown prefix {names[-1]}:"
        return syntax_error(rest, line, col, offset)
    return QueryError(f"SPARQL query failed: {clean(text)}")


def rdflib_error(e: Exception, user_sparql: str, offset: int) -> QueryError:
    line, col = getattr(e, "lineno", None), getattr(e, "col", None)
    if line is not None:
        msg = getattr(e, "msg", None) or str(e).split(" (at char")[0]
        found = getattr(e, "line", "")
        return syntax_error(f"{msg} near {found.strip()[:60]!r}" if found else msg, line, col, offset)
    text = str(e)
    m = re.match(r"Unknown namespace prefix\s*:\s*(\S+)", text)
    if m:
        where = locate_prefix(user_sparql, m.group(1))
        return QueryError(f"SPARQL syntax error at {where}unknown prefix {m.group(1)}:")
    return QueryError(f"SPARQL query failed: {clean(text)}")
