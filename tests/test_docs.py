"""The ontology's HTML documentation (kg.docs, pyLODE): offline, self-contained, complete, up to date."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import OWL

from kg.docs import PAGE, documented_terms

pytest.importorskip("pylode", reason="pyLODE is not installed (pip install -e '.[docs]')")

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / PAGE


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> str:
    """The page as `python -m kg.docs --out DIR` writes it, in a process with no network."""
    out = tmp_path_factory.mktemp("docs")
    offline = (
        "import socket, sys, runpy\n"
        "def refuse(*a, **k): raise OSError('network access during the documentation build')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "sys.argv = ['kg.docs', '--out', sys.argv[1]]\n"
        "runpy.run_module('kg.docs', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", offline, str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / PAGE)
    return (out / PAGE).read_text(encoding="utf-8")


def test_every_class_and_property_has_a_section(html: str) -> None:
    terms = documented_terms()
    onto = Graph().parse(ROOT / "ontology" / "hc.ttl")
    declared = {
        str(s).split("#")[1]
        for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in onto.subjects(RDF.type, t)
    }
    assert set(terms) == declared and len(declared) > 70
    assert {"Plan", "FieldProvenance", "FieldSource", "derivedFrom", "fieldSource", "planTitle"} <= set(terms)
    ids = set(re.findall(r'\bid="([^"]*)"', html))
    assert sorted(t for t in terms if t not in ids) == []
    for term in terms:
        assert f"https://w3id.org/healthy-china/ontology#{term}</code>" in html, term


def test_no_external_script_stylesheet_or_image(html: str) -> None:
    external = re.findall(
        r'<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]*"', html
    )
    assert external == []
    assert re.findall(r"(?:@import|url\()\s*['\"]?(?:https?:)?//", html) == []
    assert "<style" in html  # the styles are inline


def test_the_page_shows_the_licence_and_the_alignment(html: str) -> None:
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "http://data.europa.eu/eli/ontology#LegalExpression" in html  # hc:Plan's super-class
    # the concept schemes, with their concepts and notations
    assert 'id="FieldSources"' in html and 'id="AdministrativeLevels"' in html
    assert '<a href="#conceptschemes">Concept schemes</a>' in html  # in the table of contents
    assert '<td id="MetadataBlock"><code>hc:MetadataBlock</code></td><td><code>metadata</code></td>' in html


def test_the_committed_page_is_up_to_date(html: str) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == html, "run: python -m kg.docs --out docs"
