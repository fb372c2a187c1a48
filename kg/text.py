"""Raw document bytes -> clean text -> paragraphs.

Plan documents arrive as PDF or web extractions: any of several encodings, full-width
digits, markdown debris, letter-spaced headings, and lines broken in the middle of
words, numbers and parentheses. Everything here is independent of the plan domain.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from kg.errors import ExtractionError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
# CJK ideographs plus the punctuation that sits between them in Chinese prose.
_WIDE = CJK + "\u3000-\u303f\uff00-\uffef“”‘’《》«»·—…"
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but \t \n \f \r
_CJK_RE = re.compile(f"[{CJK}]")


_CUT_SHORT = ("unexpected end of data", "truncated data", "incomplete multibyte sequence")


def _decode(data: bytes, name: str) -> str:
    """data.decode(name), tolerating a last character cut in half (a file truncated mid-character)."""
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        rest = exc.object  # for utf-8-sig, the bytes after the BOM
        if exc.reason in _CUT_SHORT and exc.end == len(rest) and len(rest) - exc.start <= 3:
            return rest[: exc.start].decode(name)
        raise


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode a document, returning (text, encoding name); raise ExtractionError if it is not text."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ExtractionError(file, "empty file")
    text = encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = _decode(data, name), name.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise ExtractionError(file, f"invalid {name} text ({exc.reason})") from None
            break
    if text is None:
        try:
            text, encoding = _decode(data, "utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            not_utf8 = exc.start
            # Without a BOM, UTF-16 and GB18030 are told apart by which reading looks like Chinese prose.
            candidates = []
            for name, label in (("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"), ("gb18030", "gb18030")):
                try:
                    decoded = _decode(data, name)
                except UnicodeDecodeError:
                    continue
                candidates.append((_plausibility(decoded), decoded, label))
            if candidates:
                score, best, label = max(candidates, key=lambda c: c[0])
                if score >= 0.8:
                    text, encoding = best, label
    if text is None:
        raise ExtractionError(
            file,
            "binary content or mixed encodings, not a text document "
            f"(no known encoding fits; not UTF-8 from byte {not_utf8})",
        )
    text = text.lstrip("\ufeff")
    controls = _CONTROLS.subn("", text)[1]
    if controls > max(2, len(text) // 200):
        raise ExtractionError(file, f"binary content, not a text document ({controls} control characters)")
    if not text.strip():
        raise ExtractionError(file, "empty file")
    if not _CJK_RE.search(text):
        raise ExtractionError(file, f"no Chinese text found (read as {encoding})")
    return text, encoding


_COMMON = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\n\t“”‘’《》«»·—…‰≥≤]")


def _plausibility(text: str) -> float:
    """Share of characters that are common in Chinese documents (CJK, ASCII, CJK punctuation)."""
    if not text:
        return 0.0
    return _COMMON.subn("", text)[1] / len(text)  # a count, not findall's list of every character


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_MISC = str.maketrans(
    {
        "％": "%",
        "＞": ">",
        "＜": "<",
        "＝": "=",
        "＋": "+",
        "／": "/",
        "\u3000": " ",
        "\xa0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\r": "\n",
        "\f": "\n",
        "\v": "\n",
    }
)
_FULLWIDTH_LATIN = {chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)} | {
    chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)
}
_FULLWIDTH_LATIN_TABLE = str.maketrans(_FULLWIDTH_LATIN)
# The three tables as one, applied by a regex over the characters they change: str.translate looks
# up every character of a Chinese text, where the regex only stops at the few that change.
_NORMALIZED = {
    chr(k): chr(k).translate(_FULLWIDTH_MISC).translate(_FULLWIDTH_DIGITS).translate(_FULLWIDTH_LATIN_TABLE)
    for k in {*_FULLWIDTH_MISC, *_FULLWIDTH_DIGITS, *_FULLWIDTH_LATIN_TABLE}
}
_TO_NORMALIZE = re.compile("[" + "".join(re.escape(c) for c in sorted(_NORMALIZED)) + "]")
_DIGIT_DOT = re.compile(r"(?=[．·])(?<=\d)[．·](?=\d)")


def normalize_chars(text: str) -> str:
    """Character-level normalisation that keeps Chinese punctuation as written.

    Full-width digits, Latin letters and the signs %<>=+/ become ASCII (values and units are
    compared as ASCII); full-width brackets, commas and colons stay as the document wrote them.
    """
    text = text.replace("\r\n", "\n")
    text = _TO_NORMALIZE.sub(lambda m: _NORMALIZED[m.group()], text)
    return _DIGIT_DOT.sub(".", text)


# (?<![ \t]): a run of spaces is only tried from its start (linear on long runs of spaces).
_SPACE_AROUND_WIDE = re.compile(rf"(?=[ \t])(?:(?<=[{_WIDE}])[ \t]+|(?<![ \t])[ \t]+(?=[{_WIDE}]))")
_SPACE_IN_NUMBER_UNIT = re.compile(r"(?=[ \t])(?:(?<=[\d%‰])[ \t]+(?=[\d%‰/])|(?<=/)[ \t]+(?=\d))")


def collapse_spaces(text: str) -> str:
    """Remove the spaces that PDF extraction puts between Chinese characters and around numbers."""
    if " " not in text and "\t" not in text:  # most lines: the regexes would try every position
        return text.strip()
    text = _SPACE_AROUND_WIDE.sub("", text)
    text = _SPACE_IN_NUMBER_UNIT.sub("", text)
    return text.strip()


# (?<!\*)…(?!\*): a run of three or more (***镇, a site's redaction of a name) is text, not bold.
_MARKDOWN = re.compile(r"(?<!\*)\*\*(?!\*)|__|^#{1,6}\s*|^\s*[-*]\s+(?=附件)", re.M)
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")


def strip_markdown(line: str) -> str:
    """A line without markdown debris (**bold**, leading #)."""
    return _MARKDOWN.sub("", line).rstrip(" ")


def clean_lines(text: str) -> list[str]:
    """Normalised lines with markdown debris removed; blank lines kept as ''."""
    out = []
    for line in normalize_chars(text).split("\n"):
        if not _DEBRIS_CHARS.search(line):  # most lines: no markdown or rule to look for
            out.append(line.rstrip(" "))
        elif _RULE.match(line):
            out.append("")
        else:
            out.append(_MARKDOWN.sub("", line).rstrip(" "))
    return out


_DEBRIS_CHARS = re.compile(r"[*_#=\-]")


CN_NUM = "一二三四五六七八九十百零〇"
# A numbered item: (一) （十七） 〔三〕 1. 1、 12．  — the Arabic form must not be a decimal.
ITEM_RE = re.compile(rf"^\s*(?:[(（〔]\s*([{CN_NUM}]+)\s*[)）〕]|(\d{{1,2}})\s*[.、．](?!\d))\s*")
HEADING_RE = re.compile(rf"^\s*([{CN_NUM}]+)\s*、\s*(.*)$")
_BLOCK_START = re.compile(
    rf"^\s*(?:[(（〔]\s*[{CN_NUM}]+\s*[)）〕]|\d{{1,2}}\s*[.、．](?!\d)|附件|行动目标|注[:：])"
)
_TERMINAL = tuple("。！？!?；;）)〕】.")


def cn_number(s: str) -> int | None:
    """Chinese numeral (一 … 九十九) or Arabic digits -> int."""
    s = s.strip()
    if s.isdecimal():  # not isdigit(): int() refuses ² and ①, which isdigit() accepts
        return int(s)
    digits = {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    if not s or any(c not in digits and c not in "十百" for c in s):
        return None
    total, current = 0, 0
    for c in s:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits[c]
    return total + current


@dataclass(frozen=True)
class Paragraph:
    text: str  # spaces collapsed, lines joined
    line: int  # 0-based index of its first line


def is_heading_line(line: str) -> bool:
    """A short top-level heading such as 二、主要任务 (closed even without punctuation)."""
    m = HEADING_RE.match(line)
    if not m or len(line.strip()) > 30:
        return False
    title = m.group(2).strip()
    return not re.search(r"[。.,，;；:：]", title) or bool(_PAIRED_HEADING.fullmatch(title))


# A work plan's heading in two parallel clauses (一、普及健康知识，提升健康素养): no digit, no stop.
_PAIRED_HEADING = re.compile(r"[\u4e00-\u9fff“”]{3,14}[,，][\u4e00-\u9fff“”]{3,14}")


_ITEM_HEADING_MAX = 30
_CLAUSE_PUNCT = re.compile(r"[。.,，;；:：、]")


def _is_item_heading(line: str) -> bool:
    """A short numbered heading with no punctuation (（一）实施健康知识普及行动): its body starts below."""
    m = ITEM_RE.match(line)
    return bool(m) and len(line) <= _ITEM_HEADING_MAX and not _CLAUSE_PUNCT.search(line, m.end())


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """Join broken lines into paragraphs.

    A line continues the previous paragraph unless it starts a numbered block or heading,
    or the previous paragraph already ended with closing punctuation. Blank lines are
    ignored: PDF extractions put them between the halves of a broken sentence.
    """
    paras: list[list] = []  # [lines (non-empty, joined at the end), first line index, closed]
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        starts_block = bool(_BLOCK_START.match(line)) or is_heading_line(line)
        if paras and not starts_block and not paras[-1][2] and not paras[-1][0][-1].endswith(_TERMINAL):
            paras[-1][0].append(line)  # a list, not +=: joining many broken lines must stay linear
            closed = False
        else:
            paras.append([[line], i, False])
            closed = is_heading_line(line) or _is_item_heading(line)
        if closed:
            paras[-1][2] = True
    return [Paragraph(collapse_spaces("".join(t)), i) for t, i, _ in paras]


@functools.lru_cache(maxsize=64)
def _any_of(chars: str) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def split_top_level(text: str, seps: str) -> list[str]:
    """Split on any character of `seps` that is not inside brackets."""
    parts, depth, start = [], 0, 0
    for m in _any_of(OPENERS + CLOSERS + seps).finditer(text):  # only the characters that matter
        i, c = m.start(), m.group()
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS and depth:
            depth -= 1
        elif c in seps and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


OPENERS = "(（〔[【《«“"
CLOSERS = ")）〕]】》»”"


def bracket_groups(text: str, openers: str = "(（〔[【", closers: str = ")）〕]】") -> list[tuple[int, int]]:
    """(start, end) spans of top-level bracketed segments, brackets included; nesting-aware."""
    spans, depth, start = [], 0, 0
    for m in _any_of(openers + closers).finditer(text):
        i, c = m.start(), m.group()
        if c in openers:
            if depth == 0:
                start = i
            depth += 1
        elif c in closers and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


# A sentence ends after one of 。！？!?；; or an ASCII full stop that is not a decimal point; the match
# takes the mark itself (a zero-width match would be tried at every position of the text).
_SENTENCE_END = re.compile(r"(?=[。！？!?；;.])(?:[。！？!?；;]|(?<=[^\d\s.])\.(?!\d))")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences on 。！？； and on an ASCII full stop that is not a decimal point."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            out.append(text[start:end])
            start = end
    if start < len(text):
        out.append(text[start:])
    return [s for s in (x.strip() for x in out) if s]
