"""How a patch build (append, remove, edit) updates the previous build's summaries: the rows of the
plans it wrote looked up plan by plan, the plan list, tree and lags row by row for the plans it can
have changed, every other row kept (see :func:`update_tables`).

The tables are Arrow tables (:mod:`kg.summaries.arrow`) from file to file: at 10,000 plans the
cells and responsibilities are a million rows, which pandas took seconds to filter, re-categorise,
sort and write again for a patch of one plan."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from kg.summaries import arrow
from kg.summaries.compute import named_records
from kg.summaries.tables import (
    ABOVE,
    CELL_ORDER,
    MATRIX_KEYS,
    TARGET_ORDER,
    above,
    count_responsibility_rows,
    order_key,
    tree_rows,
)


def update_tables(
    store, old: dict[str, pa.Table], changed: list, link_lines: bytes = b""
) -> dict[str, pa.Table]:
    """The tables of ``store`` after a patch build, from the previous build's (``old``, every table):
    the rows of the plans in the ``changed`` graphs, and of the held plans the changed ``link_lines``
    (N-Quads of the links graph, removed or added) concern, looked up plan by plan; of the plan
    list, tree and lags, the rows of the plans a patch can have changed (those rewritten, those
    the link lines concern, held or only cited, their parents' changes included, and those that
    appeared, vanished or stopped being held), looked up in batches; every other row kept."""
    from rdflib import URIRef

    from kg.store import expand

    fresh: set[str] = set()
    for iri in changed:
        fresh |= {
            str(r["plan"]) for r in named_records(store, "held_plans_in_graph", graph=URIRef(str(iri)))[1]
        }
    held = {str(r["plan"]): bool(r["held"]) for r in named_records(store, "summary_plan_state")[1]}
    # a plan's themes, its departments' types, its parent, its regions' and issuer's labels, and all
    # of a plan only cited, are in the links graph, not in its own
    linked = plans_of_link_lines(store, link_lines, set(held))
    fresh |= {p for p in linked if held[p]}
    before = dict(zip(arrow.texts(old["plans"], "plan"), arrow.texts(old["plans"], "held"), strict=True))
    tree = old["hierarchy"]
    touched = fresh | linked
    touched |= {p for p, h in held.items() if before.get(p) != h}
    # a plan whose parent changed is in ``linked`` (its derivation is in the links graph); a row
    # names its parent by IRI only (the tree's province, city and county are walked anew below),
    # so a plan's rows do not change with its parent's
    touched &= set(held)
    stay = set(held) - touched
    unheld = {p for p, h in held.items() if not h and before.get(p)}  # their documents removed
    per_plan = set(held) - fresh - unheld  # the plans whose own rows are kept

    resp, targets, cells = [], [], []
    for plan in sorted(fresh):
        iri = URIRef(expand(plan))
        resp += named_records(store, "summary_responsibility_rows_plan", plan=iri)[1]
        targets += named_records(store, "summary_plan_targets", plan=iri)[1]
        cells += named_records(store, "summary_plan_cells", plan=iri)[1]
    cells = _with_regions(cells, _batched(store, "summary_plan_regions", sorted(fresh)))

    def patched(name: str, rows: list[dict], *, keep: set[str], order: list[str] | None = None):
        table = old[name]
        out = arrow.combine(arrow.rows_in(table, "plan", keep), arrow.rows_table(rows, table.schema))
        return out if order is None else arrow.sorted_by(out, order)

    tables = {"department_types": _anew(old["department_types"], named_records(store, "department_types")[1])}
    tables["responsibilities"] = patched("responsibilities", count_responsibility_rows(resp), keep=per_plan)
    tables["targets"] = patched("targets", targets, keep=per_plan, order=list(TARGET_ORDER))
    tables["cells"] = patched("cells", cells, keep=per_plan, order=CELL_ORDER)

    batch = lambda query: _batched(store, query, sorted(touched))  # noqa: E731
    kept_plans = arrow.rows_in(old["plans"], "plan", stay)
    tables["plans"] = arrow.inserted(kept_plans, batch("summary_plan_rows"), _plan_list_key)
    # of the legal resources, only plans are in the tree and lags (the cited laws and programmes not;
    # a cited document the patch turned into a plan is one now): the plans the tree rows give
    touched_rows = tree_rows_of(store, sorted(touched))
    plans_touched = sorted({str(r["plan"]) for r in touched_rows})
    diffusion = _batched(store, "summary_diffusion_rows", plans_touched, plain=True)
    tables["diffusion"] = patched("diffusion", diffusion, keep={expand(p) for p in stay})
    actions = {
        str(r["plan"]): int(r["actions"]) for r in _batched(store, "summary_action_counts", plans_touched)
    }
    per_plan_targets = _counts(tables["targets"], "plan")
    tables["hierarchy"] = _tree(arrow.rows_in(tree, "plan", stay), touched_rows, actions, per_plan_targets)
    tables["matrix"] = _matrix(tables["responsibilities"], old["matrix"])
    return tables


TREE_ORDER = ["rank", "region", "doc_number", "title", "plan"]  # hierarchy.rq's ORDER BY


def _tree(kept: pa.Table, rows: list[dict], actions: dict[str, int], targets: dict[str, int]) -> pa.Table:
    """The hierarchy table: the ``kept`` rows and those of the plans looked up again (``rows``, from
    :func:`tree_rows_of`: the first of a plan's rows is its own, as in :func:`tree_rows`, with their
    ``actions``), in the hierarchy query's order; every row's targets (``targets``: per plan) and
    the province, city and county above it found anew, as a plan's region or title reaches the rows
    of the plans below it. Only the five columns the walk up the parents reads become Python values."""
    new = tree_rows(rows, actions, {})  # their targets and the plans above them are set below
    table = arrow.sorted_by(arrow.combine(kept, arrow.rows_table(new, kept.schema)), TREE_ORDER)
    plans, parents, levels, regions, titles = (
        arrow.texts(table, c) for c in ("plan", "parent", "level", "region", "title")
    )
    by_plan = {
        p: {"plan": p, "parent": parent, "levelName": level, "region": region, "title": title}
        for p, parent, level, region, title in zip(plans, parents, levels, regions, titles, strict=True)
    }
    grouped = [above(by_plan[p], by_plan) for p in plans]
    columns = []
    for field in table.schema:
        if field.name == "targets":
            columns.append(pa.array([targets.get(p, 0) for p in plans], type=field.type))
        elif field.name in ABOVE:
            columns.append(arrow.encoded([pa.array([g.get(field.name) for g in grouped], type=pa.string())]))
        else:
            columns.append(table.column(field.name))
    return pa.Table.from_arrays(columns, names=table.schema.names).replace_schema_metadata(
        table.schema.metadata
    )


def _with_regions(cells: list[dict], regions: list[dict]) -> list[dict]:
    """summary_plan_cells's rows joined with their plans' region labels as matrix_cell's OPTIONAL
    joins them: a row per label, in order, or one without a region."""
    labels: dict[str, list] = {}
    for r in regions:
        labels.setdefault(str(r["plan"]), []).append(r["region"])
    return [
        {**row, "region": region}
        for row in cells
        for region in sorted(labels.get(str(row["plan"]), [None]), key=order_key)
    ]


def _anew(like: pa.Table, rows: list[dict]) -> pa.Table:
    """``rows`` as a table of ``like``'s schema (its rows replaced), in their order."""
    return arrow.combine(like.slice(0, 0), arrow.rows_table(rows, like.schema))


def _counts(table: pa.Table, column: str) -> dict[str, int]:
    """The rows of ``table`` per value of its text ``column``."""
    counts = pc.value_counts(table.column(column).combine_chunks().cast(pa.string())).to_pylist()
    return {c["values"]: c["counts"] for c in counts if c["values"] is not None}


def _matrix(responsibilities: pa.Table, like: pa.Table) -> pa.Table:
    """:func:`kg.summaries.tables.matrix_table` on Arrow: the responsibilities' actions added up per
    department type, theme, level and role (grouped by their codes), sorted by them."""
    rows = responsibilities.filter(pc.is_valid(responsibilities.column("theme")))
    codes = arrow.sort_keys_table(rows, MATRIX_KEYS).append_column("actions", rows.column("actions"))
    sums = codes.group_by(MATRIX_KEYS, use_threads=False).aggregate([("actions", "sum")])
    sums = sums.take(pc.sort_indices(sums, sort_keys=[(k, "ascending", "at_start") for k in MATRIX_KEYS]))
    columns = []
    for field in like.schema:
        if field.name == "actions":
            columns.append(sums.column("actions_sum").cast(pa.int64()))
            continue
        dictionary = rows.column(field.name).combine_chunks().dictionary
        columns.append(arrow.encoded([dictionary.take(sums.column(field.name).combine_chunks())]))
    return pa.Table.from_arrays(columns, names=like.schema.names).replace_schema_metadata(
        like.schema.metadata
    )


def plans_of_link_lines(store, lines: bytes, plans: set[str]) -> set[str]:
    """The plans of ``plans`` (prefixed IRIs) whose rows the link ``lines`` (N-Quads) can change:
    a plan that is, or whose part (an action, an indicator, its derivation) is, the subject of a
    line, and a plan whose issuer, region, province or responsibilities name a node that is one
    (its labels, its department type)."""
    from kg.store import shorten

    found, others = set(), []
    for iri in sorted({m.decode() for m in re.findall(rb"^<([^>]*)>", lines, re.MULTILINE)}):
        name = shorten(iri)
        plan = next((name[:k] for k in _cuts(name) if name[:k] in plans), None)
        if plan is None:
            others.append(iri)
        else:
            found.add(plan)
    if others:
        rows = _batched(store, "summary_plans_of_nodes", others, var="node", expanded=True)
        found |= {str(r["plan"]) for r in rows} & plans
    return found


def _cuts(name: str) -> list[int]:
    """The lengths of ``name`` and of its prefixes that end before a "/", longest first."""
    return [len(name), *(k for k in range(len(name) - 1, 0, -1) if name[k] == "/")]


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


def _batched(
    store, query: str, plans: list[str], *, plain: bool = False, var: str = "plan", expanded: bool = False
) -> list[dict]:
    """The named ``query``'s rows for ``plans`` (prefixed IRIs; full ones with ``expanded``) bound to
    ``var``, :data:`BATCH` at a time; as records (prefixed IRIs, Python values), or with ``plain`` as
    text (an IRI as itself, a literal as its lexical form)."""
    from rdflib import URIRef

    from kg.queries import load_query
    from kg.store import expand

    out = []
    for k in range(0, len(plans), BATCH):
        iris = [URIRef(p if expanded else expand(p)) for p in plans[k : k + BATCH]]
        answer = store.query_raw(load_query(query), bindings={var: iris})
        out += answer.plain_rows() if plain else answer.records()
    return out


def _plan_list_key(row: dict) -> tuple:
    """plans.rq's ORDER BY DESC(?held) ?file ?doc_number ?title ?plan (unbound first)."""
    from kg.store import expand

    return (
        not row["held"],
        *(order_key(row[c]) for c in ("file", "doc_number", "title")),
        expand(str(row["plan"])),
    )
