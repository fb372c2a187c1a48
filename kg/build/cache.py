"""The records cache of a folder store: extracted records, one compressed pickle per document's sha256,
and their heads in one file (``records/heads.pickle.z``: each record's meta and citations, without
its actions, indicators or text), which a scoped re-link reads for the plans that cite a node.

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
HEADS = "heads.pickle.z"
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
        path = self.dir / HEADS
        try:
            stat = path.stat()
        except OSError:
            return {}
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if _read_heads[0] != key:
            try:
                found = pickle.loads(zlib.decompress(path.read_bytes()))
            except Exception:  # a damaged index is rebuilt from the records
                found = {}
            _read_heads[:] = [key, found]
        return _read_heads[1]

    @staticmethod
    def write(folder: Path, records_by_sha: dict, reuse: Path | None = None) -> None:
        """Write the cache into ``folder`` (a new store), hard-linking entries that ``reuse`` has,
        and the heads of all its records. A None record is an entry to carry over from ``reuse`` only."""
        target = folder / RECORDS_DIR
        target.mkdir(parents=True, exist_ok=True)
        for sha, record in records_by_sha.items():
            name = f"{sha}.pickle.z"
            old = reuse / RECORDS_DIR / name if reuse else None
            if old is not None and old.is_file():
                try:
                    os.link(old, target / name)
                    continue
                except OSError:
                    pass
            if record is not None:
                (target / name).write_bytes(
                    zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 3)
                )
        if not records_by_sha:
            return  # nothing new (a full build wrote its records and their heads before)
        previous = RecordCache(reuse) if reuse is not None else None
        old_heads = previous.heads() if previous is not None else {}
        heads = {}
        for sha, record in records_by_sha.items():
            if record is None:  # a store written before the heads: read once from its record
                record = old_heads.get(sha) or (previous.get(sha) if previous is not None else None)
            if record is not None:
                heads[sha] = head(record)
        (target / HEADS).write_bytes(zlib.compress(pickle.dumps(heads, protocol=pickle.HIGHEST_PROTOCOL), 3))
