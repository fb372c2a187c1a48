"""The summary tables computed from a store by the named queries (one pass each)."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal

ABOVE = ("province", "city", "county")  # the levels a plan is grouped under on the overview


def _frame(rows: list[dict], columns: list[str]):
    """A DataFrame of plain values with one type per column (Parquet needs one): booleans, integers
    (nullable), floats or strings."""
    import pandas as pd

    df = pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns, dtype=object)
    for col in columns:
        values = [v for v in df[col] if v is not None]
        if values and all(isinstance(v, bool) for v in values):
            df[col] = df[col].astype("boolean")
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            df[col] = df[col].astype("Int64")
        elif values and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values):
            df[col] = pd.array([None if v is None else float(v) for v in df[col]], dtype="Float64")
        else:
            df[col] = pd.array([None if v is None else str(v) for v in df[col]], dtype="string")
    return df


def _records(graph, query: str, /, **bindings) -> tuple[list[str], list[dict]]:
    res = graph.named(query, **bindings)
    return list(res.vars), res.records()


def hierarchy_rows(graph) -> list[dict]:
    """One row per plan: the named query ``hierarchy`` (its first parent), the plan's actions and
    targets, and the province, city and county plans above it along its parents."""
    _, rows = _records(graph, "hierarchy")
    plans: dict[str, dict] = {}
    for r in rows:
        plans.setdefault(str(r["plan"]), r)  # a plan of several parents: the best (first) one
    actions = {str(r["plan"]): int(r["actions"]) for r in _records(graph, "actions_per_plan")[1]}
    targets: dict[str, int] = {}
    for r in _records(graph, "indicator_targets", name=Literal(""))[1]:
        targets[str(r["plan"])] = targets.get(str(r["plan"]), 0) + 1
    out = []
    for iri, r in plans.items():
        row = {
            "plan": iri,
            "title": r.get("title"),
            "doc_number": r.get("docNumber"),
            "level": r.get("levelName"),
            "rank": r.get("rank"),
            "region": r.get("region"),
            "held": bool(r.get("held")),
            "parent": None if r.get("parent") is None else str(r["parent"]),
            "method": r.get("method"),
            "score": r.get("score"),
            "actions": actions.get(iri, 0),
            "targets": targets.get(iri, 0),
        }
        seen, node = set(), r
        while node is not None and str(node["plan"]) not in seen:  # up the parents, cycles cut
            seen.add(str(node["plan"]))
            level = node.get("levelName")
            if level in ABOVE and level != row["level"]:
                row.setdefault(level, node.get("region") or node.get("title"))
            parent = node.get("parent")
            node = plans.get(str(parent)) if parent is not None else None
        if row["level"] in ABOVE:
            row[row["level"]] = row["region"] or row["title"]
        out.append(row)
    return out


HIERARCHY_COLUMNS = [
    "plan", "title", "doc_number", "level", "rank", "region", "held", "parent", "method", "score",
    "actions", "targets", *ABOVE,
]  # fmt: skip


def _plans(graph):
    cols, rows = _records(graph, "plans")
    return _frame(rows, cols)


def _responsibilities(graph):
    """Per role, and for any role (``any``: an action one department type leads and takes part in
    counts once there)."""
    cols, rows = _records(graph, "summary_responsibilities")
    _, anyrole = _records(graph, "summary_responsibilities_any")
    return _frame(rows + [{**r, "role": "any"} for r in anyrole], cols)


def _query_table(query: str, **bindings):
    def table(graph):
        cols, rows = _records(graph, query, **bindings)
        return _frame(rows, cols)

    return table


BUILDERS = {
    "plans": _plans,
    "hierarchy": lambda graph: _frame(hierarchy_rows(graph), HIERARCHY_COLUMNS),
    "responsibilities": _responsibilities,
    "targets": _query_table("indicator_targets", name=Literal("")),
    "department_types": _query_table("department_types"),
}


def compute_table(graph, name: str):
    """One summary table computed by SPARQL from ``graph`` (a PolicyGraph)."""
    return BUILDERS[name](graph)


def compute_tables(store) -> dict:
    """Every summary table of ``store`` as a DataFrame, by name (see :mod:`kg.summaries`)."""
    from kg.graph import PolicyGraph

    graph = PolicyGraph(store)
    return {name: build(graph) for name, build in BUILDERS.items()}
