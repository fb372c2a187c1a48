"""Scoped re-linking (removing or editing plans re-links only what they can reach), the text-reuse
cache and the links mirror's removal parts: after any sequence of edits, the store a fresh build
writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build import LINKS_DIR, build, read_build_info
from kg.build.links_mirror import mirror_lines
from kg.build.reuse_cache import REUSE_DIR, ReuseCache
from kg.link.reuse import text_reuse
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))
JINCHENG, JIAFENG = SEEDS[0].name, SEEDS[1].name  # a city, and a township below it
SMOKING = "利用世界无烟日等卫生健康主题日开展控烟宣传"  # in both: the township repeats the city's action
# the city's first clause of that action, and one the township's action does not repeat
CLAUSE = SMOKING + "，禁止向未成年人销售烟草制品，加大违法发布烟草广告查处力度"
UNLIKE = "每年组织开展烟草危害专题讲座"
# phrases of the seeds' action paragraphs, which generated plans reuse (one of them is in each)
ACTION_PHRASES = (
    "禁止向未成年人销售烟草制品",
    "普及科学健身知识",
    "开展控烟宣传",
    "营养和膳食指导",
    "健康教育",
)


def _export(store: Path) -> bytes:
    with open_store(str(store), read_only=True) as s:
        return s.export("nquads")


def assert_as_a_fresh_build(store: Path, corpus: Path, fresh: Path) -> None:
    """The store holds the graph a fresh build writes, its mirror the same lines, its build.json the
    same counts."""
    shutil.rmtree(fresh, ignore_errors=True)
    build([corpus], str(fresh))
    assert _export(store) == _export(fresh)
    assert mirror_lines(store / LINKS_DIR) == mirror_lines(fresh / LINKS_DIR)
    ours, theirs = read_build_info(store), read_build_info(fresh)
    assert (ours["triples"], ours["counts"]) == (theirs["triples"], theirs["counts"])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in SEEDS[:4]:
        shutil.copy(f, plans)
    return plans


def test_removing_a_township_relinks_its_scope_and_equals_a_fresh_build(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    shutil.move(corpus / JIAFENG, tmp_path / JIAFENG)
    res = build([corpus], str(store))
    info = read_build_info(store)
    # Scoped: the township and the city it derives from, not the other two cities.
    assert (res.mode, info["relinked"]) == ("incremental", 2)
    removed, added = res.links_changed
    assert removed > 200 and added == 0
    assert (store / LINKS_DIR / "0001.del").read_bytes().count(b"\n") == removed
    assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")

    # Added back: an append build, and again what a fresh build writes.
    shutil.move(tmp_path / JIAFENG, corpus / JIAFENG)
    assert build([corpus], str(store)).mode == "append"
    assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")


def test_editing_a_city_action_relinks_the_plans_below_it(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    _edit(corpus / JINCHENG, CLAUSE, UNLIKE)
    res = build([corpus], str(store))
    info = read_build_info(store)
    # The city, the township below it (through the county plan it cites), nothing else.
    assert (res.mode, res.extracted, info["relinked"]) == ("incremental", 1, 2)
    # The township's smoking action repeats less of its parent's now: its reuse and passages change.
    removed, added = res.links_changed
    assert removed > 0 and added > 0
    assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")


def test_editing_a_township_action_changes_only_its_own_links(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    _edit(corpus / JIAFENG, SMOKING, "利用世界无烟日开展控烟宣传")
    res = build([corpus], str(store))
    assert (res.mode, read_build_info(store)["relinked"]) == ("incremental", 2)
    assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")


def test_an_edit_that_changes_a_plans_title_relinks_the_corpus(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    _edit(corpus / JINCHENG, "关于推进健康晋城建设的实施意见", "关于加快推进健康晋城建设的实施意见")
    res = build([corpus], str(store))
    assert res.mode == "incremental" and "relinked" not in read_build_info(store)
    assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")


def test_a_sequence_of_edits_equals_a_fresh_build_after_each(corpus, tmp_path):
    store = tmp_path / "store"
    fresh = tmp_path / "fresh"
    build([corpus], str(store))
    steps = [
        lambda: _edit(corpus / JIAFENG, SMOKING, "利用世界无烟日开展控烟宣传"),
        # 聊城: nothing derives from it, but 淄博 from the 山东 plan only 聊城 cites (the corpus re-linked)
        lambda: (corpus / SEEDS[2].name).unlink(),
        lambda: _edit(corpus / JINCHENG, CLAUSE, UNLIKE),
        # 聊城 back: it cites 山东's plan, which becomes the parent of the stored 淄博 (not an append)
        lambda: shutil.copy(SEEDS[2], corpus),
        lambda: (corpus / JINCHENG).unlink(),  # a plan with one below it: the corpus re-linked
        lambda: shutil.copy(SEEDS[0], corpus),
    ]
    ways = []
    for change in steps:
        change()
        res = build([corpus], str(store))
        ways.append(read_build_info(store).get("relinked") or res.mode)
        assert_as_a_fresh_build(store, corpus, fresh)
    assert ways == [2, "incremental", 2, "incremental", "incremental", "incremental"]


def test_the_reuse_cache_answers_as_reuse_share_and_is_kept_with_the_store(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], str(store))
    shards = sorted((store / REUSE_DIR).iterdir())
    assert shards  # the full build kept what it compared
    cache = ReuseCache(store)
    child, parent = SMOKING + "，禁止向未成年人销售烟草制品。", SMOKING + "。"
    direct = text_reuse(
        child, parent, child_places=("嘉峰镇", "嘉峰"), parent_places=("晋城市", "晋城")
    ).share
    assert direct == 1.0  # one clause (a comma does not end one), close enough to the parent's
    assert (
        cache.share(child, parent, child_places=("嘉峰镇", "嘉峰"), parent_places=("晋城市", "晋城"))
        == direct
    )
    assert len(cache.new) == 1
    again = tmp_path / "again"
    cache.write(again, keep_old=True)
    reread = ReuseCache(again)
    assert (
        reread.share(child, parent, child_places=("嘉峰镇", "嘉峰"), parent_places=("晋城市", "晋城"))
        == direct
    )
    assert not reread.new  # read from the cache, not compared again
    # Only what a whole re-link used is kept by it: this one pair, nothing of the store's.
    only = tmp_path / "only"
    reread.write(only, keep_old=False)
    assert len(list((only / REUSE_DIR).iterdir())) == 1


def test_the_mirror_applies_its_removal_parts_in_order(tmp_path):
    links = tmp_path / LINKS_DIR
    links.mkdir()
    (links / "0000.nq").write_bytes(b"a\nb\nc\n")
    (links / "0001.del").write_bytes(b"b\n")
    (links / "0001.nq").write_bytes(b"d\n")
    (links / "0002.del").write_bytes(b"d\n")
    (links / "0003.nq").write_bytes(b"b\n")
    assert mirror_lines(links) == {b"a\n", b"b\n", b"c\n"}


def test_edits_down_a_generated_cascade_are_scoped_and_equal_a_fresh_build(tmp_path):
    """A county with its townships, a sibling county, their city and province (and another province)
    from the benchmark corpus: what national-scale edits are (a township removed and added back, a
    county's and a province's action text edited) is re-linked in scope each time."""
    from bench.corpus import Material
    from bench.generate import generate, specs

    material = Material()
    plan_list = specs(3300, 7, material)
    townships = [s for s in plan_list if s.level == "township" and s.parent.parent.parent is not None]
    county = townships[0].parent
    city = county.parent
    picks = [s for s in plan_list if s.parent is county or s.parent is city][:4]
    picks += [townships[0], next(s for s in plan_list if s.level == "province" and s is not city.parent)]
    wanted = set()
    for s in picks:
        while s is not None:
            wanted.add(s.file)
            s = s.parent
    corpus = tmp_path / "plans"
    rows = generate(corpus, 3300, 7, material=material, select=lambda s: s.file in wanted)
    (corpus / "MANIFEST.csv").unlink()
    by_level = {r["level"]: r["file"] for r in rows}
    township = townships[0].file
    county_file, province_file = county.file, city.parent.file
    store = tmp_path / "store"
    build([corpus], str(store))

    def action_text_edit(name: str) -> None:
        path = corpus / name
        text = path.read_text(encoding="utf-8")
        phrase = next(p for p in ACTION_PHRASES if p in text)
        path.write_text(text.replace(phrase, "每年组织开展烟草危害专题讲座", 1), encoding="utf-8")

    ways = []
    for change in (
        lambda: shutil.move(corpus / township, tmp_path / township),
        lambda: action_text_edit(county_file),
        lambda: shutil.move(tmp_path / township, corpus / township),
        lambda: action_text_edit(province_file),
        lambda: (corpus / by_level["county"]).unlink() if by_level["county"] != county_file else None,
    ):
        change()
        res = build([corpus], str(store))
        ways.append(res.mode if res.mode != "incremental" else read_build_info(store).get("relinked"))
        assert_as_a_fresh_build(store, corpus, tmp_path / "fresh")
    assert ways[2] == "append" and all(isinstance(w, int) for w in ways[:2] + ways[3:4]), ways
