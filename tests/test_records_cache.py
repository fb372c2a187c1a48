"""The records cache's heads file: each head pickled on its own (a patch build carries the previous
heads over as bytes), an older store's file of heads pickled together still read."""

from __future__ import annotations

import pickle
import shutil
import zlib
from pathlib import Path

from kg.build import build
from kg.build.cache import HEADS, OLD_HEADS, RECORDS_DIR, RecordCache

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _raw(store: Path) -> dict:
    return pickle.loads(zlib.decompress((store / RECORDS_DIR / HEADS).read_bytes()))


def test_heads_are_pickled_one_by_one_and_older_files_still_read(tmp_path):
    corpus = tmp_path / "plans"
    corpus.mkdir()
    for f in SEEDS[:3]:
        shutil.copy(f, corpus)
    store = tmp_path / "store"
    build([corpus], str(store))
    raw = _raw(store)
    assert len(raw) == 3 and all(isinstance(h, bytes) for h in raw.values())
    heads = RecordCache(store).heads()
    assert sorted(h.file for h in heads.values()) == sorted(f.name for f in SEEDS[:3])
    assert all(h.actions == () and h.text == "" for h in heads.values())

    # an older store's file: the heads pickled together
    older = tmp_path / "older"
    shutil.copytree(store, older)
    together = {sha: pickle.loads(h) for sha, h in raw.items()}
    (older / RECORDS_DIR / HEADS).unlink()
    (older / RECORDS_DIR / OLD_HEADS).write_bytes(zlib.compress(pickle.dumps(together), 3))
    assert RecordCache(older).heads() == heads
    # a patch of it writes the new form, the same heads
    new = tmp_path / "new"
    RecordCache.write(new, dict.fromkeys(raw), older)
    assert not (new / RECORDS_DIR / OLD_HEADS).exists()
    assert all(isinstance(h, bytes) for h in _raw(new).values())
    assert {sha: pickle.loads(h) for sha, h in _raw(new).items()} == heads
