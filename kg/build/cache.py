"""The records cache of a folder store: extracted records, one compressed pickle per document's sha256,
and their heads in one file (``records/heads.pickle``: each record's meta and citations, without
its actions, indicators or text), which a scoped re-link reads for the plans that cite a node. The
heads file maps each sha256 to its head pickled on its own, so that a build writing the next one
carries the previous heads over as bytes (unpickling and pickling 10,000 heads took 0.9 s); it is
not compressed, as every patch build writes it (27 MB at 10,000 plans: compressing took 0.18 s,
decompressing 0.09 s). An older store's compressed files (``heads-each.pickle.z``, and
``heads.pickle.z`` with the heads pickled together) are still read; each form has a name of its
own so that older code, finding no heads it knows, reads the records instead of failing.

Valid as long as the store's build format (``kg.build.formats``) is unchanged: a build of another
format starts from an empty cache.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import zlib
from pathlib import Path

RECORDS_DIR = "records"
HEADS = "heads.pickle"
OLDER_HEADS = ("heads-each.pickle.z", "heads.pickle.z")  # compressed; the last pickled together
_read_heads: list = [None, {}]  # (path, mtime, size) of the heads last read, and them


def head(record):
    """What a record says of its plan and what it cites, without its actions, indicators or text."""
    return dataclasses.replace(record, actions=(), indicators=(), text="", warnings=())


class RecordCache:
    """The ``records/`` folder of a store."""

    def __init__(self, folder: Path):
        self.dir = folder / RECORDS_DIR

    def get(self, sha: str):
        """The record of the document with this sha256, or None."""
        path = self.dir / f"{sha}.pickle.z"
        if not path.is_file():
            return None
        try:
            return pickle.loads(zlib.decompress(path.read_bytes()))
        except Exception:  # a damaged cache entry is only a cache miss
            return None

    def heads(self) -> dict:
        """sha256 -> head (see :func:`head`) of every record in the cache's index (empty if none).
        Read once per build: the scoped re-link and the write of the new cache both need it."""
        path = self._heads_file()
        try:
            stat = path.stat()
        except OSError:
            return {}
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if _read_heads[0] != key:
            try:
                found = {
                    sha: pickle.loads(h) if isinstance(h, bytes) else h for sha, h in self._raw().items()
                }
            except Exception:  # a damaged index is rebuilt from the records
                found = {}
            _read_heads[:] = [key, found]
        return _read_heads[1]

    def _raw(self) -> dict:
        """sha256 -> head as the heads file holds it (pickled on its own; a head itself in older files)."""
        path = self._heads_file()
        data = path.read_bytes()
        return pickle.loads(zlib.decompress(data) if path.name in OLDER_HEADS else data)

    def _heads_file(self) -> Path:
        """The heads file, in the newest form the folder has (the new one when it has none)."""
        for name in (HEADS, *OLDER_HEADS):
            if (self.dir / name).exists():
                return self.dir / name
        return self.dir / HEADS

    def raw_heads(self) -> dict:
        """sha256 -> head pickled (see :func:`head`) of every record in the cache's index (empty if none)."""
        try:
            found = self._raw()
        except Exception:  # missing or damaged: rebuilt from the records
            return {}
        return {sha: h if isinstance(h, bytes) else _pickled(h) for sha, h in found.items()}

    @staticmethod
    def write(folder: Path, records_by_sha: dict, reuse: Path | None = None) -> None:
        """Write the cache of ``folder`` (a new store): the entries ``reuse`` (the store it is patched
        from) does not have, and the heads of all its records. A None record is an entry to carry
        over from ``reuse`` only. ``reuse``'s entries join them when the new store takes its place
        (:func:`carry_over`): moving the folder costs one rename, where linking 10,000 entries
        into the new one took half a second."""
        target = folder / RECORDS_DIR
        target.mkdir(parents=True, exist_ok=True)
        kept = reuse / RECORDS_DIR if reuse is not None else None
        for sha, record in records_by_sha.items():
            name = f"{sha}.pickle.z"
            if record is None or (kept is not None and (kept / name).is_file()):
                continue
            if not (target / name).is_file():  # else written by the extraction
                write_entry(target, record)
        if not records_by_sha:
            return  # nothing new (a full build wrote its records and their heads before)
        previous = RecordCache(reuse) if reuse is not None else None
        old_heads = previous.raw_heads() if previous is not None else {}
        heads = {}
        for sha, record in records_by_sha.items():
            if record is None and sha in old_heads:
                heads[sha] = old_heads[sha]
                continue
            if record is None:  # a store written before the heads: read once from its record
                record = previous.get(sha) if previous is not None else None
            if record is not None:
                heads[sha] = _pickled(head(record))
        (target / HEADS).write_bytes(pickle.dumps(heads, protocol=pickle.HIGHEST_PROTOCOL))


def carry_over(new: Path, old: Path) -> bool:
    """Move the records cache of the store ``old`` into the store ``new`` that is about to replace
    it, the entries ``new`` has (written by :meth:`RecordCache.write`) taking precedence. Whether
    anything moved (``old`` had a cache). Entries are named by their document's sha256, so one is
    right in either store; ``old`` is without a cache until :func:`give_back` or the swap."""
    source, target = old / RECORDS_DIR, new / RECORDS_DIR
    if not source.is_dir():
        return False
    carried = new / f"{RECORDS_DIR}.carried"
    os.rename(source, carried)
    target.mkdir(exist_ok=True)
    for name in os.listdir(target):
        os.replace(target / name, carried / name)
    os.rmdir(target)
    os.rename(carried, target)
    return True


def give_back(new: Path, old: Path) -> None:
    """Undo :func:`carry_over` when the swap failed: the cache goes back to ``old`` (with ``new``'s
    entries and heads, which are right there too)."""
    for folder in (new / f"{RECORDS_DIR}.carried", new / RECORDS_DIR):
        if folder.is_dir() and not (old / RECORDS_DIR).exists():
            os.rename(folder, old / RECORDS_DIR)


def prune(folder: Path, keep) -> None:
    """Remove the entries of ``folder``'s cache whose sha256 is not in ``keep`` (the documents of its
    build), an older store's heads files beside the new one, and parts of writes that were cut off."""
    records = folder / RECORDS_DIR
    for name in os.listdir(records):
        if name == HEADS:
            continue
        if name in OLDER_HEADS:
            stale = (records / HEADS).exists()
        elif name.endswith(".pickle.z"):
            stale = name[: -len(".pickle.z")] not in keep
        else:
            stale = name.endswith(".part")
        if stale:
            (records / name).unlink(missing_ok=True)


def write_entry(records_dir: Path, record) -> None:
    """The cache entry of one record (its document's sha256 names it). Written under a temporary name
    and renamed, as the extraction's worker processes write entries side by side."""
    final = records_dir / f"{record.sha256}.pickle.z"
    part = records_dir / f".{record.sha256}.{os.getpid()}.part"
    part.write_bytes(zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 3))
    os.replace(part, final)


def _pickled(value) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
