"""Mode ``full``: extract, link, validate and write everything.

Into a folder store, the document graphs are streamed to one N-Quads file as they are extracted
(:class:`~kg.build.staging.Staged`); the bulk loader reads it in a thread while the corpus is linked,
then the links, while the summary tables are made; the SHACL engine validates the documents and
the links once the records are freed, beside the rest of the loading. Into memory, an endpoint or
an open store, the graphs (N-Quads per named graph) are validated and then replace the store's
content.
"""

from __future__ import annotations

from kg.build.common import check_documents, link_graphs, linked, ontology_nquads, take_in
from kg.build.extraction import document_nquads, extract_all
from kg.build.inputs import Refused
from kg.build.plan import BuildPlan
from kg.build.reuse_cache import ReuseCache
from kg.build.staging import Staged
from kg.build.summary import BuildResult, build_info, record_warnings
from kg.build.validation import owners, require_conformance, validate_nquads
from kg.rdf import ONTOLOGY_GRAPH
from kg.store import MemoryStore, Store, open_store
from kg.summaries.rows import record_tables


def _drop_comparison_caches() -> None:
    """Once the corpus is linked: drop the text-reuse comparison caches (hundreds of MB at 10,000
    plans, which the summary tables would be made beside) and hand their heap back to the system."""
    from kg.link.reuse import clear_caches

    clear_caches()
    _trim_heap()


def _give_back_memory() -> None:
    """Once the records, the links and the tables' rows are dropped: collect (the build pauses the
    collector, kg.build.collector) and hand the heap back to the system: glibc keeps freed blocks
    otherwise (the trim alone gave back 0.5 GB of 2.2 GB at 3,000 plans), while the SHACL engine and
    the loader then take their own memory beside them."""
    import gc

    gc.collect()
    _trim_heap()


def _trim_heap() -> None:
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the freed memory stays with the process
        pass


def _outline(documents: list) -> dict:
    """What the build's result says of the documents, so that their records can be freed first."""
    records = [r for _, r in documents]
    return {
        "documents": len(records),
        "actions": {r.file: len(r.actions) for r in records},
        "extracted": len(records),
        "replaced": len(records),
        "warnings": record_warnings(records),
    }


def _result(plan: BuildPlan, outline: dict, triples: int, *, memory_store=None) -> BuildResult:
    return BuildResult(
        store=plan.spec,
        triples=triples,
        seconds=plan.elapsed(),
        files=[str(f) for f in plan.files],
        memory_store=memory_store,
        removed=0,
        phases=plan.phases,
        mode="full",
        refused=list(plan.refused),
        **outline,
    )


def build_folder(plan: BuildPlan) -> BuildResult:
    staged = Staged(plan.folder)
    try:
        staged.write(ontology_nquads())
        results = extract_all(
            plan.inputs,
            jobs=plan.jobs,
            progress=plan.progress,
            sink=staged.write,
            records_dir=staged.records_dir(),
        )
        staged.load_in_background()
        documents = take_in(plan, plan.inputs, results)
        del results
        plan.inputs[:] = [item.unread() for item in plan.inputs]  # 200 MB of text at 10,000 plans
        plan.phase("extract")
        check_documents(plan, documents)
        records = [r for _, r in documents]
        reuse = ReuseCache(None)
        links, graphs = linked(records, reuse)
        _drop_comparison_caches()
        staged.write_links(graphs)  # encoded piecewise: ~1 GB of N-Quads at 10,000 plans
        del graphs
        staged.load_links_in_background()
        # the per-plan summary tables, from what the build holds (minutes by SPARQL at 10,000 plans),
        # while the links load
        tables = record_tables(records, links)
        del links
        plan.phase("link")
        info = build_info(
            documents,
            mode="full",
            extracted=len(records),
            replaced=[],
            removed=[],
            refused=plan.refused,
        )
        info["replaced_graphs"] = sorted(e["graph"] for e in info["files"])
        # Free the records (~1 GB at 10,000 plans) before the SHACL engine reads the corpus beside
        # the loading; a violation is traced to its documents by their IRIs. Their cache entries were
        # written by the extraction: their heads are written here.
        staged.write_records({r.sha256: r for r in records})
        reuse.write(staged.tmp, keep_old=False)
        del reuse
        outline, owned = _outline(documents), owners(records)
        del records, documents
        _give_back_memory()
        staged.validate_in_background()
        require_conformance(staged.validation(), owned=owned)
        plan.phase("validate")
        staged.wait()
        plan.phase("store")
        info["phases"] = plan.phases
        info["seconds"] = round(plan.elapsed(), 3)
        triples = staged.finish(info, given=tables)
    finally:
        staged.discard()
    return _result(plan, outline, triples)


def build_elsewhere(plan: BuildPlan) -> BuildResult:
    """Into memory, a SPARQL endpoint, or an open :class:`Store` (refilled in place)."""
    from kg.rdf import graph_iri, nquads

    results = extract_all(plan.inputs, jobs=plan.jobs, progress=plan.progress, graphs=True)
    documents = take_in(plan, plan.inputs, results)
    quads = {r.file: q for r, q in results if not isinstance(r, Refused)}
    del results
    plan.phase("extract")
    check_documents(plan, documents)
    records = [r for _, r in documents]
    corpus = link_graphs(records)
    plan.phase("link")
    graphs = {ONTOLOGY_GRAPH: ontology_nquads()}
    for r in records:
        graphs[graph_iri(r.file)] = quads.get(r.file) or document_nquads(r)
    for iri, triples in corpus.items():
        graphs[iri] = nquads(triples, iri).encode("utf-8")
    require_conformance(validate_nquads(list(graphs.values())), records)
    plan.phase("validate")
    if isinstance(plan.target, Store):
        store = plan.target
    else:
        store = MemoryStore() if plan.spec == "memory" else open_store(plan.spec)
    store.replace_all(graphs)
    triples = store.triple_count()
    plan.phase("store")
    memory_store = store if isinstance(store, MemoryStore) else None
    return _result(plan, _outline(documents), triples, memory_store=memory_store)
