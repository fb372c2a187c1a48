"""Scoped re-linking: when files were only removed or edited, re-link only what they can change.

The scope is the changed plans (as stored and as they are now), the plans that derive from them (the
links graph's ``hc:derivedFrom``, followed down), the plans all of these may derive from (their
regions' ancestors' plans and what they cite, as an append build takes them), and, for a node that
several plans cite (a national document every county cites), the heads of all its citers (their
meta and citations: see ``kg.build.cache``). The scope is linked twice, as it was and as it is now;
the subjects of the links graph whose description differs between the two are rewritten, and only
if the scope held all they depend on:

* the description the scope gave such a subject before the change is the stored one, and
* a subject that leaves the scope is dropped only if nothing left in the store points at it.

Anything else (files added, renamed or reordered, a refused file, an edit that changes a plan's
meta or citations, a removed plan with plans below it, a record missing from the cache, a check
that fails) returns None: the corpus is then re-linked whole, which is always right.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kg.build.cache import RecordCache
from kg.build.extraction import extract_all, renamed
from kg.build.inputs import Refused
from kg.build.links_mirror import LINKS_DIR, mirror_parts
from kg.build.plan import BuildPlan
from kg.build.reuse_cache import ReuseCache
from kg.store import Store

log = logging.getLogger(__name__)
ROUNDS = 3  # scopes widened by citers before giving up (a citer's head adds no new cited node)


@dataclass
class Scoped:
    """What a scoped re-link found: the documents to write, the link lines to remove and add."""

    removed: list[dict]  # build.json entries of the removed files
    edited: dict[str, tuple]  # file name -> (new record, its document graph as N-Quads)
    links_removed: bytes  # N-Quads lines (as the linker writes them) leaving the links graph
    links_added: bytes
    new_links: list = field(default_factory=list)  # the scope's links now (N-Triples term lists)
    scope: int = 0  # plans linked (before or after the change)


def _changes(plan: BuildPlan):
    """(removed entries, edited inputs with their old entries, unchanged entries) or None when the
    change is not only removals and edits of files kept in their order."""
    old = plan.previous["files"]
    by_name = {e["file"]: e for e in old}
    names = [item.path.name for item in plan.inputs]
    kept = set(names)
    if plan.refused or len(kept) != len(names) or any(n not in by_name for n in names):
        return None
    if any("plan" not in e for e in old) or [e["file"] for e in old if e["file"] in kept] != names:
        return None
    removed = [e for e in old if e["file"] not in kept]
    edited = [
        (item, by_name[item.path.name])
        for item in plan.inputs
        if by_name[item.path.name]["sha256"] != item.sha256
    ]
    edited_names = {item.path.name for item, _ in edited}
    unchanged = [e for e in old if e["file"] in kept and e["file"] not in edited_names]
    if not removed and not edited:
        return None
    return removed, edited, unchanged


def _whole(extracted: dict, why: str) -> dict:
    """Give up the scoped re-link (the corpus is re-linked whole), saying why when asked to."""
    log.debug("scoped re-link not taken: %s", why)
    return extracted


def _by_subject(triples: list) -> dict[str, frozenset]:
    out: dict[str, set] = {}
    for t in triples:
        out.setdefault(t[0], set()).add(t)
    return {s: frozenset(ts) for s, ts in out.items()}


def _normalised(triples: list) -> dict[str, set[bytes]]:
    """N-Quads lines by subject IRI as the store writes them (the engine normalises some literals)."""
    from kg.rdf import LINKS_GRAPH, nquads
    from kg.store import scratch_store

    scratch = scratch_store()
    scratch.load_nquads(nquads(triples, LINKS_GRAPH).encode("utf-8"))
    data = scratch.dump()
    scratch.close()
    return _lines_by_subject(data)


def _lines_by_subject(data: bytes) -> dict[str, set[bytes]]:
    out: dict[str, set[bytes]] = {}
    for line in data.splitlines(keepends=True):
        out.setdefault(line.partition(b" ")[0].decode()[1:-1], set()).add(line)
    return out


def _cited_iris(links) -> tuple[set[str], set[str]]:
    """The nodes of ``links`` whose description citing plans shape: plans only cited (merged from
    all their citations), and cited documents that are not plans (as their first citation names them)."""
    from kg.rdf import node_iri, plan_iri

    nodes = {str(node_iri(n)) for n in links.plans if not (n.held or n.reference)}
    return nodes, {str(plan_iri(d.doc_number, None, d.title)) for d in links.documents} - nodes


def _descendants(store: Store, plans: list[str]) -> list[str]:
    """The plans that derive from ``plans``, transitively (as the links graph says)."""
    from kg.rdf import LINKS_GRAPH
    from kg.rdf.codec import hc

    derived_from = hc.derivedFrom[1:-1]
    seen: list[str] = []
    todo = list(plans)
    while todo:
        found = store.subjects_pointing_at(todo, predicate=derived_from, graph=str(LINKS_GRAPH))
        todo = sorted({s for s, _ in found} - set(seen) - set(plans))
        seen += todo
    return seen


def scoped_relink(plan: BuildPlan, reuse: ReuseCache, store: Store) -> Scoped | dict:
    """The scoped re-link of ``plan`` against the stored build (``store``, read only); when the
    corpus must be re-linked whole, sha256 -> (record, N-Quads) of the documents extracted so far
    instead (for the whole re-link to take over)."""
    from kg.build.cache import head
    from kg.build.context import ancestors
    from kg.link.linker import link
    from kg.rdf import LINKS_GRAPH, links_nt, nquads
    from kg.rdf.codec import eli

    changes = _changes(plan)
    if changes is None or not mirror_parts(plan.folder / LINKS_DIR):
        return {}  # (a store without a links mirror gets one from a whole re-link)
    removed, edited, unchanged = changes
    results = extract_all([item for item, _ in edited], jobs=plan.jobs, progress=plan.progress, graphs=True)
    extracted = {item.sha256: result for (item, _), result in zip(edited, results, strict=True)}
    new_of: dict[str, tuple] = {}
    for (item, _), (record, quads) in zip(edited, results, strict=True):
        if isinstance(record, Refused):
            return _whole(extracted, "a changed file was refused")
        new_of[item.path.name] = (renamed(record, item.path.name), quads)
    cache = RecordCache(plan.folder)
    old_of = {}
    for e in [*removed, *(entry for _, entry in edited)]:
        record = cache.get(e["sha256"])
        if record is None:
            return _whole(extracted, "a record is missing from the cache")
        old_of[e["file"]] = renamed(record, e["file"])
    for name, (record, _) in new_of.items():
        if (record.meta, record.cites) != (old_of[name].meta, old_of[name].cites):
            return _whole(extracted, "an edit changes the plan's meta or citations")

    if _descendants(store, [e["plan"] for e in removed]):
        return _whole(extracted, "a removed plan has plans below it")
    changed_plans = {entry["plan"] for _, entry in edited}
    plan_entry = {e["plan"]: e for e in unchanged}
    graph_entry = {e["graph"]: e for e in unchanged}
    below: list[dict] = []  # the unchanged plans below the edited ones, and the citers of those only cited
    for iri in _descendants(store, sorted(changed_plans)):
        if iri in plan_entry:
            below.append(plan_entry[iri])
        elif iri not in changed_plans:  # a plan only cited: what its citers say of it is in the scope
            citers = store.subjects_pointing_at([iri], predicate=eli.cites[1:-1])
            below += [graph_entry[g] for _, g in sorted(citers) if g in graph_entry]
    records: dict[str, object] = {}  # file -> record, of the unchanged plans in the scope
    for e in below:
        record = cache.get(e["sha256"])
        if record is None:
            return _whole(extracted, "a record is missing from the cache")
        records[e["file"]] = renamed(record, e["file"])
    context = ancestors(
        cache, unchanged, [*old_of.values(), *(r for r, _ in new_of.values()), *records.values()]
    )
    if context is None:
        return _whole(extracted, "an ancestor's record is missing from the cache")
    for record in context:
        records.setdefault(record.file, record)
    plan.phase("extract")

    position = {e["file"]: k for k, e in enumerate(plan.previous["files"])}
    graph_position = {e["graph"]: k for k, e in enumerate(plan.previous["files"])}
    removed_graphs = {e["graph"] for e in removed}
    cites = eli.cites[1:-1]
    proxies: dict[str, object] = {}  # file -> head, of plans that cite a node the change touches
    heads = None
    for _ in range(ROUNDS):
        kept = [*{**proxies, **records}.values()]
        before = sorted([*kept, *old_of.values()], key=lambda r: position[r.file])
        after = sorted([*kept, *(r for r, _ in new_of.values())], key=lambda r: position[r.file])
        links_before, links_after = link(before, reuse=reuse.share), link(after, reuse=reuse.share)
        was, now = _by_subject(links_nt(links_before)), _by_subject(links_nt(links_after))
        changed = sorted(s for s in was.keys() | now.keys() if was.get(s) != now.get(s))
        # What the scope needs of the plans citing a node it touches: for a plan only cited, all its
        # citers; for a document, its first citer before and after the change (in file order).
        (nodes_before, documents_before), (nodes_after, documents_after) = map(
            _cited_iris, (links_before, links_after)
        )
        touched = {s[1:-1] for s in changed}
        nodes = (nodes_before | nodes_after) & touched
        wanted = {g for _, g in store.subjects_pointing_at(sorted(nodes), predicate=cites)}
        for document in sorted(((documents_before | documents_after) & touched) - nodes):
            citing = {g for _, g in store.subjects_pointing_at([document], predicate=cites)}
            citing = sorted((g for g in citing if g in graph_position), key=graph_position.__getitem__)
            wanted.update(citing[:1])
            wanted.update([g for g in citing if g not in removed_graphs][:1])
        missing = [graph_entry[g] for g in sorted(wanted) if g in graph_entry]
        missing = [e for e in missing if e["file"] not in records and e["file"] not in proxies]
        if not missing:
            break
        heads = cache.heads() if heads is None else heads
        for e in missing:
            found = heads.get(e["sha256"]) or cache.get(e["sha256"])
            if found is None:
                return _whole(extracted, "a citer's record is missing from the cache")
            proxies[e["file"]] = renamed(head(found), e["file"])
    else:
        return _whole(extracted, "the citers of the nodes it touches keep widening the scope")

    # Each subject the change touches: as the scope had it before, as it has it now, as stored.
    subjects = [s[1:-1] for s in changed]
    stored = _lines_by_subject(store.quads_about(subjects, graph=str(LINKS_GRAPH)))
    had = _normalised([t for s in changed for t in was.get(s, ())])
    has = _normalised([t for s in changed for t in now.get(s, ())])
    gone, added, leaving = [], [], []
    for s in changed:
        iri = s[1:-1]
        if has.get(iri, set()) == stored.get(iri, set()):
            continue  # already so (a department another plan names too)
        if had.get(iri, set()) != stored.get(iri, set()):
            return _whole(extracted, f"the scope does not hold all {iri} depends on")
        old, new = was.get(s, frozenset()), now.get(s, frozenset())
        gone += old - new
        added += new - old
        if not new:
            leaving.append(iri)
    rewritten = {s[1:-1] for s in changed}
    dropped_graphs = {e["graph"] for e in removed} | {entry["graph"] for _, entry in edited}
    for subject, graph in store.subjects_pointing_at(leaving):
        if graph in dropped_graphs:
            continue
        if graph == str(LINKS_GRAPH) and subject in rewritten:
            if not any(t[2][1:-1] in leaving for t in now.get(f"<{subject}>", ())):
                continue
        return _whole(extracted, f"{subject} (outside the scope) still points at what it drops")
    return Scoped(
        removed=removed,
        edited=new_of,
        links_removed=nquads(sorted(gone), LINKS_GRAPH).encode("utf-8") if gone else b"",
        links_added=nquads(sorted(added), LINKS_GRAPH).encode("utf-8") if added else b"",
        new_links=[t for ts in now.values() for t in ts],
        scope=len({r.file for r in [*before, *after]}),
    )
