"""Shared fixtures: a small hand-built graph, and the seed corpus built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
SEEDS = sorted(PLANS.glob("*.txt"))

HC = Namespace("https://w3id.org/healthy-china/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ID = Namespace("https://w3id.org/healthy-china/id/")
GRAPH_A = ID["graph/a"]
GRAPH_B = ID["graph/b"]


def sample_graphs() -> dict:
    """Two documents: plan A (2 actions, a dated, Chinese-titled plan) and plan B (1 action).

    Plan A's second action is described in graph B, so only the union graph sees both of A's actions.
    """
    a = Graph()
    pa, pb = ID["plan/A"], ID["plan/B"]
    a.add((pa, RDF.type, HC.Plan))
    a.add((pa, ELI.title, Literal("健康晋城行动", lang="zh")))
    a.add((pa, ELI.id_local, Literal("晋市政发〔2020〕17号")))
    a.add((pa, ELI.date_document, Literal("2020-06-01", datatype=XSD.date)))
    a.add((pa, HC.held, Literal(True)))
    for n in (1, 2):
        act = ID[f"plan/A/action/{n}"]
        a.add((pa, ELI.has_part, act))
        a.add((act, HC.ordinal, Literal(n)))
    a.add((ID["plan/A/action/1"], RDF.type, HC.Action))
    a.add((ID["plan/A/action/1"], RDFS.label, Literal("健康知识普及行动", lang="zh")))

    b = Graph()
    b.add((ID["plan/A/action/2"], RDF.type, HC.Action))
    b.add((pb, RDF.type, HC.Plan))
    b.add((pb, ELI.title, Literal("Plan B")))
    b.add((pb, HC.held, Literal(True)))
    b.add((pb, ELI.has_part, ID["plan/B/action/1"]))
    b.add((ID["plan/B/action/1"], RDF.type, HC.Action))
    b.add((ID["plan/B/action/1"], HC.ordinal, Literal(1)))
    return {GRAPH_A: a, GRAPH_B: b}


def as_nquads(graphs: dict) -> dict:
    """Named graph IRI -> rdflib Graph, as the stores take graphs: IRI -> N-Quads bytes."""
    out = {}
    for iri, g in graphs.items():
        lines = g.serialize(format="nt", encoding="utf-8").splitlines()
        out[iri] = b"".join(ln[:-1].rstrip() + f" <{iri}> .\n".encode() for ln in lines if ln.strip())
    return out


def sample_nquads() -> dict:
    """:func:`sample_graphs` as N-Quads bytes per named graph."""
    return as_nquads(sample_graphs())


@pytest.fixture
def graphs() -> dict:
    return sample_graphs()


@pytest.fixture(params=["oxigraph", "memory"])
def store(request, tmp_path):
    """Each backend, filled with the sample graphs (the Oxigraph one on disk)."""
    from kg.store import open_store

    s = open_store(tmp_path / "store") if request.param == "oxigraph" else open_store("memory")
    s.replace_all(sample_nquads())
    yield s
    s.close()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """The seed corpus built once into a folder store (copy it before changing it)."""
    from kg.build import build

    path = tmp_path_factory.mktemp("corpus") / "store"
    build([PLANS], str(path))
    return path


@pytest.fixture
def store_copy(built_store, tmp_path) -> Path:
    """A private copy of the built corpus store."""
    dst = tmp_path / "store"
    shutil.copytree(built_store, dst, ignore=shutil.ignore_patterns("LOCK"))
    return dst
