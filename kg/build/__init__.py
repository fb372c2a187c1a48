"""Plan files -> records -> one named graph per document (+ the links and the ontology) -> validated
-> store.

:func:`build` reads the files (``inputs``), makes the plan of the build and chooses its mode once
(``plan``: full, unchanged, append or incremental, each in a module of its own), and writes a folder
store atomically (``swap``: a new folder swapped into place; ``lock``: one build at a time) with the
records cache (``cache``), the text-reuse cache (``reuse_cache``) and the links mirror
(``links_mirror``) beside the graph; removals and edits re-link only their scope (``relink``). A file that
cannot be read or is not a policy document is refused (named, with the reason): a strict build
(the default of :func:`build`) then writes nothing, otherwise it goes on with the others. A graph that does not conform to the SHACL shapes aborts the
build before anything is written. :func:`preview` shows what a new document would add, through the
same path as an append build, without writing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from kg.build.cache import RECORDS_DIR, RecordCache
from kg.build.common import BuildRefused
from kg.build.extraction import PARALLEL_FROM, extract_all, unplaceable
from kg.build.formats import EXTRACT_FORMAT, LINK_FORMAT, RDF_FORMAT, STORE_FORMAT, build_format
from kg.build.inputs import (
    Input,
    Refused,
    check_graph_names,
    plan_files,
    read_inputs,
    read_known,
    write_known,
)
from kg.build.links_mirror import LINKS_DIR
from kg.build.lock import BuildLock
from kg.build.plan import BuildPlan, choose_mode, target_folder, usable_previous
from kg.build.preview import Preview, preview
from kg.build.summary import BuildResult
from kg.locations import read_build_info
from kg.store import Store

__all__ = [
    "EXTRACT_FORMAT",
    "LINKS_DIR",
    "LINK_FORMAT",
    "PARALLEL_FROM",
    "RDF_FORMAT",
    "RECORDS_DIR",
    "STORE_FORMAT",
    "BuildRefused",
    "BuildResult",
    "Input",
    "Preview",
    "RecordCache",
    "Refused",
    "build",
    "build_format",
    "extract_all",
    "plan_files",
    "preview",
    "read_build_info",
    "read_inputs",
    "unplaceable",
]


def build(
    paths: list[Path | str] | None = None,
    store_spec: str | os.PathLike | Store | None = None,
    *,
    jobs: int | None = None,
    progress=None,
    incremental: bool = True,
    strict: bool = True,
) -> BuildResult:
    """Build the graph of ``paths`` (default ``data/plans``) into ``store_spec`` (default ``$KG_STORE``
    or ``data/store``; ``memory``; an ``http(s)://`` endpoint; or an open :class:`Store`, refilled in place).

    A folder store that was built before is updated incrementally (see ``kg.build.plan``).
    ``progress(done, total)`` is called while documents are extracted. ``strict`` (the default):
    any refused file raises :class:`BuildRefused` and nothing is written; with ``strict=False`` the
    readable documents are built and the refused files are in the result's ``refused`` (what
    ``kg build`` does; ``kg build --strict`` is the default here). Raises
    ExtractionError / ValidationError / KGError; on any of them nothing has been written.
    """
    from kg.build.collector import paused

    with paused():
        return _build(paths, store_spec, jobs=jobs, progress=progress, incremental=incremental, strict=strict)


def _build(paths, store_spec, *, jobs, progress, incremental, strict) -> BuildResult:
    from kg.build.append import build_append
    from kg.build.full import build_elsewhere, build_folder
    from kg.build.incremental import build_incremental
    from kg.build.unchanged import build_unchanged
    from kg.locations import default_spec

    target = (
        store_spec
        if isinstance(store_spec, Store)
        else str(default_spec() if store_spec is None else store_spec)
    )
    start = time.perf_counter()
    files = plan_files(paths)
    check_graph_names(files)
    folder = target_folder(target)
    lock = BuildLock(folder) if folder is not None else None
    try:
        if lock:
            lock.acquire()
        previous = usable_previous(folder, incremental)
        inputs, unreadable = read_inputs(files, read_known(folder) if previous is not None else None)
        plan = BuildPlan(
            mode=choose_mode(inputs, unreadable, previous),
            files=files,
            inputs=inputs,
            target=target,
            folder=folder,
            previous=previous,
            refused=list(unreadable),
            jobs=jobs,
            progress=progress,
            strict=strict,
            start=start,
        )
        plan.phase("read")
        if plan.mode == "unchanged":
            result = build_unchanged(plan)
        elif plan.mode == "append":
            result = build_append(plan)
        elif plan.mode == "incremental":
            result = build_incremental(plan)
        else:
            result = build_folder(plan) if folder is not None else build_elsewhere(plan)
        if folder is not None:
            write_known(folder, inputs)
        return result
    finally:
        if lock:
            lock.release()
