"""How a patch build (append, remove, edit) updates the previous build's summaries: the rows of the
plans it wrote looked up plan by plan, the plan list, tree and lags row by row for the plans it can
have changed, every other row kept (see :func:`update_tables`)."""

from __future__ import annotations

from kg.summaries.compute import BUILDERS, named_records, query_table
from kg.summaries.tables import (
    CELL_COLUMNS,
    DIFFUSION_COLUMNS,
    HIERARCHY_COLUMNS,
    PLAN_COLUMNS,
    count_responsibilities,
    frame,
    matrix_table,
    order_key,
    sorted_cells,
    tree_rows,
)


def update_tables(store, old: dict, changed: list) -> dict:
    """The tables of ``store`` after a patch build, from the previous build's (``old``, every table):
    the rows of the plans in the ``changed`` graphs looked up plan by plan; of the plan list, tree and
    lags, the rows of the plans a patch can have changed (those rewritten, those that appeared,
    vanished or stopped being held, those whose parent differs, every plan only cited, and the
    plans derived from any of these), looked up in batches; every other row kept."""
    import pandas as pd
    from rdflib import URIRef

    from kg.store import expand

    fresh: set[str] = set()
    for iri in changed:
        fresh |= {
            str(r["plan"]) for r in named_records(store, "held_plans_in_graph", graph=URIRef(str(iri)))[1]
        }
    held = {str(r["plan"]): bool(r["held"]) for r in named_records(store, "summary_plan_state")[1]}
    parents = {str(r["plan"]): str(r["parent"]) for r in named_records(store, "summary_derivations")[1]}
    before = {str(p): bool(h) for p, h in zip(old["plans"]["plan"], old["plans"]["held"], strict=True)}
    tree = old["hierarchy"]
    parents_before = {
        str(p): str(a) for p, a in zip(tree["plan"], tree["parent"], strict=True) if not pd.isna(a)
    }
    touched = set(fresh)
    touched |= {p for p, h in held.items() if not h or before.get(p) != h}
    touched |= {p for p in set(parents) | set(parents_before) if parents.get(p) != parents_before.get(p)}
    # a plan whose parent is looked up again: its row names the parent's title, and its link's
    # method and score were found against that parent's description
    touched |= {p for p, parent in parents.items() if parent in touched}
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
        resp += named_records(store, "summary_responsibility_rows_plan", plan=iri)[1]
        targets += named_records(store, "summary_plan_targets", plan=iri)[1]
        cells += named_records(store, "matrix_cell", plan=iri)[1]
    tables = {"department_types": query_table("department_types")(store)}
    tables["responsibilities"] = _concat(per_plan(old["responsibilities"]), count_responsibilities(resp))
    added = frame(targets, list(old["targets"].columns))
    tables["targets"] = _concat(per_plan(old["targets"]), added)
    added = frame(cells, CELL_COLUMNS)
    tables["cells"] = sorted_cells(_concat(per_plan(old["cells"]), added))

    batch = lambda query: _batched(store, query, sorted(touched))  # noqa: E731
    plans = _concat(kept(old["plans"]), frame(batch("summary_plan_rows"), PLAN_COLUMNS))
    tables["plans"] = _plan_list_order(plans)
    # of the legal resources, only plans are in the tree and lags (the cited laws and programmes not;
    # a cited document the patch turned into a plan is one now)
    plan_set = {str(r["plan"]) for r in named_records(store, "summary_plan_set")[1]}
    plans_touched = sorted(touched & plan_set)
    diffusion = frame(_batched(store, "summary_diffusion_rows", plans_touched, plain=True), DIFFUSION_COLUMNS)
    tables["diffusion"] = _concat(kept(old["diffusion"], full=True), diffusion)
    tree_query = tree_rows_of(store, plans_touched)
    rows = [_tree_query_row(r) for r in kept(tree).to_dict("records")] + tree_query
    rows.sort(
        key=lambda r: tuple(order_key(r.get(c)) for c in ("rank", "region", "docNumber", "title", "plan"))
    )
    actions = {str(p): int(n) for p, n in zip(kept(tree)["plan"], kept(tree)["actions"], strict=True)}
    actions |= {
        str(r["plan"]): int(r["actions"]) for r in _batched(store, "summary_action_counts", plans_touched)
    }
    tables["hierarchy"] = frame(tree_rows(rows, actions, tables["targets"]), HIERARCHY_COLUMNS)
    tables["matrix"] = matrix_table(tables["responsibilities"])
    return {name: _typed(tables[name].reset_index(drop=True), old.get(name)) for name in BUILDERS}


def tree_rows_of(store, plans: list[str]) -> list[dict]:
    """summary_tree_rows joined with summary_tree_parents as the OPTIONAL of the hierarchy query
    joins them: each row once per parent (in the parents' order), or once without one."""
    parents: dict[str, list[dict]] = {}
    for r in _batched(store, "summary_tree_parents", plans):
        parents.setdefault(str(r["plan"]), []).append(r)
    none = dict.fromkeys(("parent", "parentTitle", "method", "score"))
    return [
        {**row, **{k: p[k] for k in none}}
        for row in _batched(store, "summary_tree_rows", plans)
        for p in parents.get(str(row["plan"]), [none])
    ]


BATCH = 400  # plans bound per query: a few milliseconds per plan, where a whole-graph query takes seconds


def _batched(store, query: str, plans: list[str], *, plain: bool = False) -> list[dict]:
    """The named ``query``'s rows for ``plans`` (prefixed IRIs), :data:`BATCH` bound at a time; as
    records (prefixed IRIs, Python values), or with ``plain`` as text (an IRI as itself, a literal
    as its lexical form)."""
    from rdflib import URIRef

    from kg.queries import load_query
    from kg.store import expand

    out = []
    for k in range(0, len(plans), BATCH):
        answer = store.query_raw(
            load_query(query), bindings={"plan": [URIRef(expand(p)) for p in plans[k : k + BATCH]]}
        )
        out += answer.plain_rows() if plain else answer.records()
    return out


def _plan_list_order(df):
    """plans.rq's ORDER BY DESC(?held) ?file ?doc_number ?title ?plan (unbound first)."""
    import pandas as pd

    from kg.store import expand

    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    rows.sort(
        key=lambda r: (
            not r["held"],
            *(order_key(r[c]) for c in ("file", "doc_number", "title")),
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
        {
            c: t
            for c, t in like.dtypes.items()
            if c in df.columns and df[c].dtype != t and str(t) != "category"
        }
    )


def _concat(kept, added):
    """The previous build's rows kept (text columns as categories, as the tables are read) and the
    rows looked up now, in one table: each text column a category of both parts' values, sorted as
    a fresh table's, made from the parts' codes (not converted to text and back, nor compared by
    pandas' concatenation, which hashes every category: half a second for a million rows)."""
    import numpy as np
    import pandas as pd

    added = added.astype(
        {c: t for c, t in kept.dtypes.items() if c in added.columns and str(t) != "category"}
    )
    if set(added.columns) - set(kept.columns):
        raise ValueError(
            f"rows with columns the table lacks: {sorted(set(added.columns) - set(kept.columns))}"
        )
    plain = [c for c in kept.columns if str(kept[c].dtype) != "category"]
    rest = pd.concat([kept[plain], added[[c for c in plain if c in added.columns]]], ignore_index=True)
    columns = {}
    for col in kept.columns:
        if col in plain:
            columns[col] = rest[col]
            continue
        old = kept[col].cat
        values = added[col].astype(object) if col in added.columns else pd.Series([None] * len(added))
        values = values.where(values.notna(), None)
        new = pd.Index([v for v in pd.unique(values.to_numpy()) if v is not None], dtype=object).astype(str)
        categories = old.categories.union(new)
        moved = np.append(categories.get_indexer(old.categories), -1)  # an old code's new code; -1 stays
        codes = np.concatenate(
            [
                moved[old.codes.to_numpy()],
                categories.get_indexer(values.astype(str).where(values.notna(), None)),
            ]
        )
        dtype = pd.CategoricalDtype(categories, ordered=old.ordered)
        columns[col] = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    return pd.DataFrame(columns, columns=list(kept.columns))
