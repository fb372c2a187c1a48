"""Steps every mode shares: taking in extraction results (refusals, ``--strict``), the corpus-level
graphs, the ontology graph, and the records of a corpus from the cache or the extractor."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from kg.build.cache import RecordCache
from kg.build.extraction import extract_all, renamed
from kg.build.inputs import Input, Refused, check_unique_plans
from kg.build.plan import BuildPlan
from kg.build.reuse_cache import ReuseCache
from kg.errors import KGError


class BuildRefused(KGError):
    """A strict build refused: some files were refused, so nothing was built."""

    def __init__(self, refused: list[Refused], total: int):
        self.refused = list(refused)
        self.summary = f"{len(refused)} of {total} files refused, nothing built (--strict): " + ", ".join(
            r.file for r in refused
        )
        reasons = "; ".join(r.message for r in refused)
        super().__init__(f"{reasons} ({len(refused)} of {total} files refused, nothing built)")


def take_in(plan: BuildPlan, inputs: list[Input], results: list) -> list[tuple[Path, object]]:
    """(path, record) of the documents kept; the refused ones go to ``plan.refused``."""
    kept = []
    for item, result in zip(inputs, results, strict=True):
        record = result[0] if isinstance(result, tuple) else result
        if isinstance(record, Refused):
            plan.refused.append(record)
        else:
            kept.append((item.path, record))
    return kept


def check_documents(plan: BuildPlan, documents: list[tuple[Path, object]]) -> None:
    """Refuse the build under ``--strict`` if any file was refused, or if nothing is left."""
    total = len(plan.files)
    if plan.strict and plan.refused:
        raise BuildRefused(plan.refused, total)
    if not documents:
        reasons = "; ".join(r.message for r in plan.refused[:5])
        more = f" (and {len(plan.refused) - 5} more)" if len(plan.refused) > 5 else ""
        raise KGError(f"no plan could be read: {reasons}{more}")
    check_unique_plans(documents)


def corpus_records(plan: BuildPlan, extracted: dict[str, tuple]) -> tuple[list[tuple[Path, object]], dict]:
    """(path, record) of the whole corpus, each from ``extracted`` (sha256 -> (record, N-Quads)),
    the records cache or the extractor; and sha256 -> (record, N-Quads) of what was extracted now."""
    cache = RecordCache(plan.folder) if plan.folder is not None and plan.previous else None
    cached = {}
    todo = []
    for item in plan.inputs:
        if item.sha256 in extracted:
            continue
        record = cache.get(item.sha256) if cache is not None else None
        if record is None:
            todo.append(item)
        else:
            cached[item.sha256] = record
    fresh = extract_all(todo, jobs=plan.jobs, progress=plan.progress, graphs=True)
    made = dict(extracted)
    made.update({item.sha256: result for item, result in zip(todo, fresh, strict=True)})
    results = [made.get(item.sha256) or (cached[item.sha256], None) for item in plan.inputs]
    documents = [(path, renamed(record, path.name)) for path, record in take_in(plan, plan.inputs, results)]
    return documents, made


def link_graphs(records: list, reuse: ReuseCache | None = None) -> dict[URIRef, list]:
    """The corpus-level graphs, as lists of N-Triples term strings: cross-document links
    (``graph/links``) and the curated reference plans. ``reuse``: the text-reuse cache to compare
    action texts through (it keeps what it computed, for the store)."""
    return linked(records, reuse)[1]


def linked(records: list, reuse: ReuseCache | None = None) -> tuple[object, dict[URIRef, list]]:
    """The corpus's :class:`~kg.records.Links` and its corpus-level graphs (see :func:`link_graphs`)."""
    from kg.link.linker import link
    from kg.rdf import LINKS_GRAPH, links_nt, record_nt, reference_graph_iri

    links = link(records) if reuse is None else link(records, reuse=reuse.share)
    out = {LINKS_GRAPH: links_nt(links)}
    for r in links.reference:
        out[reference_graph_iri(r)] = record_nt(r, reference=True)
    return links, out


def ontology_nquads() -> bytes:
    from kg.rdf import ONTOLOGY_GRAPH, nquads, ontology_graph

    return nquads(list(ontology_graph()), ONTOLOGY_GRAPH).encode("utf-8")
