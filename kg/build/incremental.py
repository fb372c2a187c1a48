"""Mode ``incremental``: re-link what changed, write only what differs.

When files were only removed or edited, only the scope the change can reach is re-linked
(``kg.build.relink``) and its link quads that differ are removed and added. Otherwise the corpus is
re-linked: documents whose bytes did not change come from the records cache, the links are
compared with the links mirror and only the quads that differ are written. Either way only new or
changed documents' graphs are written and validated (with the nodes they point to as context),
removed files lose their graphs, and action texts are compared through the store's text-reuse cache.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.build.common import check_documents, corpus_records, link_graphs, ontology_nquads
from kg.build.extraction import document_nquads
from kg.build.plan import BuildPlan
from kg.build.relink import Scoped, scoped_relink
from kg.build.reuse_cache import ReuseCache
from kg.build.summary import BuildResult, build_info, record_warnings
from kg.build.swap import patch_folder_store
from kg.build.validation import incremental_check, require_conformance, validate_nquads
from kg.rdf import ONTOLOGY_GRAPH
from kg.store import open_store


def build_incremental(plan: BuildPlan, extracted: dict | None = None) -> BuildResult:
    """``extracted``: sha256 -> (record, N-Quads) of documents an append attempt already extracted."""
    from kg.rdf import graph_iri, record_plan_iri

    reuse = ReuseCache(plan.folder)
    with open_store(plan.folder, read_only=True) as stored:
        scoped = scoped_relink(plan, reuse, stored)
    if isinstance(scoped, Scoped):
        return build_scoped(plan, scoped, reuse)
    extracted = {**(extracted or {}), **scoped}
    if "extract" in plan.phases:  # a scoped re-link was tried: its seconds stay apart
        tried = plan.phases.pop("extract")
        plan.phase("scope")
        plan.phases["scope"] = round(plan.phases["scope"] + tried, 3)
    documents, made = corpus_records(plan, extracted)
    plan.phase("extract")
    check_documents(plan, documents)
    records = [r for _, r in documents]
    links = link_graphs(records, reuse)  # N-Triples term lists, compared with the links mirror as they are
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
        reuse=reuse,
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


def build_scoped(plan: BuildPlan, scoped: Scoped, reuse: ReuseCache) -> BuildResult:
    """Write a scoped re-link: the edited documents' graphs, the removed ones dropped, the link
    quads that differ."""
    from kg.build.summary import file_entry
    from kg.rdf import LINKS_GRAPH, graph_iri, record_plan_iri

    plan.phase("link")
    edited = [record for record, _ in scoped.edited.values()]
    doc_graphs = {graph_iri(r.file): quads or document_nquads(r) for r, quads in scoped.edited.values()}
    with open_store(plan.folder, read_only=True) as stored:
        pieces, focus = incremental_check(
            stored, doc_graphs, {LINKS_GRAPH: scoped.new_links}, [record_plan_iri(r) for r in edited]
        )
    require_conformance(validate_nquads(pieces, focus), edited)
    plan.phase("validate")

    removed = [URIRef(e["graph"]) for e in scoped.removed]
    paths = {item.path.name: item.path for item in plan.inputs}
    info = build_info(
        [(paths[r.file], r) for r in edited],
        mode="incremental",
        extracted=len(edited),
        replaced=list(doc_graphs),
        removed=removed,
        refused=plan.refused,
    )
    old = {e["file"]: e for e in plan.previous["files"]}
    new = {r.file: r for r in edited}
    info["files"] = [
        file_entry(item.path, new[item.path.name])
        if item.path.name in new
        else {**old[item.path.name], "path": str(item.path)}
        for item in plan.inputs
    ]
    info["documents"] = len(info["files"])
    info["actions"] = sum(e["actions"] for e in info["files"])
    removed_lines = scoped.links_removed.count(b"\n")
    added_lines = scoped.links_added.count(b"\n")
    info["links_changed"] = [removed_lines, added_lines]
    info["relinked"] = scoped.scope
    info["phases"] = plan.phases
    info["seconds"] = round(plan.elapsed(), 3)
    records_by_sha = {e["sha256"]: None for e in info["files"] if e["file"] not in new}
    records_by_sha.update({r.sha256: r for r in edited})
    triples = patch_folder_store(
        plan.folder,
        [*removed, *doc_graphs],
        {**doc_graphs, ONTOLOGY_GRAPH: ontology_nquads()},
        info,
        records_by_sha,
        links_delta=(scoped.links_removed, scoped.links_added),
        reuse=reuse,
        previous_triples=plan.previous.get("triples"),
        previous_counts=plan.previous.get("counts"),
    )
    plan.phase("store")
    return BuildResult(
        store=plan.spec,
        documents=len(info["files"]),
        triples=triples,
        actions={e["file"]: e["actions"] for e in info["files"]},
        seconds=plan.elapsed(),
        files=[str(f) for f in plan.files],
        extracted=len(edited),
        replaced=len(doc_graphs),
        removed=len(removed),
        phases=plan.phases,
        mode="incremental",
        links_changed=(removed_lines, added_lines),
        refused=list(plan.refused),
        warnings=[(e["file"], w) for e in info["files"] for w in e.get("warnings", [])],
    )
