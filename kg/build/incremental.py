"""Mode ``incremental``: re-link the corpus, write only what differs.

Documents whose bytes did not change come from the records cache; only new or changed documents'
graphs are written and validated (with the nodes they point to as context); removed files lose
their graphs; the links are compared with the links mirror and only the quads that differ are
removed and added.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.build.common import check_documents, corpus_records, link_graphs, ontology_nquads
from kg.build.extraction import document_nquads
from kg.build.plan import BuildPlan
from kg.build.summary import BuildResult, build_info, record_warnings
from kg.build.swap import patch_folder_store
from kg.build.validation import incremental_check, require_conformance, validate_nquads
from kg.rdf import ONTOLOGY_GRAPH
from kg.store import open_store


def build_incremental(plan: BuildPlan, extracted: dict | None = None) -> BuildResult:
    """``extracted``: sha256 -> (record, N-Quads) of documents an append attempt already extracted."""
    from kg.rdf import graph_iri, record_plan_iri

    documents, made = corpus_records(plan, extracted or {})
    plan.phase("extract")
    check_documents(plan, documents)
    records = [r for _, r in documents]
    links = link_graphs(records)  # N-Triples term lists, compared with the links mirror as they are
    plan.phase("link")

    old_files = {e["graph"]: e for e in plan.previous["files"]}
    by_graph = {graph_iri(r.file): r for r in records}
    changed = [iri for iri, r in by_graph.items() if old_files.get(str(iri), {}).get("sha256") != r.sha256]
    removed = [URIRef(g) for g in old_files if URIRef(g) not in by_graph]
    doc_graphs = {}
    for iri in changed:
        r = by_graph[iri]
        record, quads = made.get(r.sha256, (None, None))
        doc_graphs[iri] = quads if quads and record.file == r.file else document_nquads(r)
    info = build_info(
        documents,
        mode="incremental",
        extracted=sum(1 for item in plan.inputs if item.sha256 in made),
        replaced=list(doc_graphs),
        removed=removed,
        refused=plan.refused,
    )

    plans = [record_plan_iri(by_graph[iri]) for iri in doc_graphs]
    with open_store(plan.folder, read_only=True) as stored:
        pieces, focus = incremental_check(stored, doc_graphs, links, plans)
    require_conformance(validate_nquads(pieces, focus), records)
    plan.phase("validate")

    info["phases"] = plan.phases
    info["seconds"] = round(plan.elapsed(), 3)
    stale = removed + [g for g in changed if str(g) in old_files]
    triples = patch_folder_store(
        plan.folder,
        stale,
        {**doc_graphs, ONTOLOGY_GRAPH: ontology_nquads()},
        info,
        {r.sha256: r for r in records},
        links=links,
    )
    plan.phase("store")
    return BuildResult(
        store=plan.spec,
        documents=len(records),
        triples=triples,
        actions={r.file: len(r.actions) for r in records},
        seconds=plan.elapsed(),
        files=[str(f) for f in plan.files],
        extracted=info["extracted"],
        replaced=len(doc_graphs),
        removed=len(removed),
        phases=plan.phases,
        mode="incremental",
        links_changed=tuple(info["links_changed"]) if "links_changed" in info else None,
        refused=list(plan.refused),
        warnings=record_warnings(records),
    )
