"""The links mirror: the corpus-level graphs (links, reference plans) as N-Quads files in the store
folder (``links/0000.nq``, ``0001.nq`` …), exactly as the builds wrote them.

A build that re-links the corpus compares its links with these lines and writes only the quads that
differ (reading them back from the engine costs ~1 min at 10,000 plans, replacing the whole links
graph ~5 min and 10 GB). An append build adds one part with its links; a scoped re-link adds one
with the lines it added and a ``.del`` part with the lines it removed. The mirror's lines are those
of the parts read in name order, each ``.del`` part taking its lines away.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from rdflib import URIRef

from kg.build.inputs import is_corpus_level
from kg.store import Store

LINKS_DIR = "links"
CHUNK_TRIPLES = 50_000


def part_name(n: int) -> str:
    return f"{n:04d}.nq"


def mirror_parts(folder: Path) -> list[Path]:
    """The parts of a store's links mirror, in the order they apply (none if it has no mirror)."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.nq"), *folder.glob("*.del")], key=lambda p: p.name)


def mirror_lines(folder: Path) -> set[bytes]:
    """The lines the mirror holds (its parts applied in order)."""
    lines: set[bytes] = set()
    for part in mirror_parts(folder):
        with open(part, "rb") as f:
            if part.suffix == ".del":
                lines.difference_update(f)
            else:
                lines.update(f)
    return lines


def _link_parts(old: Path, new: Path) -> int:
    """Hard-link the previous parts into ``new``; the number of the next part."""
    parts = mirror_parts(old)
    new.mkdir()
    for part in parts:
        try:
            os.link(part, new / part.name)
        except OSError:
            shutil.copyfile(part, new / part.name)
    return max(int(p.stem) for p in parts) + 1


def nquads_chunks(graphs: dict[URIRef, list], step: int = CHUNK_TRIPLES):
    """The corpus-level graphs (N-Triples term lists, as ``kg.rdf.links_nt`` gives) as N-Quads, in
    encoded chunks."""
    from kg.rdf import nquads

    for iri, triples in graphs.items():
        for i in range(0, len(triples), step):
            yield nquads(triples[i : i + step], iri).encode("utf-8")


def write_links_file(path: Path, graphs: dict[URIRef, list]) -> None:
    with open(path, "wb") as out:
        for chunk in nquads_chunks(graphs):
            out.write(chunk)


def sync_links(store: Store, old: Path, new: Path, graphs: dict[URIRef, list]) -> tuple[bytes, bytes] | None:
    """Make ``store`` hold ``graphs`` as its corpus-level graphs and write their mirror to ``new``.
    With the previous mirror (``old``) only the quads whose lines differ are removed and added;
    without it the graphs are replaced whole. Returns the (removed, added) lines, or None for a
    whole replacement."""
    new.mkdir()
    parts = mirror_parts(old)
    if not parts:
        store.remove_graphs(graphs)
        for chunk in nquads_chunks(graphs):
            store.load_nquads(chunk)
        write_links_file(new / part_name(0), graphs)
        return None
    gone = mirror_lines(old)
    added: list[bytes] = []
    with open(new / part_name(0), "wb") as out:
        for chunk in nquads_chunks(graphs):
            out.write(chunk)
            for line in chunk.splitlines(keepends=True):
                if line in gone:
                    gone.discard(line)
                else:
                    added.append(line)
    # Lines stand for quads because the serializer is deterministic (it is part of the build format,
    # so the old lines were written by this code), writes each distinct triple once, and the
    # corpus-level graphs hold no blank nodes. The engine normalises some literals on parsing;
    # removing before adding keeps a quad that is both removed and added.
    removed_lines, added_lines = b"".join(sorted(gone)), b"".join(added)
    store.remove_quads(removed_lines)
    store.add_quads(added_lines)
    # A corpus-level graph that is no longer produced: drop its name too (an emptied graph stays listed).
    produced = {str(iri) for iri in graphs}
    store.remove_graphs([g for g in store.graphs() if is_corpus_level(str(g)) and str(g) not in produced])
    return removed_lines, added_lines


def append_links_mirror(old: Path, new: Path, graph: URIRef, triples: list) -> None:
    """An append build's mirror: the previous parts (hard-linked) and one more with its links. A store
    without a mirror gets none (a partial mirror would make the next diff wrong)."""
    from kg.rdf import nquads

    if not mirror_parts(old):
        return
    number = _link_parts(old, new)
    if triples:
        # "x": never through a hard link into the previous store's part
        with open(new / part_name(number), "xb") as out:
            out.write(nquads(triples, graph).encode("utf-8"))


def patch_links_mirror(old: Path, new: Path, removed: bytes, added: bytes) -> None:
    """A scoped re-link's mirror: the previous parts (hard-linked), then the lines it removed (a
    ``.del`` part) and those it added. A store without a mirror gets none."""
    if not mirror_parts(old):
        return
    number = _link_parts(old, new)
    if removed:
        with open(new / f"{number:04d}.del", "xb") as out:
            out.write(removed)
    if added:
        with open(new / part_name(number), "xb") as out:
            out.write(added)
