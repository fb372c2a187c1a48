"""What a build reads: the plan files, their bytes and sha256s, and the names their graphs get.

A file that cannot be read is not an error of the build: it is *refused* (:class:`Refused`, with the
reason) like a file the extractor cannot read, and the build goes on with the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kg.errors import ExtractionError, KGError
from kg.locations import default_plans_dir


class Input(NamedTuple):
    """One plan file as read: its path, its bytes and their sha256."""

    path: Path
    data: bytes
    sha256: str


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


def read_inputs(files: list[Path]) -> tuple[list[Input], list[Refused]]:
    """The files' bytes and sha256s, and the files that could not be read."""
    inputs, refused = [], []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as e:
            refused.append(Refused(f.name, f"cannot read file ({e.strerror or e})", str(f)))
            continue
        inputs.append(Input(f, data, hashlib.sha256(data).hexdigest()))
    return inputs, refused


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
