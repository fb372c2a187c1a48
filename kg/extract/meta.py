"""Plan metadata: title, 文号, issuer, date, region, level, province — each with where it was read.

Evidence comes from the document's heading lines, a 印发 notice around the plan, the metadata a site
printed beside it (kg.extract.sitemeta.SiteMeta), the signature at the end, the 文号's prefix and the
title's wording; the first source that gives a field wins, in that order of trust.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.extract.dates import DATE, is_date_line, iso_date, parse_date
from kg.extract.docnumber import DOC_NUMBER, find_doc_numbers, is_national, normalize_doc_number
from kg.extract.notice import ISSUER_TAIL, Notice
from kg.extract.regions import (
    issuer_region,
    region_level,
    region_province,
    resolve_region,
    title_region,
    trim_issuer,
)
from kg.extract.sitemeta import SiteMeta
from kg.link.regions import province_mentions
from kg.records import PlanMeta
from kg.text import HEADING_RE, ITEM_RE, collapse_spaces

__all__ = ["DOC_NUMBER", "extract_meta", "find_doc_numbers", "normalize_doc_number"]

_ISSUER = re.compile(rf"^(?:[\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL}|国务院|国务院办公厅)$")
# Words of a title or an issuer: a short heading line with none of them is site navigation (走进协会).
_TITLE_WORDS = re.compile(
    r"关于|健康|行动|方案|意见|规划|计划|纲要|通知|办法|要点|政府|委员会|办公|国务院|[省市州县区旗镇乡]|街道|\d{4}"
)
_MASTHEAD = re.compile(r"^(.{2,30}?)文件$")
_MASTHEAD_GLUED = re.compile(rf"^([\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL})文件\s*")
_BODY_START = re.compile(
    r"^(?:为|根据|按照|依据|当前|近年来|各[\u4e00-\u9fff]|一、|[(（]一[)）]|\d+[.、](?!\d)|第[一二三四五六七八九十]+[章节部])"
)
# The first words of a notice's addressees (各县（市、区）人民政府, 各有关单位, 各成员单位 …).
ADDRESSEE_START = r"各(?:县|市|区|省|乡|镇|街道|有关|成员|相关|部门|委|直属|级|单位|盟|旗|州|办事处|开发区|园区|居委会|村|社区|处室|科室|司局)"
# A title glued to the body that follows it (a copy that lost its line breaks).
_TITLE_END = re.compile(
    r"(?:实施意见|实施方案|行动方案|工作方案|推进方案|意见|方案|规划|计划|纲要|办法|通知|[)）])"
    r"(?=为(?:深入|全面|认真|进一步|加快|更好|切实|推进|贯彻|落实|实施|做好|积极|大力|持续|扎实|推动|提高|保障|建设)"
    r"|根据|按照|各[\u4e00-\u9fff（）()、，,]{1,60}[:：]|一、|[(（]一[)）]|" + ADDRESSEE_START + ")"
)
_HEADER_LINES = 12
# The national plan by its own title (健康中国行动（2019—2030年）), reposted without its issuer.
_NATIONAL_TITLE = re.compile(r"^(?:健康中国行动\s*(?:[(（]\s*20\d\d|$)|国务院)")
# A repost's byline before the title (棕鹿养生:健康中国行动…): no word of a title in it.
_BYLINE = re.compile(r"^([^:：，。]{2,10})[:：]\s*(?=\S{6})")


_CONTENTS_LINES = 40
_TITLE_LINE = re.compile(r"(?:实施意见|实施方案|行动方案|工作方案|方案|意见|规划|计划|纲要|办法|要点|通知)$")


def _after_contents(lines: list[str]) -> list[str]:
    """The lines from a title that follows a table of contents (一、指导思想 / （一）… / … then
    ***镇创建市级卫生镇工作实施方案): the heading is below the headings the contents list."""
    listed = 0
    for i, raw in enumerate(lines[:_CONTENTS_LINES]):
        line = raw.strip()
        if not line:
            continue
        if len(line) <= 40 and "。" not in line and (HEADING_RE.match(line) or ITEM_RE.match(line)):
            listed += 1
            continue
        return lines[i:] if listed >= 3 and _TITLE_LINE.search(line) else lines
    return lines


def _header(lines: list[str]) -> list[str]:
    """The heading lines before the body; a line holding heading and body is cut where the body starts."""
    header: list[str] = []
    for raw in _after_contents(lines):
        line = collapse_spaces(raw)
        if not line:
            continue
        for piece in _around_doc_numbers(line):
            if _BODY_START.match(piece) or (HEADING_RE.match(piece) and header):
                return header
            glued = _TITLE_END.search(piece)
            if glued:
                header.append(piece[: glued.end()])
                return header
            if len(piece) > 60 or piece.endswith("。"):
                return header
            header.append(piece)
        if len(header) >= _HEADER_LINES:
            break
    return header


def _around_doc_numbers(line: str) -> list[str]:
    """A heading line cut before and after each 文号 it holds (淄政发〔2021〕5号一、总体要求…)."""
    pieces, pos = [], 0
    for _, _, a, b in find_doc_numbers(line):
        pieces += [line[pos:a], line[a:b]]
        pos = b
    pieces.append(line[pos:])
    return [p.strip() for p in pieces if p.strip()]


def _compact(text: str) -> str:
    """For comparing two writings of a title: no spaces, no outer 《》 (a page title quoting the document)."""
    return re.sub(r"\s", "", text).removeprefix("《").removesuffix("》")


def _add_title_part(parts: list[str], part: str) -> None:
    """Add a title line, unless it repeats the title so far (a page heading above the document's own)."""
    acc = _compact("".join(parts))
    new = _compact(part)
    if acc and len(new) >= 6 and acc.endswith(new):
        return
    if acc and len(acc) >= 6 and new.endswith(acc):
        parts.clear()
    parts.append(part)


def _heading_fields(header: list[str]) -> dict:
    """title parts, 文号, issuer, masthead issuer and date written in the heading lines."""
    out: dict = {"title": [], "doc": None, "issuer": None, "masthead": None, "date": None}
    for line in header:
        for norm, raw, a, b in find_doc_numbers(line):
            if out["doc"] is None:
                out["doc"] = (norm, raw)
            line = (line[:a] + " " + line[b:]).strip()
        line = line.strip(" 　")
        if not line:
            continue
        if m := _MASTHEAD.match(line):
            out["masthead"] = out["masthead"] or m.group(1)
            continue
        if (m := _MASTHEAD_GLUED.match(line)) and trim_issuer(m.group(1)) == m.group(1):
            out["masthead"] = out["masthead"] or m.group(1)
            line = line[m.end() :].strip()
        if _ISSUER.match(line) and "关于" not in line:
            out["issuer"] = line  # the issuer line directly above the title wins over the masthead
            continue
        if iso := is_date_line(line):
            out["date"] = out["date"] or iso
            continue
        if re.match(r"^[(（][^)）]*[)）]$", line) and not re.search(r"\d{4}", line):
            continue  # (此件公开发布), （征求意见稿）
        if (by := _BYLINE.match(line)) and not _TITLE_WORDS.search(by.group(1)):
            if _TITLE_WORDS.search(line[by.end() :]):
                line = line[by.end() :]
        _add_title_part(out["title"], line)
    while len(out["title"]) > 1 and len(out["title"][0]) <= 8 and not _TITLE_WORDS.search(out["title"][0]):
        out["title"].pop(0)
    out["title"] = _without_repeat(out["title"])
    joined = "".join(out["title"]).strip()
    if joined.startswith("《") and joined.endswith("》") and joined.count("《") == 1:
        out["title"] = [joined[1:-1]]  # a page title quoting the document: the document's own words
    return out


def _without_repeat(parts: list[str]) -> list[str]:
    """A title written twice in a row (the page's heading, then the document's own, split differently):
    the fuller of the two."""
    for k in range(1, len(parts)):
        first, second = "".join(parts[:k]), "".join(parts[k:])
        a, b = _compact(first), _compact(second)
        if len(b) >= 6 and a.endswith(b):
            return parts[:k]
        if len(a) >= 6 and b.endswith(a):
            return parts[k:]
    return parts


_DATE_HINT = re.compile(r"\d|年")
# A ministry's department signing (国务院扶贫办综合司, 国家卫生健康委规划发展与信息化司).
_MINISTRY_DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:办|局|委|部|署|总局)[\u4e00-\u9fff]{1,8}司$")
_SIGNATURE_DATE_WINDOW = 3  # lines after the issuer's name in which its date is looked for


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, date) of the signature: an issuer line followed by a date line, or a lone date line."""
    lone = None
    for i, raw in enumerate(lines):
        if len(raw) > 120 or not _DATE_HINT.search(raw) or not (DATE.search(raw) or is_date_line(raw)):
            continue
        line = collapse_spaces(raw)
        iso = is_date_line(line)
        if iso is None:
            m = re.search(rf"([\u4e00-\u9fff]{{2,40}}?{ISSUER_TAIL})\s*({DATE.pattern})\s*$", line)
            if m and len(line) < 80 and (d := iso_date(DATE.match(m.group(2)))):
                return trim_issuer(m.group(1)) or m.group(1), d
            continue
        above = [
            collapse_spaces(x) for x in reversed(lines[max(0, i - _SIGNATURE_DATE_WINDOW) : i]) if x.strip()
        ]
        # issuers signing together, a line each (国家卫生健康委办公厅 / 国务院扶贫办综合司 / date)
        signers = []
        for line in above:
            if not (_ISSUER.match(line) or _MINISTRY_DEPARTMENT.match(line)) or "关于" in line:
                break
            signers.insert(0, line)
        if signers:
            return " ".join(signers), iso
        lone = lone or iso
    return None, lone


_ISSUER_GAP = re.compile(r"\s+(?=关于|印发)")


_MAX_HEALTHY_NAMES = 8


def _healthy_x(title: str, text: str) -> str | None:
    """健康淄博 -> 淄博市 when the text names 淄博市 (the most frequent suffix wins), else the gazetteer."""
    names = [
        x
        for x in re.findall(r"健康([\u4e00-\u9fff]{2,6}?)(?:建设|行动|城市|\d{4}|[“”\"]|规划)", title)
        if x != "中国"
    ]
    for name in list(dict.fromkeys(reversed(names)))[:_MAX_HEALTHY_NAMES]:
        counts = Counter(re.findall(rf"{name}(省|自治区|市|自治州|州|盟|县|区|旗|镇|乡|街道)", text))
        if counts:
            found = resolve_region(name + counts.most_common(1)[0][0])
            if found:
                return found
        if found := resolve_region(name):
            return found
    return None


_PURPOSE = re.compile(r"(?:推进|实施|建设|开展|深化|加快)健康([\u4e00-\u9fff]{2,4}?)(?:行动|建设|城市)")


# Words with 乡, 镇 or 街道 in them that name no township (健康乡镇, 城乡, 乡村振兴, 卫生镇).
_NOT_TOWNSHIP = re.compile(r"乡镇|城镇|村镇|集镇|城乡|乡村|乡风|卫生[镇乡]|健康[镇乡]|[重名小]镇|街道办事处")
_TOWNSHIP = re.compile(r"[\u4e00-\u9fffA-Za-z*×]{2}(?:街道|镇|乡)")


def _title_township(title: str) -> str | None:
    """'township' for a title naming a township it does not say (XX镇, 广武门街道), else None."""
    return "township" if _TOWNSHIP.search(_NOT_TOWNSHIP.sub("，", title)) else None


# How a plan names its own place when it does not write it (结合我县实际, 全面推进我镇…).
_SELF = re.compile(r"(?:我|本)(省|市|区|县|旗|镇|乡|街道)(?![场域级长])")
_SELF_LEVEL = {"省": "province", "市": "city", "区": "county", "县": "county", "旗": "county"}
_SELF_WITHIN = 3000


def _self_level(opening: str) -> str | None:
    found = Counter(_SELF_LEVEL.get(m.group(1), "township") for m in _SELF.finditer(opening))
    return found.most_common(1)[0][0] if found else None


# Whom a document is sent to says its issuer's level: the level just below (各县（市、区）人民政府 -> a city).
_ADDRESSEES = re.compile(r"(?:^|\n)\s*(各[^\n:：。]{1,80})[:：]")
_ADDRESSEE_LEVEL = (
    (re.compile(r"^各省"), "national"),
    (re.compile(r"^各(?:设区的?)?市(?![直属])|^各盟市|^各[州盟](?![直属])"), "province"),
    (re.compile(r"^各(?:县|区|旗)(?![直属])"), "city"),
    (re.compile(r"^各(?:乡|镇|街道)"), "county"),
    (re.compile(r"^各(?:村|社区|居委会|居民委员会|行政村)"), "township"),
)


def _addressee_level(opening: str) -> str | None:
    m = _ADDRESSEES.search(opening)
    if m is None:
        return None
    return next((level for pattern, level in _ADDRESSEE_LEVEL if pattern.match(m.group(1))), None)


def _purpose_region(opening: str, text: str) -> str | None:
    """The place of the plan's own purpose, outside any cited title (…，推进健康桐乡行动，根据《…》)."""
    for m in _PURPOSE.finditer(opening):
        if opening.rfind("《", 0, m.start()) > opening.rfind("》", 0, m.start()) or m.group(1) == "中国":
            continue
        return _healthy_x("健康" + m.group(1) + "行动", text)
    return None


def _issuer_or_none(name: str | None) -> str | None:
    """A site's 来源 (source) field when it names an issuing body (如皋市人民政府), not a newspaper."""
    name = (name or "").strip()
    return name if name and _ISSUER.match(name) else None


def extract_meta(
    lines: list[str], text: str, *, notice: Notice | None = None, site: SiteMeta | None = None
) -> PlanMeta:
    site = site or SiteMeta()
    header = _header(lines)
    head = _heading_fields(header)
    prov: dict[str, str] = {}

    def pick(name: str, *candidates: tuple[str | None, str]):
        for value, source in candidates:
            if value:
                prov[name] = source
                return value
        return None

    plan_heading = "".join(head["title"]) or None
    notice_doc = None
    if notice is not None:
        numbers = find_doc_numbers(notice.heading) or find_doc_numbers(
            notice.text[len(notice.heading) :][:80]
        )
        notice_doc = (numbers[0][0], numbers[0][1]) if numbers else None
    site_doc = site.get("doc_number")
    site_doc = (
        (normalize_doc_number(site_doc), site_doc) if site_doc and DOC_NUMBER.search(site_doc) else None
    )
    doc = pick("doc_number", (notice_doc, "heading"), (head["doc"], "heading"), (site_doc, "metadata"))
    doc_number, doc_raw = doc if doc else (None, None)

    if notice is not None:
        title = pick(
            "title",
            (notice.title if notice.heading else None, "heading"),
            (notice.title, "metadata"),
            (plan_heading or notice.plan_title, "heading"),
        )
        plan_title = plan_heading or notice.plan_title or None
    else:
        # A heading with no word of a title (a section's, on a page that starts mid-document) gives way
        # to the title the site or the running header names.
        worded = plan_heading if plan_heading and _TITLE_WORDS.search(plan_heading) else None
        title = pick(
            "title",
            (worded, "heading"),
            (site.get("title"), "metadata"),
            (plan_heading, "heading"),
        )
        plan_title = None
    title_short = title
    title_issuer = None
    if title and "关于" in title and not title.startswith("关于"):
        prefix, _, rest = title.partition("关于")
        title_short = "关于" + rest
        if _ISSUER.match(prefix):
            title_issuer = prefix

    sig_issuer, sig_date = _signature(lines)
    issuer = pick(
        "issuer",
        (notice.issuer if notice else None, "heading"),
        (notice.signer if notice else None, "signature"),
        (head["issuer"], "heading"),
        (title_issuer, "title"),
        (head["masthead"], "heading"),
        (sig_issuer, "signature"),
        (site.get("issuer"), "metadata"),
        (_issuer_or_none(site.get("source")), "metadata"),
    )
    # An issuer the heading writes without its place (市人民政府办公室) signs with it (遵义市人民政府办公室).
    signer = (notice.signer if notice else None) or sig_issuer
    # So does a heading's short form (自治区党委 自治区人民政府 signed 中共广西壮族自治区委员会 广西壮族自治区人民政府).
    if (
        issuer
        and signer
        and signer != issuer
        and (signer.endswith(issuer) or (issuer_region(issuer) is None and issuer_region(signer)))
    ):
        issuer, prov["issuer"] = signer, "signature"
    if title and issuer and title.startswith("关于") and prov.get("issuer") == "heading":
        title = issuer + title

    date = pick(
        "date",
        (notice.date if notice else None, "signature"),
        (notice.heading_date if notice else None, "heading"),
        (parse_date(site.get("date") or ""), "metadata"),
        (head["date"], "heading"),
        (sig_date, "signature"),
    )
    published = parse_date(site.get("date_published") or "")

    # The region: the issuer's place; for an issuer written without it (市人民政府办公室), the title's,
    # the site's issuer, or the body's 健康X — inferred.
    region = issuer_region(issuer) if issuer else None
    if region:
        prov["region"] = prov["issuer"]
    national = (
        is_national(doc_number)
        or region == "中国"  # issuer_region knows the national issuers
        or (region is None and bool(_NATIONAL_TITLE.match(title or plan_title or "")))
    )
    if region is None and national:
        region, prov["region"] = "中国", prov.get("issuer") or prov.get("doc_number", "heading")
    if region is None:
        region = pick(
            "region",
            (issuer_region(site.get("issuer")) if site.get("issuer") else None, "metadata"),
            (title_region(title_short or title or "") or title_region(plan_title or ""), "title"),
            (_healthy_x((title or "") + (plan_title or ""), text), "title"),
            (_healthy_x(issuer or "", text), "inferred"),
            (_purpose_region(text[:800], text), "body"),
        )
        if region and issuer:
            prov["region"] = "inferred"
    issuer_inferred = False
    if issuer is None and region and doc_number and re.search(r"政(?:办)?(?:[发字函]|〔)", doc_number):
        issuer = region + ("人民政府办公室" if "政办" in doc_number else "人民政府")
        issuer_inferred = True
        prov["issuer"] = "doc_number"
    level = "national" if national else region_level(region)
    if level:
        prov["level"] = "inferred" if prov.get("region") == "inferred" else (prov.get("region") or "inferred")
    elif region is None and (level := _title_township(plan_title or title or "")):
        prov["level"] = "title"  # 关于XX镇开展…的方案: a township's, its name not written
    elif region is None and (level := _self_level(text[:_SELF_WITHIN])):
        prov["level"] = "body"  # 结合我区实际: the plan names its own place as 我区 / 本镇 only
    elif region is None and (
        level := _addressee_level((notice.text if notice else "") + text[:_SELF_WITHIN])
    ):
        prov["level"] = "addressees"  # 各社区、辖区企事业单位: written to the level below its issuer's
    province = (
        None if level == "national" else (region_province(region, text) or province_mentions(text, region))
    )
    if province:
        prov["province"] = "inferred"
    if title is None and plan_title:
        title = title_short = plan_title
    if plan_title:
        prov["plan_title"] = "heading"
    if published:
        prov["date_published"] = "metadata"
    # A PDF's text puts spaces where its lines broke (海口市秀英区健康促进委员会 关于印发《…》); the
    # space between joint issuers (中共福建省委 福建省人民政府) is theirs.
    title = _ISSUER_GAP.sub("", title.strip()) if title else title
    issuer = issuer.strip() if issuer else issuer
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
        date=date,
        source="\n".join(([notice.heading] if notice else []) + header),
        plan_title=plan_title,
        date_published=published,
        provenance=tuple(sorted(prov.items())),
    )
