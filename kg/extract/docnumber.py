"""文号 (document numbers): 晋市政发〔2020〕17号, written with any bracket, spaces or full-width digits."""

from __future__ import annotations

import re

DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[【(（［﹝〖]\s*((?:19|20)\s*\d\s*\d)\s*[〕\]】)）］﹞〗]\s*(\d{1,4})\s*号"
)


# Words that end a title or an issuer glued before a 文号 (…的通知晋市政发〔2020〕17号): the prefix
# starts after the last of them.
_BEFORE_PREFIX = re.compile(
    r".*(?:通知|方案|意见|纲要|计划|规划|人民政府|办公室|办公厅|委员会|印发|关于|文件)"
)


def _prefix_start(prefix: str) -> int:
    m = _BEFORE_PREFIX.match(prefix)
    return m.end() if m and m.end() < len(prefix) else 0


def normalize_doc_number(raw: str) -> str:
    """The canonical form: no spaces, 〔〕 brackets, ASCII digits (those are normalised upstream)."""
    m = DOC_NUMBER.search(raw)
    if not m:
        return raw
    prefix, year, number = m.groups()
    prefix = prefix[_prefix_start(prefix) :]
    year = re.sub(r"\s", "", year)
    return f"{prefix}〔{year}〕{number}号"


def find_doc_numbers(text: str) -> list[tuple[str, str, int, int]]:
    """(normalised, raw, start, end) of every 文号 in a text."""
    out = []
    for m in DOC_NUMBER.finditer(text):
        start = m.start() + _prefix_start(m.group(1))
        out.append((normalize_doc_number(text[start : m.end()]), text[start : m.end()], start, m.end()))
    return out


_NATIONAL_PREFIX = re.compile(r"^(?:国发|国办发|国办函|国函|国卫|国健推委|中发|中办发|厅字|国市监|国医)")


def is_national(doc_number: str | None) -> bool:
    return bool(doc_number and _NATIONAL_PREFIX.match(doc_number))
