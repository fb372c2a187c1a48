"""Dates as plans write them: 2019年9月24日, 二〇一九年九月二十四日, 2019-09-24, 2019.9.24, damaged forms."""

from __future__ import annotations

import re

from kg.text import cn_number

_CN_YEAR_DIGITS = "〇零○Ｏ一二三四五六七八九"
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_Y = rf"(\d\s*\d\s*\d\s*\d|[{_CN_YEAR_DIGITS}]{{4}})"
_MD = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(
    rf"{_Y}\s*年?\s*{_MD}\s*月\s*{_MD}\s*[日曰号]"
    r"|(?<!\d)((?:19|20)\d{2})\s*[-./／]\s*(\d{1,2})\s*[-./／]\s*(\d{1,2})(?![\d.])"
)


def _num(part: str) -> int | None:
    part = re.sub(r"\s+", "", part)
    if part.isdecimal():
        return int(part)
    if all(c in _CN_DIGIT for c in part):
        return int("".join(_CN_DIGIT[c] for c in part))
    return cn_number(part)


def iso_date(m: re.Match) -> str | None:
    """The ISO form of a DATE match, or None when it is not a real calendar date."""
    groups = m.groups()
    y, mo, d = groups[:3] if groups[0] is not None else groups[3:]
    year, month, day = _num(y), _num(mo), _num(d)
    if year is None or month is None or day is None:
        return None
    if not (1949 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{1,2})(\d{1,2})(?!\d)")


def _compact(digits: str) -> str | None:
    """20200928 or 2020928 (a signature whose 年月日 were lost): the one reading that is a date."""
    found = set()
    y, rest = digits[:4], digits[4:]
    for k in (1, 2):
        mo, d = rest[:k], rest[k:]
        if 1 <= len(d) <= 2 and 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            found.add(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}")
    return found.pop() if len(found) == 1 else None


def parse_date(text: str) -> str | None:
    """The first date written in `text`, as ISO yyyy-mm-dd; a bare 2020928 only when it is all of `text`."""
    for m in DATE.finditer(text):
        if iso := iso_date(m):
            return iso
    stripped = text.strip()
    if _COMPACT_DATE.fullmatch(stripped):
        return _compact(stripped)
    return None


_COMPACT_DATE = re.compile(r"(?:19|20)\d{5,6}")  # 2020928, 20200928: a date with its separators lost


def is_date_line(line: str) -> str | None:
    """The ISO date when the whole line is a date (a signature's date line)."""
    stripped = line.strip(" 　\t")
    m = DATE.fullmatch(stripped)
    if m:
        return iso_date(m)
    return _compact(stripped) if _COMPACT_DATE.fullmatch(stripped) else None
