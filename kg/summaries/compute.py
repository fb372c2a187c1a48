"""The summary tables computed from a store by the named queries (one pass each)."""

from __future__ import annotations

from rdflib import Literal

from kg.summaries.tables import (
    CELL_COLUMNS,
    HIERARCHY_COLUMNS,
    RECORD_TABLES,
    count_responsibilities,
    frame,
    matrix_table,
    sorted_cells,
    sorted_targets,
    targets_per_plan,
    tree_rows,
)


def named_records(store, query: str, /, **bindings) -> tuple[list[str], list[dict]]:
    """The named query's variables and rows on ``store``, with ``bindings`` (name -> RDF term)."""
    from kg.queries import load_query

    res = store.query_raw(load_query(query), bindings=bindings or None)
    return list(res.vars), res.records()


def _hierarchy(store, targets=None):
    return frame(hierarchy_rows(store, targets), HIERARCHY_COLUMNS)


def hierarchy_rows(store, targets=None) -> list[dict]:
    """:func:`tree_rows` of the named queries ``hierarchy`` and ``plan_action_counts`` on ``store``."""
    _, rows = named_records(store, "hierarchy")
    actions = {str(r["plan"]): int(r["actions"]) for r in named_records(store, "plan_action_counts")[1]}
    if targets is None:
        targets = query_table("indicator_targets", name=Literal(""))(store)
    return tree_rows(rows, actions, targets_per_plan(targets))


def _plans(store):
    cols, rows = named_records(store, "plans")
    return frame(rows, cols)


def _responsibilities(store):
    return count_responsibilities(named_records(store, "summary_responsibility_rows")[1])


def _diffusion(store):
    """The named query ``diffusion`` as plain text (an IRI as itself, a literal as its lexical form)."""
    from kg.queries import load_query

    answer = store.query_raw(load_query("diffusion"))
    return frame(answer.plain_rows(), list(answer.vars))


def query_table(query: str, **bindings):
    def table(store):
        cols, rows = named_records(store, query, **bindings)
        return frame(rows, cols)

    return table


def _cells(store):
    """The matrix_cell query for every cell at once (slow at national scale: a build reads these rows
    from its records; this is for a store summarised without them)."""
    cols, rows = named_records(store, "matrix_cell")
    return sorted_cells(frame(rows, CELL_COLUMNS))


BUILDERS = {
    "plans": _plans,
    "hierarchy": _hierarchy,
    "responsibilities": _responsibilities,
    "targets": lambda store: sorted_targets(
        query_table("indicator_targets", name=Literal(""))(store).drop(columns=["indicator"])
    ),
    "department_types": query_table("department_types"),
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
            tree_rows(given.tree, given.actions, targets_per_plan(tables["targets"])), HIERARCHY_COLUMNS
        )
    tables["matrix"] = matrix_table(tables["responsibilities"])
    return tables
