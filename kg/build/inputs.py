"""What a build reads: the plan files, their bytes and sha256s, and the names their graphs get.

A file that cannot be read is not an error of the build: it is *refused* (:class:`Refused`, with the
reason) like a file the extractor cannot read, and the build goes on with the others.

A store folder keeps what the files' status said when they were read, with their sha256
(``inputs.json``): a file whose size, times and inode are the same is not read or hashed again
(reading and hashing 10,000 files took 0.35 s of a 3.7 s append build), its bytes read only if it
is to be extracted. As git's index, it trusts only a status that was settled when it was taken:
a file changed within :data:`SETTLED_NS` of its reading is read again by the next build, since
a change in the same tick of the file system's clock leaves its times as they were.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ExtractionError, KGError
from kg.locations import default_plans_dir

INPUTS_FILE = "inputs.json"  # in a store folder: path -> [size, mtime_ns, ctime_ns, inode, sha256]
SETTLED_NS = 2_000_000_000  # coarser file-system clocks (FAT's 2 s) leave a change within it unseen


@dataclass(frozen=True)
class Input:
    """One plan file: its path, the sha256 of its bytes, and its status when it was read (size,
    mtime_ns, ctime_ns, inode; None when too recent to be trusted by the next build). The bytes of
    a file trusted by its status are read when they are first needed."""

    path: Path
    sha256: str
    status: tuple[int, int, int, int] | None = None
    read: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> bytes:
        if self.read is not None:
            return self.read
        try:
            data = self.path.read_bytes()
        except OSError as e:
            raise KGError(f"{self.path}: cannot read file ({e.strerror or e})") from e
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise KGError(f"{self.path}: changed while the build was reading the files; build again")
        return data

    def unread(self) -> Input:
        """The same file without the bytes held (read again, checked by sha256, if needed)."""
        return dataclasses.replace(self, read=None)


@dataclass(frozen=True)
class Refused:
    """A file the build could not take in, and why (one line)."""

    file: str  # the file name
    reason: str
    path: str = ""
    sha256: str = ""  # empty when the file could not be read

    @property
    def message(self) -> str:
        return f"{self.path or self.file}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "sha256": self.sha256, "reason": self.reason}


def plan_files(paths: list[Path | str] | None = None) -> list[Path]:
    """The files a build reads: ``.txt`` files under folders (sorted, recursive) and named files as given."""
    paths = [default_plans_dir()] if not paths else [Path(p) for p in paths]
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()  # a file named twice, or through a link, is read once
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.txt") if f.is_file())
        elif p.exists():
            found = [p]
        else:
            raise ExtractionError(str(p), "no such file or folder")
        for f in found:
            st = f.stat()  # one call, where resolving walked every part of the path
            key = (st.st_dev, st.st_ino)
            if key not in seen:
                seen.add(key)
                out.append(f)
    if not out:
        raise KGError(f"no .txt plan files in {', '.join(str(p) for p in paths)}")
    return out


def read_inputs(files: list[Path], known: dict | None = None) -> tuple[list[Input], list[Refused]]:
    """The files' sha256s (and bytes), and the files that could not be read. ``known``: path ->
    (status, sha256) of a previous reading (:func:`read_known`); a file of the same settled status
    is taken at that sha256 without being read."""
    inputs, refused = [], []
    known = known or {}
    settled_before = time.time_ns() - SETTLED_NS
    for f in files:
        try:
            st = f.stat()
            status = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if max(st.st_mtime_ns, st.st_ctime_ns) >= settled_before:
                status = None
            before = known.get(str(f))
            if status is not None and before is not None and before[0] == status:
                inputs.append(Input(f, before[1], status))
                continue
            data = f.read_bytes()
        except OSError as e:
            refused.append(Refused(f.name, f"cannot read file ({e.strerror or e})", str(f)))
            continue
        inputs.append(Input(f, hashlib.sha256(data).hexdigest(), status, data))
    return inputs, refused


def read_known(folder: Path | None) -> dict:
    """path -> (status, sha256) of the files the last build of the store ``folder`` read (empty
    without one, or when the file is damaged: every file is then read)."""
    if folder is None:
        return {}
    try:
        found = json.loads((folder / INPUTS_FILE).read_bytes())
        return {path: (tuple(v[:4]), v[4]) for path, v in found.items()}
    except (OSError, ValueError, TypeError, IndexError):
        return {}


def write_known(folder: Path, inputs: list[Input]) -> None:
    """Keep the settled status and sha256 of ``inputs`` in the store ``folder``, for the next build.
    Its own file, written after the build: a status says what the bytes of a file were, whichever
    build read it, so it need not be swapped in with the graph."""
    found = {str(i.path): [*i.status, i.sha256] for i in inputs if i.status is not None}
    part = folder / f".{INPUTS_FILE}.{os.getpid()}.part"
    part.write_text(json.dumps(found, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(part, folder / INPUTS_FILE)


def is_corpus_level(iri: str) -> bool:
    """Whether a named graph is one of the corpus-level graphs (links, reference plans)."""
    from kg.rdf import BASE, LINKS_GRAPH, REFERENCE_GRAPH_PREFIX

    return iri == str(LINKS_GRAPH) or iri.startswith(str(BASE[REFERENCE_GRAPH_PREFIX]))


def check_graph_names(files: list[Path]) -> None:
    """A document's named graph comes from its file name: refuse names that would make it one of the
    corpus-level graphs (``links.txt`` would share, and on its next change wipe, the links graph)."""
    from kg.rdf import ONTOLOGY_GRAPH, graph_iri

    for f in files:
        iri = str(graph_iri(f.name))
        if iri == str(ONTOLOGY_GRAPH) or is_corpus_level(iri):
            raise KGError(
                f"{f}: its named graph <{iri}> is reserved (the ontology, links or reference-plan graph);"
                " rename the file"
            )


def check_unique_plans(documents: list[tuple[Path, object]]) -> None:
    """No two documents (path, record) may share a named graph or be the same plan."""
    from kg.rdf import graph_iri, record_plan_iri

    graphs: dict = {}
    plans: dict = {}
    for f, r in documents:
        iri = graph_iri(r.file)
        if iri in graphs:
            raise KGError(f"{graphs[iri]} and {f} would share the named graph <{iri}>; rename one")
        graphs[iri] = f
        plan = record_plan_iri(r)
        if plan in plans:
            what = r.meta.doc_number or r.meta.title
            raise KGError(f"{plans[plan]} and {f} are the same plan ({what}); keep one of them")
        plans[plan] = f
