"""The records cache's heads file: each head pickled on its own (a patch build carries the previous
heads over as bytes), an older store's file of heads pickled together still read."""

from __future__ import annotations

import pickle
import shutil
import zlib
from pathlib import Path

from kg.build import build
from kg.build.cache import HEADS, OLDER_HEADS, RECORDS_DIR, RecordCache

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _raw(store: Path) -> dict:
    return pickle.loads((store / RECORDS_DIR / HEADS).read_bytes())


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

    # an older store's files: compressed, the heads pickled each or together
    together = {sha: pickle.loads(h) for sha, h in raw.items()}
    for name, held in zip(OLDER_HEADS, (raw, together), strict=True):
        older = tmp_path / f"older-{name}"
        shutil.copytree(store, older)
        (older / RECORDS_DIR / HEADS).unlink()
        (older / RECORDS_DIR / name).write_bytes(zlib.compress(pickle.dumps(held), 3))
        assert RecordCache(older).heads() == heads
        # a patch of it writes the new form, the same heads
        new = tmp_path / f"new-{name}"
        RecordCache.write(new, dict.fromkeys(raw), older)
        assert sorted(p.name for p in (new / RECORDS_DIR).iterdir()) == [HEADS]
        assert all(isinstance(h, bytes) for h in _raw(new).values())
        assert {sha: pickle.loads(h) for sha, h in _raw(new).items()} == heads


def _entries(store: Path) -> dict[str, int]:
    """sha256 -> inode of the store's cache entries."""
    return {
        p.name.removesuffix(".pickle.z"): p.stat().st_ino
        for p in (store / RECORDS_DIR).glob("*.pickle.z")
        if p.name not in (HEADS, *OLDER_HEADS)
    }


def test_a_patch_moves_the_previous_entries_over_and_drops_those_of_removed_files(tmp_path):
    from kg.locations import read_build_info

    corpus = tmp_path / "plans"
    corpus.mkdir()
    for f in SEEDS[:3]:
        shutil.copy(f, corpus)
    store = tmp_path / "store"
    build([corpus], str(store))
    before = _entries(store)
    assert sorted(before) == sorted(e["sha256"] for e in read_build_info(store)["files"])

    (corpus / SEEDS[2].name).unlink()  # removed: its entry goes
    shutil.copy(SEEDS[3], corpus)  # added: its entry is written
    result = build([corpus], str(store))
    assert result.mode == "incremental"
    after = _entries(store)
    shas = {e["file"]: e["sha256"] for e in read_build_info(store)["files"]}
    assert sorted(after) == sorted(shas.values())
    kept = [shas[f.name] for f in SEEDS[:2]]
    assert [after[s] for s in kept] == [before[s] for s in kept]  # the same files, moved
    assert shas[SEEDS[3].name] not in before
    assert not list((store / RECORDS_DIR).glob("*.part")) and not (store / f"{RECORDS_DIR}.carried").exists()
    heads = RecordCache(store).heads()
    assert sorted(h.file for h in heads.values()) == sorted(f.name for f in [*SEEDS[:2], SEEDS[3]])
