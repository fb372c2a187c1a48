"""The records cache of a folder store: extracted records, one compressed pickle per document's sha256.

Valid as long as the store's build format (``kg.build.formats``) is unchanged: a build of another
format starts from an empty cache.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

RECORDS_DIR = "records"


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

    @staticmethod
    def write(folder: Path, records_by_sha: dict, reuse: Path | None = None) -> None:
        """Write the cache into ``folder`` (a new store), hard-linking entries that ``reuse`` has.
        A None record is an entry to carry over from ``reuse`` only."""
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
