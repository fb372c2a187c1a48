"""A build runs with the cyclic garbage collector paused (kg.build.collector) and gives it back as
it found it, whether the build succeeds, fails, or overlaps another."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from kg.build import BuildRefused, build
from kg.build.collector import paused

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_build_pauses_the_collector_and_enables_it_again(tmp_path, collector_on):
    seen = []
    result = build([SEEDS[0]], "memory", progress=lambda done, total: seen.append(gc.isenabled()))
    assert result.documents == 1
    assert seen == [False]
    assert gc.isenabled()


def test_a_failed_build_enables_the_collector_again(tmp_path, collector_on):
    bad = tmp_path / "plans"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(BuildRefused, match="empty.txt"):
        build([bad], str(tmp_path / "store"))
    assert gc.isenabled()


def test_a_collector_disabled_before_the_build_stays_disabled(collector_on):
    gc.disable()
    build([SEEDS[0]], "memory")
    assert not gc.isenabled()


def test_overlapping_builds_enable_it_when_the_last_one_ends(collector_on):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with paused():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other build is still running
    leave.set()
    thread.join(10)
    assert gc.isenabled()
