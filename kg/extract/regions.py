"""Places named in a plan's heading, resolved to their official names through the gazetteer.

黔南州人民政府办公室 -> 黔南布依族苗族自治州; 六盘水市 -> 六盘水市; 市人民政府办公室 -> None (the place is
not written). A name the gazetteer does not know keeps its written form when its suffix says a level.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.link import gazetteer
from kg.link.regions import NATION, level_of_region

_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "街道",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
)
_PLACE_END = re.compile("|".join(_SUFFIXES))
_NOT_A_PLACE = re.compile(r"委|办|厅|局|府|会|部|中共|党|组|健康|城乡|\s")
# Names with a place's suffix that are titles, not places: 国家卫生城市, 全国文明城市, 健康城市.
# So are a campaign's words (创建省健康区, 镇创建市级卫生先进乡镇: 创建 a 省级 title, not a place).
_NOT_A_PLACE_NAME = re.compile(r"^(?:国家|全国|中国)|城市$|卫生|文明|健康|城乡|创建|建设|争创|打造|巩固|推进")
_NATIONAL = re.compile(r"^(?:国务院|中共中央|全国|国家|健康中国行动推进委员会|中华人民共和国)")


@lru_cache(maxsize=4096)
def resolve_region(name: str | None, *, known_only: bool = False) -> str | None:
    """The official name of a region written `name` (full or short form), or None.

    With `known_only`, only names the gazetteer knows; else also a name whose suffix says its level."""
    if not name or len(name) < 2:
        return None
    if name in (NATION, "全国", "中华人民共和国"):
        return NATION
    found = gazetteer.lookup(name)
    if found is not None:
        return found.name
    if gazetteer.is_official_name(name) and level_of_region(name):
        return name  # several regions bear it (鼓楼区, 城区), all of one level: the text tells which
    for suffix in ("州", "市", "县", "区", "盟", "地区"):
        stem = name.removesuffix(suffix)
        if stem != name and len(stem) >= 2 and (found := gazetteer.lookup(stem)) is not None:
            return found.name
    if (
        not known_only
        and name.endswith(_SUFFIXES)
        and len(name) >= 3
        and level_of_region(name)
        and not _NOT_A_PLACE_NAME.search(name)
    ):
        return name
    return None


@lru_cache(maxsize=4096)
def issuer_region(issuer: str | None) -> str | None:
    """The region an issuer belongs to: the deepest of the place names it starts with (海口市秀英区 -> 秀英区)."""
    if not issuer:
        return None
    if _NATIONAL.match(issuer):
        return NATION
    issuer = re.sub(r"^中共|人民政府(?=.+(?:街道|镇|乡))", "", issuer)
    known = written = written_below = None
    start = 0  # where the current place name starts (after the place above it: 海口市|秀英区)
    for m in _PLACE_END.finditer(issuer):
        for candidate in (issuer[start : m.end()], issuer[: m.end()]):
            if len(candidate) < 2 or candidate in _SUFFIXES:
                continue
            if resolved := resolve_region(candidate, known_only=True):
                known, start = resolved, m.end()
                break
            segment = issuer[start : m.end()]
            if (
                (start == 0 or known)
                and not _NOT_A_PLACE.search(segment)
                and (resolved := resolve_region(segment))
            ):
                # not in the gazetteer, but its suffix says a level: a township below a known county
                written, written_below = resolved, known
                break
    if written and (known is None or written_below == known):
        return written
    return known


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]*")
_TITLE_PLACE_WITHIN = 10  # a place a title starts with has at most this many characters before its suffix


def title_region(title: str) -> str | None:
    """The region a title names at its start (长春市推进…, 荆州市人民政府关于…), by its official name:
    the first place name in the Chinese characters before any 关于 that resolves (荆州 does not,
    荆州市 does)."""
    head = _HAN_RUN.match(title.split("关于")[0]).group()
    for m in _PLACE_END.finditer(head):
        if m.start() > _TITLE_PLACE_WITHIN:
            break
        if m.end() >= 2 and (found := resolve_region(head[: m.end()])):
            return found
    return None


def region_level(region: str | None) -> str | None:
    return level_of_region(region) if region else None


def region_province(region: str | None, text: str = "") -> str | None:
    """The province above a region, from the gazetteer; for a name several regions bear (城区), the
    province of the one whose city the text names most (…《阳泉市人民政府关于…》 -> 山西省)."""
    if not region or region == NATION:
        return None
    chains = [gazetteer.chain(region)] if gazetteer.lookup(region) else gazetteer.bearers(region)
    if len(chains) > 1 and text:
        scores = [sum(text.count(r.name) for r in chain[1:-1]) for chain in chains]
        best = max(scores)
        chains = [c for c, n in zip(chains, scores, strict=True) if n == best] if best else []
    provinces = {r.name for chain in chains for r in chain if r.level == "province"}
    return provinces.pop() if len(provinces) == 1 else None


def trim_issuer(run: str) -> str | None:
    """The issuer at the end of a run of glued text (…任务分解表晋城市人民政府 -> 晋城市人民政府): the
    longest tail that starts with a place the gazetteer knows, or with 国务院."""
    for k in range(len(run) - 1):
        tail = run[k:]
        if _NATIONAL.match(tail):
            return tail
        m = _PLACE_END.search(tail)
        if m and m.end() >= 2 and resolve_region(tail[: m.end()], known_only=True):
            return tail
    return None
