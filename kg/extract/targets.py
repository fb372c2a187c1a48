"""Indicators with dated targets, read from sentences.

    到2022年和2030年，全市居民健康素养水平分别不低于20%和30%，…。
    行动目标：到2022年和2030年，…比例实现明显下降并持续下降。
    确保中小学生每天锻炼不少于1小时。

A sentence opened by 到/至 + year(s) is split into clauses; each clause is
<indicator name><predicate>, where the predicate is a list of values (分别 … 和 …)
with comparator words, or a qualitative phrase (持续完善, 有所下降 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.text import sentences, split_top_level

NUM = r"\d+(?:\.\d+)?"
UNIT = r"(?:%|‰|1/10万|/10万|/万|/千|个百分点|百分点|岁|人|小时|时|项|天|分钟|次|张|个)"
SUFFIX = r"(?:及以上|以上|及以下|以下|以内|左右)"
VALUE = rf"{NUM}{UNIT}?{SUFFIX}?"
VALUE_RE = re.compile(rf"({NUM})({UNIT})?({SUFFIX})?")
_VALUE_LIST = rf"{VALUE}(?:(?:和|、|及|与|,|，){VALUE})*"

_VERB = (
    r"不低于|不少于|不高于|不超过|不多于|低于|高于|大于|小于|超过|少于|多于|"
    r"提升到|提升至|提高到|提高至|增长到|增加到|下降到|下降至|降低到|降低至|降到|降至|减少到|"
    r"达到|达|控制在|保持在|稳定在|维持在|在|为|提高|提升|增长|增加|降低|下降|减少"
)
# (?<!\d): values never start inside a run of digits (the leftmost match would start earlier), so
# a long run of digits is tried once, not from each of its digits.
_NUMERIC_PREDICATE = re.compile(
    rf"(?P<adv>分别|均|都)?(?P<strive>力争)?(?P<every>每年(?:平均)?)?(?P<verb>{_VERB})?"
    rf"(?<!\d)(?P<values>{_VALUE_LIST})$"
)
_RELATIVE_PREDICATE = re.compile(
    rf"(?P<adv>分别|均)?在(?P<rel>(?:\d{{4}}年|现有|原有?)(?:(?:和|、)\d{{4}}年)?)(?:的)?基础上"
    rf"(?P<verb>提高|增加|增长|提升|降低|下降|减少)(?P<values>{_VALUE_LIST})$"
)
_QUAL_HEAD = (
    r"(?:实现|力争)?(?:持续|有所|明显|显著|进一步|逐步|基本|初步|全部|全面|大幅|稳步|不断|较大|明显地)?"
)
_QUAL_VERB = r"(?:下降|减缓|完善|提升|改善|提高|降低|建成|建立|减少|增强|遏制|普及|控制|缓解)"
_QUAL_PREDICATE = re.compile(
    rf"(?P<q1>{_QUAL_HEAD}{_QUAL_VERB})(?:[,，]?(?:并|且|并且)(?P<q2>{_QUAL_HEAD}{_QUAL_VERB}))?$"
)
_QUAL_OBJECT = re.compile(r"(?P<q1>(?:逐步|全部|基本|初步)?(?:建设成|建成|纳入|按规定纳入)\S*)$")
_VERB_FIRST = re.compile(
    rf"^(?P<q1>(?:{_QUAL_HEAD})(?:减缓|初步建立|逐步建立|基本建立|遏制))(?P<name>.{{4,}})$"
)
_YEARS = re.compile(
    r"^(?:行动目标[:：])?\s*(?:到|至|在|截至)(?P<years>\d{4}年?(?:(?:和|、|及|与|至)\d{4}年?)*)(?:底|末)?(?:前|时)?[,，]?"
)
_UNDATED_DEADLINE = re.compile(r"^(?P<year>\d{4})年(?:底|末)?前")
_LEADING_NOISE = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d))?\s*"  # an item's number
    r"(?:并|且|其中|同时|确保|保证|切实保证|保障|力争|使|努力使)?"
)
_NO_NAME = re.compile(r"^[\W\d_]*$")
# A clause (text between commas) that states a target is short; the seeds' longest is 77 characters.
# Longer "clauses" (a page without commas) are not parsed: the predicate patterns are anchored at
# the clause's end and would be retried from every position.
MAX_CLAUSE = 200
_UNIT_ALIASES = {"1/10万": "/10万", "个百分点": "百分点", "时": "小时"}


@dataclass(frozen=True)
class RawTarget:
    """A target before it is attached to an indicator record."""

    name: str
    year: int | None
    value: str
    comparator: str
    unit: str | None
    kind: str | None
    relative_to: tuple[int, ...]
    sentence: str


def comparator_of(verb: str | None, suffix: str | None) -> str:
    if suffix:
        return {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "左右": "approx"}[
            suffix
        ]
    if not verb:
        return "="
    if verb in ("不低于", "不少于"):
        return ">="
    if verb in ("不高于", "不超过", "不多于"):
        return "<="
    if verb in ("低于", "小于", "少于"):
        return "<"
    if verb in ("高于", "大于", "超过", "多于"):
        return ">"
    return "="


def normalize_unit(unit: str | None) -> str | None:
    return _UNIT_ALIASES.get(unit, unit) if unit else None


def parse_values(values: str, verb: str | None) -> list[tuple[str, str, str | None]]:
    """'30%及以上和80%及以上' -> [('30', '>=', '%'), ('80', '>=', '%')]; a unit carries over to its neighbours."""
    out = []
    for m in VALUE_RE.finditer(values):
        number, unit, suffix = m.groups()
        out.append([_clean_number(number), comparator_of(verb, suffix), normalize_unit(unit)])
    units = [u for _, _, u in out if u]
    for item in out:
        if item[2] is None and units:
            item[2] = units[-1]
    return [tuple(x) for x in out]


def _clean_number(n: str) -> str:
    if "." in n:
        n = n.rstrip("0").rstrip(".") or "0"
    return n


def _years(spec: str) -> list[int]:
    return [int(y) for y in re.findall(r"\d{4}", spec)]


def _name(text: str) -> str:
    name = _LEADING_NOISE.sub("", text.strip(" ，,、：:"))
    return name.strip(" ，,、：:")


def parse_clause(
    clause: str, years: list[int]
) -> list[tuple[str, int | None, str, str, str | None, str | None, tuple]]:
    """One clause -> [(name, year, value, comparator, unit, kind, relative_to)]; [] if it states no target."""
    clause = clause.strip().rstrip("。.;；")
    if not clause or len(clause) > MAX_CLAUSE:
        return []
    slots: list[int | None] = list(years) or [None]

    m = _RELATIVE_PREDICATE.search(clause)
    if m:
        name = _name(clause[: m.start()])
        values = parse_values(m.group("values"), None)
        kind = "increase" if m.group("verb") in ("提高", "增加", "增长", "提升") else "decrease"
        rel = tuple(_years(m.group("rel")))
        return _spread(name, slots, values, kind, rel, m.group("adv"))

    m = _NUMERIC_PREDICATE.search(clause)
    if m and m.start() > 0:
        name = _name(clause[: m.start()])
        verb, every = m.group("verb"), m.group("every")
        kind = None
        if every and verb in ("降低", "下降", "减少"):
            kind, verb = "annual_decrease", None
        elif every and verb in ("提高", "提升", "增长", "增加"):
            kind, verb = "annual_increase", None
        values = parse_values(m.group("values"), verb)
        if kind and values:
            values = [(v, c, u) for v, c, u in values]
        names = [_name(n) for n in split_top_level(name, "、")] if "、" in name else [name]
        if len(names) > 1 and len(names) == len(values) and len(slots) == 1:
            return [(n, slots[0], v, c, u, kind, ()) for n, (v, c, u) in zip(names, values, strict=True)]
        return _spread(name, slots, values, kind, (), m.group("adv"))

    m = _QUAL_PREDICATE.search(clause) or _QUAL_OBJECT.search(clause)
    if m and m.start() > 0:
        name = _name(clause[: m.start()])
        q1, q2 = m.group("q1"), m.groupdict().get("q2")
        if q2 and len(slots) == 2:
            return [
                (name, slots[0], q1, "qualitative", None, None, ()),
                (name, slots[1], q2, "qualitative", None, None, ()),
            ]
        return [(name, y, q1 + ("并" + q2 if q2 else ""), "qualitative", None, None, ()) for y in slots]

    m = _VERB_FIRST.match(clause)
    if m:
        name = _name(m.group("name"))
        return [(name, y, m.group("q1"), "qualitative", None, None, ()) for y in slots]
    return []


def _spread(name, slots, values, kind, rel, adv):
    """Values to years: one each (分别 or equal counts), or one value for every year."""
    if not values or _NO_NAME.match(name or ""):
        return []
    if len(values) == len(slots):
        pairs = zip(slots, values, strict=True)
    elif len(values) == 1:
        pairs = ((y, values[0]) for y in slots)
    else:
        return []
    return [(name, y, v, c, u, kind, rel) for y, (v, c, u) in pairs]


_PREDICATE_ONLY = re.compile(rf"^(?:并|且|并且)?(?P<q>{_QUAL_HEAD}{_QUAL_VERB})$")


# Plans of a cascade copy their parents' sentences (a county's targets are its city's, word for word):
# a sentence's targets are computed once per process (on the seeds' 305-plan bench corpus, 4,965
# dated sentences are 1,192 distinct ones, 30,870 body sentences 2,339).
_SENTENCE_CACHE = 16384


def dated_sentence_targets(sentence: str, *, numeric_only: bool = False) -> list[RawTarget]:
    """Targets of a sentence opened by 到/至 + years; clauses may reset the years (至2030年，…)."""
    return list(_dated_sentence_targets(sentence, numeric_only))


@lru_cache(maxsize=_SENTENCE_CACHE)
def _dated_sentence_targets(sentence: str, numeric_only: bool) -> tuple[RawTarget, ...]:
    out: list[RawTarget] = []
    years: list[int] = []
    prefix = ""
    last: list[RawTarget] = []
    for clause in split_top_level(sentence.rstrip("。.;；"), "，,;；"):
        clause = clause.strip()
        if not clause:
            continue
        ym = _YEARS.match(clause)
        if ym:
            years = _years(ym.group("years"))
            clause = clause[ym.end() :].strip()
            prefix = ""
            if not clause:
                continue
        if not years:
            continue
        p = _PREDICATE_ONLY.match(clause)
        if p and last and len(years) == 2 and all(t.comparator == "qualitative" for t in last):
            # 明显改善，并持续改善: the second phrase is the later year's target.
            out[-1] = last[-1] = replace(last[-1], value=p.group("q"))  # last[-1] is out[-1]
            continue
        parsed = parse_clause(prefix + clause, years)
        if not parsed:
            # A clause with no predicate may be the head of the next one (以乡镇（街道）为单位，…率保持在90%以上).
            prefix = (clause + "，") if len(clause) <= 15 else ""
            continue
        prefix = ""
        last = []
        for name, year, value, comparator, unit, kind, rel in parsed:
            if numeric_only and comparator == "qualitative":
                continue
            t = RawTarget(name, year, value, comparator, unit, kind, rel, sentence)
            out.append(t)
            last.append(t)
    return tuple(out)


_BODY_NUMERIC = re.compile(
    rf"(?P<verb>不少于|不低于|不超过|不高于|达到|掌握)?(?<!\d)(?P<num>{NUM})(?P<unit>小时|项|%)(?P<suffix>{SUFFIX})?"
)
# What each of the two forms below needs somewhere in the sentence (a number with its unit, 2022年底前).
_BODY_HINT = re.compile(r"(?=\d)(?:\d(?:小时|项|%)|\d{4}年(?:底|末)?前)")
_DEADLINE_QUAL = re.compile(rf"(?P<q>{_QUAL_HEAD}(?:建成|建立|覆盖|实现|完成))")


def body_targets(sentence: str) -> list[RawTarget]:
    """Numeric or dated targets stated inside an action's body (每天锻炼不少于1小时; 2022年底前…全部建成)."""
    if not _BODY_HINT.search(sentence):
        return []  # every body target states a number with its unit, or a year before a deadline
    return list(_body_targets(sentence))


@lru_cache(maxsize=_SENTENCE_CACHE)
def _body_targets(sentence: str) -> tuple[RawTarget, ...]:
    out: list[RawTarget] = []
    for clause in split_top_level(sentence.rstrip("。.;；"), "，,;；"):
        clause = clause.strip()
        if len(clause) > MAX_CLAUSE:
            continue
        dm = _UNDATED_DEADLINE.match(clause)
        if dm:
            rest = clause[dm.end() :]
            q = _DEADLINE_QUAL.search(rest)
            if q:
                name = _name(
                    re.sub(r"^所有", "", rest[: q.start()]) + rest[q.end() - 2 : q.end()] + rest[q.end() :]
                )
                out.append(
                    RawTarget(
                        name, int(dm.group("year")), q.group("q"), "qualitative", None, None, (), sentence
                    )
                )
            continue
        for m in _BODY_NUMERIC.finditer(clause):
            unit = m.group("unit")
            verb, suffix = m.group("verb"), m.group("suffix")
            if unit == "%" and not (verb or suffix):
                continue
            if unit in ("小时", "%") and not (
                verb in ("不少于", "不低于", "不超过", "不高于", "达到") or suffix
            ):
                continue
            keep_verb = verb == "掌握"
            head = clause[: m.start()] + ("掌握" if keep_verb else "")
            name = _name(head + clause[m.end() :])
            if len(name) < 4:
                continue
            comparator = comparator_of(None if keep_verb else verb, suffix)
            out.append(
                RawTarget(
                    name,
                    None,
                    _clean_number(m.group("num")),
                    comparator,
                    normalize_unit(unit),
                    None,
                    (),
                    sentence,
                )
            )
    return tuple(out)


def paragraph_targets(
    text: str, *, numeric_only: bool = False, with_body: bool = True, goals: bool = False
) -> tuple[list[RawTarget], list[RawTarget]]:
    """(sentence targets, body targets) of a block of text; with `goals`, every paragraph is read as
    a 行动目标 paragraph (its undated statements are targets)."""
    dated: list[RawTarget] = []
    body: list[RawTarget] = []
    for para in text.split("\n"):
        in_goal_paragraph = goals or para.startswith("行动目标")
        for s in sentences(para):
            if _YEARS.match(s):
                dated.extend(dated_sentence_targets(s, numeric_only=numeric_only))
            elif in_goal_paragraph and not numeric_only:
                dated.extend(_undated_goal_targets(s))
            elif with_body:
                body.extend(body_targets(s))
    return dated, body


def _undated_goal_targets(sentence: str) -> list[RawTarget]:
    """Undated statements inside a 行动目标 paragraph (各级党政机关逐步建设成无烟机关)."""
    out = []
    for clause in split_top_level(sentence.rstrip("。.;；"), "，,;；"):
        for name, _year, value, comparator, unit, kind, rel in parse_clause(clause, []):
            out.append(RawTarget(name, None, value, comparator, unit, kind, rel, sentence))
    return out
