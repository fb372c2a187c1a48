"""A store keeps the settled status and sha256 of the files it was built from (``inputs.json``): a
file whose status is unchanged is taken at its sha256 without being read; any change of its bytes
changes its status, and a status too recent to be settled is not trusted."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from kg.build import build, read_inputs
from kg.build.inputs import INPUTS_FILE, SETTLED_NS, read_known
from kg.locations import read_build_info

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_settled_status_is_trusted_and_any_other_is_read(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    shutil.copy(SEEDS[0], old)
    time.sleep(SETTLED_NS / 1e9 + 0.1)
    shutil.copy(SEEDS[1], new)  # changed just now: not settled
    inputs, refused = read_inputs([old, new])
    assert refused == []
    assert [i.sha256 for i in inputs] == [_sha(old), _sha(new)]
    assert inputs[0].status is not None and inputs[1].status is None

    # the old file's status as known, with another sha256: taken as known, the bytes not read
    known = {str(old): (inputs[0].status, "f" * 64), str(new): ((1, 2, 3, 4), "e" * 64)}
    again, _ = read_inputs([old, new], known)
    assert [i.sha256 for i in again] == ["f" * 64, _sha(new)]
    assert again[0].read is None and again[1].read == new.read_bytes()

    # the same size and modification time, other bytes: the change time moved, so it is read
    st = old.stat()
    data = bytearray(old.read_bytes())
    data[-1] ^= 1
    old.write_bytes(bytes(data))
    os.utime(old, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert old.stat().st_size == st.st_size and old.stat().st_mtime_ns == st.st_mtime_ns
    changed, _ = read_inputs([old], {str(old): (inputs[0].status, inputs[0].sha256)})
    assert changed[0].sha256 == hashlib.sha256(bytes(data)).hexdigest() != inputs[0].sha256


def test_a_store_keeps_the_settled_files_and_a_build_sees_an_edit_of_the_same_size(tmp_path):
    corpus = tmp_path / "plans"
    corpus.mkdir()
    for f in SEEDS[:3]:
        shutil.copy(f, corpus)
    time.sleep(SETTLED_NS / 1e9 + 0.1)
    store = tmp_path / "store"
    build([corpus], str(store))
    files = sorted(corpus.glob("*.txt"))
    assert {p: v[4] for p, v in json.loads((store / INPUTS_FILE).read_text()).items()} == {
        str(f): _sha(f) for f in files
    }
    assert build([corpus], str(store)).mode == "unchanged"

    # an edit that keeps the size and the modification time is seen (and, just made, not kept)
    edited = files[1]
    st = edited.stat()
    text = edited.read_text(encoding="utf-8")
    assert "健康" in text
    edited.write_text(text.replace("健康", "康健", 1), encoding="utf-8")
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert edited.stat().st_size == st.st_size
    result = build([corpus], str(store))
    assert result.mode == "incremental"
    entry = next(e for e in read_build_info(store)["files"] if e["file"] == edited.name)
    assert entry["sha256"] == _sha(edited)
    known = read_known(store)
    assert str(edited) not in known and sorted(known) == sorted(str(f) for f in files if f != edited)
