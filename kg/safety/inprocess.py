"""Queries on in-process stores (rdflib in memory, in-memory Oxigraph, SPARQL endpoints): in a
daemon thread, abandoned at the deadline (an in-process engine cannot be killed)."""

from __future__ import annotations

import threading
import time

from kg.safety.check import check, check_datasets
from kg.safety.limits import UserResult, stopped


class _Cancelled(BaseException):
    """Raised asynchronously in an abandoned query thread (BaseException: rdflib catches Exception)."""


def _interrupt(thread: threading.Thread) -> None:
    import ctypes

    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_exc.argtypes = [ctypes.c_ulong, ctypes.py_object]
    set_exc(thread.ident, _Cancelled)


def run_in_thread(store, text: str, limit, timeout, start: float) -> UserResult:
    box: dict = {}
    lock = threading.Lock()
    running = [True]

    def work():
        try:
            try:
                checked = check(text)
                box["form"] = checked.form
                if checked.datasets:
                    check_datasets(checked.datasets, store.graphs())
                # An endpoint applies its own timeout to the request; an in-process engine runs
                # until it is done or abandoned.
                left = None if timeout is None else max(0.001, start + timeout - time.monotonic())
                box["result"] = store.query(text, limit=limit, timeout=left if _remote(store) else None)
            finally:
                with lock:
                    running[0] = False
        except _Cancelled:
            pass
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    thread = threading.Thread(target=work, name="kg-user-query", daemon=True)
    thread.start()
    thread.join(None if timeout is None else max(0.0, start + timeout - time.monotonic()))
    if thread.is_alive():
        with lock:
            if running[0]:
                _interrupt(thread)  # best effort: pure-Python evaluation stops at its next bytecode
        raise stopped(timeout, "running" if "form" in box else "checking", None, abandoned=True)
    if "error" in box:
        raise box["error"]
    result = box["result"]
    return UserResult(result, result.truncated, time.monotonic() - start, box["form"])


def _remote(store) -> bool:
    from kg.store import HttpStore

    return isinstance(store, HttpStore)
