"""Plan files -> records (and each document's graph as N-Quads), in worker processes when there
are many. A document the extractor refuses comes back as a :class:`~kg.build.inputs.Refused`."""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
from pathlib import Path

from kg.build.cache import write_entry
from kg.build.inputs import Input, Refused
from kg.errors import ExtractionError

PARALLEL_FROM = 40  # documents; below this, worker start-up costs more than it saves


def _extract_record(item: tuple[bytes, str]):
    from kg.extract import extract_bytes

    data, name = item
    try:
        record = extract_bytes(data, name)
    except ExtractionError as e:
        return Refused(name, e.reason)
    missing = unplaceable(record)
    return Refused(name, missing) if missing else record


def unplaceable(record) -> str | None:
    """Why a document, though read, cannot take its place in the cascade: a plan joins the graph
    with a title and an administrative level (the shapes require both)."""
    if not record.meta.title:
        return "no title could be read (not joined: a plan of the graph has a title)"
    if not record.meta.level:
        return "its place and level could not be told from its issuer, title or text (not joined)"
    # a national source's copy is national: other records are not compared (nor the sources loaded)
    if record.meta.level == "national" and (name := _reference_plans().get(_plan_iri(record))) is not None:
        return (
            f"it is the national source 《{name}》, which the graph holds as reference data"
            " (data/reference/national.json: its actions and targets); a copy would describe that plan twice"
        )
    return None


def _plan_iri(record) -> str:
    from kg.rdf import record_plan_iri

    return str(record_plan_iri(record))


@functools.cache
def _reference_plans() -> dict[str, str]:
    """The plan IRIs of the curated national sources, to their titles."""
    from kg.link.reference import national_records

    return {_plan_iri(r): r.meta.title for r in national_records()}


def _extract_with_graph(item: tuple[bytes, str, Path | None]):
    """(record, its document graph as N-Quads bytes): the graph, and the record's cache entry when a
    records folder is given, are written where the record is made, so that a parallel build does
    that work in parallel too (the entries of 10,000 records took 17 s in the main process)."""
    data, name, records_dir = item
    record = _extract_record((data, name))
    if isinstance(record, Refused):
        return record, b""
    if records_dir is not None:
        write_entry(records_dir, record)
    return record, document_nquads(record)


def document_nquads(record) -> bytes:
    """A record's document graph as N-Quads (UTF-8)."""
    from kg.rdf import graph_iri, nquads, record_nt

    return nquads(record_nt(record), graph_iri(record.file)).encode("utf-8")


def extract_all(
    inputs: list[Input],
    *,
    jobs: int | None = None,
    progress=None,
    graphs: bool = False,
    sink=None,
    records_dir: Path | None = None,
) -> list:
    """Records of the inputs, in order (a :class:`Refused` for each refused document, its path and
    sha256 filled in); in worker processes when there are many documents.

    ``graphs``: (record, N-Quads bytes of its document graph) pairs instead; with ``sink``, the
    bytes go to ``sink(bytes)`` as they come (in order) and only the records are returned.
    ``records_dir`` (with ``graphs`` or ``sink``): each record's cache entry is written there too.
    """
    jobs = jobs or os.cpu_count() or 1
    work = _extract_with_graph if (graphs or sink) else _extract_record
    if work is _extract_with_graph:
        items = [(item.data, item.path.name, records_dir) for item in inputs]
    else:
        items = [(item.data, item.path.name) for item in inputs]

    def keep(k: int, result):
        record = result[0] if work is _extract_with_graph else result
        if isinstance(record, Refused):
            record = dataclasses.replace(record, path=str(inputs[k].path), sha256=inputs[k].sha256)
            result = (record, b"") if work is _extract_with_graph else record
        if sink is None:
            return result
        if not isinstance(record, Refused):
            sink(result[1])
        return record

    if jobs <= 1 or len(items) < PARALLEL_FROM:
        out = []
        for k, item in enumerate(items):
            out.append(keep(k, work(item)))
            if progress:
                progress(k + 1, len(items))
        return out
    from concurrent.futures import ProcessPoolExecutor

    out = []
    chunk = max(1, min(16, len(items) // (jobs * 8)))
    # the workers without the cyclic collector too (see kg.build.collector): each keeps its
    # reference data for the whole corpus, and frees a document's objects by reference counting
    with ProcessPoolExecutor(max_workers=jobs, initializer=gc.disable) as pool:
        for k, result in enumerate(pool.map(work, items, chunksize=chunk)):
            out.append(keep(k, result))
            if progress and ((k + 1) % 50 == 0 or k + 1 == len(items)):
                progress(k + 1, len(items))
    return out


def renamed(record, name: str):
    """A cached record of the same bytes read under another file name."""
    if record.file == name:
        return record
    return dataclasses.replace(record, file=name)
