"""`GET /queries`: the named queries over HTTP answer the same rows as `kg query --name`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.parse

import pytest
from serve_helpers import CHANGCHUN_TITLE, ROOT, http, kg_serve

from kg.api.bindings import declared
from kg.queries import list_queries
from kg.store import open_store


@pytest.fixture(scope="module")
def base(built_store):
    with kg_serve(built_store, "--timeout", "20") as url:
        yield url.rsplit("/", 1)[0]


@pytest.fixture(scope="module")
def changchun(built_store) -> str:
    with open_store(built_store, read_only=True) as s:
        return str(s.query(f"SELECT ?p WHERE {{ ?p eli:title {json.dumps(CHANGCHUN_TITLE)}@zh }}").rows[0][0])


def cli_rows(store, name: str, binds: dict) -> list[list[str]]:
    args = [sys.executable, "-m", "kg", "query", "--name", name, "--format", "csv", "--store", str(store)]
    for k, v in binds.items():
        args += ["--bind", f"{k}={v}"]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return list(csv.reader(io.StringIO(out)))


def http_rows(base: str, name: str, params: dict, ext: str):
    url = f"{base}/queries/{name}.{ext}" + ("?" + urllib.parse.urlencode(params) if params else "")
    status, body, headers = http(url)
    assert status == 200, body
    if ext == "csv":
        assert headers["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    doc = json.loads(body)
    assert doc["query"] == name and doc["truncated"] is False
    return [doc["columns"]] + [["" if v is None else v for v in row] for row in doc["rows"]]


def test_catalogue_lists_every_named_query_with_its_parameters(base):
    status, body, headers = http(base + "/queries")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    assert set(listed) == set(list_queries())
    assert [p["name"] for p in listed["trace"]["parameters"]] == ["start", "theme"]
    assert listed["indicator_targets"]["parameters"] == [{"name": "name", "takes": "literal"}]
    for name, path in list_queries().items():
        assert listed[name]["title"] == path.title
        assert [p["name"] for p in listed[name]["parameters"]] == list(declared(path.read_text("utf-8")))


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_same_rows_as_kg_query_name(base, built_store, changchun, ext):
    cases = [
        ("actions_per_plan", {}, {}),
        ("top_departments", {"level": "hc:City"}, {"level": "hc:City"}),
        ("plan_actions", {"plan": f"<{changchun}>"}, {"plan": f"<{changchun}>"}),
        ("indicator_targets", {"name": "人均"}, {"name": "人均"}),
    ]
    for name, params, binds in cases:
        expected = cli_rows(built_store, name, binds)
        assert len(expected) > 1, name  # the cases are chosen to have rows
        assert http_rows(base, name, params, ext) == expected, name


def test_a_plan_by_its_title_is_the_plan(base, changchun):
    by_iri = http_rows(base, "plan_actions", {"plan": changchun}, "json")
    by_title = http_rows(base, "plan_actions", {"plan": CHANGCHUN_TITLE}, "json")
    assert by_title == by_iri and len(by_iri) > 1


def test_bad_requests(base):
    status, body, _ = http(f"{base}/queries/plan_actions.json?bogus=1")
    assert status == 400 and b"?bogus" in body and b"?plan" in body
    status, body, _ = http(f"{base}/queries/no_such_query.json")
    assert status == 404 and b"actions_per_plan" in body
    status, _, _ = http(f"{base}/queries/plans.xml")
    assert status == 404
