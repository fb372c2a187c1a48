"""The text-reuse cache of a folder store: the share ``kg.link.reuse.reuse_share`` found for a pair
of action texts, kept beside the records cache so that a build re-links without comparing again.

Keyed by the digest of the texts compared, the place names masked in them and the link format
(``LINK_FORMAT``): an entry is only ever the answer ``reuse_share`` gives for exactly those inputs.
Held in 256 shards (``reuse/00.pickle.z`` … ``ff``, by the key's first byte), so that a build that
compares a few pairs reads and rewrites a few shards; the others are hard-linked from the previous
store.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from pathlib import Path

from kg.build.formats import LINK_FORMAT
from kg.link.reuse import reuse_share

REUSE_DIR = "reuse"


def _key(child: str, parent: str, child_places: tuple, parent_places: tuple) -> bytes:
    h = hashlib.blake2b(f"link {LINK_FORMAT}".encode(), digest_size=16)
    for part in (child, parent, "\x1f".join(child_places), "\x1f".join(parent_places)):
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def _shard_name(shard: int) -> str:
    return f"{shard:02x}.pickle.z"


class ReuseCache:
    """Reuse results by key: those of a previous store (``folder``, read shard by shard when first
    needed) and those computed by this build."""

    def __init__(self, folder: Path | None):
        self.dir = folder / REUSE_DIR if folder is not None else None
        self.shards: dict[int, dict[bytes, float]] = {}
        self.new: dict[bytes, float] = {}
        self.used: set[bytes] = set()

    def _shard(self, shard: int) -> dict[bytes, float]:
        entries = self.shards.get(shard)
        if entries is None:
            entries = {}
            path = self.dir / _shard_name(shard) if self.dir is not None else None
            if path is not None and path.is_file():
                try:
                    entries = pickle.loads(zlib.decompress(path.read_bytes()))
                except Exception:  # a damaged shard is only cache misses
                    entries = {}
            self.shards[shard] = entries
        return entries

    def share(self, child: str, parent: str, *, child_places: tuple = (), parent_places: tuple = ()) -> float:
        """``reuse_share`` through the cache (same signature, same answer)."""
        key = _key(child, parent, child_places, parent_places)
        self.used.add(key)
        found = self.new.get(key)
        if found is None:
            found = self._shard(key[0]).get(key)
        if found is None:
            found = self.new[key] = reuse_share(
                child, parent, child_places=child_places, parent_places=parent_places
            )
        return found

    def write(self, folder: Path, *, keep_old: bool) -> None:
        """Write the cache into ``folder`` (a new store). ``keep_old``: carry the previous store's
        entries over (a build that linked part of the corpus); otherwise keep only the entries this
        build used (a build that linked all of it)."""
        target = folder / REUSE_DIR
        target.mkdir(parents=True, exist_ok=True)
        new_by_shard: dict[int, dict[bytes, float]] = {}
        for key, value in self.new.items():
            new_by_shard.setdefault(key[0], {})[key] = value
        for shard in range(256):
            name = _shard_name(shard)
            old = self.dir / name if self.dir is not None else None
            if keep_old and shard not in new_by_shard:
                if old is not None and old.is_file():
                    try:
                        os.link(old, target / name)
                    except OSError:
                        (target / name).write_bytes(old.read_bytes())
                continue
            entries = dict(self._shard(shard)) if keep_old else {}
            if not keep_old:
                entries = {k: v for k, v in self._shard(shard).items() if k in self.used}
            entries.update(new_by_shard.get(shard, {}))
            if entries:
                (target / name).write_bytes(
                    zlib.compress(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL), 3)
                )
