"""Mode ``append``: add new documents to a built store without re-linking the corpus.

That gives what a full build would when no file was removed or changed (the plan's precondition)
and each new plan is a leaf: no plan of its region or below it in the store, its plan not yet a node
of the graph. The new plans are linked together with the plans of their regions' ancestors (and those
they cite), read from the records cache (:func:`link_with_ancestors`, also what a preview uses); the
links this yields for nodes the store already describes must equal the stored ones. Only the new
documents' graphs are written, and their links are added to the links graph. When any of this does
not hold, the build hands over to ``incremental`` with the documents extracted so far.
"""

from __future__ import annotations

from kg.build.cache import RecordCache
from kg.build.common import check_documents, take_in
from kg.build.context import above, ancestors
from kg.build.extraction import extract_all
from kg.build.incremental import build_incremental
from kg.build.inputs import Refused
from kg.build.plan import BuildPlan
from kg.build.summary import BuildResult, build_info
from kg.build.swap import patch_folder_store
from kg.build.validation import incremental_check, require_conformance, validate_nquads
from kg.store import Store, open_store, scratch_store

_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_PLAN = b"<https://w3id.org/healthy-china/ontology#Plan>"


def are_leaves(new: list, old: list[dict]) -> bool:
    """Whether the new records' plans sit below every stored plan of their regions' chains: each has a
    region of its own, none of them a stored plan's region or above one."""
    from kg.rdf import graph_iri, record_plan_iri

    old_regions = {e["region"] for e in old if e.get("region")}
    old_plans = {e["plan"] for e in old}
    old_graphs = {e["graph"] for e in old}
    regions = [r.meta.region for r in new]
    if not all(regions) or len(set(regions)) != len(regions):
        return False
    for r in new:
        region = r.meta.region
        if (
            region in old_regions
            or str(record_plan_iri(r)) in old_plans
            or str(graph_iri(r.file)) in old_graphs
        ):
            return False
        if any(region in above(x) for x in old_regions):
            return False  # a stored plan below the new one would now derive from it
    return True


def link_with_ancestors(cache: RecordCache, old: list[dict], new: list):
    """The links of the new records linked with their stored ancestors (``kg.link``'s Links), or
    None when a stored record is missing from the cache."""
    from kg.link.linker import link

    context = ancestors(cache, old, new)
    return None if context is None else link([*context, *new])


def _by_subject(data: bytes) -> dict[bytes, set[bytes]]:
    """N-Quads lines of one graph, by subject: subject -> {"predicate object"}."""
    out: dict[bytes, set[bytes]] = {}
    for line in data.splitlines():
        statement = line.rstrip()[:-1].rstrip().rsplit(b" ", 1)[0]  # without " <graph> ."
        subject, _, rest = statement.partition(b" ")
        out.setdefault(subject, set()).add(rest)
    return out


def _cites_a_new_node_above_stored(store: Store, links, old: list[dict]) -> bool:
    """Whether the new plans cite a plan the store does not know yet in a region above a stored
    plan's, where no plan is stored: it may become that plan's parent (a stored city derives from its province's plan
    once a new city cites that plan), which only a re-link of the stored plans sees."""
    from kg.rdf import node_iri

    old_regions = {e["region"] for e in old if e.get("region")}
    for node in links.plans:
        if node.held or node.reference or not node.region:
            continue
        # (a region with a stored plan keeps it as the parent: a plan held wins over one cited)
        if node.region not in old_regions and any(node.region in above(x) for x in old_regions):
            if not store.quads_about([str(node_iri(node))]):
                return True
    return False


def _links_to_add(store: Store, links: list, owned: tuple[str, ...], last: bool):
    """(N-Quads, N-Triples term lists) of the new links to add, or None if the new plans change what
    the store says of a node it already describes."""
    from kg.rdf import LINKS_GRAPH, nquads

    for plan in owned:
        if store.quads_about([plan]):
            return None  # the plan is already a node (cited by a stored plan): re-link
    # The links as the store would hold them (the engine normalises some literals), by subject.
    scratch = scratch_store()
    scratch.load_nquads(nquads(links, LINKS_GRAPH).encode("utf-8"))
    normalised = scratch.dump()
    scratch.close()
    lines_of: dict[bytes, list[bytes]] = {}
    for line in normalised.splitlines(keepends=True):
        lines_of.setdefault(line.partition(b" ")[0], []).append(line)
    new = _by_subject(normalised)
    below = tuple(p + "/" for p in owned)
    others = [iri for iri in (s.decode()[1:-1] for s in new) if not (iri in owned or iri.startswith(below))]
    stored = _by_subject(store.quads_about(others, graph=str(LINKS_GRAPH)))
    added: list[bytes] = []
    added_subjects: set[str] = set()
    for subject, statements in new.items():
        described = stored.get(subject)
        if described:
            if described != statements and not (last and _RDF_TYPE + b" " + _PLAN not in described):
                # The new plans change what the store says of a node. (A cited document that is not
                # a plan is described as its first citer, in file order, writes it: when the new
                # files come last, the stored description stands.)
                return None
            continue
        added += lines_of[subject]
        added_subjects.add(subject.decode())
    added_nt = [t for t in links if t[0] in added_subjects]  # as the linker spells them
    return b"".join(added), added_nt


def build_append(plan: BuildPlan) -> BuildResult:
    from kg.rdf import LINKS_GRAPH, graph_iri, links_nt, record_plan_iri

    old = plan.previous["files"]
    old_names = {e["file"] for e in old}
    new_inputs = [item for item in plan.inputs if item.path.name not in old_names]
    results = extract_all(new_inputs, jobs=plan.jobs, progress=plan.progress, graphs=True)
    extracted = {item.sha256: result for item, result in zip(new_inputs, results, strict=True)}
    refused_before = list(plan.refused)
    documents = take_in(plan, new_inputs, results)
    new = [r for _, r in documents]
    plan.phase("extract")

    def hand_over() -> BuildResult:
        plan.refused[:] = refused_before
        return build_incremental(plan, extracted)

    if not new or not are_leaves(new, old):
        return hand_over()
    check_documents(plan, documents)
    linked = link_with_ancestors(RecordCache(plan.folder), old, new)
    if linked is None:
        return hand_over()
    links = links_nt(linked)
    plan.phase("link")
    owned = tuple(str(record_plan_iri(r)) for r in new)
    last = min(item.path.name for item in new_inputs) > max(e["file"] for e in old)
    doc_graphs = {graph_iri(r.file): q for r, q in results if not isinstance(r, Refused)}
    with open_store(plan.folder, read_only=True) as stored:
        if _cites_a_new_node_above_stored(stored, linked, old):
            return hand_over()
        to_add = _links_to_add(stored, links, owned, last)
        if to_add is None:
            return hand_over()
        added, added_nt = to_add
        pieces, focus = incremental_check(
            stored, doc_graphs, {LINKS_GRAPH: added_nt}, [record_plan_iri(r) for r in new], appended=True
        )
    require_conformance(validate_nquads(pieces, focus), new)
    plan.phase("validate")

    info = build_info(
        documents,
        mode="append",
        extracted=len(new_inputs),
        replaced=list(doc_graphs),
        removed=[],
        refused=plan.refused,
    )
    entries = {e["file"]: e for e in [*old, *info["files"]]}
    accepted = [item for item in plan.inputs if item.path.name in entries]
    info["files"] = [{**entries[item.path.name], "path": str(item.path)} for item in accepted]  # as given now
    info["documents"] = len(accepted)
    info["actions"] = sum(e["actions"] for e in info["files"])
    info["phases"] = plan.phases
    info["seconds"] = round(plan.elapsed(), 3)
    records_by_sha = {e["sha256"]: None for e in old} | {r.sha256: r for r in new}
    triples = patch_folder_store(
        plan.folder,
        [],
        doc_graphs,
        info,
        records_by_sha,
        links_added=(LINKS_GRAPH, added_nt, added),
        previous_triples=plan.previous.get("triples"),
        previous_counts=plan.previous.get("counts"),
    )
    plan.phase("store")
    return BuildResult(
        store=plan.spec,
        documents=len(accepted),
        triples=triples,
        actions={e["file"]: e["actions"] for e in info["files"]},
        seconds=plan.elapsed(),
        files=[str(f) for f in plan.files],
        extracted=len(new_inputs),
        replaced=len(doc_graphs),
        removed=0,
        phases=plan.phases,
        mode="append",
        refused=list(plan.refused),
        warnings=[(e["file"], w) for e in info["files"] for w in e.get("warnings", [])],
    )
