"""Hostile queries: read-only, no SERVICE, no FROM outside the store, killed at the time limit, row-capped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import GRAPH_A, ID, ROOT, sample_nquads
from rdflib import Literal

from kg import safety
from kg.cli import main
from kg.errors import KGError, QueryError
from kg.queries import list_queries, load_query
from kg.rdf import BASE, HC
from kg.safety import QueryRefused, QueryTimeout, check_read_only, run_user_query
from kg.store import open_store

# Every pair of nodes joined by any path, counted against every other such pair: no row comes before
# the whole product is counted, so no graph small enough for the tests answers it in seconds.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?a (<urn:p>|!<urn:p>)* ?b }"
SEED_ACTIONS = [19, 18, 15, 19, 16]
# bindings for the named queries meant to run bound (as in tests/test_remote.py)
BINDINGS = {
    "department_actions": {"type": BASE["department-type/health"]},
    "plan_actions": {"plan": BASE["doc/嘉政发-2023-27"]},
    "trace": {"start": BASE["doc/嘉政发-2023-27"], "theme": BASE["theme/tobacco"]},
    "indicator_targets": {"name": Literal("婴儿死亡率")},
    "department_action_edges": {"level": HC.City},
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A folder store with the hand-built sample graphs (18 triples, plans A and B)."""
    path = tmp_path_factory.mktemp("safety") / "sample"
    s = open_store(path)
    s.replace_all(sample_nquads())
    s.close()
    return path


def counts(path: Path) -> tuple[int, int]:
    s = open_store(path, read_only=True)
    try:
        return s.triple_count(), s.quad_count()
    finally:
        s.close()


def gone(pid: int) -> bool:
    """The process no longer exists: not running, not even a zombie waiting to be reaped."""
    return not Path(f"/proc/{pid}").exists()


# --------------------------------------------------------------------------- updates


UPDATES = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT DATA"),
    ("DELETE DATA { <urn:a> <urn:b> <urn:c> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("LOAD <http://example.org/x>", "LOAD"),
    ("LOAD SILENT <http://example.org/x> INTO GRAPH <urn:g>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("DROP ALL", "DROP"),
    ("DROP GRAPH <https://w3id.org/healthy-china/id/graph/a>", "DROP"),
    ("CREATE GRAPH <urn:new>", "CREATE"),
    ("ADD <urn:x> TO <urn:y>", "ADD"),
    ("MOVE DEFAULT TO <urn:y>", "MOVE"),
    ("COPY <urn:x> TO DEFAULT", "COPY"),
    (
        "WITH <https://w3id.org/healthy-china/id/graph/a>\nDELETE { ?s ?p ?o }\nINSERT { ?s ?p 1 }\nWHERE { ?s ?p ?o }",
        "WITH … DELETE … INSERT",
    ),
    ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE"),
    ("PREFIX x: <urn:x#>\nINSERT { ?s x:p 1 } WHERE { ?s ?p ?o }", "INSERT"),
    ("DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP, INSERT DATA"),
    ("DELETE WHERE { ?s ?p ?o", "DELETE"),  # broken, still refused as what it is
]


@pytest.mark.parametrize("sparql,name", UPDATES, ids=[u[1] + f"-{i}" for i, u in enumerate(UPDATES)])
def test_every_update_form_is_refused_by_name(sample, sparql, name):
    before = counts(sample)
    with pytest.raises(QueryRefused) as e:
        check_read_only(sparql)
    assert str(e.value) == (
        f"SPARQL Update refused ({name}): queries are read-only, the store cannot be changed here"
    )
    with pytest.raises(QueryRefused, match=r"^SPARQL Update refused \(" + name.split(",")[0]):
        run_user_query(sample, sparql)
    assert counts(sample) == before == (18, 18)


# --------------------------------------------------------------------------- SERVICE


SERVICES = {
    "plain": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?s a hc:Plan OPTIONAL { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "subquery": "SELECT * WHERE { ?s a hc:Plan { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
    "exists": "ASK { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "graph-union-minus": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o MINUS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("name", list(SERVICES))
def test_service_is_refused_wherever_it_is(sample, name):
    with pytest.raises(QueryRefused) as e:
        check_read_only(SERVICES[name])
    assert str(e.value) == (
        "SERVICE <http://example.org/sparql> refused: federated queries could make the server fetch arbitrary URLs"
    )
    with pytest.raises(QueryRefused, match=r"^SERVICE <http://example.org/sparql> refused"):
        run_user_query(sample, SERVICES[name])


def test_service_with_a_variable_endpoint_is_refused():
    with pytest.raises(QueryRefused, match=r"^SERVICE refused: federated"):
        check_read_only("SELECT * WHERE { BIND(<http://e/> AS ?e) SERVICE ?e { ?s ?p ?o } }")


@pytest.mark.parametrize(
    "sparql",
    [
        # a carriage return ends a comment for Oxigraph, not for rdflib
        "SELECT * WHERE { ?s ?p ?o # \r SERVICE <http://evil.example/> { ?a ?b ?c } \n }",
        # rdflib expands \u escapes everywhere (here: a line feed ending the comment, then a long
        # string hiding the SERVICE); Oxigraph reads them only in strings and IRIs
        'SELECT * WHERE {\n ?s ?p ?o .\n # \\u000A FILTER(""" \n SERVICE <http://evil.example/> { ?a ?b ?c }\n # \\u000A """ != "")\n}',
        'SELECT * WHERE {\n ?s ?p ?o .\n # \\U0000000A FILTER(""" \n SERVICE <http://evil.example/> { ?a ?b ?c }\n # \\U0000000A """ != "")\n}',
    ],
    ids=["cr-ends-comment", "u-escape-newline", "U-escape-newline"],
)
def test_parser_differences_do_not_hide_a_service(sparql):
    with pytest.raises(QueryRefused, match=r"^SERVICE <http://evil.example/> refused"):
        check_read_only(sparql)


# --------------------------------------------------------------------------- FROM


def test_from_outside_the_store_is_refused(sample):
    for sparql in (
        "SELECT * FROM <http://example.org/remote> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/remote> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX ex: <http://example.org/>\nASK FROM ex:remote { ?s ?p ?o }",
    ):
        with pytest.raises(QueryRefused) as e:
            run_user_query(sample, sparql)
        assert str(e.value) == (
            "FROM <http://example.org/remote> refused: not a graph in the store "
            "(queries cannot load graphs from outside)"
        )
    with pytest.raises(QueryRefused, match="^FROM <https://w3id.org/healthy-china/id/graph/a> refused"):
        check_read_only(  # the store's graphs not given: every FROM is refused
            "PREFIX g: <https://w3id.org/healthy-china/id/graph/>\nSELECT * FROM g:a WHERE { ?s ?p ?o }"
        )


def test_from_a_graph_in_the_store_is_allowed(sample):
    in_a = "PREFIX g: <https://w3id.org/healthy-china/id/graph/>\nSELECT (COUNT(*) AS ?n) FROM g:a WHERE { ?s ?p ?o }"
    assert check_read_only(in_a, graphs=[GRAPH_A]) == "SELECT"
    named = (
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{GRAPH_A}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    )
    memory = open_store("memory")
    memory.replace_all(sample_nquads())
    assert run_user_query(memory, in_a).result.rows == [(11,)]  # rdflib: graph A alone
    assert run_user_query(memory, named).result.rows == [(str(GRAPH_A), 11)]
    # Oxigraph sees the dataset FROM names too (the union default graph is only for queries without
    # FROM): the same answer as rdflib's and as Store.query gives
    direct = open_store(sample, read_only=True)
    try:
        assert run_user_query(sample, in_a).result.rows == direct.query(in_a).rows == [(11,)]
        assert run_user_query(sample, named).result.rows == direct.query(named).rows == [(str(GRAPH_A), 11)]
    finally:
        direct.close()


# --------------------------------------------------------------------------- not refused


def test_keywords_in_literals_iris_and_comments_are_not_refused(sample):
    sparql = (
        "# DROP ALL ; SERVICE <http://example.org/> { }\n"
        'SELECT ?p ("DROP ALL; INSERT DATA { <urn:a> <urn:b> <urn:c> }" AS ?note)\n'
        "WHERE {\n"
        "  ?p a hc:Plan .  # FROM <http://example.org/remote>\n"
        "  FILTER(?p != <urn:SERVICE> && STR(?p) != '''LOAD <http://example.org/x>''')\n"
        "} ORDER BY ?p"
    )
    assert check_read_only(sparql) == "SELECT"
    answer = run_user_query(sample, sparql)
    assert answer.result.rows == [
        (str(ID["plan/A"]), "DROP ALL; INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        (str(ID["plan/B"]), "DROP ALL; INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ]
    assert (answer.form, answer.truncated) == ("SELECT", False)
    assert check_read_only('SELECT ?s WHERE { ?s rdfs:label "DROP ALL" }') == "SELECT"


def test_query_forms():
    assert check_read_only("ASK { ?s ?p ?o }") == "ASK"
    assert check_read_only("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert check_read_only("DESCRIBE <urn:x>") == "DESCRIBE"
    assert check_read_only("SELECT * { ?s ?p ?o }") == "SELECT"


def test_every_named_query_passes_the_check():
    forms = {name: check_read_only(load_query(name)) for name in list_queries()}
    assert set(forms.values()) == {"SELECT"}
    assert {"actions_per_plan", "build_counts", "trace"} <= set(forms)


def test_bound_values_are_checked_and_stay_values(sample):
    sparql = "SELECT ?p WHERE { ?p eli:title ?t }"
    evil = Literal('x" } SERVICE <http://example.org/> { ?a ?b ?c } #')
    assert run_user_query(sample, sparql, bindings={"t": evil}).result.rows == []
    assert run_user_query(sample, sparql, bindings={"t": Literal("Plan B")}).result.rows == [
        (str(ID["plan/B"]),)
    ]


# --------------------------------------------------------------------------- errors


def test_a_syntax_error_reports_the_users_line_and_column(sample):
    bad = "SELECT ?p\nWHERE {\n  ?p a hc:Plan . FILTER(?x = ) }"
    for call in (lambda: check_read_only(bad), lambda: run_user_query(sample, bad)):
        with pytest.raises(QueryError) as e:
            call()
        msg = str(e.value)
        assert not isinstance(e.value, QueryRefused)
        assert msg.startswith("SPARQL syntax error at line 3, column 18: "), msg
        assert "\n" not in msg
    # errors found by the engine (after the check) keep the user's positions too
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line 2, column \d+: unknown prefix nope:"):
        run_user_query(sample, "SELECT ?p\nWHERE { ?p a nope:Plan }")


def test_too_long_or_too_deep_for_a_check_in_process(sample):
    with pytest.raises(QueryRefused, match=r"^query refused: 200\d+ characters \(at most 200000\)$"):
        run_user_query(sample, "ASK {}" + " " * 200_000)
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 100 + "BOUND(?o)" + ")" * 100 + ") }"
    with pytest.raises(QueryRefused, match="nested too deeply"):
        check_read_only(deep)  # the caller's recursion limit
    assert len(run_user_query(sample, deep).result) == 18  # the worker allows much deeper queries


def test_missing_store_is_the_usual_error(tmp_path):
    with pytest.raises(KGError, match="no store here"):
        run_user_query(tmp_path / "nowhere", "ASK {}")


# --------------------------------------------------------------------------- bounds


def test_runaway_query_is_killed_at_the_time_limit(built_store):
    start = time.monotonic()
    with pytest.raises(QueryTimeout) as e:
        run_user_query(built_store, RUNAWAY, timeout=2)
    elapsed = time.monotonic() - start
    assert 2 <= elapsed < 3.5, elapsed
    assert str(e.value) == "query timed out: stopped after 2 s"
    assert isinstance(e.value, QueryError) and e.value.timeout == 2
    assert e.value.pid and gone(e.value.pid)
    # the next query gets a fresh worker and answers
    answer = run_user_query(built_store, load_query("actions_per_plan"))
    assert [int(r[-1]) for r in answer.result.rows] == SEED_ACTIONS
    assert answer.worker_pid != e.value.pid


def test_row_cap(built_store):
    answer = run_user_query(built_store, "SELECT * WHERE { ?s ?p ?o }", limit=10)
    assert (len(answer.result), len(answer.result.terms), answer.truncated) == (10, 10, True)
    answer = run_user_query(built_store, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", limit=10)
    assert (len(answer.result), answer.truncated) == (5, False)
    answer = run_user_query(built_store, "SELECT * WHERE { ?s ?p ?o } LIMIT 10", limit=10)
    assert (len(answer.result), answer.truncated) == (10, False)  # exactly the cap: nothing left out
    answer = run_user_query(built_store, "CONSTRUCT WHERE { ?s ?p ?o }", limit=7)
    assert (answer.result.kind, len(answer.result.triples), answer.truncated) == ("graph", 7, True)
    answer = run_user_query(built_store, "ASK { ?s ?p ?o }", limit=0)
    assert (answer.result.boolean, answer.truncated, answer.form) == (True, False, "ASK")
    # the capped rows render like any result
    frame = run_user_query(built_store, "SELECT * WHERE { ?s ?p ?o }", limit=3).result.to_dataframe()
    assert sorted(frame.columns) == ["o", "p", "s"] and len(frame) == 3


def test_a_memory_bomb_stops_at_the_workers_memory_cap(built_store):
    start = time.monotonic()
    with pytest.raises(QueryError) as e:  # sorting 136 million rows
        run_user_query(
            built_store, "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d", memory_mb=1000, timeout=20
        )
    assert time.monotonic() - start < 15
    assert str(e.value) == (
        "query failed: the query worker died (SIGABRT), most likely out of memory (a query may use 1000 MB)"
    )


def test_workers_are_reused_and_report_themselves(sample):
    a = run_user_query(sample, "ASK { ?s ?p ?o }")
    b = run_user_query(sample, "SELECT * { ?s ?p ?o }")
    assert a.worker_pid == b.worker_pid and a.worker_pid != os.getpid()
    assert isinstance(b.isolated, bool) and b.seconds < 5
    assert len(safety.pool.idle) <= safety.pool.MAX_IDLE_TOTAL


def test_prestart_readies_a_worker_for_the_first_query(tmp_path, sample):
    import shutil

    path = tmp_path / "copy"
    shutil.copytree(sample, path, ignore=shutil.ignore_patterns("LOCK"))
    safety.prestart(path)
    for t in list(safety.pool.prestarts):
        t.join(60)
    ready = [w.pid for w in safety.pool.idle if w.path == os.path.abspath(path)]
    assert len(ready) == 1
    assert run_user_query(path, "SELECT * { ?s ?p ?o }").worker_pid == ready[0]
    safety.prestart("memory")  # nothing to start for other stores


def test_memory_store_runs_in_a_thread_with_the_same_rules():
    store = open_store("memory")
    store.replace_all(sample_nquads())
    answer = run_user_query(store, "SELECT * WHERE { ?s ?p ?o }", limit=4)
    assert (len(answer.result), answer.truncated, answer.worker_pid) == (4, True, None)
    with pytest.raises(QueryRefused, match=r"^SPARQL Update refused \(DROP\)"):
        run_user_query(store, "DROP ALL")
    with pytest.raises(QueryRefused, match="^SERVICE <http://example.org/sparql> refused"):
        run_user_query(store, SERVICES["optional"])
    assert store.triple_count() == 18
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o FILTER(?c = 0) }"
    start = time.monotonic()
    with pytest.raises(QueryTimeout) as e:
        run_user_query(store, slow, timeout=1)
    assert time.monotonic() - start < 1.5
    assert str(e.value) == "query timed out: abandoned after 1 s (an in-process engine cannot be killed)"
    # best effort: the abandoned thread is interrupted too
    while any(t.name == "kg-user-query" for t in threading.enumerate()) and time.monotonic() - start < 5:
        time.sleep(0.05)
    assert not any(t.name == "kg-user-query" for t in threading.enumerate())


# --------------------------------------------------------------------------- the command line


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_refuses_and_stops_in_one_line_and_keeps_the_store(capsys, store_copy):
    before = counts(store_copy)
    start = time.monotonic()
    code, out, err = run(capsys, "query", "--timeout", "2", RUNAWAY, "--store", str(store_copy))
    assert time.monotonic() - start < 3.5
    assert (code, out, err) == (1, "", "kg: error: query timed out: stopped after 2 s\n")
    code, out, err = run(capsys, "query", "DROP ALL", "--store", str(store_copy))
    assert (code, out) == (1, "")
    assert (
        err
        == "kg: error: SPARQL Update refused (DROP): queries are read-only, the store cannot be changed here\n"
    )
    code, _, err = run(capsys, "query", SERVICES["subquery"], "--store", str(store_copy))
    assert code == 1 and err.count("\n") == 1 and "SERVICE <http://example.org/sparql> refused" in err
    assert counts(store_copy) == before
    code, out, err = run(
        capsys, "query", "--name", "actions_per_plan", "--format", "json", "--store", str(store_copy)
    )
    assert (code, err) == (0, "")
    bindings = json.loads(out)["results"]["bindings"]
    assert [int(b["actions"]["value"]) for b in bindings] == SEED_ACTIONS


def test_cli_limit_warns_once(capsys, sample):
    code, out, err = run(
        capsys, "query", "SELECT * { ?s ?p ?o }", "--limit", "3", "--format", "csv", "--store", str(sample)
    )
    assert code == 0 and out.count("\r\n") == 4  # header + 3 rows
    assert err == "kg: warning: only the first 3 rows are shown (--limit 3); the query has more\n"
    assert run(capsys, "query", "ASK {}", "--timeout", "0", "--store", str(sample))[0] == 2
    assert run(capsys, "query", "ASK {}", "--limit", "-1", "--store", str(sample))[0] == 2


def test_cli_as_a_subprocess_kills_the_runaway(built_store):
    """`python -m kg` (whose __main__ is not import-guarded) through the forkserver, checked from outside."""
    start = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--timeout", "2", RUNAWAY, "--store", str(built_store)],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert time.monotonic() - start < 8
    assert (p.returncode, p.stdout) == (1, b"")
    assert p.stderr.decode().splitlines() == ["kg: error: query timed out: stopped after 2 s"]


def test_an_unguarded_script_is_not_run_again_in_the_worker(tmp_path, sample):
    """multiprocessing re-imports the caller's __main__ in a child; a page script has no main guard."""
    script = tmp_path / "page.py"
    script.write_text(
        "from kg.safety import run_user_query\n"
        "print('page ran', flush=True)\n"
        f"print(len(run_user_query({str(sample)!r}, 'SELECT * {{ ?s ?p ?o }}').result), flush=True)\n",
        encoding="utf-8",
    )
    p = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout, p.stderr) == (0, "page ran\n18\n", "")


NETWORK_PROBE = """
import sys, pyoxigraph as ox
from kg.safety.sandbox import isolate_network
print(isolate_network())
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }"))
except Exception as e:
    print(type(e).__name__, e)
"""


def test_worker_network_isolation_stops_a_service_that_got_past_the_check():
    """Belt and braces: in the worker's network namespace even a SERVICE call reaches nothing."""
    import http.server

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        p = subprocess.run(
            [sys.executable, "-c", NETWORK_PROBE % url], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
    isolated, _, outcome = p.stdout.partition("\n")
    if isolated != "True":
        pytest.skip("no network namespaces here (not Linux, or unprivileged user namespaces disabled)")
    assert hits == [] and "Network is unreachable" in outcome
