"""`kg serve`: read-only, bounded, on 127.0.0.1 — and a bounded load test on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Literal

from kg.queries import load_query
from kg.rdf import BASE
from kg.store import bind_values, open_store

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?o (<urn:q>|!<urn:q>)* ?x }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(built_store):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--store",
            str(built_store),
            "--port",
            str(port),
            "--timeout",
            "2",
            "--max-request-bytes",
            "4096",
            "--max-concurrent",
            "4",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        started = json.loads(proc.stdout.readline())
        url = started["endpoint"]
        assert url == f"http://127.0.0.1:{port}/query"  # loopback unless told otherwise
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.poll() is not None


def ask(
    url: str, query: str, *, method: str = "GET", accept: str = "application/sparql-results+json", timeout=30
):
    if method == "GET":
        req = urllib.request.Request(
            url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
        )
    else:
        req = urllib.request.Request(
            url,
            data=query.encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def test_select_answers_sparql_json(endpoint):
    status, body, headers = ask(endpoint, load_query("actions_per_plan"))
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    counts = [int(b["actions"]["value"]) for b in json.loads(body)["results"]["bindings"]]
    assert counts == [19, 18, 15, 19, 16]


def test_construct_answers_ntriples(endpoint):
    status, body, headers = ask(
        endpoint, "CONSTRUCT { ?p a hc:Plan } WHERE { ?p a hc:Plan ; hc:held true }", method="POST"
    )
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(body.strip().splitlines()) == 5


def test_read_only(endpoint):
    status, body, _ = ask(endpoint, "DROP ALL")
    assert status == 403 and body.startswith("SPARQL Update refused (DROP)")
    status, body, _ = ask(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert status == 403 and "SERVICE" in body
    req = urllib.request.Request(
        endpoint.replace("/query", "/update"),
        data=b"CLEAR ALL",
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 405
    status, body, _ = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s a hc:Plan ; hc:held true }")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"


def test_limits(endpoint):
    status, body, _ = ask(endpoint, "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000, method="POST")
    assert status == 413 and "at most 4096" in body
    status, body, _ = ask(endpoint, "SELECT * WHERE {\n ?s ?p \n}")
    assert status == 400 and body.startswith("SPARQL syntax error at line 2")
    start = time.monotonic()
    status, body, _ = ask(endpoint, RUNAWAY)
    assert status == 503 and "stopped after 2 s" in body
    assert time.monotonic() - start < 6


def _requests(n: int) -> list[str]:
    """n named-query requests, mixed as a user session would, parameters bound client-side."""
    store_bound = {
        "plan_actions": {"plan": BASE["doc/嘉政发-2023-27"]},
        "trace": {"start": BASE["doc/嘉政发-2023-27"], "theme": BASE["theme/tobacco"]},
        "department_actions": {"type": BASE["department-type/health"]},
        "indicator_targets": {"name": Literal("婴儿死亡率")},
    }
    names = [
        "actions_per_plan",
        "plans",
        "hierarchy",
        "themes",
        "plan_actions",
        "trace",
        "coverage",
        "indicator_targets",
        "department_actions",
        "top_departments",
    ]
    texts = [bind_values(load_query(n), store_bound[n]) if n in store_bound else load_query(n) for n in names]
    return [texts[k % len(texts)] for k in range(n)]


def test_load_1000_mixed_queries_from_8_clients(endpoint, built_store):
    requests = _requests(1000)
    expected = {}
    local = open_store(str(built_store), read_only=True)
    for text in set(requests):
        expected[text] = len(local.query(text).rows)
    local.close()

    def one(text):
        t = time.perf_counter()
        status, body, _ = ask(endpoint, text, method="POST", timeout=60)
        rows = len(json.loads(body)["results"]["bindings"]) if status == 200 else None
        return status, rows == expected[text], time.perf_counter() - t

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, requests))
    wall = time.perf_counter() - start
    statuses = [s for s, _, _ in results]
    assert statuses.count(200) == 1000, {s: statuses.count(s) for s in set(statuses)}
    assert all(ok for _, ok, _ in results)
    latencies = sorted(t for _, _, t in results)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(
        f"\nkg serve load test: 1000 queries, 8 clients, 4 at once: {1000 / wall:.1f} queries/s, "
        f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, wall {wall:.1f} s"
    )
