"""The headline counts of a patch build, patched from the previous build's (kg/build/counts.py): what a
fresh build counts, and really patched (not counted whole again)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rdflib import URIRef

from kg.build import build, read_build_info
from kg.build.counts import counts_among, nodes_of, patched_counts, with_parts
from kg.locations import BUILD_INFO
from kg.rdf import LINKS_GRAPH
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _corpus(tmp_path: Path, name: str, seeds: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in seeds:
        shutil.copy(f, folder)
    return folder


def test_counts_among_the_touched_nodes_patch_one_build_into_another(tmp_path):
    # Two fresh builds, with and without the township: the nodes of its graph and of the links that
    # differ carry the whole difference of the counts.
    with_township = tmp_path / "four"
    without = tmp_path / "three"
    build([_corpus(tmp_path, "c4", SEEDS[:4])], str(with_township))
    build([_corpus(tmp_path, "c3", [SEEDS[0], *SEEDS[2:4]])], str(without))
    graph = read_build_info(with_township)["files"][1]["graph"]
    with open_store(with_township, read_only=True) as a, open_store(without, read_only=True) as b:
        links_a = set(a.match(graph=LINKS_GRAPH))
        links_b = set(b.match(graph=LINKS_GRAPH))
        nodes = nodes_of(a.match(graph=URIRef(graph))) | nodes_of(links_a ^ links_b)
        nodes = with_parts(a, nodes) | with_parts(b, nodes)
        before, after = counts_among(a, nodes), counts_among(b, nodes)
    info_a, info_b = read_build_info(with_township), read_build_info(without)
    # the township, and the county and city plans only it cites
    assert before["plans"] - after["plans"] == info_a["counts"]["plans"] - info_b["counts"]["plans"] == 3
    patched = patched_counts(info_a["counts"], before, after, info_b["triples"])
    assert patched == info_b["counts"]
    # ... and back
    assert patched_counts(info_b["counts"], after, before, info_a["triples"]) == info_a["counts"]


def test_a_patch_build_counts_from_the_previous_counts(tmp_path):
    # The previous build.json's counts shifted by hand: a patch carries the shift (it counted only
    # what it changed), a fresh build does not.
    corpus = _corpus(tmp_path, "plans", SEEDS[:4])
    store = tmp_path / "store"
    build([corpus], str(store))
    fresh = read_build_info(store)["counts"]
    aside = tmp_path / SEEDS[1].name
    shutil.move(corpus / SEEDS[1].name, aside)
    assert build([corpus], str(store)).mode == "incremental"
    removed = read_build_info(store)["counts"]
    assert removed["plans"] == fresh["plans"] - 3
    assert removed["heldPlans"] == fresh["heldPlans"] - 1

    info = json.loads((store / BUILD_INFO).read_text(encoding="utf-8"))
    info["counts"]["plans"] += 1000
    info["counts"]["departments"] += 7
    (store / BUILD_INFO).write_text(json.dumps(info), encoding="utf-8")
    shutil.move(aside, corpus / SEEDS[1].name)
    assert build([corpus], str(store)).mode == "append"
    counts = read_build_info(store)["counts"]
    assert counts["plans"] == fresh["plans"] + 1000
    assert counts["departments"] == fresh["departments"] + 7
    assert {k: v for k, v in counts.items() if k not in ("plans", "departments")} == {
        k: v for k, v in fresh.items() if k not in ("plans", "departments")
    }
