"""Summaries: the tables the explorer's pages show first, computed once per build and kept beside
the graph in the store folder (``summaries/*.parquet`` and ``summaries/stamp.json``): by a full
build from the records and links it holds (``rows``, ``plan_rows``), by a patch build from the
previous build's tables and the rows it looks up (``update``), else by SPARQL (``compute``); each
way gives the named queries' answers (tests/test_summaries.py).

The stamp ties the tables to one build (a digest of the store's build.json, which every build
rewrites) and to the code that made them (:data:`SUMMARY_FORMAT`): tables whose stamp does not
match are never read (:func:`read_table` returns None and the caller recomputes them). The SPARQL
workbench and named queries still read the whole graph; these are copies of some of its answers.

Tables (one row per …):
- ``plans``: plan (the named query ``plans``, prefixed IRIs as the explorer shows them);
- ``hierarchy``: plan, with parent, level, rank, region, held, its actions and targets, and the
  province / city / county above it (along its parents) for the overview's drill-down;
- ``responsibilities``: department type × theme × plan × level × role (lead, participant, and
  ``any``: an action counted once whichever roles the type has in it), with the actions counted;
- ``targets``: indicator target (indicator × plan × year), as the named query ``indicator_targets``
  without the indicators' IRIs (one per plan: half a million distinct values at 10,000 plans);
- ``department_types``: department type with its labels;
- ``matrix``: department type × theme × level × role, the responsibilities' actions added up over
  the plans (an action is in one plan), for the responsibility matrix of a level or the whole graph;
- ``diffusion``: plan, as the named query ``diffusion`` answers (plain text), for the diffusion page;
- ``cells``: the named query ``matrix_cell`` for every cell at once (department type × theme ×
  action × department as written, with the source sentence), grouped by cell, for a cell's actions
  at a level or the whole graph.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from kg.locations import BUILD_INFO

log = logging.getLogger(__name__)

# Standard library only at import (see read_stamp).

SUMMARY_DIR = "summaries"
STAMP = "stamp.json"
SUMMARY_FORMAT = 7  # raise when a table's columns or meaning change: older tables are then stale
TABLES = (
    "plans", "hierarchy", "responsibilities", "targets", "department_types", "matrix", "diffusion", "cells",
)  # fmt: skip


def build_stamp(folder: str | Path) -> str | None:
    """The digest of the store folder's build.json (None without one)."""
    try:
        data = (Path(folder) / BUILD_INFO).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()[:20]


def _stamp_record(folder: Path) -> dict:
    return {"format": SUMMARY_FORMAT, "build": build_stamp(folder)}


def read_stamp(folder: str | Path) -> dict | None:
    """The folder's summary stamp (format, build, counts) when it matches the present build and
    this code, else None. Standard library only: the overview reads its counts before pandas."""
    folder = Path(folder)
    try:
        stamp = json.loads((folder / SUMMARY_DIR / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    want = _stamp_record(folder)
    fresh = want["build"] is not None and all(stamp.get(key) == value for key, value in want.items())
    return stamp if fresh else None


def is_fresh(folder: str | Path) -> bool:
    """Whether the folder's summaries were made from its present build by this code."""
    return read_stamp(folder) is not None


def read_table(folder: str | Path, name: str):
    """The summary table ``name`` of the store folder, or None when missing or stale."""
    import pandas as pd

    if name not in TABLES:
        raise ValueError(f"no summary table {name!r}; one of {', '.join(TABLES)}")
    folder = Path(folder)
    path = folder / SUMMARY_DIR / f"{name}.parquet"
    if not path.exists() or not is_fresh(folder):
        return None
    return pd.read_parquet(path)


def _compact(df):
    """Text columns as categories (dictionary-encoded in the file): a million rows of a few thousand
    distinct IRIs read back in a tenth of the time of plain strings."""
    return df.astype({c: "category" for c in df.columns if str(df[c].dtype) in ("string", "str", "object")})


def _previous_tables(previous: Path) -> tuple[dict | None, list[tuple[str, str]]]:
    """The previous build's tables as Arrow tables (:mod:`kg.summaries.arrow`) when they are fresh
    and whole, else None (with a warning: computing them anew takes minutes at national scale); and
    their columns without a value (table, column), whose type no value gave (see write_summaries)."""
    from kg.summaries import arrow

    fresh = is_fresh(previous)
    paths = {name: previous / SUMMARY_DIR / f"{name}.parquet" for name in TABLES}
    missing = sorted(name for name, path in paths.items() if not fresh or not path.exists())
    if missing:
        log.warning(
            "the previous summaries are stale or incomplete (%s): computing them anew", ", ".join(missing)
        )
        return None, []
    tables = {name: arrow.untyped_as_text(arrow.read(path)) for name, path in paths.items()}
    untyped = [(n, c) for n, t in tables.items() for c in t.schema.names if t.column(c).null_count == len(t)]
    return tables, untyped


def _patched(
    store, old: dict, changed: list, link_lines: bytes, untyped: list[tuple[str, str]]
) -> dict | None:
    """The previous tables updated by the patch (:func:`kg.summaries.update.update_tables`), or None
    when a column that had no value has one now: the patch keeps the type the previous build gave
    it by no value, where a fresh build types the values it has (a small corpus: a level no plan
    was at, the first plan with targets)."""
    from kg.summaries.update import update_tables

    tables = update_tables(store, old, changed, link_lines)
    typed_now = sorted(f"{n}.{c}" for n, c in untyped if tables[n].column(c).null_count < len(tables[n]))
    if typed_now:
        log.info(
            "summary columns with their first values (%s): computing the summaries anew", ", ".join(typed_now)
        )
        return None
    return tables


def write_summaries(
    store,
    folder: str | Path,
    *,
    previous: str | Path | None = None,
    changed: list | None = None,
    link_lines: bytes | None = None,
    given=None,
) -> dict[str, int]:
    """Compute the tables of ``store`` (the graph of the folder, opened) and write them with their
    stamp into ``folder/summaries`` (replaced whole). Returns the rows of each table.

    ``previous`` (the store folder this one was patched from) and ``changed`` (the IRIs of the
    document graphs the patch wrote or dropped) with ``link_lines`` (the N-Quads lines of the links
    graph it removed or added): every table is the previous build's, updated by
    :func:`kg.summaries.update.update_tables` — when the previous summaries are fresh and whole and
    the link lines known; else (with a warning: minutes at national scale) all are computed anew.
    ``given`` (:class:`kg.summaries.rows.RecordTables`, made from a build's records): the tables
    made from them, only the department types queried."""
    folder = Path(folder)
    out = folder / SUMMARY_DIR
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / STAMP
    stamp.unlink(missing_ok=True)  # stale while being rewritten
    old, untyped = (None, []) if previous is None or changed is None else _previous_tables(Path(previous))
    if old is not None and link_lines is None:
        log.warning("the links were replaced whole: computing the summaries anew")
        old = None
    tables = None if old is None else _patched(store, old, changed, link_lines, untyped)
    if tables is not None:
        from kg.summaries import arrow

        for name, table in tables.items():
            tmp = out / f"{name}.parquet.tmp-{os.getpid()}"
            arrow.write(table, tmp)
            os.replace(tmp, out / f"{name}.parquet")
        rows = {name: table.num_rows for name, table in tables.items()}
        kinds = arrow.distinct(tables["responsibilities"], "type")
    else:
        from kg.summaries.compute import compute_tables

        frames = compute_tables(store, given)
        for name, df in frames.items():
            tmp = out / f"{name}.parquet.tmp-{os.getpid()}"
            # no min/max statistics: nothing reads the tables by a filter, and a big text column's
            # statistics were most of the writing (0.4 of 0.5 s for the cells at 10,000 plans)
            _compact(df).to_parquet(tmp, index=False, write_statistics=False)
            os.replace(tmp, out / f"{name}.parquet")
        rows = {name: len(df) for name, df in frames.items()}
        kinds = int(frames["responsibilities"]["type"].nunique())
    record = {
        **_stamp_record(folder),
        "counts": {"department_kinds": kinds},
        "rows": rows,
        "incremental": tables is not None,
    }
    stamp.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return record["rows"]
