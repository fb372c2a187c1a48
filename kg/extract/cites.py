"""Cited documents: titles in 《》/«» put forward as a basis, with their 文号 when given.

A title counts as cited when its clause says the plan rests on it (贯彻, 落实, 根据,
按照, 结合, 实施 … or …要求/精神 after it). Standards, handbooks and regulations that
are merely mentioned (达到《国民体质测定标准》, 推广《母子健康手册》) are not cites.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from kg.extract.meta import DOC_NUMBER, normalize_doc_number
from kg.records import Citation
from kg.text import Paragraph

_TITLE = re.compile(r"《([^《》]{2,80})》|«([^«»]{2,80})»")
_BASIS_BEFORE = re.compile(r"贯彻|落实|根据|依据|依照|遵照|按照|结合|实施|执行")
_BASIS_AFTER = re.compile(r"^(?:[（(][^）)]*[）)])?\s*(?:等)?(?:相关|有关)?(?:文件)?(?:精神|要求|部署|规定)")
_CLAUSE_BOUNDARY = re.compile(r"[，,。；;！？!?：:]")
_ISSUER_BEFORE = re.compile(
    r"([\u4e00-\u9fff]{0,16}?(?:人民政府办公室|人民政府办公厅|人民政府|国务院办公厅|国务院|委员会))(?:关于)?$"
)
_BASIS_PREFIX = re.compile(r"^.*(?:贯彻|落实|根据|依据|依照|遵照|按照|结合|实施|执行)")
_DOC_AFTER = re.compile(r"^\s*[（(]\s*(" + DOC_NUMBER.pattern + r")\s*[）)]")


def _clause_start(text: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BOUNDARY.finditer(text, 0, pos):
        start = m.end()
    return start


def _same_title(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 6 and SequenceMatcher(None, a, b).ratio() >= 0.9)


def extract_cites(paras: list[Paragraph]) -> tuple[Citation, ...]:
    found: list[dict] = []
    for p in paras:
        text = p.text
        for m in _TITLE.finditer(text):
            title = re.sub(r"\s+", "", m.group(1) or m.group(2))
            before = text[_clause_start(text, m.start()) : m.start()]
            after = text[m.end() : m.end() + 40]
            # Titles listed together (《A》、《B》和《C》) share the clause's verb.
            if not (_BASIS_BEFORE.search(before) or _BASIS_AFTER.match(_skip_titles(after))):
                continue
            doc = _DOC_AFTER.match(after)
            issuer = _ISSUER_BEFORE.search(_BASIS_PREFIX.sub("", before))
            sentence_start = max(text.rfind("。", 0, m.start()), text.rfind(".", 0, m.start()))
            sentence_end = text.find("。", m.end())
            source = text[sentence_start + 1 : sentence_end + 1 if sentence_end >= 0 else len(text)]
            entry = {
                "title": title,
                "doc_number": normalize_doc_number(doc.group(1)) if doc else None,
                "doc_number_raw": doc.group(1) if doc else None,
                "issuer": issuer.group(1) if issuer else None,
                "source": source.strip(),
                "variants": [],
            }
            _merge(found, entry)
    return tuple(
        Citation(
            title=c["title"],
            doc_number=c["doc_number"],
            doc_number_raw=c["doc_number_raw"],
            issuer=c["issuer"],
            variants=tuple(c["variants"]),
            source=c["source"],
        )
        for c in found
    )


def _skip_titles(after: str) -> str:
    """Text after a title with any directly following titles and 文号 removed."""
    rest = after
    while True:
        rest2 = re.sub(
            r"^\s*(?:[（(][^）)]{0,30}[）)])?\s*(?:[、和及与,，]\s*)?(?:《[^》]*》|«[^»]*»)", "", rest
        )
        if rest2 == rest:
            return re.sub(r"^\s*[（(][^）)]{0,30}[）)]", "", rest)
        rest = rest2


def _merge(found: list[dict], entry: dict) -> None:
    for c in found:
        same_doc = entry["doc_number"] and c["doc_number"] == entry["doc_number"]
        if same_doc or _same_title(c["title"], entry["title"]):
            if entry["title"] != c["title"] and entry["title"] not in c["variants"]:
                c["variants"].append(entry["title"])
            for key in ("doc_number", "doc_number_raw", "issuer"):
                c[key] = c[key] or entry[key]
            return
    found.append(entry)
