"""Incremental builds, the build lock, and builds killed midway."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build import LINKS_DIR, build, read_build_info
from kg.build.links_mirror import mirror_lines
from kg.cli import main
from kg.errors import KGError
from kg.rdf import BASE
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _export(store: Path) -> str:
    s = open_store(str(store), read_only=True)
    try:
        return s.export("nquads")
    finally:
        s.close()


def assert_as_a_fresh_build(store: Path, paths: list[Path], fresh: Path) -> Path:
    """The store holds the very graph a fresh build of ``paths`` (into ``fresh``) writes."""
    build(paths, str(fresh))
    assert _export(store) == _export(fresh)
    return fresh


def graph_quads(store_path: Path) -> dict[str, set]:
    s = open_store(str(store_path), read_only=True)
    try:
        out: dict[str, set] = {}
        for q in s.quads():
            out.setdefault(str(q[3]), set()).add(q[:3])
        return out
    finally:
        s.close()


def assert_mirror_is_the_store(store_path: Path) -> int:
    """The links mirror (all its parts) holds exactly the store's corpus-level quads; returns their number."""
    from kg.store import scratch_store

    scratch = scratch_store()  # in a store, as Oxigraph normalises literals (1.0 as 1) on writing
    scratch.load_nquads(b"".join(sorted(mirror_lines(store_path / LINKS_DIR))))
    mirrored = set(scratch.quads())
    links, reference = str(BASE["graph/links"]), str(BASE["graph/reference-"])
    with open_store(str(store_path), read_only=True) as live:
        stored = {q for q in live.quads() if str(q[3]).startswith((links, reference))}
    assert mirrored == stored
    return len(stored)


@pytest.fixture
def corpus(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in SEEDS[:4]:
        shutil.copy(f, plans)
    return plans


def test_adding_a_document_rewrites_only_its_graph_and_the_links(corpus, tmp_path):
    store = tmp_path / "store"
    first = build([corpus], str(store))
    assert (first.extracted, first.replaced) == (4, 4)
    before = graph_quads(store)

    shutil.copy(SEEDS[4], corpus)
    added = build([corpus], str(store))
    assert (added.documents, added.extracted, added.replaced, added.removed) == (5, 1, 1, 0)
    assert added.mode == "append"  # 长春 is a leaf: linked alone, nothing else re-linked
    after = graph_quads(store)

    new_graph = str(BASE["graph/004-e80d3234836daec5"])
    links = str(BASE["graph/links"])
    changed = {g for g in after.keys() | before.keys() if after.get(g) != before.get(g)}
    assert changed == {new_graph, links}
    assert before[links] < after[links]  # the links graph only gained the new plan's links
    info = read_build_info(store)
    assert info["incremental"] is True and info["replaced_graphs"] == [new_graph]
    # The links mirror gained a part holding exactly the added link quads.
    parts = sorted(p.name for p in (store / LINKS_DIR).iterdir())
    assert parts == ["0000.nq", "0001.nq"]
    assert len((store / LINKS_DIR / "0001.nq").read_bytes().splitlines()) == len(after[links] - before[links])
    reference = str(BASE["graph/reference-"])
    corpus_level = sum(len(q) for g, q in after.items() if g == links or g.startswith(reference))
    assert corpus_level > len(after[links]) > 1000  # the links and the reference graphs, all mirrored
    assert assert_mirror_is_the_store(store) == corpus_level

    assert_as_a_fresh_build(store, [ROOT / "data" / "plans"], tmp_path / "fresh")

    # Then a removal re-links the township's scope and adds a part of the lines it removed.
    (corpus / SEEDS[1].name).unlink()
    removed = build([corpus], str(store))
    assert removed.mode == "incremental" and removed.links_changed[1] == 0
    assert sorted(p.name for p in (store / LINKS_DIR).iterdir()) == ["0000.nq", "0001.nq", "0002.del"]
    assert len((store / LINKS_DIR / "0002.del").read_bytes().splitlines()) == removed.links_changed[0]
    assert_mirror_is_the_store(store)
    fresh = assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh-4")
    assert mirror_lines(store / LINKS_DIR) == mirror_lines(fresh / LINKS_DIR)


def test_a_plan_above_stored_plans_relinks_the_corpus(tmp_path):
    """Adding 晋城's city plan under the stored 嘉峰镇 township plan changes the township's parent: the
    append path must not be taken, and the result is still that of a fresh build."""
    corpus = tmp_path / "plans"
    corpus.mkdir()
    shutil.copy(SEEDS[1], corpus)  # 嘉峰镇 (township)
    shutil.copy(SEEDS[2], corpus)
    store = tmp_path / "store"
    build([corpus], str(store))
    shutil.copy(SEEDS[0], corpus)  # 晋城市 (city above 嘉峰镇)
    added = build([corpus], str(store))
    assert (added.mode, added.extracted, added.replaced) == ("incremental", 1, 1)
    assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh")


def test_unchanged_corpus_extracts_nothing_and_removed_files_lose_their_graph(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    folder = store.stat().st_ino  # a build that writes swaps in a new folder
    again = build([corpus], str(store))
    assert (again.extracted, again.replaced, again.removed, again.mode) == (0, 0, 0, "unchanged")
    assert store.stat().st_ino == folder  # nothing re-linked or written
    assert build([corpus], str(store), incremental=False).mode == "full"
    assert store.stat().st_ino != folder
    before = graph_quads(store)

    (corpus / SEEDS[1].name).unlink()
    removed = build([corpus], str(store))
    assert (removed.documents, removed.removed, removed.mode) == (3, 1, "incremental")
    graphs = graph_quads(store)
    gone = str(BASE["graph/001-e3cc1c46042f0e3f"])
    assert gone not in graphs
    assert str(BASE["graph/000-118f31c14681ba11"]) in graphs
    # The re-linked corpus's links were diffed against the previous build's: only quads left the
    # links graph, those about the removed township (its derivation, its actions' themes and
    # implementations) and about the nodes only it named (its region, its issuer, what it cited).
    links = str(BASE["graph/links"])
    assert removed.links_changed == (len(before[links] - graphs[links]), 0)
    township = str(BASE["doc/嘉政发-2023-27"])
    about = [q for q in before[links] if str(q[0]).startswith(township)]
    # each of its 18 actions had a theme and an implementation, and every quad about them left
    assert len({q[0] for q in about}) > 18 and set(about) <= before[links] - graphs[links]
    assert not any(str(q[0]).startswith(township) for q in graphs[links])
    assert read_build_info(store)["links_changed"] == list(removed.links_changed)

    fresh = assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh")
    # The links mirror holds the lines a full build writes.
    assert mirror_lines(store / LINKS_DIR) == mirror_lines(fresh / LINKS_DIR)


def test_a_damaged_store_is_rebuilt_not_patched(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    (store / "CURRENT").write_text("junk\n")  # RocksDB's pointer to its manifest, damaged
    with pytest.raises(KGError, match=r"cannot open store: .*Corruption.*kg build --full"):
        open_store(str(store), read_only=True)
    res = build([corpus], str(store))  # the files are unchanged, the database is not
    assert (res.mode, res.extracted) == ("full", 4)
    assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh")


def test_a_store_without_a_links_mirror_is_relinked_whole_and_gets_one(corpus, tmp_path):
    """A store written before the mirror existed: the links graphs are replaced whole, once."""
    store = tmp_path / "store"
    build([corpus], str(store))
    shutil.rmtree(store / LINKS_DIR)
    shutil.copy(SEEDS[4], corpus)  # a leaf plan: appended, and no partial mirror is started
    assert build([corpus], str(store)).mode == "append"
    assert not (store / LINKS_DIR).exists()
    (corpus / SEEDS[1].name).unlink()
    res = build([corpus], str(store))
    assert (res.mode, res.links_changed) == ("incremental", None)
    assert sorted(p.name for p in (store / LINKS_DIR).iterdir()) == ["0000.nq"]
    fresh = assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh")
    assert (store / LINKS_DIR / "0000.nq").read_bytes() == (fresh / LINKS_DIR / "0000.nq").read_bytes()


def test_a_file_named_like_a_corpus_level_graph_is_refused(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    before = _export(store)
    shutil.copy(SEEDS[4], corpus / "links.txt")  # its graph would be <graph/links>
    with pytest.raises(
        KGError, match=r"links\.txt: its named graph <.*graph/links> is reserved \(the ontology, links or"
    ):
        build([corpus], str(store))
    assert _export(store) == before


def test_a_changed_file_is_extracted_again(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    path = corpus / SEEDS[0].name
    path.write_text(
        path.read_text(encoding="utf-8").replace("市卫健委负责", "市卫健委、市残联负责"), encoding="utf-8"
    )
    res = build([corpus], str(store))
    assert (res.extracted, res.replaced) == (1, 1)
    pg = open_store(str(store), read_only=True)
    rows = pg.query(
        "SELECT ?name WHERE { ?p eli:has_part ?a . ?a hc:ordinal 10 ; hc:responsibility ?r . "
        "?r hc:role hc:Lead ; hc:department/rdfs:label ?name . "
        "?p eli:id_local '晋市政发〔2020〕17号' } ORDER BY ?name"
    ).rows
    assert rows == [("市卫健委",), ("市残联",)]
    pg.close()
    # A participating department is part of the document's graph: the re-linked corpus's links are
    # the same quads as before, and nothing is written to the links graph.
    assert (res.mode, res.links_changed) == ("incremental", (0, 0))
    assert_as_a_fresh_build(store, [corpus], tmp_path / "fresh")


def test_two_builds_at_once_are_refused_with_a_clear_message(corpus, tmp_path):
    import fcntl

    store = tmp_path / "store"
    lock = tmp_path / ".store.lock"
    with open(lock, "w") as held:  # another build holds the lock
        held.write("pid 4242")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(KGError, match=r"another build is running \(pid 4242\)"):
            build([corpus], str(store))
    assert not store.exists()
    build([corpus], str(store))  # the lock is free again
    assert not lock.exists()


def _generate(n: int, out: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--plans", str(n), "--out", str(out)],
        check=True,
    )


def test_a_build_killed_midway_leaves_the_previous_graph_intact(tmp_path, capsys):
    store = tmp_path / "store"
    assert main(["build", str(ROOT / "data" / "plans"), "--store", str(store)]) == 0
    capsys.readouterr()
    big = tmp_path / "big"
    _generate(200, big)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(big), "--store", str(store)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(3.0)  # extraction of 200 plans takes longer than this
    assert proc.poll() is None, "the build finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    assert main(["query", "--name", "actions_per_plan", "--format", "csv", "--store", str(store)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 + 5  # header and the five seed plans, as before
    # the next build cleans up after the killed one and succeeds
    assert main(["build", str(ROOT / "data" / "plans"), "--store", str(store)]) == 0
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["big", "store"]


def test_a_preview_shows_what_an_append_build_then_adds(tmp_path):
    """嘉峰镇 previewed against a store of 晋城, 聊城 and 淄博: its chain up to the national plan, through
    the same linking as the append build that then adds it, and nothing written meanwhile."""
    from kg.build import preview
    from kg.queries import load_query
    from kg.rdf import record_plan_iri

    corpus = tmp_path / "plans"
    corpus.mkdir()
    for seed in (SEEDS[0], SEEDS[2], SEEDS[3]):
        shutil.copy(seed, corpus)
    store = tmp_path / "store"
    build([corpus], str(store))
    before = (store / "build.json").read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    seen = preview([SEEDS[1], empty], store=store)
    assert [r.file for r in seen.records] == [SEEDS[1].name]
    assert [(r.file, r.reason) for r in seen.refused] == [("empty.txt", "empty file")]
    chain = [(n.doc_number, n.held) for n in seen.chain(seen.records[0])]
    assert chain == [
        ("沁政办发〔2021〕4号", False),
        ("晋市政发〔2020〕17号", True),
        ("晋政发〔2019〕27号", False),
        ("国发〔2019〕13号", False),
    ]
    assert seen.context == 1  # linked with the stored 晋城 plan alone
    assert (store / "build.json").read_bytes() == before

    shutil.copy(SEEDS[1], corpus)
    assert build([corpus], str(store)).mode == "append"
    with open_store(str(store), read_only=True) as s:
        rows = s.query(
            load_query("trace_plans"), bindings={"start": record_plan_iri(seen.records[0])}
        ).records()
    assert [(r["docNumber"], r["held"]) for r in rows[1:]] == chain


def test_record_warnings_are_kept_in_build_json_entries():
    import dataclasses

    from kg.build.summary import file_entry, record_warnings
    from kg.extract import extract_file

    record = dataclasses.replace(extract_file(SEEDS[1]), warnings=("kept without numbered actions",))
    entry = file_entry(SEEDS[1], record)
    assert (entry["file"], entry["warnings"]) == (SEEDS[1].name, ["kept without numbered actions"])
    assert record_warnings([record]) == [(SEEDS[1].name, "kept without numbered actions")]
