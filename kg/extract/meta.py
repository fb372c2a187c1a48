"""Plan metadata from the document header: 文号, issuer, title, date, region, level, province."""

from __future__ import annotations

import re
from collections import Counter

from kg.link.regions import level_of_region, province_mentions, region_of_issuer
from kg.records import PlanMeta
from kg.text import HEADING_RE, collapse_spaces

DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[【(（]\s*((?:19|20)\d\s*\d)\s*[〕\]】)）]\s*(\d{1,4})\s*号"
)
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISSUER = re.compile(
    r"^[\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|政府|委员会|办公室|办公厅|领导小组)$"
)
_MASTHEAD = re.compile(r"^(.{2,30}?)文件$")
_BODY_START = re.compile(r"^(?:为|根据|按照|各[\u4e00-\u9fff]|一、|[(（]一[)）]|\d+[.、](?!\d))")


def normalize_doc_number(raw: str) -> str:
    m = DOC_NUMBER.search(raw)
    if not m:
        return raw
    prefix, year, number = m.groups()
    year = re.sub(r"\s", "", year)
    return f"{prefix}〔{year}〕{number}号"


def find_doc_numbers(text: str) -> list[tuple[str, str, int, int]]:
    """(normalised, raw, start, end) of every 文号 in a text."""
    return [
        (normalize_doc_number(m.group(0)), m.group(0), m.start(), m.end()) for m in DOC_NUMBER.finditer(text)
    ]


def _header_lines(lines: list[str]) -> tuple[list[str], int]:
    header: list[str] = []
    for i, raw in enumerate(lines):
        line = collapse_spaces(raw)
        if not line:
            continue
        if _BODY_START.match(line) or HEADING_RE.match(line) or len(line) > 45:
            return header, i
        header.append(line)
    return header, len(lines)


def _signing_date(lines: list[str]) -> str | None:
    for raw in lines:
        if "日" not in raw:  # _DATE_LINE ends with 日; skip collapsing the other lines
            continue
        m = _DATE_LINE.match(collapse_spaces(raw))
        if m:
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _title_region(title: str) -> str | None:
    """A region named at the start of a title (长春市推进…) or in 健康X建设/行动 (健康淄博)."""
    m = re.match(r"^([\u4e00-\u9fff]{1,8}?(?:自治区|自治州|省|市|县|区|旗|镇|乡|街道))", title)
    if m and not m.group(1).startswith("关于"):
        return m.group(1)
    return None


_MAX_HEALTHY_NAMES = 8


def _healthy_x(title: str, text: str) -> str | None:
    """健康淄博 -> 淄博市 when the text names 淄博市 (the most frequent suffix wins)."""
    names = [x for x in re.findall(r"健康([\u4e00-\u9fff]{2,4}?)(?:建设|行动)", title) if x != "中国"]
    # Each name costs a pass over the text: try the last few distinct ones (a title names one or two;
    # a header of thousands of short lines would make this quadratic).
    for name in list(dict.fromkeys(reversed(names)))[:_MAX_HEALTHY_NAMES]:
        counts = Counter(re.findall(rf"{name}(省|市|县|区|镇|乡|街道)", text))
        if counts:
            return name + counts.most_common(1)[0][0]
    return None


def extract_meta(lines: list[str], text: str) -> PlanMeta:
    header, _ = _header_lines(lines)
    doc_number = doc_raw = None
    issuer = None
    title_parts: list[str] = []
    for line in header:
        numbers = find_doc_numbers(line)
        if numbers and len(line) - (numbers[0][3] - numbers[0][2]) <= 2:
            if doc_number is None:
                doc_number, doc_raw = numbers[0][0], numbers[0][1]
            continue
        if m := _MASTHEAD.match(line):
            issuer = issuer or m.group(1)
            continue
        if _ISSUER.match(line) and "关于" not in line:
            issuer = line  # an issuer line directly above the title wins over the masthead
            continue
        if _DATE_LINE.match(line) or re.match(r"^[(（].*[)）]$", line):
            continue
        title_parts.append(line)
    title = "".join(title_parts) or None
    title_short = title
    if title and "关于" in title and not title.startswith("关于"):
        prefix, _, rest = title.partition("关于")
        title_short = "关于" + rest
        if _ISSUER.match(prefix):
            issuer = prefix
    elif title and issuer and title.startswith("关于"):
        title = issuer + title

    region = region_of_issuer(issuer) if issuer else None
    if region is None and title:
        region = _title_region(title_short or title) or _healthy_x(title, text)
    issuer_inferred = False
    if issuer is None and region and doc_number and re.search(r"政(?:办)?[发字函]", doc_number):
        issuer = region + ("人民政府办公室" if "政办" in doc_number else "人民政府")
        issuer_inferred = True
    level = "national" if issuer and issuer.startswith("国务院") else level_of_region(region)
    province = province_mentions(text, region)
    return PlanMeta(
        title=title,
        title_short=title_short,
        doc_number=doc_number,
        doc_number_raw=doc_raw,
        issuer=issuer,
        issuer_inferred=issuer_inferred,
        region=region,
        level=level,
        province=province,
        date=_signing_date(lines),
        source="\n".join(header),
    )
