"""Inside a query worker process: the sandbox (no network, capped memory and CPU time, no
output, gone with its parent) and the loop that serves queries on one store folder."""

from __future__ import annotations

import os
import sys
import threading

from kg.errors import KGError
from kg.safety.check import Checked, check, check_datasets

IDLE_SECONDS = 300.0  # an idle worker exits after this long
_WORKER_RECURSION_LIMIT = 20_000
_WORKER_CHECK_STACK = 256 << 20  # bytes, for the checking thread in a worker


def store_identity(path: str):
    """Changes when a rebuild swaps the store folder (kg.build renames folders into place)."""
    st = os.stat(path)
    try:
        info = os.stat(os.path.join(path, "build.json")).st_mtime_ns
    except OSError:
        info = None
    return (st.st_dev, st.st_ino, info)


def isolate_network() -> bool:
    """Move this (single-threaded) process into a network namespace of its own: no route anywhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clone_newnet, clone_newuser = 0x40000000, 0x10000000
        return libc.unshare(clone_newnet) == 0 or libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent() -> None:
    """SIGKILL when the parent goes (the forkserver, which exits with the caller; or the caller)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent went before the prctl
        os._exit(1)


def quiet() -> None:
    """Nothing from the worker reaches the caller's terminal (an engine aborting on a failed
    allocation prints a backtrace): the command line promises one line per error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def limit_memory(memory_mb: int | None) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_mb << 20
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def cpu_budget(timeout: float | None) -> None:
    """CPU-time cap for this query: SIGXCPU stops the worker even if its caller cannot."""
    try:
        import resource
    except ImportError:  # pragma: no cover
        return
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if timeout is None:
        soft = hard
    else:
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime + timeout) + 3
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def check_in_worker(text: str) -> Checked:
    """The check, in a thread with a big stack and a high recursion limit (deeply nested queries)."""
    box: dict = {}

    def run():
        try:
            box["ok"] = check(text)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=run, name="kg-check")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["ok"]


def worker_main(conn, path: str, memory_mb: int | None) -> None:
    """Serve queries on one store folder until told to stop, idle too long, or orphaned."""
    isolated = isolate_network()  # first: needs a single-threaded process
    die_with_parent()
    quiet()
    limit_memory(memory_mb)
    sys.setrecursionlimit(_WORKER_RECURSION_LIMIT)
    threading.stack_size(_WORKER_CHECK_STACK)
    from kg.store import open_store

    store, identity = None, None
    while True:
        try:
            if not conn.poll(IDLE_SECONDS):
                break
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        text, limit, timeout = request
        try:
            cpu_budget(timeout)
            checked = check_in_worker(text)
            conn.send(("checked", checked.form))
            now = store_identity(path)
            if store is None or now != identity:
                store, identity = None, None
                store, identity = open_store(path, read_only=True), now
            if checked.datasets:
                check_datasets(checked.datasets, store.graphs())
            conn.send(("ok", checked.form, store.query_raw(text, limit=limit), isolated))
        except KGError as e:
            conn.send(("error", type(e).__name__, str(e)))
        except MemoryError:
            conn.send(("error", "QueryError", f"query refused: it ran out of memory ({memory_mb} MB)"))
        except Exception as e:  # noqa: BLE001 - reported as one line
            conn.send(("error", "QueryError", f"SPARQL query failed: {' '.join(str(e).split())[:300]}"))
