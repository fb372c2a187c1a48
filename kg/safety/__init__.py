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

Modules: ``check`` (the read-only check), ``limits`` (bounds and answers), ``pool`` (worker
processes), ``sandbox`` (inside a worker), ``inprocess`` (the thread for in-process stores).
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

from kg.errors import QueryError, QueryRefused, QueryTimeout
from kg.safety.check import MAX_QUERY_CHARS, check, check_read_only
from kg.safety.inprocess import run_in_thread
from kg.safety.limits import DEFAULT_LIMIT, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, UserResult
from kg.safety.pool import MAX_IDLE_PER_STORE, MAX_IDLE_TOTAL, prestart, run_in_worker, shutdown_workers
from kg.safety.sandbox import IDLE_SECONDS

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "IDLE_SECONDS",
    "MAX_IDLE_PER_STORE",
    "MAX_IDLE_TOTAL",
    "MAX_QUERY_CHARS",
    "QueryRefused",
    "QueryTimeout",
    "UserResult",
    "check_read_only",
    "prestart",
    "run_user_query",
    "shutdown_workers",
]


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
        check(sparql)  # raises: too long

    if isinstance(store_spec, Store):
        if store_spec.path is not None:  # a folder store
            return run_in_worker(os.path.abspath(store_spec.path), sparql, limit, timeout, memory_mb, start)
        return run_in_thread(store_spec, sparql, limit, timeout, start)
    spec = str(store_spec)
    kind = spec_kind(spec)
    if kind == "memory":
        return run_in_thread(_memory_corpus(), sparql, limit, timeout, start)
    if kind == "http":
        return run_in_thread(open_store(spec), sparql, limit, timeout, start)
    path = Path(spec)
    if not is_store_folder(path):
        open_store(path, read_only=True).close()  # raises the usual one-line error
    return run_in_worker(os.path.abspath(path), sparql, limit, timeout, memory_mb, start)
