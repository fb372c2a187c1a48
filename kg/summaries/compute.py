"""The summary tables computed from a store by the named queries (one pass each)."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal

from kg.summaries.rows import CELL_COLUMNS

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


def _records(store, query: str, /, **bindings) -> tuple[list[str], list[dict]]:
    """The named query's variables and rows on ``store``, with ``bindings`` (name -> RDF term)."""
    from kg.queries import load_query

    res = store.query_raw(load_query(query), bindings=bindings or None)
    return list(res.vars), res.records()


def _hierarchy(store, targets=None):
    return frame(hierarchy_rows(store, targets), HIERARCHY_COLUMNS)


def hierarchy_rows(store, targets=None) -> list[dict]:
    """:func:`tree_rows` of the named queries ``hierarchy`` and ``plan_action_counts`` on ``store``."""
    _, rows = _records(store, "hierarchy")
    actions = {str(r["plan"]): int(r["actions"]) for r in _records(store, "plan_action_counts")[1]}
    if targets is None:
        targets = _query_table("indicator_targets", name=Literal(""))(store)
    return tree_rows(rows, actions, targets)


def tree_rows(rows: list[dict], actions: dict[str, int], targets) -> list[dict]:
    """One row per plan: the ``hierarchy`` query's row (its first parent), the plan's actions and
    targets, and the province, city and county plans above it along its parents."""
    plans: dict[str, dict] = {}
    for r in rows:
        plans.setdefault(str(r["plan"]), r)  # a plan of several parents: the best (first) one
    targets = {str(p): int(n) for p, n in targets["plan"].value_counts().items()}
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


def _plans(store):
    cols, rows = _records(store, "plans")
    return frame(rows, cols)


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


def _responsibilities(store):
    return count_responsibilities(_records(store, "summary_responsibility_rows")[1])


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


def _diffusion(store):
    """The named query ``diffusion`` as plain text (an IRI as itself, a literal as its lexical form)."""
    from kg.queries import load_query

    answer = store.query_raw(load_query("diffusion"))
    return frame(answer.plain_rows(), list(answer.vars))


def _query_table(query: str, **bindings):
    def table(store):
        cols, rows = _records(store, query, **bindings)
        return frame(rows, cols)

    return table


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


CELL_ORDER = ["type", "theme", "region", "plan", "ordinal", "roleLabel", "department"]


def sorted_cells(df):
    """A cell's rows together, each cell in matrix_cell.rq's order (unbound first, as SPARQL sorts)."""
    return df.sort_values(CELL_ORDER, na_position="first", kind="stable").reset_index(drop=True)


def _cells(store):
    """The matrix_cell query for every cell at once (slow at national scale: a build reads these rows
    from its records; this is for a store summarised without them)."""
    cols, rows = _records(store, "matrix_cell")
    return sorted_cells(frame(rows, CELL_COLUMNS))


BUILDERS = {
    "plans": _plans,
    "hierarchy": _hierarchy,
    "responsibilities": _responsibilities,
    "targets": lambda store: _query_table("indicator_targets", name=Literal(""))(store).drop(
        columns=["indicator"]
    ),
    "department_types": _query_table("department_types"),
    "matrix": lambda store: matrix_table(_responsibilities(store)),
    "diffusion": _diffusion,
    "cells": _cells,
}


def compute_table(store, name: str):
    """One summary table computed by SPARQL from ``store``."""
    return BUILDERS[name](store)


def compute_tables(store, given=None) -> dict:
    """Every summary table of ``store`` as a DataFrame, by name (see :mod:`kg.summaries`).
    ``given`` (:class:`kg.summaries.rows.RecordTables`): the per-plan tables a build made from its
    records, used instead of queried."""

    derived = ("hierarchy", "matrix")
    made = {} if given is None else {n: getattr(given, n) for n in RECORD_TABLES}
    tables = {
        name: made[name] if name in made else build(store)
        for name, build in BUILDERS.items()
        if name not in derived
    }
    if given is None:
        tables["hierarchy"] = _hierarchy(store, tables["targets"])  # its target counts from the table
    else:
        tables["hierarchy"] = frame(
            tree_rows(given.tree, given.actions, tables["targets"]), HIERARCHY_COLUMNS
        )
    tables["matrix"] = matrix_table(tables["responsibilities"])
    return tables


def update_tables(store, old: dict, changed: list) -> dict:
    """The tables of ``store`` after a patch build, from the previous build's (``old``, every table):
    the rows of the plans in the ``changed`` graphs looked up plan by plan; of the plan list, tree and
    lags, the rows of the plans a patch can have changed (those rewritten, those that appeared,
    vanished or stopped being held, those whose parent link differs, those whose parent was
    rewritten, and every plan only cited), looked up in batches; every other row kept."""
    import pandas as pd
    from rdflib import URIRef

    from kg.store import expand

    fresh: set[str] = set()
    for iri in changed:
        fresh |= {str(r["plan"]) for r in _records(store, "held_plans_in_graph", graph=URIRef(str(iri)))[1]}
    held = {str(r["plan"]): bool(r["held"]) for r in _records(store, "summary_plan_state")[1]}
    parents = {
        str(r["plan"]): (str(r["parent"]), str(r["method"]), float(r["score"]))
        for r in _records(store, "summary_derivations")[1]
    }
    before = {str(p): bool(h) for p, h in zip(old["plans"]["plan"], old["plans"]["held"], strict=True)}
    tree = old["hierarchy"]
    parents_before = {
        str(p): (str(a), str(m), float(s))
        for p, a, m, s in zip(tree["plan"], tree["parent"], tree["method"], tree["score"], strict=True)
        if not pd.isna(a)
    }
    touched = set(fresh)
    touched |= {p for p, h in held.items() if not h or before.get(p) != h}
    touched |= {p for p in set(parents) | set(parents_before) if parents.get(p) != parents_before.get(p)}
    touched |= {p for p, (parent, _, _) in parents.items() if parent in fresh}
    touched &= set(held)

    def kept(df, *, full: bool = False):  # ``full``: the table names plans by their full IRIs
        stay = set(held) - touched
        return df[df["plan"].isin({expand(p) for p in stay} if full else stay)]

    unheld = {p for p, h in held.items() if not h and before.get(p)}  # their documents removed

    def per_plan(df):
        return df[df["plan"].isin(set(held) - fresh - unheld)]

    resp, targets, cells = [], [], []
    for plan in sorted(fresh):
        iri = URIRef(expand(plan))
        resp += _records(store, "summary_responsibility_rows_plan", plan=iri)[1]
        targets += _records(store, "summary_plan_targets", plan=iri)[1]
        cells += _records(store, "matrix_cell", plan=iri)[1]
    tables = {"department_types": _query_table("department_types")(store)}
    tables["responsibilities"] = _concat(per_plan(old["responsibilities"]), count_responsibilities(resp))
    added = frame(targets, list(old["targets"].columns))
    tables["targets"] = _concat(per_plan(old["targets"]), added)
    added = frame(cells, CELL_COLUMNS)
    tables["cells"] = sorted_cells(_concat(per_plan(old["cells"]), added))

    batch = lambda query: _batched(store, query, sorted(touched))  # noqa: E731
    plans = _concat(kept(old["plans"]), frame(batch("summary_plan_rows"), PLAN_COLUMNS))
    tables["plans"] = _plan_list_order(plans)
    # of the legal resources, only plans are in the tree and lags (the cited laws and programmes not)
    plans_touched = sorted(touched & (set(tree["plan"].astype(str)) | fresh | (set(held) - set(before))))
    diffusion = frame(_plain_batched(store, "summary_diffusion_rows", plans_touched), DIFFUSION_COLUMNS)
    tables["diffusion"] = _concat(kept(old["diffusion"], full=True), diffusion)
    tree_query = _batched(store, "summary_tree_rows", plans_touched)
    rows = [_tree_query_row(r) for r in kept(tree).to_dict("records")] + tree_query
    rows.sort(key=lambda r: tuple(_key(r.get(c)) for c in ("rank", "region", "docNumber", "title", "plan")))
    actions = {str(p): int(n) for p, n in zip(kept(tree)["plan"], kept(tree)["actions"], strict=True)}
    actions |= {
        str(r["plan"]): int(r["actions"]) for r in _batched(store, "summary_action_counts", plans_touched)
    }
    tables["hierarchy"] = frame(tree_rows(rows, actions, tables["targets"]), HIERARCHY_COLUMNS)
    tables["matrix"] = matrix_table(tables["responsibilities"])
    return {name: _typed(tables[name].reset_index(drop=True), old.get(name)) for name in BUILDERS}


BATCH = 400  # plans bound per query: a few milliseconds per plan, where a whole-graph query takes seconds


def _batched(store, query: str, plans: list[str]) -> list[dict]:
    from rdflib import URIRef

    from kg.store import expand

    out = []
    for k in range(0, len(plans), BATCH):
        out += _records(store, query, plan=[URIRef(expand(p)) for p in plans[k : k + BATCH]])[1]
    return out


def _plain_batched(store, query: str, plans: list[str]) -> list[dict]:
    """:func:`_batched` as plain text (an IRI as itself, a literal as its lexical form)."""
    from rdflib import URIRef

    from kg.queries import load_query
    from kg.store import expand

    out = []
    for k in range(0, len(plans), BATCH):
        terms = [URIRef(expand(p)) for p in plans[k : k + BATCH]]
        out += store.query_raw(load_query(query), bindings={"plan": terms}).plain_rows()
    return out


def _key(value):
    return (0, "") if value is None else (1, value)


def _plan_list_order(df):
    """plans.rq's ORDER BY DESC(?held) ?file ?doc_number ?title ?plan (unbound first)."""
    import pandas as pd

    from kg.store import expand

    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    rows.sort(
        key=lambda r: (
            not r["held"],
            *(_key(r[c]) for c in ("file", "doc_number", "title")),
            expand(r["plan"]),
        )
    )
    return pd.DataFrame(rows, columns=list(df.columns)).astype(df.dtypes.to_dict())


def _tree_query_row(row: dict) -> dict:
    """A plan tree row as the hierarchy query gave it (for :func:`tree_rows`)."""
    import pandas as pd

    plain = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    return {
        "plan": plain["plan"],
        "title": plain["title"],
        "docNumber": plain["doc_number"],
        "rank": None if plain["rank"] is None else int(plain["rank"]),
        "levelName": plain["level"],
        "region": plain["region"],
        "held": plain["held"],
        "parent": plain["parent"],
        "method": plain["method"],
        "score": plain["score"],
    }


def _typed(df, like):
    """``df`` with the column types of ``like`` where one of the concatenated parts was empty."""
    if like is None:
        return df
    return df.astype(
        {c: t for c, t in like.dtypes.items() if c in df.columns and df[c].dtype != t and str(t) != "category"}
    )


def _concat(kept, added):
    """The previous build's rows kept (text columns as categories, as the tables are read) and the
    rows looked up now, in one table: each text column a category of both parts' values (not
    converted to text and back: a million rows)."""
    import pandas as pd

    added = added.astype(
        {c: t for c, t in kept.dtypes.items() if c in added.columns and str(t) != "category"}
    )
    for col in kept.columns:
        if str(kept[col].dtype) == "category":
            values = added[col].dropna().unique() if col in added.columns else []
            categories = kept[col].cat.categories.union(pd.Index(values, dtype=object).astype(str))
            kept = kept.assign(**{col: kept[col].cat.set_categories(categories)})
            added = added.assign(**{col: pd.Categorical(added[col], categories=categories)})
    return pd.concat([kept, added], ignore_index=True)


def _plain_text(df):
    return df.astype({c: "string" for c in df.columns if str(df[c].dtype) == "category"})
