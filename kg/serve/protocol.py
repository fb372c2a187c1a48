"""The request forms of the SPARQL 1.1 Protocol for queries (§2.1): GET with ``query=``, POST of a
form (``application/x-www-form-urlencoded``) and POST direct (``application/sparql-query``, the
other parameters in the URL). ``default-graph-uri`` / ``named-graph-uri`` may be repeated; ``format``
chooses the result format as ``Accept`` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs


class BadRequest(Exception):
    """A request the protocol does not allow: status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def _one(params: dict, key: str) -> str | None:
    values = params.get(key) or []
    if len(values) > 1:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"{key} given {len(values)} times: give it once")
    return values[0] if values else None


def _from_params(params: dict, query: str | None) -> QueryRequest:
    if "update" in params:
        raise BadRequest(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")
    if query is None or not query.strip():
        raise BadRequest(HTTPStatus.BAD_REQUEST, "missing the query parameter")
    return QueryRequest(
        query,
        tuple(params.get("default-graph-uri", [])),
        tuple(params.get("named-graph-uri", [])),
        _one(params, "format"),
    )


def from_get(url_query: str) -> QueryRequest:
    params = parse_qs(url_query, keep_blank_values=True)
    return _from_params(params, _one(params, "query"))


def from_post(content_type: str, body: bytes, url_query: str) -> QueryRequest:
    ctype = (content_type or "").split(";")[0].strip().lower()
    url_params = parse_qs(url_query, keep_blank_values=True)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8") from None
    if ctype == "application/sparql-query":
        if "query" in url_params:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "POST direct takes the query in the body, not the URL")
        return _from_params(url_params, text)
    if ctype == "application/x-www-form-urlencoded":
        params = parse_qs(text, keep_blank_values=True)
        for key, values in url_params.items():  # format= in the URL of a form post
            params.setdefault(key, values)
        return _from_params(params, _one(params, "query"))
    if ctype == "application/sparql-update":
        raise BadRequest(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")
    raise BadRequest(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        f"unsupported Content-Type {ctype or '(none)'}: "
        "send application/sparql-query or application/x-www-form-urlencoded",
    )
