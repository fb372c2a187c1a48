"""The bounds of a user's query and the shape of its answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import QueryTimeout

if TYPE_CHECKING:  # kg.store (rdflib) is imported when needed: the worker's module stays light
    from kg.store import QueryResult

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_LIMIT = 10_000  # rows
DEFAULT_MEMORY_MB = 2048  # address space of a worker process


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


def stopped(timeout: float, phase: str, pid: int | None, abandoned: bool = False) -> QueryTimeout:
    when = " while being checked" if phase == "checking" else ""
    if abandoned:
        message = (
            f"query timed out{when}: abandoned after {timeout:g} s (an in-process engine cannot be killed)"
        )
    else:
        message = f"query timed out{when}: stopped after {timeout:g} s"
    return QueryTimeout(message, timeout=timeout, pid=pid)
