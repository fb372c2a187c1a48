"""Hardening for the queries users type (``kg query``, the app's SPARQL page): read-only and bounded.

Two entry points:

* :func:`check_read_only` parses a query (rdflib's SPARQL parser: no regex over the raw text, so a
  keyword inside a string or a comment is just text) and refuses, before anything runs, every SPARQL
  Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH …), every ``SERVICE``
  (a federated query makes the engine fetch a URL of the user's choosing — both Oxigraph and rdflib
  do), and every ``FROM`` / ``FROM NAMED`` that names a graph the store does not hold (rdflib loads
  such graphs from the web). It returns the query form: SELECT, ASK, CONSTRUCT or DESCRIBE.

* :func:`run_user_query` checks and runs a query so that the work really stops at the time limit and
  at most ``limit`` rows come back (:class:`UserResult`). Refusals raise :class:`QueryRefused`,
  time-outs :class:`QueryTimeout` (both :class:`~kg.errors.QueryError`, one line each).
  :func:`prestart` readies a worker ahead of the first query (e.g. when an app page loads).

Folder stores (Oxigraph)
    The query runs in a worker process (multiprocessing ``forkserver`` context, ``spawn`` where there
    is none) that opens the store read-only. At the deadline the worker is terminated (SIGTERM, then
    SIGKILL) and reaped: no core stays busy after the call returns. The check also runs in the
    worker, so parsing a pathological text (pyparsing is slow: thousands of ``||`` take seconds) is
    bounded by the same time limit, and deep nesting is allowed up to a generous recursion limit
    there. Workers are kept warm and reused: the forkserver has rdflib, pyoxigraph and kg.store
    imported once, a new worker is a fork of it, and a worker that answered in time serves the next
    query on the same store (it reopens the store when a rebuild has swapped the folder, and exits
    after :data:`IDLE_SECONDS` idle or with its caller). A killed worker is never reused.

    Belt and braces inside the worker: no network where the kernel allows it (a private network
    namespace: SERVICE cannot reach anything even if a parser difference let one through the check),
    an address-space cap (``memory_mb``, default 2048: a sort of a cross product dies in seconds
    instead of taking the machine's memory), a CPU-time cap slightly above the time limit (in case
    the caller is frozen), SIGKILL when its parent (the forkserver, which exits with the caller)
    goes, and its stdout/stderr go to /dev/null (an aborting engine prints a backtrace; the command
    line promises one line per error). Multiprocessing's re-import of the caller's ``__main__`` in
    the child is skipped for these workers (see :func:`_install_prepare_guard`). The store is opened read-only and pyoxigraph's ``query`` cannot run updates at all, so the
    refusal of updates is a clear message rather than the only guard.

``memory`` stores (rdflib) and other in-process stores
    There is no process to kill: the query runs in a daemon thread with the same check and row cap.
    At the deadline the caller gets the timeout error at once and the thread is *abandoned*; a
    best-effort asynchronous exception usually stops rdflib's pure-Python evaluation soon after, but
    the time limit cannot guarantee that the work stops. ``--store memory`` is a testing aid.

Parser differences are the weak point of any check done with one parser for another engine. Two
are handled explicitly: rdflib expands ``\\uXXXX`` escapes in the whole text before parsing while
Oxigraph only reads them inside strings and IRIs, and a lone carriage return ends a comment for
Oxigraph but not for rdflib. The check therefore also parses the text as Oxigraph tokenises it.
Queries rdflib cannot parse (SPARQL 1.2 / RDF-star syntax, Oxigraph extensions) are refused.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KGError, QueryError

if TYPE_CHECKING:  # kg.store (rdflib) is imported when needed: the worker's module stays light
    from kg.store import QueryResult

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "IDLE_SECONDS",
    "MAX_QUERY_CHARS",
    "QueryRefused",
    "QueryTimeout",
    "UserResult",
    "check_read_only",
    "prestart",
    "run_user_query",
    "shutdown_workers",
]

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_LIMIT = 10_000  # rows
DEFAULT_MEMORY_MB = 2048  # address space of a worker process
MAX_QUERY_CHARS = 200_000
IDLE_SECONDS = 300.0  # an idle worker exits after this long
MAX_IDLE_PER_STORE = 2  # idle workers kept per store folder
MAX_IDLE_TOTAL = 4  # idle workers kept in all

_WORKER_RECURSION_LIMIT = 20_000
_WORKER_CHECK_STACK = 256 << 20  # bytes, for the checking thread in a worker
_PRELOAD = ["kg.safety", "kg.store", "kg.store.oxigraph", "rdflib.plugins.sparql.parser"]
_WORKER_NAME = "kg-query-worker"


class QueryRefused(QueryError):
    """The query was refused before it ran: an update, SERVICE, FROM outside the store, too long or deep."""


class QueryTimeout(QueryError):
    """The query hit its time limit. ``pid`` is the worker process that was stopped (None: a thread)."""

    def __init__(self, message: str, *, timeout: float, pid: int | None = None):
        super().__init__(message)
        self.timeout = timeout
        self.pid = pid


@dataclass
class UserResult:
    """The answer to a user's query.

    ``result`` holds at most ``limit`` rows (SELECT solutions or CONSTRUCT/DESCRIBE triples);
    ``truncated`` says the query had more. ``seconds`` is the wall time of the whole call.
    ``worker_pid`` is the process that ran it (None: in-process thread); ``isolated`` says that
    process had no network access.
    """

    result: QueryResult
    truncated: bool
    seconds: float
    form: str
    worker_pid: int | None = None
    isolated: bool = False


# --------------------------------------------------------------------------- the check

_UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_PROLOGUE = re.compile(r"\s*(?:(?i:PREFIX)\s+[A-Za-z0-9_.\-\u00C0-\uFFFF]*:|(?i:BASE)\b)")
_WORD = re.compile(r"\s*([A-Za-z]+)")
# how Oxigraph reads escapes: \uXXXX and \UXXXXXXXX, inside strings and IRIs only
_UCHAR = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_RDFLIB_ESCAPE = re.compile(r"\\(?=[uU][0-9A-Fa-f]{4})")


@dataclass(frozen=True)
class _Checked:
    form: str
    datasets: tuple[str, ...]  # the IRIs of FROM / FROM NAMED


def check_read_only(sparql: str, *, graphs=None) -> str:
    """The query form (``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"``, ``"DESCRIBE"``), or :class:`QueryError`.

    Refused, with a one-line message, before anything runs: SPARQL Update, ``SERVICE`` anywhere, and
    ``FROM`` / ``FROM NAMED`` naming a graph that is not in ``graphs`` (the store's named graphs; when
    None, every FROM is refused). Syntax errors give the line and column in ``sparql``. Known prefixes
    (``kg.rdf.PREFIXES``) need not be declared, as everywhere in this project.

    Parsing is not time-bounded here: :func:`run_user_query` runs this check inside its worker.
    """
    checked = _check(sparql)
    _check_datasets(checked.datasets, graphs)
    return checked.form


def _check_datasets(datasets: tuple[str, ...], graphs) -> None:
    known = {str(g) for g in graphs} if graphs is not None else set()
    for iri in datasets:
        if iri not in known:
            raise QueryRefused(
                f"FROM <{iri}> refused: not a graph in the store (queries cannot load graphs from outside)"
            )


@functools.lru_cache(maxsize=256)
def _check(sparql: str) -> _Checked:
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryRefused(f"query refused: {len(sparql)} characters (at most {MAX_QUERY_CHARS})")
    views = [sparql]
    oxigraph_view = _as_oxigraph_reads_it(sparql)
    if oxigraph_view != sparql:
        views.append(oxigraph_view)
    forms, datasets = set(), []
    for view in views:
        tree = _parse(view)
        forms.add(_FORMS.get(tree[1].name, tree[1].name))
        for node in _nodes(tree):
            if node.name == "ServiceGraphPattern":
                term = _field(node, "term")
                target = f"SERVICE <{term}>" if _is_iri(term) else "SERVICE"
                raise QueryRefused(
                    f"{target} refused: federated queries could make the server fetch arbitrary URLs"
                )
        datasets += [iri for iri in _dataset_iris(tree) if iri not in datasets]
    if len(forms) != 1:  # the two readings disagree: refuse rather than guess
        raise QueryRefused(
            "query refused: its escapes or line ends read differently in the two SPARQL parsers"
        )
    return _Checked(forms.pop(), tuple(datasets))


def _as_oxigraph_reads_it(sparql: str) -> str:
    r"""The text as Oxigraph tokenises it, in a form rdflib's parser reads the same way.

    rdflib replaces every ``\uXXXX`` in the whole text before parsing (so ``\u0022`` can end a string
    or ``\u000A`` a comment); Oxigraph reads escapes only inside strings and IRIs. Here every escape
    Oxigraph would read becomes plain letters of the same length, any other ``\u`` loses its ``u``
    (for rdflib it would still expand), and a carriage return, which ends a comment for Oxigraph,
    becomes a line feed.
    """
    if "\\" not in sparql and "\r" not in sparql:
        return sparql
    out, i, n = [], 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "\\":
            m = _UCHAR.match(sparql, i)
            if m:
                out.append("x" * (m.end() - i))
                i = m.end()
                continue
            if sparql.startswith("\\\\", i):
                out.append("\\\\")
                i += 2
                continue
        out.append(ch)
        i += 1
    text = _RDFLIB_ESCAPE.sub(r"\\x", "".join(out)).replace("\r\n", " \n")
    return text.replace("\r", "\n")


def _parse(view: str):
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    from kg.store import rdflib_error

    try:
        return parseQuery(view)
    except RecursionError:
        raise QueryRefused("query refused: nested too deeply to be checked") from None
    except ParseBaseException as e:
        update = _update_name(view)
        if update:
            raise QueryRefused(
                f"SPARQL Update refused ({update}): queries are read-only, the store cannot be changed here"
            ) from None
        raise rdflib_error(e, view, 0) from None
    except Exception as e:  # noqa: BLE001 - an invalid \u escape, a parse action's own error
        raise QueryError(f"SPARQL syntax error: {' '.join(str(e).split())[:300]}") from None


def _update_name(view: str) -> str | None:
    """What the text updates, if it is a SPARQL Update (parsed; a broken update by its first keyword)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        request = _field(parseUpdate(view), "request") or []
    except Exception:  # noqa: BLE001 - not a well-formed update: named by its first keyword below
        request = []
    names = []
    for op in request:
        if op.name == "Modify":
            parts = [k for k in ("withClause", "delete", "insert") if _field(op, k) is not None]
            name = " … ".join(
                {"withClause": "WITH", "delete": "DELETE", "insert": "INSERT"}[k] for k in parts
            )
        else:
            name = _UPDATE_NAMES.get(op.name, op.name.upper())
        if name not in names:
            names.append(name)
    if names:
        return ", ".join(names)
    from kg.store import code_only

    code, pos = code_only(view), 0
    while m := _PROLOGUE.match(code, pos):
        pos = m.end()
    m = _WORD.match(code, pos)
    word = m.group(1).upper() if m else ""
    return word if word in _UPDATE_KEYWORDS else None


def _field(node, key: str):
    """A parse-tree node's field, or None (``CompValue.get`` answers a missing key with the key)."""
    return dict.get(node, key)


def _nodes(tree):
    """Every CompValue in a parse tree (iterative: trees can be deep)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _is_iri(term) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _dataset_iris(tree) -> list[str]:
    """The IRIs of FROM / FROM NAMED, with prefixed names and relative IRIs resolved."""
    from urllib.parse import urljoin

    from rdflib.plugins.sparql.parserutils import CompValue

    from kg.store import prefixes

    clauses = _field(tree[1], "datasetClause") or []
    if not clauses:
        return []
    known, base = prefixes(), None
    for decl in tree[0]:
        if decl.name == "PrefixDecl":
            known[_field(decl, "prefix") or ""] = str(_field(decl, "iri"))
        elif decl.name == "Base":
            base = str(_field(decl, "iri"))
    out = []
    for clause in clauses:
        iri = _field(clause, "default")
        if iri is None:
            iri = _field(clause, "named")
        if isinstance(iri, CompValue):  # pname
            prefix = _field(iri, "prefix") or ""
            if prefix not in known:
                raise QueryError(f"SPARQL syntax error: unknown prefix {prefix}: in FROM")
            iri = known[prefix] + (_field(iri, "localname") or "")
        else:
            iri = str(iri)
            if base:
                iri = urljoin(base, iri)
        out.append(iri)
    return out


# --------------------------------------------------------------------------- the worker process


def _store_identity(path: str):
    """Changes when a rebuild swaps the store folder (kg.build renames folders into place)."""
    st = os.stat(path)
    try:
        info = os.stat(os.path.join(path, "build.json")).st_mtime_ns
    except OSError:
        info = None
    return (st.st_dev, st.st_ino, info)


def _isolate_network() -> bool:
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


def _die_with_parent() -> None:
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


def _quiet() -> None:
    """Nothing from the worker reaches the caller's terminal (an engine aborting on a failed
    allocation prints a backtrace): the command line promises one line per error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _limit_memory(memory_mb: int | None) -> None:
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


def _cpu_budget(timeout: float | None) -> None:
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


def _check_in_worker(text: str) -> _Checked:
    """The check, in a thread with a big stack and a high recursion limit (deeply nested queries)."""
    box: dict = {}

    def run():
        try:
            box["ok"] = _check(text)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=run, name="kg-check")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["ok"]


def _worker_main(conn, path: str, memory_mb: int | None) -> None:
    """Serve queries on one store folder until told to stop, idle too long, or orphaned."""
    isolated = _isolate_network()  # first: needs a single-threaded process
    _die_with_parent()
    _quiet()
    _limit_memory(memory_mb)
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
            _cpu_budget(timeout)
            checked = _check_in_worker(text)
            conn.send(("checked", checked.form))
            now = _store_identity(path)
            if store is None or now != identity:
                store, identity = None, None
                store, identity = open_store(path, read_only=True), now
            if checked.datasets:
                _check_datasets(checked.datasets, store.graphs())
            conn.send(("ok", checked.form, store.query_raw(text, limit=limit), isolated))
        except KGError as e:
            conn.send(("error", type(e).__name__, str(e)))
        except MemoryError:
            conn.send(("error", "QueryError", f"query refused: it ran out of memory ({memory_mb} MB)"))
        except Exception as e:  # noqa: BLE001 - reported as one line
            conn.send(("error", "QueryError", f"SPARQL query failed: {' '.join(str(e).split())[:300]}"))


class _Worker:
    def __init__(self, ctx, path: str, memory_mb: int | None):
        self.path = path
        self.memory_mb = memory_mb
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, path, memory_mb),
            daemon=True,
            name=_WORKER_NAME,
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
        if data.get("name") == _WORKER_NAME:
            data = {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
        return original(data)

    prepare._kg_guard = True
    spawn.prepare = prepare


_install_prepare_guard()

_idle: list[_Worker] = []  # oldest first
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


_prestarts: list[threading.Thread] = []


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
                if any((w.path, w.memory_mb) == (path, memory_mb) for w in _idle):
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
        _prestarts[:] = [t for t in _prestarts if t.is_alive()] + [thread]
    thread.start()


def _take_worker(path: str, memory_mb: int | None) -> _Worker:
    with _pool_lock:
        starting = list(_prestarts)
    for t in starting:
        t.join()
    found, stale = None, []
    with _pool_lock:
        for w in reversed(_idle):
            if (w.path, w.memory_mb) == (path, memory_mb):
                if w.usable():
                    found = w
                    break
                stale.append(w)
        for w in stale + ([found] if found else []):
            _idle.remove(w)
    for w in stale:
        w.kill()
    return found or _Worker(_mp_context(), path, memory_mb)


def _give_back(worker: _Worker) -> None:
    """Keep an idle worker for the next query: at most 2 per store folder and 4 in all (newest kept)."""
    worker.last_used = time.monotonic()
    with _pool_lock:
        _idle.append(worker)
        same = [w for w in _idle if (w.path, w.memory_mb) == (worker.path, worker.memory_mb)]
        evict = same[: max(0, len(same) - MAX_IDLE_PER_STORE)]
        rest = [w for w in _idle if w not in evict]
        evict += rest[: max(0, len(rest) - MAX_IDLE_TOTAL)]
        for w in evict:
            _idle.remove(w)
    for w in evict:
        w.close()


def shutdown_workers() -> None:
    """Stop every idle worker (they also stop on their own when idle or when this process exits)."""
    with _pool_lock:
        workers = list(_idle)
        _idle.clear()
    for w in workers:
        w.close()


atexit.register(shutdown_workers)


def _stopped(timeout: float, phase: str, pid: int | None, abandoned: bool = False) -> QueryTimeout:
    when = " while being checked" if phase == "checking" else ""
    if abandoned:
        message = (
            f"query timed out{when}: abandoned after {timeout:g} s (an in-process engine cannot be killed)"
        )
    else:
        message = f"query timed out{when}: stopped after {timeout:g} s"
    return QueryTimeout(message, timeout=timeout, pid=pid)


def _run_in_worker(path: str, text: str, limit, timeout, memory_mb, start: float) -> UserResult:
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
                raise _stopped(timeout, phase, worker.pid)
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


# --------------------------------------------------------------------------- in-process (thread)


class _Cancelled(BaseException):
    """Raised asynchronously in an abandoned query thread (BaseException: rdflib catches Exception)."""


def _interrupt(thread: threading.Thread) -> None:
    import ctypes

    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_exc.argtypes = [ctypes.c_ulong, ctypes.py_object]
    set_exc(thread.ident, _Cancelled)


def _run_in_thread(store, text: str, limit, timeout, start: float) -> UserResult:
    box: dict = {}
    lock = threading.Lock()
    running = [True]

    def work():
        try:
            try:
                checked = _check(text)
                box["form"] = checked.form
                if checked.datasets:
                    _check_datasets(checked.datasets, store.graphs())
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
        raise _stopped(timeout, "running" if "form" in box else "checking", None, abandoned=True)
    if "error" in box:
        raise box["error"]
    result = box["result"]
    return UserResult(result, result.truncated, time.monotonic() - start, box["form"])


def _remote(store) -> bool:
    from kg.store import HttpStore

    return isinstance(store, HttpStore)


# --------------------------------------------------------------------------- entry point


@functools.lru_cache(maxsize=1)
def _memory_corpus():
    """The ``memory`` spec: data/plans built in memory once per process (a testing aid)."""
    from kg.build import build

    return build(None, "memory").memory_store


def run_user_query(
    store_spec,
    sparql: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = DEFAULT_LIMIT,
    bindings=None,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
) -> UserResult:
    """Check ``sparql`` (:func:`check_read_only`) and run it, bounded in time and rows.

    ``store_spec``: a store folder (run in a killable worker process that opens it read-only), a
    :class:`kg.store.Store` (a folder-backed OxigraphStore runs in a worker on its folder; a
    MemoryStore or in-memory Oxigraph runs in a thread, see the module notes), ``"memory"`` (the
    corpus in data/plans, built in memory once per process) or an http(s) SPARQL endpoint (checked
    here, run by the server in a thread: the request times out, the server's own limits stop its
    work, and rows are capped after the answer arrives).
    ``timeout`` bounds the whole call in seconds (None: no limit); :class:`QueryTimeout` (a
    :class:`QueryError`) says it was stopped. At most ``limit`` rows come back (None: all);
    ``truncated`` says there were more. ``bindings`` pre-binds variables (name -> rdflib term), as
    in :meth:`kg.store.Store.query`; the bound text is what gets checked. ``memory_mb`` caps a
    worker's address space (None: no cap).
    """
    from kg.store import Store, bind_values, is_store_folder, open_store, spec_kind

    start = time.monotonic()
    if store_spec is None:
        from kg.store import default_spec

        store_spec = default_spec()
    if timeout is not None and not timeout > 0:
        raise QueryError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if limit is not None and limit < 0:
        raise QueryError(f"limit must be zero or more rows, not {limit!r}")
    if not isinstance(sparql, str):
        raise QueryError("the query must be text")
    if bindings:
        sparql = bind_values(sparql, bindings)
    if len(sparql) > MAX_QUERY_CHARS:
        _check(sparql)  # raises: too long

    if isinstance(store_spec, Store):
        if store_spec.path is not None:  # a folder store
            return _run_in_worker(os.path.abspath(store_spec.path), sparql, limit, timeout, memory_mb, start)
        return _run_in_thread(store_spec, sparql, limit, timeout, start)
    spec = str(store_spec)
    kind = spec_kind(spec)
    if kind == "memory":
        return _run_in_thread(_memory_corpus(), sparql, limit, timeout, start)
    if kind == "http":
        return _run_in_thread(open_store(spec), sparql, limit, timeout, start)
    path = Path(spec)
    if not is_store_folder(path):
        open_store(path, read_only=True).close()  # raises the usual one-line error
    return _run_in_worker(os.path.abspath(path), sparql, limit, timeout, memory_mb, start)
