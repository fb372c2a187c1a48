"""The summaries a build keeps beside the store (kg/summaries): equal to the SPARQL answers on the
seeds, never read when stale, and rewritten by append and remove builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from kg.api import DepartmentCount, TargetComparison, frame
from kg.build import build
from kg.summaries import SUMMARY_DIR, TABLES, is_fresh, read_stamp, read_table

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _ranking(df) -> list[tuple]:
    return [(str(t), int(a), int(p)) for t, a, p in df[["type", "actions", "plans"]].itertuples(index=False)]


def _named_ranking(g, **filters) -> list[tuple]:
    """top_departments by SPARQL (the named query), as _ranking gives it."""
    return [
        (str(r["type"]), int(r["actions"]), int(r["plans"]))
        for r in g.named("top_departments", **filters).records()
    ]


def _rows(df) -> list[tuple]:
    import pandas as pd

    return sorted(tuple("" if pd.isna(v) else str(v) for v in r) for r in df.astype(object).values)


# the tables kept in their query's order; the others' order is the records' (a fresh build's) or
# the kept rows' then the new ones' (a patch's), and is compared as sorted text
ORDERED = ("plans", "hierarchy", "targets", "department_types", "matrix", "cells")


def _assert_same_table(patched, fresh, name: str) -> None:
    """A patched summary table is a fresh build's: the same columns, types (category lists
    included), values and, for :data:`ORDERED` tables, order."""
    import pandas as pd

    if name not in ORDERED:
        order = lambda df: df.iloc[sorted(range(len(df)), key=lambda i: _row_text(df, i))]  # noqa: E731
        patched, fresh = order(patched), order(fresh)
    pd.testing.assert_frame_equal(patched.reset_index(drop=True), fresh.reset_index(drop=True), obj=name)


def _row_text(df, i: int) -> tuple:
    import pandas as pd

    return tuple("" if pd.isna(v) else str(v) for v in df.iloc[i])


def test_a_build_writes_fresh_summaries(built_store):
    assert is_fresh(built_store)
    stamp = read_stamp(built_store)
    for name in TABLES:
        assert (built_store / SUMMARY_DIR / f"{name}.parquet").exists()
        assert len(read_table(built_store, name)) == stamp["rows"][name]


@pytest.mark.parametrize("level", [None, "city", "township"])
@pytest.mark.parametrize("role", ["any", "lead", "participant"])
def test_department_counts_equal_the_named_query(built_store, level, role):
    with kg.open(str(built_store)) as g:
        assert g.summaries_fresh()
        want = _named_ranking(g, level=level, role=None if role == "any" else role)
        assert _ranking(g.department_counts(level=level, role=role)) == want
        assert _ranking(frame(g.top_departments(level=level, role=role), DepartmentCount)) == want


def test_department_counts_of_one_plan_equal_the_named_query(built_store):
    with kg.open(str(built_store)) as g:
        plan = str(g.resolve_plan("聊城市"))
        want = _named_ranking(g, plan=plan)
        assert want and _ranking(g.department_counts(plan=plan)) == want
        assert _ranking(frame(g.top_departments(plan="聊城市"), DepartmentCount)) == want


def test_department_kinds_and_bodies_are_counted_apart(built_store):
    with kg.open(str(built_store)) as g:
        c = g.headline_counts()
        kinds = len(g.top_departments())  # canonical types with a responsibility
        bodies = g.named("build_counts").records()[0]["departments"]
    assert c["department_kinds"] == kinds == read_stamp(built_store)["counts"]["department_kinds"]
    assert c["department_bodies"] == bodies
    assert kinds < bodies  # every city's own 卫健委 is one body of the one kind "health"
    # the five held seed plans: 晋城 19, 淄博 19, 聊城 15, 长春 16 and 嘉峰镇 18 actions
    assert c["heldPlans"] == 5 and c["actions"] == 19 + 19 + 15 + 16 + 18


@pytest.mark.parametrize("indicator", ["居民健康素养水平", "人均预期寿命", "率"])
def test_target_table_equals_the_named_query(built_store, indicator):
    with kg.open(str(built_store)) as g:
        want = frame(g.targets(indicator=indicator), TargetComparison)
        got = g.target_table(indicator=indicator)
    assert len(want) > 0 and _rows(got) == _rows(want)


def test_liaocheng_2022_health_literacy_is_stricter_from_the_summary(built_store):
    # 聊城: 居民健康素养水平 2022 ≥ 24% against the national ≥ 22%
    with kg.open(str(built_store)) as g:
        t = g.target_table(indicator="居民健康素养水平")
    row = t[(t["region"] == "聊城市") & (t["year"] == 2022)]
    assert list(row["verdict"]) == ["stricter"]


def test_indicator_counts_equal_the_named_query(built_store):
    with kg.open(str(built_store)) as g:
        want = [(str(n), int(p)) for n, p in g.named("indicator_names").rows]
        got = [(str(n), int(p)) for n, p in g.indicator_counts().itertuples(index=False)]
    assert got == want


def test_plan_tree_places_a_township_under_its_county_city_and_province(built_store):
    with kg.open(str(built_store)) as g:
        tree = g.plan_tree()
        hierarchy = {str(r["plan"]) for r in g.named("hierarchy").records()}
    assert set(tree["plan"]) == hierarchy
    # 嘉峰镇's plan derives from 沁水县's (沁政办发〔2021〕4号), which derives from 晋城市's
    jiafeng = tree[tree["region"] == "嘉峰镇"].iloc[0]
    assert (jiafeng["province"], jiafeng["city"], jiafeng["county"]) == ("山西省", "晋城市", "沁水县")
    assert int(jiafeng["actions"]) == 18
    shanxi = g.plan_tree(province="山西省")
    assert set(shanxi["region"]) == {"山西省", "晋城市", "沁水县", "嘉峰镇"}


def test_a_stale_stamp_is_not_read(store_copy):
    info = store_copy / "build.json"
    info.write_text(info.read_text(encoding="utf-8") + " ", encoding="utf-8")  # another build's
    assert not is_fresh(store_copy)
    assert read_table(store_copy, "hierarchy") is None
    (store_copy / SUMMARY_DIR / "responsibilities.parquet").write_bytes(b"not a table")
    with kg.open(str(store_copy)) as g:  # recomputed by SPARQL, the damaged file never read
        assert not g.summaries_fresh()
        assert _ranking(g.department_counts()) == _ranking(frame(g.top_departments(), DepartmentCount))


def test_summaries_follow_append_and_remove_builds(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in SEEDS[:3]:  # 晋城市, 嘉峰镇, 聊城市
        shutil.copy(f, plans)
    store = tmp_path / "store"
    build([plans], str(store))
    regions = lambda: set(read_table(store, "hierarchy").query("held == True")["region"])  # noqa: E731
    assert regions() == {"晋城市", "嘉峰镇", "聊城市"}

    shutil.copy(SEEDS[3], plans)  # 淄博市: an append build
    result = build([plans], str(store))
    assert result.mode != "full" and is_fresh(store) and read_stamp(store)["incremental"]
    assert regions() == {"晋城市", "嘉峰镇", "聊城市", "淄博市"}
    zibo = read_table(store, "responsibilities").query("plan == 'hcid:doc/淄政发-2021-5'")
    assert len(zibo) > 0

    (plans / SEEDS[2].name).unlink()  # 聊城市 removed: an incremental build
    result = build([plans], str(store))
    assert result.mode != "full" and is_fresh(store) and read_stamp(store)["incremental"]
    assert regions() == {"晋城市", "嘉峰镇", "淄博市"}
    assert "聊城市" not in set(read_table(store, "targets")["region"].dropna())

    fresh = tmp_path / "fresh"  # updated plan by plan, the tables are those of a fresh build
    build([plans], str(fresh))
    assert not read_stamp(fresh)["incremental"]
    for name in TABLES:
        _assert_same_table(read_table(store, name), read_table(fresh, name), name)


def _tables_by_sparql(store: Path) -> dict:
    from kg.store import open_store
    from kg.summaries.compute import compute_tables

    with open_store(str(store), read_only=True) as s:
        return compute_tables(s)


def test_a_full_build_counts_from_its_records_what_sparql_counts_on_the_seeds(built_store):
    # The full build reads the responsibilities and targets from its records (kg/summaries/rows.py);
    # every table equals the one the named queries give on the store it wrote.
    assert not read_stamp(built_store)["incremental"]
    by_sparql = _tables_by_sparql(built_store)
    for name in TABLES:
        assert _rows(read_table(built_store, name)) == _rows(by_sparql[name]), name
    assert len(by_sparql["targets"]) == 278 and len(read_table(built_store, "targets")) == 278


def test_a_full_build_counts_from_its_records_what_sparql_counts_on_a_generated_cascade(tmp_path):
    from bench.generate import generate

    corpus = tmp_path / "plans"
    generate(corpus, 60)  # 31 provinces and 29 cities, with annex indicator tables
    store = tmp_path / "store"
    build([corpus], str(store))
    by_sparql = _tables_by_sparql(store)
    for name in TABLES:
        assert _rows(read_table(store, name)) == _rows(by_sparql[name]), name
    built = read_table(store, "targets")
    ranks = [int(r) for r in built["rank"]]  # the query's order: the national source's first
    assert ranks == sorted(ranks) and (ranks[0], ranks[-1]) == (0, 2)


def _in_jincheng(spec) -> bool:
    """山西省, and 晋城市 with the plans below it."""
    node = spec
    while node is not None:
        if node.region.name == "晋城市":
            return True
        node = node.parent
    return spec.region.name == "山西省"


def test_summaries_follow_a_removed_parent_and_an_edited_plan_as_a_fresh_build(tmp_path):
    from bench.generate import generate

    corpus = tmp_path / "plans"
    rows = generate(corpus, 3300, select=_in_jincheng)  # 山西省, 晋城市, its counties and townships
    files = {r["region"]: corpus / r["file"] for r in rows}
    assert {"山西省", "晋城市", "沁水县"} <= set(files)
    store = tmp_path / "store"
    build([corpus], str(store))
    counties = set(read_table(store, "hierarchy").query("level == 'county'")["plan"].astype(str))
    assert counties

    files["晋城市"].unlink()  # the counties' parent: still cited by them, no longer held
    text = files["沁水县"].read_text(encoding="utf-8")
    edited = text.replace("控烟", "禁烟控烟", 1)
    assert edited != text
    files["沁水县"].write_text(edited, encoding="utf-8")
    result = build([corpus], str(store))
    assert result.mode == "incremental" and read_stamp(store)["incremental"]

    tree = read_table(store, "hierarchy")
    city = tree[tree["level"] == "city"]
    assert list(city["held"]) == [False] and list(city["actions"]) == [0]
    below = tree[tree["plan"].astype(str).isin(counties)]
    assert set(below["parent"].astype(str)) == {str(city["plan"].iloc[0])}  # they still derive from it
    assert set(below["city"].astype(str)) == {"晋城市"}

    fresh = tmp_path / "fresh"
    build([corpus], str(fresh))
    assert not read_stamp(fresh)["incremental"]
    for name in TABLES:
        _assert_same_table(read_table(store, name), read_table(fresh, name), name)


def test_a_patch_on_incomplete_summaries_computes_them_anew_and_says_so(tmp_path, caplog):
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in SEEDS[:3]:
        shutil.copy(f, plans)
    store = tmp_path / "store"
    build([plans], str(store))
    (store / SUMMARY_DIR / "hierarchy.parquet").unlink()  # one table lost
    shutil.copy(SEEDS[3], plans)
    with caplog.at_level("WARNING", logger="kg.summaries"):
        result = build([plans], str(store))
    assert result.mode != "full" and not read_stamp(store)["incremental"]
    assert "stale or incomplete (hierarchy)" in caplog.text
    regions = set(read_table(store, "hierarchy").query("held == True")["region"])
    assert regions == {"晋城市", "嘉峰镇", "聊城市", "淄博市"}


@pytest.mark.parametrize(("first", "then"), [(1, 0), (0, 1)])
def test_a_patch_gives_a_fresh_builds_types_to_columns_that_had_no_value(tmp_path, first, then):
    # 嘉峰镇 alone assigns no department (no responsibilities, matrix or cells: tables of no rows);
    # 晋城市 alone has no county above it; each appended to the other gives those columns values
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(SEEDS[first], plans)
    store = tmp_path / "store"
    build([plans], str(store))
    shutil.copy(SEEDS[then], plans)
    result = build([plans], str(store))
    assert result.mode != "full" and is_fresh(store)
    assert len(read_table(store, "cells")) > 0
    fresh = tmp_path / "fresh"
    build([plans], str(fresh))
    for name in TABLES:
        _assert_same_table(read_table(store, name), read_table(fresh, name), name)


def test_a_patch_orders_tied_targets_and_cells_as_a_fresh_build(tmp_path):
    # two plans of one region, level, indicators and years: their targets tie on the query's ORDER
    # BY; the one added sorts first by file name, so a fresh build reads it first
    plans = tmp_path / "plans"
    plans.mkdir()
    text = SEEDS[3].read_text(encoding="utf-8")  # 淄博市
    assert "淄政发〔2021〕5号" in text
    (plans / "b_zibo.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    build([plans], str(store))
    (plans / "a_zibo.txt").write_text(
        text.replace("淄政发〔2021〕5号", "淄政发〔2021〕6号"), encoding="utf-8"
    )
    result = build([plans], str(store))
    assert result.mode != "full" and read_stamp(store)["incremental"]
    targets = read_table(store, "targets")
    assert {"hcid:doc/淄政发-2021-5", "hcid:doc/淄政发-2021-6"} <= set(targets["plan"].astype(str))
    assert targets.duplicated(["rank", "region", "indicatorName", "year"]).any()
    fresh = tmp_path / "fresh"
    build([plans], str(fresh))
    for name in ("targets", "cells"):
        _assert_same_table(read_table(store, name), read_table(fresh, name), name)


def test_a_patch_rewrites_the_rows_of_a_plan_only_cited_that_its_citers_describe(tmp_path):
    # 晋城市 removed, its counties still cite it: a plan only cited, described in the links graph
    # by its citations; the first county's citation then gives it another title
    from bench.generate import generate

    corpus = tmp_path / "plans"
    rows = generate(corpus, 3300, select=_in_jincheng)
    city = next(r for r in rows if r["level"] == "city")
    first = corpus / min(r["file"] for r in rows if r["level"] == "county")
    store = tmp_path / "store"
    build([corpus], str(store))
    (corpus / city["file"]).unlink()
    assert build([corpus], str(store)).mode != "full"
    cited = lambda: read_table(store, "hierarchy").query("level == 'city'")  # noqa: E731
    assert list(cited()["held"]) == [False] and list(cited()["title"]) == [city["title"]]

    text = first.read_text(encoding="utf-8")
    renamed = city["title"].replace("关于推进", "关于深入推进")
    assert f"《{city['title']}》" in text and renamed != city["title"]
    first.write_text(text.replace(f"《{city['title']}》", f"《{renamed}》"), encoding="utf-8")
    result = build([corpus], str(store))
    assert result.mode == "incremental" and read_stamp(store)["incremental"]
    assert list(cited()["held"]) == [False] and list(cited()["title"]) == [renamed]
    plans = read_table(store, "plans")
    assert list(plans[plans["plan"] == cited()["plan"].iloc[0]]["title"]) == [renamed]

    fresh = tmp_path / "fresh"
    build([corpus], str(fresh))
    for name in TABLES:
        _assert_same_table(read_table(store, name), read_table(fresh, name), name)
