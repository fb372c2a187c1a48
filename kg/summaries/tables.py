"""The summary tables' shapes and the pure steps between rows and tables: their columns, typed
frames (one type per column, as Parquet keeps them), the responsibilities counted, the matrix, the
plan tree and the order of the cells. Used by the build's record tables (``rows``), the SPARQL path
(``compute``) and the patch path (``update``) alike."""

from __future__ import annotations

from decimal import Decimal

RESPONSIBILITY_COLUMNS = ("type", "theme", "plan", "level", "role", "action")


CELL_COLUMNS = (
    "type",
    "theme",
    "plan",
    "title",
    "region",
    "levelName",
    "action",
    "ordinal",
    "actionName",
    "department",
    "roleLabel",
    "source",
)  # fmt: skip  (matrix_cell.rq's)


TARGET_COLUMNS = (
    "plan",
    "title",
    "region",
    "rank",
    "held",
    "reference",
    "indicatorName",
    "origin",
    "year",
    "comparator",
    "valueText",
    "value",
    "unit",
    "kind",
)  # fmt: skip  (indicator_targets.rq's, without ?indicator)


# the query's ORDER BY, then every other column: a total order, so that a patched table's rows are
# in a fresh build's order (a patch adds its rows after the kept ones, in the engine's order)
TARGET_ORDER = ("rank", "region", "indicatorName", "year", "plan", "title", "held", "reference", "origin",
                "comparator", "valueText", "value", "unit", "kind")  # fmt: skip


ABOVE = ("province", "city", "county")  # the levels a plan is grouped under on the overview


def frame(rows: list, columns) -> object:
    """A DataFrame of plain values with one type per column (Parquet needs one): booleans, integers
    (nullable), floats or strings. ``rows``: dicts, or tuples in the order of ``columns``."""
    import pandas as pd

    columns = list(columns)
    if rows and isinstance(rows[0], dict):
        values = [[r.get(c) for r in rows] for c in columns]
    else:
        values = [list(v) for v in zip(*rows, strict=True)] if rows else [[] for _ in columns]
    return pd.DataFrame({c: _column(v) for c, v in zip(columns, values, strict=True)}, columns=columns)


def _column(values: list):
    """One column's values as the one type they share, judged by their types (a million rows of a
    few types: looked at once per type, not per value)."""
    import pandas as pd

    kinds = {type(v) for v in values} - {type(None)}
    if kinds and all(issubclass(k, bool) for k in kinds):
        return pd.array(values, dtype="boolean")
    if kinds and all(issubclass(k, int) and not issubclass(k, bool) for k in kinds):
        return pd.array(values, dtype="Int64")
    if kinds and all(issubclass(k, (int, float, Decimal)) and not issubclass(k, bool) for k in kinds):
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    if not kinds <= {str}:
        values = [None if v is None else str(v) for v in values]
    return pd.array(values, dtype="string")


def targets_per_plan(targets) -> dict[str, int]:
    """The rows of the targets table (a DataFrame) per plan."""
    return {str(p): int(n) for p, n in targets["plan"].value_counts().items()}


def tree_rows(rows: list[dict], actions: dict[str, int], targets: dict[str, int]) -> list[dict]:
    """One row per plan: the ``hierarchy`` query's row (its first parent), the plan's actions and
    targets (per plan), and the province, city and county plans above it along its parents."""
    plans: dict[str, dict] = {}
    for r in rows:
        plans.setdefault(str(r["plan"]), r)  # a plan of several parents: the best (first) one
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
        row.update(above(r, plans))
        out.append(row)
    return out


def above(start: dict, plans: dict[str, dict]) -> dict[str, str]:
    """The province, city and county a plan is grouped under (those of :data:`ABOVE` it has), from
    ``hierarchy`` query rows (``plans``: by plan): its own level's (its region, or its title), and
    those of the plans along its parents, the nearest first; a cycle is cut."""
    found: dict[str, str] = {}
    own = start.get("levelName")
    seen, node = set(), start
    while node is not None and str(node["plan"]) not in seen:
        seen.add(str(node["plan"]))
        level = node.get("levelName")
        if level in ABOVE and level != own:
            found.setdefault(level, node.get("region") or node.get("title"))
        parent = node.get("parent")
        node = plans.get(str(parent)) if parent is not None else None
    if own in ABOVE:
        found[own] = start.get("region") or start.get("title")
    return found


HIERARCHY_COLUMNS = [
    "plan", "title", "doc_number", "level", "rank", "region", "held", "parent", "method", "score",
    "actions", "targets", *ABOVE,
]  # fmt: skip


RESPONSIBILITY_KEYS = ["type", "theme", "plan", "level", "role"]


def count_responsibilities(rows: list[dict]):
    """Actions per department type, theme, plan, level and role, and per the same for any role
    (``role="any"``: an action a type both leads and takes part in counts once), from the rows of
    summary_responsibility_rows (one per action, type and role)."""
    import pandas as pd

    raw = pd.DataFrame(rows, columns=[*RESPONSIBILITY_KEYS, "action"], dtype=object)
    raw["theme"] = raw["theme"].fillna("")  # grouped as a value; None again below
    per_role = raw.groupby(RESPONSIBILITY_KEYS, sort=True)["action"].nunique().reset_index()
    any_role = raw.groupby(RESPONSIBILITY_KEYS[:-1], sort=True)["action"].nunique().reset_index()
    both = pd.concat([per_role, any_role.assign(role="any")], ignore_index=True)
    out = both.rename(columns={"action": "actions"})[[*RESPONSIBILITY_KEYS, "actions"]]
    out["theme"] = out["theme"].mask(out["theme"] == "")
    return out.astype({**{k: "string" for k in RESPONSIBILITY_KEYS}, "actions": "Int64"}).reset_index(
        drop=True
    )


def count_responsibility_rows(rows: list[dict]) -> list[dict]:
    """:func:`count_responsibilities` as rows of plain values (for the few plans a patch looks up,
    without pandas): per role, then per any role, each sorted by its keys."""
    per_role: dict[tuple, set] = {}
    any_role: dict[tuple, set] = {}
    for r in rows:
        key = tuple(r.get(k) for k in RESPONSIBILITY_KEYS)
        per_role.setdefault(key, set()).add(r.get("action"))
        any_role.setdefault(key[:-1], set()).add(r.get("action"))
    by_keys = lambda item: tuple("" if v is None else str(v) for v in item[0])  # noqa: E731  (None as "")
    out = [
        {**dict(zip(RESPONSIBILITY_KEYS, key, strict=True)), "actions": len(actions)}
        for key, actions in sorted(per_role.items(), key=by_keys)
    ]
    out += [
        {**dict(zip(RESPONSIBILITY_KEYS[:-1], key, strict=True)), "role": "any", "actions": len(actions)}
        for key, actions in sorted(any_role.items(), key=by_keys)
    ]
    return out


MATRIX_KEYS = ["type", "theme", "level", "role"]


def matrix_table(responsibilities):
    """Actions per department type, theme, level and role: the plans' counts added up (an action is
    in one plan); actions without a theme are in no cell."""
    rows = responsibilities[responsibilities["theme"].notna()]
    sums = rows.groupby(MATRIX_KEYS, observed=True, sort=True)["actions"].sum().reset_index()
    records = sums.astype(object).to_dict("records")
    for r in records:
        r["actions"] = int(r["actions"])
    return frame(records, [*MATRIX_KEYS, "actions"])


RECORD_TABLES = ("responsibilities", "targets", "cells", "plans", "diffusion")  # what a build makes


PLAN_COLUMNS = [
    "plan",
    "title",
    "doc_number",
    "issuer",
    "date",
    "level",
    "region",
    "held",
    "file",
]  # plans.rq's


DIFFUSION_COLUMNS = [
    "plan",
    "level",
    "held",
    "date",
    "title",
    "docNumber",
    "region",
    "province",
    "parent",
]  # fmt: skip  (diffusion.rq's)


CELL_ORDER = [
    "type", "theme", "region", "plan", "ordinal", "roleLabel", "department",  # matrix_cell.rq's ORDER BY
    "title", "levelName", "action", "actionName", "source",  # then the rest: a total order (TARGET_ORDER)
]  # fmt: skip


def sorted_cells(df):
    """A cell's rows together, each cell in matrix_cell.rq's order (unbound first, as SPARQL sorts),
    its ties in the order of the other columns."""
    return df.sort_values(CELL_ORDER, na_position="first", kind="stable").reset_index(drop=True)


def options(values, labels: dict | None = None) -> list:
    """An optional property's values in order (through ``labels`` where each names a node with
    labels), else one unbound (None): the rows a query's OPTIONAL gives."""
    if labels is not None:
        values = {x for v in values for x in labels.get(v, ())}
    found = sorted(v for v in values if v is not None)
    return found or [None]


def order_key(value) -> tuple:
    """A value as SPARQL's ORDER BY places it: unbound first."""
    return (0, "") if value is None else (1, value)


def sorted_targets(df):
    """The targets in indicator_targets.rq's order (unbound first), its ties in the order of the
    other columns (:data:`TARGET_ORDER`)."""
    return df.sort_values(list(TARGET_ORDER), na_position="first", kind="stable").reset_index(drop=True)
