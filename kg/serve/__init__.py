"""``kg serve``: the built graph as a read-only SPARQL 1.1 endpoint (for YASGUI, Protégé, notebooks).

    GET  /query?query=…                      SPARQL 1.1 Protocol (also /sparql); POST direct
    POST /query                              (application/sparql-query) or a form (query=…)
    GET  /query, GET / (not HTML)            the service description (sd: and VoID), by Accept
    GET  / (a browser)                       YASGUI, with the project's prefixes and named queries
    GET  /queries, /queries/NAME.json|.csv   the named queries as an API (parameters bound as terms)
    OPTIONS *                                the CORS preflight (any origin; GET, POST, OPTIONS)

Answers by ``Accept`` or ``format=``: SELECT/ASK as SPARQL Results JSON, XML, CSV or TSV;
CONSTRUCT/DESCRIBE as Turtle, N-Triples, RDF/XML or JSON-LD (:mod:`kg.serve.formats`).
``default-graph-uri`` / ``named-graph-uri`` replace the query's FROM / FROM NAMED.

Bound to 127.0.0.1 by default. Every query goes through :func:`kg.safety.run_user_query`: it is
checked (updates, LOAD, SERVICE and foreign FROM are refused with 403), runs in a worker process
that opens the store read-only and is killed at the time limit (503), and returns at most
``limit`` rows. Requests over ``max_request_bytes`` are refused (413); at most ``max_concurrent``
queries run at once and a request that cannot start within ``queue_seconds`` gets 503 with
Retry-After. Updates (``/update``, the graph store protocol) do not exist here (405).

Modules: ``server`` (routes and limits), ``protocol`` (request forms), ``formats`` (negotiation and
serialisation), ``describe`` (service description), ``canned`` (/queries), ``page`` (YASGUI).
"""

from __future__ import annotations

import json
import sys
import time

from kg.serve.server import Limits, Server

__all__ = ["Limits", "Server", "make_server", "serve"]


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
) -> Server:
    limits = Limits(
        timeout=timeout,
        limit=limit,
        max_request_bytes=max_request_bytes,
        max_concurrent=max_concurrent,
        queue_seconds=queue_seconds,
    )
    return Server((host, port), store_spec, limits, log or (lambda line: None))


def serve(store_spec: str, **options) -> None:
    """Run until interrupted; print where it listens."""
    from kg.safety import prestart, shutdown_workers

    log = options.pop("log", None) or (lambda line: print(line, file=sys.stderr, flush=True))
    server = make_server(store_spec, log=log, **options)
    prestart(store_spec)
    print(json.dumps({"endpoint": server.endpoint, "store": store_spec, "started": time.time()}), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutdown_workers()
