"""The files a build reads (kg.build.plan_files): each file once, however it is named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.build import plan_files
from kg.errors import ExtractionError, KGError

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def test_a_folder_gives_its_txt_files_sorted_and_recursively(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "1.txt", "3.txt"):
        shutil.copy(SEEDS[0], tmp_path / name)
    (tmp_path / "notes.md").write_text("not a plan", encoding="utf-8")
    assert [f.relative_to(tmp_path).as_posix() for f in plan_files([tmp_path])] == [
        "1.txt",
        "3.txt",
        "b/2.txt",
    ]


def test_a_file_named_twice_or_through_a_link_is_read_once(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(SEEDS[0], plans / "a.txt")
    shutil.copy(SEEDS[1], plans / "b.txt")
    os.symlink(plans / "a.txt", tmp_path / "link.txt")
    found = plan_files([plans, plans / "a.txt", tmp_path / "link.txt", f"{plans}/../plans/b.txt"])
    assert [f.name for f in found] == ["a.txt", "b.txt"]


def test_a_missing_path_and_an_empty_folder_are_refused(tmp_path):
    with pytest.raises(ExtractionError, match="no such file or folder"):
        plan_files([tmp_path / "absent"])
    with pytest.raises(KGError, match="no .txt plan files"):
        plan_files([tmp_path])
