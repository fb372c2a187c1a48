"""Regions and administrative levels, from names alone.

A region's level comes from the gazetteer (kg.link.gazetteer: county-level cities such as 高平市
are counties); for names it does not know, from the suffix of the official name (省/自治区 ->
province, 市/自治州/地区/盟 -> city, 县/区/旗 -> county, 镇/乡/街道 -> township).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
NATION = "中国"

_ISSUER_SUFFIX = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|政府|人民代表大会常务委员会|委员会|党委|办公室|办公厅)$"
)
_LEVEL_BY_SUFFIX = (
    (re.compile(r"(?:省|自治区|特别行政区)$"), "province"),
    (re.compile(r"(?:自治州|地区|盟|市)$"), "city"),
    (re.compile(r"(?:自治县|自治旗|县|区|旗|特区|林区)$"), "county"),
    (re.compile(r"(?:镇|乡|街道|苏木|民族乡)$"), "township"),
)


@cache
def provinces() -> tuple[dict[str, str], ...]:
    """Provincial-level divisions (name, short, kind, level) from data/reference/provinces.csv."""
    with open(REFERENCE_DIR / "provinces.csv", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def region_of_issuer(issuer: str | None) -> str | None:
    """晋城市人民政府 -> 晋城市; 国务院 -> 中国; anything unrecognised -> None."""
    if not issuer:
        return None
    if issuer.startswith("国务院"):
        return NATION
    region = _ISSUER_SUFFIX.sub("", issuer)
    if region != issuer and level_of_region(region):
        return region
    return None


def level_of_region(region: str | None) -> str | None:
    """The administrative level of a region: from the gazetteer (so 高平市, a county-level city, is
    a county), else from the suffix of its name."""
    if not region:
        return None
    if region in (NATION, "中华人民共和国", "全国"):
        return "national"
    if any(region == p["name"] for p in provinces()):
        return "province"
    from kg.link import gazetteer

    known = gazetteer.level_of(region)
    if known:
        return known
    for pattern, level in _LEVEL_BY_SUFFIX:
        if pattern.search(region):
            return level
    return None


def province_mentions(text: str, region: str | None = None) -> str | None:
    """The province a plan belongs to: itself if it is one, else the province its text names most."""
    if region and level_of_region(region) == "province":
        return region
    counts: Counter[str] = Counter()
    for p in provinces():
        counts[p["name"]] += text.count(p["short"])
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2) + [("", 0)]
    if n == 0 or (rest and rest[0][1] == n):
        return None
    return best
