"""Atomic writes of a folder store: every build writes a new store folder beside the old one
(``{name}.tmp-{pid}``: a fresh store, or a snapshot of the old one) and swaps it into place with
renames, so readers never see a partial graph. Leftovers of killed builds are removed by the next."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from rdflib import URIRef

from kg.build.cache import RecordCache, carry_over, give_back, prune
from kg.build.counts import counts_among, nodes_of, patched_counts, with_parts
from kg.build.links_mirror import LINKS_DIR, append_links_mirror, patch_links_mirror, sync_links
from kg.build.reuse_cache import ReuseCache
from kg.build.summary import store_counts
from kg.errors import KGError
from kg.locations import BUILD_INFO, is_store_folder
from kg.store import open_store, scratch_store
from kg.summaries import write_summaries


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path, name: str) -> None:
    """Remove temp/old/work folders left by builds whose process is gone (killed mid-build)."""
    for p in parent.glob(f"{name}.*-*"):
        kind, _, pid = p.name[len(name) + 1 :].partition("-")
        if (
            kind in ("tmp", "old", "work")
            and pid.isdigit()
            and int(pid) != os.getpid()
            and not _pid_alive(int(pid))
        ):
            shutil.rmtree(p, ignore_errors=True)


def prepare(target: Path) -> Path:
    """The folder the new store is written to, beside ``target`` (empty, not yet created)."""
    if target.exists() and not (target.is_dir() and (is_store_folder(target) or not any(target.iterdir()))):
        raise KGError(f"{target}: exists and is not a store; refusing to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent, target.name)
    tmp = target.parent / f"{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp


def swap(target: Path, tmp: Path) -> None:
    """Put ``tmp`` in the place of ``target`` with renames; the old store is removed only after."""
    old = target.parent / f"{target.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    swapped_out = False
    if target.exists():
        os.rename(target, old)
        swapped_out = True
    try:
        os.rename(tmp, target)
    except BaseException:
        if swapped_out:
            os.rename(old, target)
        raise
    if swapped_out:
        shutil.rmtree(old, ignore_errors=True)


def finish(
    tmp: Path,
    target: Path,
    info: dict,
    records_by_sha: dict,
    reuse: Path | None,
    *,
    summary: tuple[int, dict] | None = None,
    changed: list[URIRef] | None = None,
    link_lines: bytes | None = None,
    given=None,
    reuse_cache: tuple[ReuseCache, bool] | None = None,
    triples: int | None = None,
) -> int:
    """Complete the new store (counts and build.json, records and text-reuse caches, summaries) and
    swap it into place. ``changed``: the document graphs a patch of ``target`` wrote or dropped (its
    summaries are then updated plan by plan), with ``link_lines``, the N-Quads lines of the links
    graph it removed or added (None: not known; the summaries are then computed anew). ``given``:
    the summaries' tables a build made from its records. ``reuse_cache``: (the cache this build compared texts through, whether it keeps the
    previous store's entries). ``triples``: the new store's number of triples, when the patch
    counted them."""
    if summary is None:
        with open_store(tmp, read_only=True) as store:
            summary = store_counts(store, triples)
    triples, counts = summary
    info["triples"] = triples
    info["counts"] = counts
    RecordCache.write(tmp, records_by_sha, reuse)
    if reuse_cache is not None:
        reuse_cache[0].write(tmp, keep_old=reuse_cache[1])
    (tmp / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # the pages' tables, stamped with this build.json: written inside the new folder, swapped with it
    with open_store(tmp, read_only=True) as store:
        previous = target if changed is not None else None
        write_summaries(store, tmp, previous=previous, changed=changed, link_lines=link_lines, given=given)
    carried = reuse is not None and carry_over(tmp, reuse)
    try:
        swap(target, tmp)
    except BaseException:
        if carried:
            give_back(tmp, reuse)
        raise
    if carried:
        prune(target, records_by_sha)
    return triples


def patch_folder_store(
    target: Path,
    remove: list[URIRef],
    graphs: dict[URIRef, bytes],
    info: dict,
    records_by_sha: dict,
    *,
    links: dict[URIRef, list] | None = None,
    links_added: tuple[URIRef, list, bytes] | None = None,
    links_delta: tuple[bytes, bytes] | None = None,
    reuse: ReuseCache | None = None,
    previous_triples: int | None = None,
    previous_counts: dict | None = None,
) -> int:
    """Incremental write: snapshot the store (an Oxigraph backup: hard links, no copy), drop the
    graphs in ``remove``, replace the graphs in ``graphs`` (IRI -> N-Quads), and swap the snapshot
    into place.

    ``links``: the corpus-level graphs of a re-linked corpus (N-Triples term lists); only the quads
    that differ from the previous build's are written (see ``kg.build.links_mirror``).
    ``links_added``: an append build's (links graph, its added triples as N-Triples term lists,
    the same as N-Quads the way the store writes them). ``links_delta``: a scoped re-link's (link
    lines removed, link lines added), as the linker writes them. ``reuse``: the text-reuse cache the
    links were computed through (the previous store's is carried over; a corpus re-linked whole
    keeps only the entries it used). ``previous_triples``: the previous build's number of triples,
    for a patch that only removes and adds known quads to count from (a scan of the whole store
    takes seconds at 10,000 plans); counting is left to the new store otherwise. ``previous_counts``:
    that build's headline counts, patched the same way (``kg.build.counts``)."""
    tmp = prepare(target)
    counting = previous_triples is not None and links is None
    triples = summary = None
    try:
        with open_store(target) as source:
            source.backup(tmp)
        with open_store(tmp) as store:
            replaced = sorted({str(g) for g in [*remove, *graphs]})
            before = sum(store.graph_quad_count(g) for g in replaced) if counting else 0
            nodes = None
            if counting and previous_counts:
                changing = [*graphs.values(), links_added[2] if links_added else b"", *(links_delta or ())]
                nodes = _touched(store, replaced, changing)
                counted = counts_among(store, nodes)
            store.remove_graphs([*remove, *graphs])
            store.load_nquads(b"".join(graphs.values()))
            after = sum(store.graph_quad_count(str(g)) for g in graphs) if counting else 0
            # the link lines that differ (None: unknown), for the summaries of the plans they concern
            link_lines: bytes | None = b""
            if links is not None:
                delta = sync_links(store, target / LINKS_DIR, tmp / LINKS_DIR, links)
                link_lines = None if delta is None else b"".join(delta)
                if delta is not None:
                    info["links_changed"] = [delta[0].count(b"\n"), delta[1].count(b"\n")]
            if links_added is not None:
                graph, triples_added, quads = links_added
                if counting:
                    given, held = store.held_quads(quads)
                    after += given - held
                store.add_quads(quads)
                append_links_mirror(target / LINKS_DIR, tmp / LINKS_DIR, graph, triples_added)
                link_lines = None if link_lines is None else link_lines + quads
            if links_delta is not None:
                gone, added = links_delta
                before += store.held_quads(gone)[1] if counting else 0
                store.remove_quads(gone)
                if counting:
                    given, held = store.held_quads(added)
                    after += given - held
                store.add_quads(added)
                patch_links_mirror(target / LINKS_DIR, tmp / LINKS_DIR, gone, added)
                link_lines = None if link_lines is None else link_lines + gone + added
            if counting:
                triples = previous_triples - before + after
            if nodes is not None:
                counts = patched_counts(previous_counts, counted, counts_among(store, nodes), triples)
                summary = None if counts is None else (triples, counts)
            store.flush()
        # the stores are closed (their last references dropped): the files are released before the swap
        reuse_cache = (reuse or ReuseCache(target), links is None)
        return finish(
            tmp,
            target,
            info,
            records_by_sha,
            target,
            summary=summary,
            changed=[*remove, *graphs],
            link_lines=link_lines,
            reuse_cache=reuse_cache,
            triples=triples,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _touched(store, graphs: list[str], added: list[bytes]) -> set:
    """The nodes a patch touches (see ``kg.build.counts``): those of the quads of ``graphs`` (to be
    replaced or dropped) and of the N-Quads ``added`` (to be added or removed), with their parts."""
    nodes = set()
    for g in graphs:
        nodes |= nodes_of(store.match(graph=URIRef(g)))
    scratch = scratch_store()
    scratch.load_nquads(b"".join(added))
    nodes |= nodes_of(scratch.match())
    scratch.close()
    return with_parts(store, nodes)
