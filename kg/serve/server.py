"""The HTTP server of ``kg serve``: routes, limits and replies (see :mod:`kg.serve`)."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from kg.errors import KGError, QueryError
from kg.serve import canned, formats, page, protocol
from kg.serve.describe import Description

QUERY_PATHS = ("/query", "/sparql")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Truncated",
    "Access-Control-Max-Age": "86400",
}


class Limits:
    def __init__(
        self, *, timeout: float, limit: int, max_request_bytes: int, max_concurrent: int, queue_seconds: float
    ):
        self.timeout = timeout
        self.limit = limit
        self.max_request_bytes = max_request_bytes
        self.max_concurrent = max_concurrent
        self.queue_seconds = queue_seconds
        self.slots = threading.BoundedSemaphore(max_concurrent)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, store_spec: str, limits: Limits, log):
        super().__init__(address, Handler)
        self.store_spec = store_spec
        self.limits = limits
        self.log = log
        host, port = self.server_address[:2]
        self.endpoint = f"http://{host}:{port}/query"
        self.description = Description(store_spec, self.endpoint, timeout=max(300.0, limits.timeout))


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def log_message(self, fmt, *args):  # one line per request, to the server's log
        self.server.log(f"{self.address_string()} {fmt % args}")

    # -- replies
    def _reply(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in {**CORS, **(extra or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict | None = None) -> None:
        self._reply(status, (message.strip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra)

    def _accept(self) -> str:
        return self.headers.get("Accept", "")

    # -- routes
    def do_OPTIONS(self):  # noqa: N802 - http.server naming; the CORS preflight
        self._reply(HTTPStatus.NO_CONTENT, b"", "text/plain", {"Allow": "GET, HEAD, POST, OPTIONS"})

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        try:
            if url.path in ("", "/"):
                if page.wants_html(self._accept()):
                    return self._reply(
                        HTTPStatus.OK, page.html(self.server.endpoint), "text/html; charset=utf-8"
                    )
                return self._describe(url.query)
            if url.path.startswith(page.STATIC_PREFIX):
                body, ctype = page.static(url.path)
                return self._reply(HTTPStatus.OK, body, ctype, {"Cache-Control": "max-age=86400"})
            if url.path == "/queries":
                return self._reply(HTTPStatus.OK, canned.catalogue(), "application/json; charset=utf-8")
            if url.path.startswith("/queries/"):
                return self._canned(url.path, url.query)
            if url.path not in QUERY_PATHS:
                return self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path} (use /query)")
            if len(url.query) > self.server.limits.max_request_bytes:
                return self._error(HTTPStatus.REQUEST_URI_TOO_LONG, "query too long; send it with POST")
            if "query=" not in url.query and "update=" not in url.query:
                return self._describe(url.query)
            self._run(protocol.from_get(url.query))
        except protocol.BadRequest as e:
            self._error(e.status, str(e), e.headers)
        except (canned.NotFound, page.NotFound) as e:
            self._error(HTTPStatus.NOT_FOUND, str(e))

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        url = urlsplit(self.path)
        if url.path in ("/update", "/store", "/data"):
            return self._error(
                HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only", {"Allow": "GET, HEAD, OPTIONS"}
            )
        if url.path not in QUERY_PATHS:
            return self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path} (use /query)")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > self.server.limits.max_request_bytes:
            self.close_connection = True
            return self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"request of {length} bytes refused: at most {self.server.limits.max_request_bytes}",
            )
        body = self.rfile.read(length) if length else b""
        try:
            self._run(protocol.from_post(self.headers.get("Content-Type", ""), body, url.query))
        except protocol.BadRequest as e:
            self._error(e.status, str(e), e.headers)

    do_PUT = do_DELETE = do_PATCH = lambda self: self._error(  # noqa: E731
        HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only", {"Allow": "GET, HEAD, POST, OPTIONS"}
    )

    # -- work
    def _bounded(self, sparql: str, bindings=None):
        """Run a query within the server's limits; None when an error reply has been sent."""
        from kg.safety import QueryRefused, QueryTimeout, run_user_query

        limits = self.server.limits
        if not limits.slots.acquire(timeout=limits.queue_seconds):
            self._error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"busy: {limits.max_concurrent} queries are running; try again",
                {"Retry-After": "1"},
            )
            return None
        try:
            return run_user_query(
                self.server.store_spec, sparql, timeout=limits.timeout, limit=limits.limit, bindings=bindings
            )
        except QueryRefused as e:
            self._error(HTTPStatus.FORBIDDEN, str(e))
        except QueryTimeout as e:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
        except QueryError as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e))
        finally:
            limits.slots.release()
        return None

    def _run(self, req: protocol.QueryRequest) -> None:
        from kg.store import with_dataset

        try:
            sparql = with_dataset(req.query, req.default_graphs, req.named_graphs)
        except QueryError as e:
            return self._error(HTTPStatus.BAD_REQUEST, str(e))
        res = self._bounded(sparql)
        if res is None:
            return
        try:
            name, media = formats.negotiate(res.result.kind, self._accept(), req.format)
        except formats.NotAcceptable as e:
            return self._error(HTTPStatus.NOT_ACCEPTABLE, str(e))
        extra = {"X-Truncated": "true"} if res.truncated else {}
        self._reply(HTTPStatus.OK, formats.serialise(res.result, name), f"{media}; charset=utf-8", extra)

    def _describe(self, url_query: str) -> None:
        from urllib.parse import parse_qs

        fmt = (parse_qs(url_query).get("format") or [None])[0]
        try:
            name, media = formats.negotiate("graph", self._accept(), fmt, default="turtle")
        except formats.NotAcceptable as e:
            return self._error(HTTPStatus.NOT_ACCEPTABLE, str(e))
        try:
            body = self.server.description.serialised(name)  # the short names are rdflib's formats
        except QueryError as e:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, f"service description unavailable: {e}")
        self._reply(HTTPStatus.OK, body, f"{media}; charset=utf-8")

    def _canned(self, path: str, url_query: str) -> None:
        name, ext = canned.parse_path(path)
        try:
            bindings = canned.bindings_for(self.server.store_spec, name, url_query)
        except KGError as e:
            return self._error(HTTPStatus.BAD_REQUEST, str(e))
        from kg.queries import load_query

        res = self._bounded(load_query(name), bindings)
        if res is None:
            return
        extra = {"X-Truncated": "true"} if res.truncated else {}
        if ext == "csv":
            return self._reply(
                HTTPStatus.OK, res.result.to_csv().encode("utf-8"), "text/csv; charset=utf-8", extra
            )
        body = canned.as_json(name, bindings, res.result, res.truncated)
        self._reply(HTTPStatus.OK, body, "application/json; charset=utf-8", extra)
