"""The named queries as an API (as Datasette offers its canned queries).

    GET /queries                   the named queries: name, title, description, parameters
    GET /queries/NAME.json?p=v     its answer as JSON: columns and rows of lexical values
    GET /queries/NAME.csv?p=v      its answer as SPARQL Results CSV (what ``kg query --format csv`` prints)

Parameters are bound as RDF terms by :func:`kg.api.bindings.bind`, the binder of the Python API: a
plan by IRI, region, 文号 or title, ``level`` by name, ``<iri>`` or ``prefix:name`` as IRIs, other
text as a string literal; a name the query does not take is refused.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from kg.api.bindings import bind, declared, iri_of
from kg.errors import KGError
from kg.queries import list_queries


class NotFound(KGError):
    pass


def catalogue(base: str = "") -> bytes:
    out = []
    for name, path in list_queries().items():
        params = declared(path.read_text(encoding="utf-8"))
        out.append(
            {
                "name": name,
                "title": path.title,
                "description": path.description,
                "parameters": [{"name": p, "takes": kind or "any"} for p, kind in params.items()],
                "json": f"{base}/queries/{name}.json",
                "csv": f"{base}/queries/{name}.csv",
            }
        )
    return json.dumps({"queries": out}, ensure_ascii=False, indent=1).encode("utf-8")


def parse_path(path: str) -> tuple[str, str]:
    """``/queries/NAME.json`` -> (NAME, "json")."""
    leaf = path[len("/queries/") :]
    name, dot, ext = leaf.rpartition(".")
    queries = list_queries()
    if not dot or ext not in ("json", "csv") or name not in queries:
        known = ", ".join(queries)
        raise NotFound(f"no named query at {path}: use /queries/NAME.json or .csv (NAME one of {known})")
    return name, ext


def bindings_for(store_spec: str, name: str, url_query: str) -> dict:
    """The request's parameters as the RDF terms the named query ``name`` is run with."""
    sparql = list_queries()[name].read_text(encoding="utf-8")
    values = {}
    for key, given in parse_qs(url_query, keep_blank_values=True).items():
        if len(given) > 1:
            raise KGError(f"?{key} given {len(given)} times: give it once")
        values[key] = given[0]
    if not values:
        return {}
    needs_graph = any(k in ("plan", "start") and iri_of(v) is None for k, v in values.items())
    if not needs_graph:
        return bind(None, sparql, values, named=name)
    import kg

    with kg.open(store_spec, read_only=True) as pg:  # a plan by region, 文号 or title
        return bind(pg, sparql, values, named=name)


def as_json(name: str, bindings: dict, result, truncated: bool) -> bytes:
    cells = [[None if t is None else str(t) for t in row] for row in result.terms]
    doc = {
        "query": name,
        "parameters": {k: v.n3() for k, v in bindings.items()},
        "columns": list(result.vars),
        "rows": cells,
        "truncated": truncated,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
