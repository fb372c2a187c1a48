"""The project's own errors: each says which input failed and why, in one line."""

from __future__ import annotations


class KGError(Exception):
    """Base class for errors the command line reports as one line."""


class ExtractionError(KGError):
    """A document could not be read or yielded no plan."""

    def __init__(self, file: str, reason: str):
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.file, self.reason))


class ValidationError(KGError):
    """The built graph does not conform to the SHACL shapes."""


class QueryError(KGError):
    """A SPARQL query is malformed, refused or timed out."""


class QueryRefused(QueryError):
    """The query was refused before it ran: an update, SERVICE, FROM outside the store, too long or deep."""


class QueryTimeout(QueryError):
    """The query hit its time limit. ``pid`` is the worker process that was stopped (None: a thread)."""

    def __init__(self, message: str, *, timeout: float, pid: int | None = None):
        super().__init__(message)
        self.timeout = timeout
        self.pid = pid
