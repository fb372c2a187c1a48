"""``kg serve``: the built graph as a read-only SPARQL 1.1 endpoint (for YASGUI, Protégé, notebooks).

    GET  /query?query=…                      SPARQL 1.1 Protocol (also /sparql)
    POST /query  application/sparql-query    or application/x-www-form-urlencoded (query=…)
    GET  /                                   a short text page saying how to use the endpoint

Bound to 127.0.0.1 by default. Every query goes through :func:`kg.safety.run_user_query`: it is
checked (updates, LOAD, SERVICE and foreign FROM are refused with 403), runs in a worker process
that opens the store read-only and is killed at the time limit (503), and returns at most
``limit`` rows. Requests over ``max_request_bytes`` are refused (413); at most ``max_concurrent``
queries run at once and a request that cannot start within ``queue_seconds`` gets 503 with
Retry-After. Updates (``/update``, the graph store protocol) do not exist here (405).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.errors import QueryError

RESULTS_JSON = "application/sparql-results+json"
FORMATS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/plain": "table",
    "application/n-triples": "nt",
    "text/turtle": "turtle",
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, store_spec: str, limits: Limits, log):
        super().__init__(address, _Handler)
        self.store_spec = store_spec
        self.limits = limits
        self.log = log


def _negotiate(accept: str, form: str) -> str:
    """The response format for a query form and an Accept header."""
    wanted = [a.split(";")[0].strip().lower() for a in (accept or "").split(",") if a.strip()]
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    for media in wanted:
        fmt = FORMATS.get(media)
        if fmt is None:
            continue
        if graph_form and fmt in ("nt", "turtle", "table"):
            return fmt
        if not graph_form and fmt in ("json", "csv", "table"):
            return fmt
    return "nt" if graph_form else "json"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def log_message(self, fmt, *args):  # one line per request, to the server's log
        self.server.log(f"{self.address_string()} {fmt % args}")

    # -- replies
    def _reply(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict | None = None) -> None:
        self._reply(status, (message.strip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra)

    # -- routes
    def do_GET(self):  # noqa: N802 - http.server naming
        url = urlsplit(self.path)
        if url.path in ("", "/"):
            return self._reply(
                HTTPStatus.OK, _usage(self.server).encode("utf-8"), "text/plain; charset=utf-8"
            )
        if url.path not in ("/query", "/sparql"):
            return self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path} (use /query)")
        if len(url.query) > self.server.limits.max_request_bytes:
            return self._error(HTTPStatus.REQUEST_URI_TOO_LONG, "query too long; send it with POST")
        params = parse_qs(url.query, keep_blank_values=True)
        self._run(params.get("query", [""])[0], params)

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        url = urlsplit(self.path)
        if url.path in ("/update", "/store", "/data"):
            return self._error(
                HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only", {"Allow": "GET, HEAD"}
            )
        if url.path not in ("/query", "/sparql"):
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
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-query":
            return self._run(body, parse_qs(url.query))
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")
            return self._run(params.get("query", [""])[0], params)
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type {ctype or '(none)'}")

    do_PUT = do_DELETE = do_PATCH = lambda self: self._error(  # noqa: E731
        HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only", {"Allow": "GET, HEAD, POST"}
    )

    def _run(self, sparql: str, params: dict) -> None:
        from kg.safety import QueryRefused, QueryTimeout, run_user_query

        if not sparql.strip():
            return self._error(HTTPStatus.BAD_REQUEST, "missing the query parameter")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._error(HTTPStatus.FORBIDDEN, "default-graph-uri / named-graph-uri are not supported")
        limits = self.server.limits
        if not limits.slots.acquire(timeout=limits.queue_seconds):
            return self._error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"busy: {limits.max_concurrent} queries are running; try again",
                {"Retry-After": "1"},
            )
        try:
            res = run_user_query(self.server.store_spec, sparql, timeout=limits.timeout, limit=limits.limit)
        except QueryRefused as e:
            return self._error(HTTPStatus.FORBIDDEN, str(e))
        except QueryTimeout as e:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
        except QueryError as e:
            return self._error(HTTPStatus.BAD_REQUEST, str(e))
        finally:
            limits.slots.release()
        fmt = _negotiate(self.headers.get("Accept", ""), res.form)
        extra = {"X-Truncated": "true"} if res.truncated else {}
        result = res.result
        if fmt == "json":
            body, ctype = result.to_json().encode("utf-8"), RESULTS_JSON + "; charset=utf-8"
        elif fmt == "csv":
            body, ctype = result.to_csv().encode("utf-8"), "text/csv; charset=utf-8"
        elif fmt == "table":
            body, ctype = result.to_table().encode("utf-8"), "text/plain; charset=utf-8"
        else:
            g = result.to_graph()
            if fmt == "turtle":
                body, ctype = g.serialize(format="turtle", encoding="utf-8"), "text/turtle; charset=utf-8"
            else:
                body, ctype = (
                    g.serialize(format="nt", encoding="utf-8"),
                    "application/n-triples; charset=utf-8",
                )
        self._reply(HTTPStatus.OK, body, ctype, extra)


def _usage(server: _Server) -> str:
    host, port = server.server_address[:2]
    lim = server.limits
    return (
        "Healthy China knowledge graph — read-only SPARQL 1.1 endpoint\n\n"
        f"  query endpoint: http://{host}:{port}/query  (GET ?query=… or POST application/sparql-query)\n"
        f"  limits: {lim.timeout:g} s per query, {lim.limit} rows, {lim.max_request_bytes} bytes per request,"
        f" {lim.max_concurrent} queries at once\n"
        "  results: application/sparql-results+json (default), text/csv; graphs as application/n-triples or text/turtle\n"
        "  example: curl -G --data-urlencode 'query=SELECT * WHERE { ?s a hc:Plan } LIMIT 5' "
        f"http://{host}:{port}/query\n"
        "  (the project's prefixes hc:, hcid:, eli:, org:, prov:, skos: … need no declaration)\n"
    )


def make_server(
    store_spec: str,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    limit: int = 10_000,
    max_request_bytes: int = 64 * 1024,
    max_concurrent: int = 4,
    queue_seconds: float = 10.0,
    log=None,
) -> _Server:
    limits = Limits(
        timeout=timeout,
        limit=limit,
        max_request_bytes=max_request_bytes,
        max_concurrent=max_concurrent,
        queue_seconds=queue_seconds,
    )
    return _Server((host, port), store_spec, limits, log or (lambda line: None))


def serve(store_spec: str, **options) -> None:
    """Run until interrupted; print where it listens."""
    from kg.safety import prestart, shutdown_workers

    log = options.pop("log", None) or (lambda line: print(line, file=sys.stderr, flush=True))
    server = make_server(store_spec, log=log, **options)
    host, port = server.server_address[:2]
    prestart(store_spec)
    print(
        json.dumps({"endpoint": f"http://{host}:{port}/query", "store": store_spec, "started": time.time()}),
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutdown_workers()
