"""Line breaks restored: a text copied with its breaks lost (one line, or lines cut anywhere) is split
again at the document's own structure — numbered items, section titles, signatures, table rows,
metadata labels and site chrome."""

from __future__ import annotations

import re

from kg.extract.dates import DATE
from kg.extract.layout import CRUMB_START
from kg.extract.notice import ISSUER_TAIL, ISSUER_TAILS
from kg.extract.regions import trim_issuer
from kg.extract.sitemeta import META_PAIR, META_SPLIT
from kg.text import CN_NUM, cn_number, strip_markdown

# -- restoring line breaks -------------------------------------------------------------------

_LONG_LINE = 160  # a line longer than this may hold several of the document's lines
_SENTENCE_END = "。；;！？!?：:"
# Each of these patterns opens with a lookahead of the characters it can start with: re then rejects
# most positions of a long line with one test instead of trying every alternative (2-3x faster).
_MARKER = re.compile(
    rf"(?=[(（〔{CN_NUM}\d附第])"
    rf"(?:[(（〔]\s*([{CN_NUM}]{{1,3}}|\d{{1,2}})\s*[)）〕]"
    rf"|(?<![{CN_NUM}\d])([{CN_NUM}]{{1,3}})\s*、"
    rf"|(?<![\d.．%])(\d{{1,2}})\s*[.、．](?![\d%])"
    r"|(附\s*件\s*\d{0,2}\s*[:：]?)"
    r"|(第[一二三四五六七八九十]{1,3}(?:部分|章)))"
)


def _style(m: re.Match) -> str:
    if m.group(1) is not None:
        return "paren_cn" if not m.group(1).isdigit() else "paren_arabic"
    if m.group(2) is not None:
        return "dun"
    if m.group(3) is not None:
        return "dot"
    return "annex"


_CLAUSE = re.compile(r"[。，,]")
# Section titles plans use; in a text that lost its line breaks, the title's end is cut from its body.
SECTION_TITLE = re.compile(
    r"(?:总体要求|总体目标|指导思想|基本原则|主要目标|工作目标|行动目标|发展目标|主要任务|重点任务|主要行动|重大行动|"
    r"行动任务|工作任务|重点工作|具体措施|主要措施|工作措施|保障措施|组织实施|实施步骤|工作步骤|组织保障|工作要求|"
    r"考核评估|监测评估|实施范围|工作原则|行动背景|总体思路)"
)
_GRADE = re.compile(r"[\u4e00-\u9fff]?级")


def _count(line: str, counts: dict[str, int]) -> None:
    """A line's own leading number sets the count of its numbering style."""
    m = _MARKER.match(line)
    digits = next((g for g in m.groups()[:3] if g), None) if m else None
    if digits and (number := cn_number(digits)) is not None:
        counts[_style(m)] = number


def _split_long(line: str, last: dict[str, int] | None = None) -> list[str]:
    """Break a line that holds many of the document's lines before the numbered items it contains.

    A number starts an item where a sentence ended before it, or where it continues the count of
    its style (（二） after （一）) right after a short heading; a number inside prose (一、二级, 第1、2批)
    does neither.
    """
    cuts: list[int] = []
    last = {} if last is None else last  # the count of each numbering style, carried across pieces
    since = 0
    for m in _MARKER.finditer(line):
        start = m.start()
        if start == 0:
            _count(line, last)
            continue
        k = start - 1
        while k > 0 and line[k] in " \t#*-":
            k -= 1
        prev = line[k]
        after_stop = prev in _SENTENCE_END or prev in "）)」”】"
        near = start - since <= 30
        # Most numbers inside prose qualify in no way: leave them before any further work.
        if not (after_stop or near or m.group(1) is not None):
            if m.group(2) is None or SECTION_TITLE.match(line, m.end()) is None:
                continue
        style = _style(m)
        digits = next((g for g in m.groups()[:3] if g), None)
        number = cn_number(digits) if digits else None
        continues = number is not None and number in (1, last.get(style, 0) + 1)
        after_heading = near and not _CLAUSE.search(line, since, start)
        titled = style in ("dun", "paren_cn") and SECTION_TITLE.match(line, m.end()) is not None
        if style == "annex":
            ok = after_stop
        elif style == "dun":
            ok = (after_stop or after_heading or titled) and continues and not _GRADE.match(line, m.end())
        elif style.startswith("paren") and number is not None and number == last.get(style, 0) + 1 > 1:
            ok = True  # （三） right after （二）: the count itself says it is an item
        else:
            ok = after_stop or ((after_heading or titled) and continues)
        if ok:
            cuts.append(start)
            since = start
            if number is not None:
                last[style] = number
            if titled and (t := SECTION_TITLE.match(line, m.end())) and t.end() < len(line):
                if line[t.end()] not in "。，,、；;：:.．":
                    cuts.append(t.end())  # 一、总体要求以习近平…: the body starts after the title
                    since = t.end()
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if line[a:b].strip()]


_CHROME_SPLIT = re.compile(
    r"(?=您?(?:当前|现在|所在)的?位置\s*[:：])|(?<=[。）)])\s*(?=[(（]此件[^)）]{0,12}[)）])|(?<=[(（]此件公开发布[)）])"
    r"|(?<=[(（]此件主动公开[)）])|(?=字体\s*[:：]?\s*[【\[(（]?\s*大\s*中\s*小)|(?=打印本页)|(?=关闭窗口)|(?=分享到)"
)


_ISSUER_BEFORE_DATE = re.compile(rf"([\u4e00-\u9fff]{{2,40}}{ISSUER_TAIL})$")


_DATE_IN_PROSE = ("发布的", "印发的", "颁布的", "起施行", "起实施")


def _split_signatures(line: str) -> list[str]:
    """…全面实现。晋城市人民政府2020年12月30日（此件公开发布）附件… -> the signature on a line of its own."""
    out, pos = [], 0
    for d in DATE.finditer(line):
        if line.startswith(_DATE_IN_PROSE, d.end()):
            continue  # …是长春市人民政府2021年4月6日发布的: a sentence tells the date, no one signs
        before = line[max(pos, d.start() - 45) : d.start()]
        stripped = before.rstrip()
        signed = _ISSUER_BEFORE_DATE.search(stripped) if stripped.endswith(ISSUER_TAILS) else None
        issuer = trim_issuer(signed.group(1)) if signed else None
        if issuer is not None:
            start = d.start() - len(before) + signed.end(1) - len(issuer)
        elif stripped[-1:] in ("。", "."):
            start = d.start()
        else:
            continue
        if start <= pos and d.end() >= len(line):
            continue  # already a line of its own
        out.append(line[pos:start])
        out.append(line[start : d.end()])
        pos = d.end()
    out.append(line[pos:])
    return [x for x in out if x.strip()]


_DIGIT_DATE_HINT = re.compile(r"(?=\d)(?:\d{4}\s*[-./／]|(?:19|20)\d{5})")


def _date_hint(line: str) -> bool:
    """The line may hold a date (…月…, 2020-12-30, 2020928); a substring test first, as most do."""
    return "月" in line or _DIGIT_DATE_HINT.search(line) is not None


_MARKER_HINT = re.compile(
    rf"(?=[(（〔{CN_NUM}\d附第])(?:[(（〔]\s*[{CN_NUM}\d]|[{CN_NUM}]\s*、|\d\s*[.、．]|附\s*件|第[一二三四五六七八九十])"
)
_GLUED_DEBRIS = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,}|={3,}|#{1,6})\s*")


_ROW_START = re.compile(r"(?<=[^\d.．\t])(\d{1,3})\t")


_SPACED_ROW_START = re.compile(r"(?<=\s)(\d{1,3})\s+(?=[\u4e00-\u9fff])")


def _split_rows(line: str) -> list[str]:
    """A table whose rows were joined (…健康知识普及行动2\t市卫健委牵头…, or 序号 指标 … 1 人均预期寿命
    … 2 婴儿死亡率 …): a row per line again. Row numbers must count up from 1."""
    if line.count("\t") >= 4:
        pattern, start = _ROW_START, 0
    elif (header := line.find("序号")) != -1:
        pattern, start = _SPACED_ROW_START, header
    else:
        return [line]
    cuts, last = ([start] if start else []), 0
    for m in pattern.finditer(line, start):
        number = int(m.group(1))
        if number == last + 1:
            cuts.append(m.start())
            last = number
    bounds = [0, *cuts, len(line)]
    return [line[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if line[a:b].strip()]


_TITLE_LINES = 120
# A document's title glued to the sentence that opens its body (…健康乡镇建设的方案为全面提进…).
_GLUED_TITLE = re.compile(
    r"^\s*(?P<title>[^，。,;；:：!！?？《》]{6,60}?(?:实施方案|工作方案|方案|实施意见|意见|行动计划|工作计划|计划|"
    r"规划|工作要点|要点|通知|决定))\s*(?=为了|为|根据|按照|依据|现将|现就)"
)


def restore_lines(lines: list[str]) -> list[str]:
    """Lines as the document wrote them: a line is split at table rows, signatures and numbered items
    (a long one also at labels and chrome); once, in the page's first lines, after a title glued to the
    sentence that follows it."""
    out: list[str] = []
    counts: dict[str, int] = {}  # each numbering style's count so far, across the document
    titled = False  # a glued title is looked for once, in the page's first lines
    for n, whole in enumerate(lines):
        if not titled and n < _TITLE_LINES and len(whole) > 40 and (t := _GLUED_TITLE.match(whole)):
            out.append(t.group("title").strip())
            whole, titled = whole[t.end() :], True
        if len(whole) > _LONG_LINE:
            for line in _split_rows(whole):
                out.extend(_restore(line, counts))
        elif not whole or whole.isspace():
            out.append(whole)  # a third of a plan's lines: nothing to split, no number to count
        else:
            out.extend(_restore(whole, counts))
    return out


# A colophon glued to the lines around it (…2019 年5月23 日 抄送:… 2019 年5月23 日印发 秀英区…).
_COLOPHON_SPLIT = re.compile(r"(?=抄\s*[送报]\s*[:：])|(?<=日印发)\s+")


def _restore(line: str, counts: dict[str, int]) -> list[str]:
    if ("抄" in line or "印发" in line) and _COLOPHON_SPLIT.search(line, 1):
        return [q for p in _COLOPHON_SPLIT.split(line) if p.strip() for q in _restore(p.strip(), counts)]
    if len(line) <= _LONG_LINE:
        pieces = _split_signatures(line) if _date_hint(line) else [line]
        out = []
        for p in pieces:
            if _MARKER_HINT.search(p, 1):
                out.extend(_split_long(p, counts))
            else:
                _count(p, counts)
                out.append(p)
        return out
    out: list[str] = []
    chrome = _CHROME_SPLIT.split(line) if _CHROME_HINT.search(line) else [line]
    for piece in (
        q for p in chrome if p is not None for q in (_split_signatures(p) if _date_hint(p) else [p])
    ):
        labelled = (":" in piece or "：" in piece) and len(META_PAIR.findall(piece)) >= 2
        sub = META_SPLIT.split(piece) if labelled or CRUMB_START.match(piece) else [piece]
        for s in sub:
            if _DEBRIS_HINT.search(s):
                s = strip_markdown(_GLUED_DEBRIS.sub(" ", s))
            out.extend(x.strip() for x in _split_long(s, counts))
    return out


_CHROME_HINT = re.compile(r"位置|此件|字体|打印|关闭|分享")
_DEBRIS_HINT = re.compile(r"[-*_=#]")
