"""Department mentions -> canonical department types (市卫健委 = 市卫生健康委 = 卫生健康委员会).

A mention is an organisation of its plan's region; its type is shared across regions.
The region prefix (市, 县, 聊城, 共青团聊城市委 -> 共青团市委) is removed and the rest is
looked up in data/reference/departments.csv. A merged body (市教育体育局) has both types.
"""

from __future__ import annotations

import re
from functools import cache

from kg.link.reference import department_types

_LEVEL_PREFIX = re.compile(r"^(?:省|市|州|盟|县|区|旗|镇|乡|街道)")
_REGION_SUFFIX = re.compile(r"(?:省|市|县|区|镇|乡|街道|自治州|自治县|自治区)$")


@cache
def _alias_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for t in department_types():
        for alias in t.aliases:
            index.setdefault(alias, []).append(t.id)
    return {k: tuple(v) for k, v in index.items()}


def _without_region(name: str, region: str | None) -> str:
    if not region:
        return name
    short = _REGION_SUFFIX.sub("", region)
    for form in (region, short):
        if len(form) >= 2 and form in name and name != form:
            return name.replace(form, "", 1)
    return name


def canonical_types(name: str, region: str | None = None) -> tuple[tuple[str, ...], str]:
    """(type ids, method) for a department as written; method is alias, suffix or unmatched."""
    index = _alias_index()
    bare = _without_region(name, region)
    for form in (name, bare, _LEVEL_PREFIX.sub("", bare, count=1)):
        if form in index:
            return index[form], "alias"
    rest = _LEVEL_PREFIX.sub("", bare, count=1)
    best = max((a for a in index if rest.endswith(a) and len(a) >= 2), key=len, default=None)
    if best:
        return index[best], "suffix"
    return (), "unmatched"
