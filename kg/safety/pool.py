"""Query worker processes, kept warm and reused: started from a forkserver that has rdflib,
pyoxigraph and kg.store imported once, one per query at a time, killed at the deadline."""

from __future__ import annotations

import atexit
import os
import threading
import time

from kg.errors import KGError, QueryError, QueryRefused
from kg.safety.limits import DEFAULT_MEMORY_MB, UserResult, stopped
from kg.safety.sandbox import IDLE_SECONDS, worker_main

MAX_IDLE_PER_STORE = 2  # idle workers kept per store folder
MAX_IDLE_TOTAL = 4  # idle workers kept in all
_PRELOAD = ["kg.safety", "kg.store", "kg.store.oxigraph", "rdflib.plugins.sparql.parser"]
WORKER_NAME = "kg-query-worker"


class _Worker:
    def __init__(self, ctx, path: str, memory_mb: int | None):
        self.path = path
        self.memory_mb = memory_mb
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=worker_main,
            args=(child, path, memory_mb),
            daemon=True,
            name=WORKER_NAME,
        )
        self.process.start()
        child.close()
        self.last_used = time.monotonic()

    @property
    def pid(self) -> int:
        return self.process.pid

    def usable(self) -> bool:
        return self.process.is_alive() and time.monotonic() - self.last_used < IDLE_SECONDS - 30

    def kill(self) -> None:
        """Stop now: SIGTERM, then SIGKILL; reaped before returning."""
        p = self.process
        if p.is_alive():
            p.terminate()
            p.join(0.3)
            if p.is_alive():
                p.kill()
        p.join(2)
        self.conn.close()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(0.5)
        self.kill()


def _install_prepare_guard() -> None:
    """Our workers skip multiprocessing's re-import of the caller's main module.

    A child of the forkserver (or spawn) first runs ``multiprocessing.spawn.prepare``, which imports
    the parent's ``__main__`` again: an unguarded script (``python -m kg``'s ``kg/__main__.py``, a
    Streamlit page) would run again inside the worker. The worker needs nothing from it (its code is
    in this module), so for processes named ``kg-query-worker`` that step is dropped. The forkserver
    preloads this module, which installs the guard there; other processes are not affected.
    """
    from multiprocessing import spawn

    if getattr(spawn.prepare, "_kg_guard", False):
        return
    original = spawn.prepare

    def prepare(data):
        if data.get("name") == WORKER_NAME:
            data = {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
        return original(data)

    prepare._kg_guard = True
    spawn.prepare = prepare


_install_prepare_guard()

idle: list[_Worker] = []  # oldest first
_pool_lock = threading.Lock()
_context = None


def _mp_context():
    global _context
    if _context is None:
        import multiprocessing as mp

        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
        else:  # pragma: no cover - Windows
            ctx = mp.get_context("spawn")
        _context = ctx
    return _context


prestarts: list[threading.Thread] = []


def prestart(store_spec=None, *, memory_mb: int | None = DEFAULT_MEMORY_MB) -> None:
    """Start a worker for a folder store in the background (no-op for other stores).

    The first query on a store otherwise waits for the forkserver to start (a new interpreter that
    imports rdflib, pyoxigraph and kg.store) and for the worker to open the store. The command line
    calls this before its own imports; an app can call it when a page loads.
    """

    def run():
        try:
            from kg.store import default_spec, is_store_folder, spec_kind

            spec = str(default_spec() if store_spec is None else store_spec)
            if spec_kind(spec) != "path" or not is_store_folder(spec):
                return
            path = os.path.abspath(spec)
            with _pool_lock:
                if any((w.path, w.memory_mb) == (path, memory_mb) for w in idle):
                    return
            worker = _Worker(_mp_context(), path, memory_mb)
            worker.conn.send(("ASK {}", 0, 30))  # opens the store, warms the parser
            answer = ("checked",)
            while answer[0] == "checked" and worker.conn.poll(30):
                answer = worker.conn.recv()
            if answer[0] == "ok":
                _give_back(worker)
            else:
                worker.kill()
        except Exception:  # noqa: BLE001 - only a head start; the query itself reports problems
            return

    thread = threading.Thread(target=run, name="kg-prestart", daemon=True)
    with _pool_lock:
        prestarts[:] = [t for t in prestarts if t.is_alive()] + [thread]
    thread.start()


def _take_worker(path: str, memory_mb: int | None) -> _Worker:
    with _pool_lock:
        starting = list(prestarts)
    for t in starting:
        t.join()
    found, stale = None, []
    with _pool_lock:
        for w in reversed(idle):
            if (w.path, w.memory_mb) == (path, memory_mb):
                if w.usable():
                    found = w
                    break
                stale.append(w)
        for w in stale + ([found] if found else []):
            idle.remove(w)
    for w in stale:
        w.kill()
    return found or _Worker(_mp_context(), path, memory_mb)


def _give_back(worker: _Worker) -> None:
    """Keep an idle worker for the next query: at most 2 per store folder and 4 in all (newest kept)."""
    worker.last_used = time.monotonic()
    with _pool_lock:
        idle.append(worker)
        same = [w for w in idle if (w.path, w.memory_mb) == (worker.path, worker.memory_mb)]
        evict = same[: max(0, len(same) - MAX_IDLE_PER_STORE)]
        rest = [w for w in idle if w not in evict]
        evict += rest[: max(0, len(rest) - MAX_IDLE_TOTAL)]
        for w in evict:
            idle.remove(w)
    for w in evict:
        w.close()


def shutdown_workers() -> None:
    """Stop every idle worker (they also stop on their own when idle or when this process exits)."""
    with _pool_lock:
        workers = list(idle)
        idle.clear()
    for w in workers:
        w.close()


atexit.register(shutdown_workers)


def run_in_worker(path: str, text: str, limit, timeout, memory_mb, start: float) -> UserResult:
    worker = _take_worker(path, memory_mb)
    try:
        worker.conn.send((text, limit, timeout))
    except (OSError, ValueError):  # an idle worker that just went away: once more with a new one
        worker.kill()
        worker = _Worker(_mp_context(), path, memory_mb)
        worker.conn.send((text, limit, timeout))
    deadline = None if timeout is None else start + timeout
    phase, answered = "checking", False
    try:
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and (remaining <= 0 or not worker.conn.poll(remaining)):
                raise stopped(timeout, phase, worker.pid)
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                raise _worker_died(worker, memory_mb) from None
            if message[0] == "checked":
                phase = "running"
                continue
            answered = True
            break
    finally:
        if answered:
            _give_back(worker)
        else:
            worker.kill()
    if message[0] == "error":
        raise _ERRORS.get(message[1], KGError)(message[2])
    _, form, answer, isolated = message
    result = answer.to_result()
    return UserResult(result, result.truncated, time.monotonic() - start, form, worker.pid, isolated)


_ERRORS = {"QueryRefused": QueryRefused, "QueryError": QueryError}


def _worker_died(worker: _Worker, memory_mb: int | None) -> QueryError:
    worker.process.join(2)
    code = worker.process.exitcode
    import signal

    if code is not None and code < 0:
        try:
            how = signal.Signals(-code).name
        except ValueError:
            how = f"signal {-code}"
    else:
        how = f"exit code {code}"
    if code == -signal.SIGXCPU:
        return QueryError(f"query failed: the query worker was stopped by its CPU time limit ({how})")
    if memory_mb and code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
        return QueryError(
            f"query failed: the query worker died ({how}), most likely out of memory (a query may use {memory_mb} MB)"
        )
    return QueryError(f"query failed: the query worker died ({how})")
