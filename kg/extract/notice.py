"""A 印发 notice around a plan: 关于印发《…》的通知, 文号, addressees, 现将…印发给你们, issuer, date, the plan.

The notice is the document's own title, 文号, issuer and signing date; the plan it sends is
`plan_title` (and is not a document the plan cites). Everything after the notice is the plan.
Works on joined text, so a notice whose line breaks were lost reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.dates import DATE, is_date_line, parse_date

NOTICE_TITLE = re.compile(
    r"(?:关于\s*)?(?:印\s*发|转\s*发|批\s*转|下\s*发|颁\s*发|印\s*送|发\s*布|(?<=关于)\s*发(?=\s*[《〈<]))\s*(?P<what>(?:(?!印\s*发)[^。；;]){2,120}?)\s*的\s*通\s*知"
)
# The words an issuer's name ends with. Where one starts another (人民政府, 人民政府办公室) the longer
# comes first: an alternation takes the first that fits.
ISSUER_TAILS = tuple(
    "国务院办公厅 国务院 省委办公厅 市委办公室 省委 市委 州委 县委 区委 党工委 党委 人民政府办公室 人民政府办公厅 "
    "人民政府 政府办公室 政府办公厅 行政公署办公室 行政公署 办事处 委员会办公室 委员会 领导小组办公室 领导小组 "
    "办公室 办公厅 政府 卫生健康局 卫生健康委 局 厅".split()
)
ISSUER_TAIL = f"(?:{'|'.join(ISSUER_TAILS)})"
# One issuer, or several issuing together (中共福建省委 福建省人民政府).
_ISSUER_AT_END = re.compile(rf"((?:[\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL}[\s、]*)+?)\s*$")
_SENDS = re.compile(
    r"印\s*发\s*给\s*你\s*们|现\s*予\s*印\s*发|印\s*发\s*你\s*们|现\s*印\s*发|转\s*发\s*给\s*你\s*们"
)
_SIGNATURE = re.compile(
    r"\s*(?:[(（]\s*此件[^)）]{0,12}[)）]\s*)?"
    rf"(?P<issuer>(?:[\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL}[\s　]*?)+?)?[\s　]*(?:[(（]\s*[代印盖]\s*章\s*[)）][\s　]*)?"
    rf"(?P<date>{DATE.pattern}|(?<!\d)20\d{{5,6}}(?!\d))"
    r"(?:[\s　]*[(（]\s*此件[^)）]{0,12}[)）])?"
)
_PUBLIC_NOTE = re.compile(r"[\s　]*[(（]\s*此件[^)）]{0,12}[)）]")
_STOP = re.compile(r"[。!！]|\.(?=\s*[\u4e00-\u9fff(（])")
_TITLE_IN = re.compile(r"《([^《》]{2,100})》")
# What stands between the plan's 《title》 and 印发给你们: a short remark, a 文号, a comma, 现 / 已.
_SENDS_GAP = re.compile(r"(?:[(（][^)）]{0,40}[)）]|[^。；;要求]){0,16}")
_HEAD_CHARS = 6000  # a notice ends well within a document's first few thousand characters
_TITLE_WITHIN = 800  # and its title is among the document's first lines


@dataclass(frozen=True)
class Notice:
    title: str | None  # as on the heading, issuer in front where written there; None when not copied
    issuer: str | None  # the issuer on the heading
    signer: str | None  # the issuer in the signature
    date: str | None  # the notice's signing date, ISO
    heading_date: str | None  # a date line under the notice's title, ISO
    plan_title: str  # the plan it sends
    heading: str  # the text before the addressees (title, 文号, issuer lines)
    text: str  # the whole notice, for its 文号 and cites


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def split_notice(lines: list[str], *, site_title: str | None = None) -> tuple[Notice | None, list[str]]:
    """(the notice, the lines of the plan it sends), or (None, lines) when there is no notice.

    A notice is known by its sending sentence (现将《…》印发给你们) near the start; its title is the
    heading's 关于印发…的通知, else the site's title, else (a copy that starts at the addressees) none.
    """
    kept = [line for line in lines if line.strip()]
    joined = "\n".join(kept)
    head = joined[:_HEAD_CHARS]
    sends = next((m for m in _SENDS.finditer(head) if not _inside_title(head, m.start())), None)
    if sends is None or len(re.sub(r"\s", "", head[: sends.start()])) > _TITLE_WITHIN + 1500:
        return None, lines
    m = next(
        (t for t in NOTICE_TITLE.finditer(head, 0, sends.start()) if not _inside_title(head, t.start())), None
    )
    if m is not None and len(re.sub(r"\s", "", head[: m.start()])) > _TITLE_WITHIN:
        return None, lines
    title_end = m.end() if m else 0
    stop = _STOP.search(head, sends.end())
    body_end = stop.end() if stop else len(head)
    plan_title = _plan_title(head[title_end : sends.start()], m.group("what") if m else "")
    sig = None
    for candidate in _SIGNATURE.finditer(head, body_end):
        if candidate.start() - body_end > 600:
            break
        if parse_date(candidate.group("date")):
            sig = candidate
            break
    plan_start = sig.end() if sig else body_end
    if note := _PUBLIC_NOTE.match(head, plan_start):
        plan_start = note.end()

    issuer = None
    if m is not None:
        line_start = head.rfind("\n", 0, m.start()) + 1
        heading_issuer = _ISSUER_AT_END.search(_strip_doc_numbers(head[line_start : m.start()]))
        if heading_issuer is None and line_start > 0:
            prev_start = head.rfind("\n", 0, line_start - 1) + 1
            previous = re.sub(r"\s", "", _strip_doc_numbers(head[prev_start : line_start - 1]))
            if re.fullmatch(rf"[\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL}", previous):
                heading_issuer = re.match(r"(.*)", previous)
        issuer = heading_issuer.group(1) if heading_issuer else None
        title = (issuer or "") + re.sub(r"\s", "", m.group(0))
    elif site_title and NOTICE_TITLE.search(site_title):
        title = re.sub(r"\s", "", site_title)
    else:
        title = None
    sig_issuer = " ".join(sig.group("issuer").split()) if sig and sig.group("issuer") else None
    date = parse_date(sig.group("date")) if sig else None
    # A notice printed without its signature may date itself under its title (银政办发[2018]85号 / 2018年5月21日).
    heading_date = next(
        (d for x in head[title_end : sends.start()].split("\n") if (d := is_date_line(x))), None
    )

    rest = head[plan_start:]
    tail_lines = joined[_HEAD_CHARS:]
    plan_text = _split_plan_title(rest, plan_title) + tail_lines
    notice = Notice(
        title=title,
        issuer=issuer,
        signer=sig_issuer,
        date=date,
        heading_date=heading_date,
        plan_title=plan_title,
        heading=head[:title_end] if m else "",
        text=head[:plan_start],
    )
    return notice, plan_text.split("\n")


def _strip_doc_numbers(text: str) -> str:
    from kg.extract.docnumber import DOC_NUMBER

    return DOC_NUMBER.sub("", text)


def _plan_title(between: str, what: str) -> str:
    """The plan the notice sends: the 《title》 just before 印发给你们, else the title's own words.

    A 《title》 further back, across a sentence of its own (…《关于…》要求，制定了行动方案，现印发给你们),
    is a document the notice cites."""
    titles = list(_TITLE_IN.finditer(between))
    if titles and _SENDS_GAP.fullmatch(re.sub(r"\s", "", between[titles[-1].end() :])):
        return re.sub(r"\s", "", titles[-1].group(1))
    return re.sub(r"[\s《》]", "", what)


def _split_plan_title(rest: str, plan_title: str) -> str:
    """The plan's text with its heading on a line of its own (a browser copy glues it to the body)."""
    stripped = rest.lstrip()
    compact = re.sub(r"\s", "", stripped[: len(plan_title) * 3])
    if not compact.startswith(plan_title):
        return rest
    # Walk the original text until the title's characters are consumed.
    k, n = 0, 0
    while k < len(stripped) and n < len(plan_title):
        if not stripped[k].isspace():
            n += 1
        k += 1
    return stripped[:k] + "\n" + stripped[k:]
