"""The plan of a build: what is read, where it goes, and the mode, chosen once by :func:`choose_mode`.

* ``full``: no usable previous build (not a folder store, none yet, ``--full``, another build format,
  a damaged database): everything is extracted, linked, validated and written.
* ``unchanged``: the same files (names, paths, bytes, order) as the previous build: nothing is written.
* ``append``: files were only added: the new plans are linked with their ancestors alone and their
  links appended (``kg.build.append``, which hands over to ``incremental`` when a new plan turns out
  not to be a leaf, or its links change what the store says of a stored node).
* ``incremental``: anything else: only what differs is written; when files were only removed or
  edited, only the scope they can reach is re-linked (``kg.build.relink``), else the corpus.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.build.formats import build_format
from kg.build.inputs import Input, Refused
from kg.errors import KGError
from kg.locations import read_build_info
from kg.store import Store, open_store


@dataclass
class BuildPlan:
    """Everything a mode needs: the inputs, the target, the previous build, and the options."""

    mode: str
    files: list[Path]
    inputs: list[Input]  # the files that could be read, in build order
    target: str | Store  # a store spec, or an open store to refill in place
    folder: Path | None  # the target's folder, for a folder store
    previous: dict | None  # the previous build.json, when it can be built upon
    refused: list[Refused] = field(default_factory=list)  # files not taken in (so far)
    jobs: int | None = None
    progress: object = None
    strict: bool = False
    start: float = field(default_factory=time.perf_counter)  # when the build began (before reading)
    phases: dict[str, float] = field(default_factory=dict)
    _mark: float | None = field(default=None, repr=False)  # the last phase's end (None: the start)

    def phase(self, name: str) -> None:
        """Record the seconds since the previous phase (or since the plan was made) under ``name``."""
        now = time.perf_counter()
        self.phases[name] = round(now - (self.start if self._mark is None else self._mark), 3)
        self._mark = now

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    @property
    def spec(self) -> str:
        return self.target.spec if isinstance(self.target, Store) else str(self.target)


def target_folder(target: str | os.PathLike | Store) -> Path | None:
    """The folder of a folder-store spec; None for memory, endpoints and open stores."""
    from kg.locations import spec_kind

    if isinstance(target, Store):
        return None
    return Path(target) if spec_kind(str(target)) == "path" else None


def usable_previous(folder: Path | None, incremental: bool) -> dict | None:
    """The previous build.json of ``folder`` if this build can build upon it, else None."""
    if folder is None or not incremental:
        return None
    previous = read_build_info(folder)
    if previous is None or previous.get("format") != build_format():
        return None  # none yet, or another kg version, ontology, format or reference data
    try:
        open_store(folder, read_only=True).close()
    except KGError:  # a damaged or unreadable database: rebuild it rather than patch it
        return None
    return previous


def choose_mode(inputs: list[Input], unreadable: list[Refused], previous: dict | None) -> str:
    """``full``, ``unchanged``, ``append`` or ``incremental`` (see the module's table)."""
    if previous is None:
        return "full"
    stored = [(e["file"], e.get("path"), e["sha256"]) for e in previous["files"]]
    refused = {(e["file"], e.get("path"), e["sha256"]) for e in previous.get("refused", [])}
    given = [(i.path.name, str(i.path), i.sha256) for i in inputs]
    if not unreadable and [x for x in given if x not in refused] == stored and refused <= set(given):
        return "unchanged"
    names = [i.path.name for i in inputs]
    present = dict(zip(names, (i.sha256 for i in inputs), strict=True))
    old = previous["files"]
    only_added = (
        len(present) == len(names)
        and all("plan" in e for e in old)
        and all(present.get(e["file"]) == e["sha256"] for e in old)
        and len(present) > len(old)
    )
    return "append" if only_added else "incremental"
