"""The cyclic garbage collector held back while a build runs (:func:`paused`).

A build holds millions of long-lived objects (the records, the links, the summary rows) and makes
few reference cycles: each full collection walks all of them to free next to nothing, up to 5 s
each at 10,000 plans, a fifth of a full build in all (bench/results/build-10000.json). Memory is
still freed by reference counting as it goes, and a full build collects once, where it drops its
records (kg.build.full)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0  # builds running in this process (threads of one explorer)
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector disabled inside, and enabled again when the last build leaves it, if it was
    enabled when the first came in."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
