"""The remote backend against a real SPARQL server: `oxigraph serve` on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from rdflib import Literal, URIRef

from kg.cli import main
from kg.graph import PolicyGraph
from kg.queries import list_queries, load_query
from kg.rdf import BASE, HC
from kg.store import open_store

OXIGRAPH = shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(
    OXIGRAPH is None, reason="the `oxigraph` server (PyPI package oxigraph) is not installed"
)

# Bindings for the named queries that need them; the others run unbound.
BINDINGS = {
    "department_actions": {"type": BASE["department-type/health"]},
    "plan_actions": {"plan": BASE["doc/嘉政发-2023-27"]},
    "trace": {"start": BASE["doc/嘉政发-2023-27"], "theme": BASE["theme/tobacco"]},
    "indicator_targets": {"name": Literal("婴儿死亡率")},
    "department_action_edges": {"level": HC.City},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(*extra: str):
    port = _free_port()
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("oxigraph serve did not start")


def _stop(proc) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module", params=["plain", "union-default-graph"])
def server(request):
    proc, url = _serve(*(["--union-default-graph"] if request.param != "plain" else []))
    try:
        assert main(["build", "--store", url]) == 0
        yield url
    finally:
        _stop(proc)
    assert proc.poll() is not None  # stopped by its process id


def _rows(store, name):
    res = store.query(load_query(name), bindings=BINDINGS.get(name))
    return sorted(map(repr, res.rows))


def test_every_named_query_answers_as_on_the_embedded_store(server, built_store):
    remote, local = open_store(server), open_store(str(built_store), read_only=True)
    try:
        names = sorted(list_queries())
        assert len(names) >= 12
        for name in names:
            assert _rows(remote, name) == _rows(local, name), name
    finally:
        local.close()


def test_cli_commands_through_the_endpoint(server, capsys):
    assert main(["query", "--name", "actions_per_plan", "--format", "json", "--store", server]) == 0
    data = capsys.readouterr().out
    import json

    counts = [int(b["actions"]["value"]) for b in json.loads(data)["results"]["bindings"]]
    assert counts == [19, 18, 15, 19, 16]
    with PolicyGraph.open(store=server) as pg:
        hops = pg.trace(place="嘉峰镇", action="控烟行动")
        assert [h.region for h in hops] == ["嘉峰镇", "沁水县", "晋城市", "山西省", "中国"]
        assert [d.actions for d in pg.top_departments(limit=1)] == [69]


def test_syntax_error_from_the_server_keeps_line_and_column(server, capsys):
    assert main(["query", "SELECT *\nWHERE {\n  ?s ?p }", "--store", server]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: SPARQL syntax error at line 3")


def test_unreachable_endpoint_is_one_clear_line(capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    assert main(["query", "ASK {}", "--store", url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"kg: error: {url}: cannot reach the SPARQL endpoint")
    assert len(err.splitlines()) == 1


def test_remote_graphs_are_the_documents(server):
    store = open_store(server)
    graphs = store.graphs()
    assert BASE["graph/links"] in graphs
    assert (
        sum(1 for g in graphs if str(g).startswith(str(BASE["graph/"]))) == 5 + 1 + 1 + 2
    )  # docs, links, ontology, 2 reference
    assert URIRef(BASE["graph/000-118f31c14681ba11"]) in graphs
