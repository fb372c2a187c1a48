"""Cited documents: titles in 《》/«» put forward as a basis, with their 文号 when given.

A title counts as cited when its clause says the plan rests on it (贯彻, 落实, 根据,
按照, 结合, 实施 … or …要求/精神 after it). Standards, handbooks and regulations that
are merely mentioned (达到《国民体质测定标准》, 推广《母子健康手册》) are not cites.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from difflib import SequenceMatcher
from functools import lru_cache

from kg.extract.docnumber import DOC_NUMBER, normalize_doc_number
from kg.records import Citation
from kg.text import Paragraph

# A title may hold another (《关于印发《…考核细则》的通知》): the outer one is the document cited.
_TITLE = re.compile(r"《((?:[^《》]|《[^《》]{2,80}》){2,120}?)》|«([^«»]{2,80})»")
_BASIS_BEFORE = re.compile(r"贯彻|落实|根据|依据|依照|遵照|遵循|按照|结合|实施|执行|围绕|对照")
_BASIS_AFTER = re.compile(
    r"^(?:[（(][^）)]*[）)])?\s*(?:的通知|的意见|的决定)?\s*(?:等)?(?:相关|有关)?(?:文件)?(?:精神|要求|部署|规定)"
)
# A clause that continues the one before it (…《A》和《B》，以及省委、省政府《C》): it shares its verb.
_CONTINUES = re.compile(r"\s*(?:以及|及|和|与|并|还有|同时)")
_CLAUSE_BOUNDARY = re.compile(r"[，,。；;！？!?：:]")
_ISSUER_BEFORE = re.compile(
    r"([\u4e00-\u9fff]{0,16}?(?:人民政府办公室|人民政府办公厅|人民政府|国务院办公厅|国务院|委员会))(?:关于)?$"
)
_BASIS_PREFIX = re.compile(r"^.*(?:贯彻|落实|根据|依据|依照|遵照|按照|结合|实施|执行)")
_DOC_AFTER = re.compile(r"^\s*[（(]\s*(" + DOC_NUMBER.pattern + r")\s*[）)]")


# Bounds that keep hostile documents (thousands of titles in one sentence) linear; real plans
# cite a few dozen documents at most, in sentences of a few hundred characters.
_MAX_TITLES = 100  # distinct cited titles examined per document; further new titles are ignored
_MAX_SOURCE = 1000  # characters of the sentence kept as a cite's source on each side of the title
_ISSUER_WINDOW = 64  # an issuer written before a title ends within this many characters of it


def _positions(pattern: re.Pattern, text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the matches of `pattern` in `text`, for bisecting."""
    spans = [m.span() for m in pattern.finditer(text)]
    return [a for a, _ in spans], [b for _, b in spans]


@lru_cache(maxsize=8192)
def _same_title(a: str, b: str) -> bool:
    """Equal, or alike at 0.9 — which two titles of too different lengths cannot be (the bound is
    SequenceMatcher's real_quick_ratio); cached, as plans of a cascade cite the same titles."""
    if a == b:
        return True
    shorter, total = min(len(a), len(b)), len(a) + len(b)
    return shorter >= 6 and 2 * shorter >= 0.9 * total and SequenceMatcher(None, a, b).ratio() >= 0.9


def extract_cites(paras: list[Paragraph]) -> tuple[Citation, ...]:
    found: list[dict] = []
    similar: dict[str, tuple[int | None, int]] = {}  # title -> (first similar cite, cites checked)
    for p in paras:
        text = p.text
        if "《" not in text and "«" not in text:
            continue
        # Clause boundaries, basis verbs and full stops located once per paragraph, then bisected:
        # scanning back from every title is quadratic in a long paragraph full of titles.
        _, boundaries = _positions(_CLAUSE_BOUNDARY, text)
        verb_starts, verb_ends = _positions(_BASIS_BEFORE, text)
        stops = [i for i, c in enumerate(text) if c in "。."]
        full_stops = [i for i in stops if text[i] == "。"]
        for m in _TITLE.finditer(text):
            title = re.sub(r"\s+", "", m.group(1) or m.group(2))
            k = bisect_left(boundaries, m.start() + 1) - 1
            clause_start = boundaries[k] if k >= 0 else 0
            after = text[m.end() : m.end() + 40]
            # Titles listed together (《A》、《B》和《C》) share the clause's verb.
            v = bisect_left(verb_starts, clause_start)
            verb_before = v < len(verb_starts) and verb_ends[v] <= m.start()
            if not verb_before and k >= 0 and _CONTINUES.match(text, clause_start):
                previous = boundaries[k - 1] if k >= 1 else 0
                v = bisect_left(verb_starts, previous)
                verb_before = v < len(verb_starts) and verb_ends[v] <= clause_start
            if not (verb_before or _BASIS_AFTER.match(_skip_titles(after))):
                continue
            if title not in similar and len(similar) >= _MAX_TITLES:
                continue
            doc = _DOC_AFTER.match(after)
            before = text[max(clause_start, m.start() - _ISSUER_WINDOW) : m.start()]
            issuer = _ISSUER_BEFORE.search(_BASIS_PREFIX.sub("", before))
            s = bisect_left(stops, m.start()) - 1
            sentence_start = max(stops[s] if s >= 0 else -1, m.start() - _MAX_SOURCE - 1)
            e = bisect_left(full_stops, m.end())
            sentence_end = min(full_stops[e] if e < len(full_stops) else len(text), m.end() + _MAX_SOURCE)
            entry = {
                "title": title,
                "doc_number": normalize_doc_number(doc.group(1)) if doc else None,
                "doc_number_raw": doc.group(1) if doc else None,
                "issuer": issuer.group(1) if issuer else None,
                "source": text[sentence_start + 1 : sentence_end + 1].strip(),
                "variants": [],
            }
            _merge(found, entry, similar)
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


def _merge(found: list[dict], entry: dict, similar: dict[str, tuple[int | None, int]]) -> None:
    """Merge into the first cite with the same 文号 or a similar title, else append.

    `similar` caches, per title, the first cite with a similar title and how many cites were
    compared, so each title is compared with each cite once (titles of cites never change).
    """
    title, doc = entry["title"], entry["doc_number"]
    first, checked = similar.get(title, (None, 0))
    if first is None:
        first = next((k for k in range(checked, len(found)) if _same_title(found[k]["title"], title)), None)
        similar[title] = (first, len(found))
    if doc:
        limit = len(found) if first is None else first
        first = next((k for k in range(limit) if found[k]["doc_number"] == doc), first)
    if first is None:
        found.append(entry)
        return
    c = found[first]
    if title != c["title"] and title not in c["variants"]:
        c["variants"].append(title)
    for key in ("doc_number", "doc_number_raw", "issuer"):
        c[key] = c[key] or entry[key]
