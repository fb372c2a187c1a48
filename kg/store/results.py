"""Query answers, whatever the engine: :class:`QueryResult` and its renderers (SPARQL results
JSON and CSV, a terminal table, records, a pandas DataFrame), and :class:`RawAnswer`, the compact,
picklable form in which a query worker hands an answer back (decoded by :meth:`RawAnswer.to_result`).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef

from kg.store.sparql_text import prefixes, shorten
from kg.store.terms import Decoder, Term, Triple, python_value, to_json_term


def display(term: Term | None, prefix_map: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term), prefix_map)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if text_width(text) <= limit:
        return text
    out, w = [], 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > limit - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


@dataclass
class QueryResult:
    """The answer to one query, backend-independent.

    ``kind`` is ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT/DESCRIBE). SELECT answers have
    ``vars`` and ``terms`` (rows of rdflib terms or None); ``rows`` gives the same as Python values.
    ASK answers have ``boolean``; graph answers have ``triples`` (and ``vars`` subject/predicate/object
    so that they render as a table too). ``truncated``: the answer was cut at the row limit.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    terms: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False  # the query had more rows than the limit it ran with

    @property
    def rows(self) -> list[tuple]:
        return [tuple(python_value(t) for t in row) for row in self._term_rows()]

    def __len__(self) -> int:
        return len(self._term_rows())

    def _term_rows(self) -> list[tuple[Term | None, ...]]:
        if self.kind == "graph":
            return [tuple(t) for t in self.triples]
        if self.kind == "ask":
            return [(Literal(bool(self.boolean)),)]
        return self.terms

    def _columns(self) -> list[str]:
        if self.kind == "graph":
            return ["subject", "predicate", "object"]
        if self.kind == "ask":
            return ["boolean"]
        return list(self.vars)

    def to_graph(self) -> Graph:
        g = Graph(bind_namespaces="none")
        for t in self.triples:
            g.add(t)
        return g

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (graph answers are given as subject/predicate/object bindings)."""
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        cols = self._columns()
        bindings = [
            {v: to_json_term(t) for v, t in zip(cols, row, strict=True) if t is not None}
            for row in self._term_rows()
        ]
        return json.dumps({"head": {"vars": cols}, "results": {"bindings": bindings}}, ensure_ascii=False)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: a header of variable names, then lexical values (CRLF lines)."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(self._columns())
        for row in self._term_rows():
            w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
        return buf.getvalue()

    def to_table(self, max_width: int = 60) -> str:
        """A plain-text table for a terminal (IRIs as prefixed names, CJK-aware column widths)."""
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        pm = prefixes()
        cols = self._columns()
        body = [[clip(display(t, pm), max_width) for t in row] for row in self._term_rows()]
        widths = [max([text_width(c)] + [text_width(r[i]) for r in body]) for i, c in enumerate(cols)]

        def line(cells: list[str]) -> str:
            return "  ".join(
                c + " " * (w - text_width(c)) for c, w in zip(cells, widths, strict=True)
            ).rstrip()

        out = [line(cols), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in body]
        n = len(body)
        out.append(f"({n} row{'s' if n != 1 else ''})")
        return "\n".join(out)

    def _cells(self) -> list[list]:
        pm = prefixes()

        def cell(t):
            if isinstance(t, URIRef):
                return shorten(str(t), pm)
            return python_value(t)

        return [[cell(t) for t in row] for row in self._term_rows()]

    def records(self) -> list[dict]:
        """One dict per row, as in :meth:`to_dataframe` (IRIs as prefixed names, literals as Python
        values, None where unbound) but without pandas."""
        cols = self._columns()
        return [dict(zip(cols, row, strict=True)) for row in self._cells()]

    def to_dataframe(self):
        """A pandas DataFrame: one column per variable, IRIs as prefixed names, literals as Python values."""
        import pandas as pd

        df = pd.DataFrame(self._cells(), columns=self._columns(), dtype=object)
        for col in df.columns:
            values = [v for v in df[col] if v is not None]
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                df[col] = df[col].astype("Int64")  # counts stay integers even with gaps (no 3.0 / NaN)
            elif values and all(isinstance(v, str) for v in values):
                df[col] = df[col].astype("string")
            elif values and all(isinstance(v, bool) for v in values):
                df[col] = df[col].astype("boolean")
        return df


def take(rows: Iterable, limit: int | None) -> tuple[list, bool]:
    """At most ``limit`` rows, and whether there were more (looks at one more row, no further)."""
    if limit is None:
        return list(rows), False
    out = []
    for row in rows:
        if len(out) >= limit:
            return out, True
        out.append(row)
    return out, False


@dataclass(frozen=True)
class RawAnswer:
    """An answer as plain tuples of compact terms (see ``kg.store.terms.compact_ox``): cheap to
    pickle across a pipe. ``rows`` are solutions (SELECT) or triples (graph answers)."""

    kind: str
    vars: tuple[str, ...] = ()
    boolean: bool | None = None
    rows: tuple = ()
    truncated: bool = False

    def to_result(self) -> QueryResult:
        decode = Decoder()
        rows = [tuple(decode(t) for t in row) for row in self.rows]
        if self.kind == "ask":
            return QueryResult("ask", boolean=self.boolean)
        if self.kind == "graph":
            return QueryResult("graph", triples=rows, truncated=self.truncated)
        return QueryResult("select", vars=list(self.vars), terms=rows, truncated=self.truncated)

    def records(self) -> list[dict]:
        """The solutions as :meth:`QueryResult.records` gives them (IRIs as prefixed names, literals as
        Python values, None where unbound), each distinct term converted once: a million rows of a
        few thousand distinct terms in seconds, where building rdflib terms for each takes minutes."""
        pm = prefixes()
        decode = Decoder()
        memo: dict = {None: None}

        def value(t):
            if type(t) is str:
                v = shorten(t, pm)
            elif t[0] == "s" or t[0] == "l":
                v = t[1]
            else:
                v = python_value(decode(t))
            memo[t] = v
            return v

        names = self.vars
        return [
            dict(zip(names, [memo[t] if t in memo else value(t) for t in row], strict=True))
            for row in self.rows
        ]

    def plain_rows(self) -> list[dict]:
        """The solutions as dicts of plain text, an IRI as its text and a literal as its lexical form:
        10,000 rows read in a fraction of the time rdflib terms take to build."""
        return [
            {n: (t[1] if isinstance(t, tuple) else t) for n, t in zip(self.vars, row, strict=True)}
            for row in self.rows
        ]
