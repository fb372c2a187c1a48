"""YASGUI at `kg serve`'s root in headless Chromium: everything it loads comes from this machine, the
named queries are its example tabs, and a query typed and run draws a table of the right rows."""

from __future__ import annotations

import urllib.parse

import pytest
from serve_helpers import CHANGCHUN_TITLE, ZIBO_TITLE, kg_serve
from test_e2e import CHROMIUM, browser_page

from kg.queries import list_queries

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"
)
SEED_PLANS = 5  # the five files of data/plans
TYPED = """PREFIX hc: <https://w3id.org/healthy-china/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?plan ?title WHERE { ?plan a hc:Plan ; hc:held true ; eli:title ?title }"""


@pytest.fixture(scope="module")
def root(built_store):
    with kg_serve(built_store, "--timeout", "20") as url:
        yield url.rsplit("/", 1)[0] + "/"


def test_yasgui_runs_a_typed_query_offline(root):
    requests: list[str] = []
    with browser_page(requests) as page:
        page.goto(root)
        page.locator(".yasqe .CodeMirror").first.wait_for(state="visible")
        tabs = page.locator(".tabsList .tab").all_inner_texts()
        assert set(list_queries()) <= {t.strip().splitlines()[0] for t in tabs if t.strip()}
        page.locator(".yasqe .CodeMirror").first.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(TYPED)
        page.locator(".yasqe_queryButton").first.click()
        rows = page.locator(".yasr table.dataTable tbody tr")
        rows.first.wait_for(state="visible")
        page.wait_for_function(
            f"document.querySelectorAll('.yasr table.dataTable tbody tr').length == {SEED_PLANS}"
        )
        assert rows.count() == SEED_PLANS
        table = page.locator(".yasr table.dataTable tbody").inner_text()
        assert ZIBO_TITLE in table and CHANGCHUN_TITLE in table
    host = urllib.parse.urlsplit(root).netloc
    assert requests and all(urllib.parse.urlsplit(u).netloc == host for u in requests if "://" in u), [
        u for u in requests if urllib.parse.urlsplit(u).netloc != host
    ]
    assert any("/query" in u for u in requests)  # the query went to this endpoint
