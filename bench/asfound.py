"""The seed plans "as found": re-formatted the way they look when copied from the web, with their gold.

    python bench/asfound.py --out DIR [--seed N] [--plans data/plans] [--gold data/gold]

writes ``<seedstem>__<class>.txt`` and ``<seedstem>__<class>.json`` for every seed and class: the
text, and the seed's gold with ``file`` set to the new name, ``class`` set to the list of classes
applied and only the fields the re-formatting really changes updated. The same seed gives the same
bytes. A class that does not apply to a seed (no department clauses to rewrite) writes nothing.

Every class is a pure function ``(text, gold, rng) -> (text, gold)`` (see ``CLASSES``):
``breadcrumb`` (site header, source strip, footer), ``metadata`` (a government site's metadata
block), ``gazette`` (masthead, running headers, page numbers), ``notice`` (the plan inside a 印发
notice), ``oneline`` (line breaks lost), ``wrapped`` (hard-wrapped lines), ``letterspaced``
(letter-spaced, split header; 文号 and date in other forms), ``numbering`` (actions numbered in
another style), ``departments`` (department clauses and annex tables in other forms), ``combined`` (two or three
of them at once) and ``traditional`` (an encyclopedia's page in traditional characters).

Every gold string (plan title, 文号, issuer, cite titles, action names, departments, department
texts, target texts) occurs in the new text once whitespace is removed: :func:`missing_gold_strings`
checks it, and the texts only insert page furniture at places that split none of them.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from kg.extract.script import to_simplified  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_CN_DIGITS = "〇一二三四五六七八九"
_NUMERALS = "一二三四五六七八九十"
ICP_PREFIX = {"山西省": "晋", "山东省": "鲁", "吉林省": "吉"}
SITE_DOMAIN = {"晋城市": "jcgov.gov.cn", "沁水县": "qinshui.gov.cn", "聊城市": "liaocheng.gov.cn"}
SITE_DOMAIN |= {"淄博市": "zibo.gov.cn", "长春市": "changchun.gov.cn"}


# --------------------------------------------------------------------------- gold strings


def squeeze(s: str) -> str:
    return _WS.sub("", s)


def gold_strings(gold: dict) -> list[tuple[str, str]]:
    """(kind, string) pairs of the gold that are read from the text as written (indicator names are not)."""
    p = gold["plan"]
    out = [(f"plan.{k}", p[k]) for k in ("title", "title_short", "plan_title") if p.get(k)]
    if p.get("issuer") and not p.get("issuer_inferred"):
        out.append(("plan.issuer", p["issuer"]))
    if p.get("doc_number"):
        out.append(("plan.doc_number", p.get("doc_number_raw") or p["doc_number"]))
    for c in gold["cites"]:
        out += [("cite.title", t) for t in [c["title"], *c.get("variants", [])]]
        if c.get("doc_number"):
            out.append(("cite.doc_number", c["doc_number"]))
    for a in gold["actions"]:
        out.append(("action.name", a["name"]))
        out += [("action.department", d) for d in a["lead"] + a["participants"]]
        out += [("action.dept_text", t) for t in (a.get("dept_text") or "").split("；") if t]
    out += [("target.text", t["text"]) for i in gold["indicators"] for t in i["targets"]]
    return out


def missing_gold_strings(text: str, gold: dict) -> list[str]:
    """The gold strings that do not occur in the text once whitespace is removed (cite 文号 also NFKC)."""
    flat = squeeze(to_simplified(text))  # a page in traditional characters is read in simplified ones
    flat_nfkc = unicodedata.normalize("NFKC", flat)
    missing = []
    for kind, s in gold_strings(gold):
        if squeeze(s) in flat:
            continue
        if kind == "cite.doc_number" and unicodedata.normalize("NFKC", squeeze(s)) in flat_nfkc:
            continue
        missing.append(f"{kind}: {s}")
    return missing


def _index(text: str) -> tuple[str, list[int]]:
    """The text without whitespace and, for each of its characters, its offset in the text."""
    offsets = [i for i, ch in enumerate(text) if not _WS.fullmatch(ch)]
    return "".join(text[i] for i in offsets), offsets


def find_squeezed(text: str, s: str, start: int = 0) -> tuple[int, int] | None:
    """Span of the first occurrence of ``s`` at or after ``start``, whitespace ignored on both sides."""
    flat, offsets = _index(text)
    needle = squeeze(s)
    k = next((j for j, o in enumerate(offsets) if o >= start), len(offsets))
    j = flat.find(needle, k) if needle else -1
    return None if j < 0 else (offsets[j], offsets[j + len(needle) - 1] + 1)


def _protected(text: str, gold: dict) -> list[tuple[int, int]]:
    flat, offsets = _index(text)
    spans = []
    for _, s in gold_strings(gold):
        needle, j = squeeze(s), 0
        while needle and (j := flat.find(needle, j)) >= 0:
            spans.append((offsets[j], offsets[j + len(needle) - 1] + 1))
            j += 1
    return spans


def safe_breaks(text: str, gold: dict) -> list[int]:
    """Offsets where a line of page furniture may go: line ends, and after 。 or ；, splitting no gold string."""
    spans = _protected(text, gold)
    cands = [m.end() for m in re.finditer(r"\n|[。；](?!\n)", text)]
    return [p for p in cands if not any(a < p < b for a, b in spans)]


# --------------------------------------------------------------------------- the seed's parts


def _body_start(lines: list[str], gold: dict) -> int:
    """Index of the first line after the header (addressees, preamble, first section or a paragraph)."""
    title = squeeze(gold["plan"]["title"])
    for i, line in enumerate(lines):
        s = squeeze(line).lstrip("#")
        if not s:
            continue
        if s[0] in "各为" or re.match(f"[{_NUMERALS}]+、", s) or (len(s) >= 40 and title not in s):
            return i
    raise ValueError(f"{gold['file']}: no body after the header")


def split_header(text: str, gold: dict) -> tuple[str, str, str]:
    """(header, addressees, rest): the lines before the body, the addressee lines (maybe empty), the rest."""
    lines = text.split("\n")
    i = _body_start(lines, gold)
    j = i
    if squeeze(lines[i]).startswith("各"):
        j = next(
            (k + 1 for k in range(i, min(i + 4, len(lines))) if lines[k].rstrip().endswith(("：", ":"))), i
        )
    return "\n".join(lines[:i]), "\n".join(lines[i:j]), "\n".join(lines[j:])


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _cn_number(n: int) -> str:
    if n <= 10:
        return "〇一二三四五六七八九十"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def date_forms(d: dt.date) -> dict[str, str]:
    cn_year = "".join(_CN_DIGITS[int(c)] for c in str(d.year))
    return {
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "cn_padded": f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "cn_numerals": f"{cn_year}年{_cn_number(d.month)}月{_cn_number(d.day)}日",
        "iso": d.isoformat(),
        "dotted": f"{d.year}.{d.month:02d}.{d.day:02d}",
    }


def _year(gold: dict) -> int:
    p = gold["plan"]
    if p.get("date"):
        return int(p["date"][:4])
    m = re.search(r"\d{4}", unicodedata.normalize("NFKC", p.get("doc_number") or ""))
    return int(m.group()) if m else 2020


def _published(gold: dict, rng: random.Random) -> dt.datetime:
    """A publication date and time: the gold's ``date_published`` if another class set it, else some
    days after the signing date, or in the plan's year."""
    signed = _date(gold["plan"].get("date")) or dt.date(_year(gold), rng.randint(3, 10), rng.randint(1, 28))
    day = _date(gold["plan"].get("date_published")) or signed + dt.timedelta(days=rng.randint(2, 25))
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)
    )


def _place(gold: dict) -> dict[str, str]:
    p = gold["plan"]
    region = p.get("region") or ""
    site_region = p.get("county") or region if p.get("level") == "township" else region
    province = p.get("province") or ""
    prefix = ICP_PREFIX.get(province, province[:1])
    return {
        "region": region,
        "site_region": site_region,
        "province": province,
        "icp": prefix,
        "domain": SITE_DOMAIN.get(site_region, "www.gov.cn"),
        "level": p.get("level") or "city",
    }


def _office(gold: dict) -> str:
    """The issuer, else the region's government office."""
    return gold["plan"].get("issuer") or f"{gold['plan']['region']}人民政府办公室"


def pick(options: list | tuple | range, gold: dict, rng: random.Random):
    """The variant for this seed: indexed by the seed file's leading number (000, 001, ... take the
    options in turn, so that across the seeds each variant occurs), else one chosen with the rng."""
    m = re.match(r"\d+", str(gold.get("file", "")))
    return options[int(m.group()) % len(options)] if m else rng.choice(options)


def _relabel(gold: dict, note: str) -> dict:
    gold = copy.deepcopy(gold)
    gold["plan"]["note"] = note
    return gold


# --------------------------------------------------------------------------- page chrome


_CRUMBS = (
    "您当前位置：首页 > 政务公开 > 政策文件",
    "首页>新闻中心>头条新闻",
    "当前位置：首页 > 信息公开 > 政府文件",
    "您现在的位置: 首页 > 政府信息公开 > 法定主动公开内容 > 规范性文件",
    "位置：首页 » 政务公开 » 通知公告",
)


def _strip(gold: dict, pub: dt.datetime, rng: random.Random) -> str:
    source = rng.choice([_office(gold), f"{_place(gold)['site_region']}卫生健康委员会", "本网"])
    views = rng.randint(80, 9999)
    return rng.choice(
        [
            f"来源：{source}  发布时间：{pub:%Y-%m-%d %H:%M}  浏览次数：{views}  字体：[大 中 小]",
            f"信息来源：{source}　发布日期：{pub:%Y-%m-%d}　点击数：{views}　【字体：大 中 小】【打印】",
            f"发布时间：{pub:%Y-%m-%d %H:%M:%S} 来源：{source} 作者：办公室 阅读：{views}次",
        ]
    )


def _footer(gold: dict, rng: random.Random) -> list[str]:
    pl = _place(gold)
    host = f"{pl['site_region']}人民政府办公室"
    icp = f"{pl['icp']}ICP备{rng.randint(10**7, 10**8 - 1)}号"
    lines = [
        rng.choice(["打印本页  关闭窗口", "【打印本页】【关闭窗口】", "[打印] [关闭]"]),
        rng.choice(["分享到：", "分享到： 微信 微博 QQ空间"]),
        "扫一扫在手机打开当前页",
        "",
        rng.choice([f"主办单位：{host}", f"主办：{host}  承办：{pl['site_region']}大数据中心"]),
        f"网站标识码：{rng.randint(10**9, 10**10 - 1)}  {icp}  {pl['icp']}公网安备 {rng.randint(10**13, 10**14 - 1)}号",
        f"地址：{pl['site_region']}人民路{rng.randint(1, 300)}号  邮编：{rng.randint(10**5, 10**6 - 1)}",
    ]
    if pick([True, False], gold, rng):
        lines = [*_related(gold, rng), "", *lines]
    return lines if rng.random() < 0.7 else lines[:3] + lines[4:6]


def _related(gold: dict, rng: random.Random) -> list[str]:
    """A page's list of related links: other documents, named as pages name them (not cites)."""
    pl = _place(gold)
    short = squeeze(
        gold["plan"].get("plan_title") or gold["plan"].get("title_short") or gold["plan"]["title"]
    )
    place = pl["site_region"][:-1]
    items = [
        f"【政策解读】《{short}》解读",
        f"图解：一图读懂{short}",
        f"《{pl['site_region']}人民政府办公室关于印发{place}市深化医药卫生体制改革重点工作任务的通知》",
        f"{place}召开健康{place}建设推进会",
    ]
    return [rng.choice(["相关链接：", "相关阅读", "相关文件"]), *rng.sample(items, k=3)]


def breadcrumb(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """A web page: site name, breadcrumb (maybe glued to the title), heading, source strip, text, footer."""
    pl = _place(gold)
    title = squeeze(gold["plan"]["title"])
    site = rng.choice(
        [
            f"{pl['site_region']}人民政府门户网站",
            f"中国{pl['site_region'][:-1]}",
            f"{pl['site_region']}人民政府",
        ]
    )
    crumb = rng.choice(_CRUMBS)
    head = [f"{title}_{site}" if rng.random() < 0.4 else site, ""]
    head += [crumb + title] if pick([True, False, True], gold, rng) else [crumb, "", title]
    pub = _published(gold, rng)
    head += [_strip(gold, pub, rng), ""]
    new = copy.deepcopy(gold)
    new["plan"]["date_published"] = pub.date().isoformat()
    return "\n".join([*head, text.strip("\n"), "", *_footer(gold, rng)]) + "\n", new


def metadata(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """A government site's metadata block before the heading; 成文日期 the signing date, 发布日期 later."""
    p, gold = gold["plan"], copy.deepcopy(gold)
    pub = _published(gold, rng)
    gold["plan"]["date_published"] = pub.date().isoformat()
    signed = _date(p.get("date"))
    style = rng.choice(["cn", "cn_padded", "iso"])
    pairs = [
        ("索引号", f"{rng.randint(10**7, 10**8 - 1)}/{pub.year}-{rng.randint(1, 99999):05d}"),
        ("主题分类", rng.choice(["卫生、体育", "卫生、体育\\卫生", "卫生健康"])),
    ]
    if p.get("issuer"):
        pairs.append((rng.choice(["发文机关", "发布机构"]), p["issuer"]))
        gold["plan"]["issuer_inferred"] = False
    if signed:
        pairs.append(("成文日期", date_forms(signed)[style]))
    if rng.random() < 0.5:
        pairs.append(("标题", squeeze(p["title"])))
    doc = p.get("doc_number_raw") or p.get("doc_number")
    if doc or rng.random() < 0.5:
        pairs.append((rng.choice(["文号", "发文字号"]), doc or ""))
    pairs.append((rng.choice(["发布日期", "公开日期"]), date_forms(pub.date())[style]))
    if rng.random() < 0.5:
        pairs.append(("有效性", "有效"))
    layout = pick(["lines", "one_line", "separate", "two_per_line"], gold, rng)
    if layout == "lines":
        block = [f"{k}：{v}" for k, v in pairs]
    elif layout == "one_line":
        block = [rng.choice(["  ", "\t", " "]).join(f"{k}：{v}" for k, v in pairs)]
    elif layout == "separate":
        block = [x for k, v in pairs for x in (k, v)]
    else:
        cells = [f"{k}：{v}" for k, v in pairs]
        block = ["\t".join(cells[i : i + 2]) for i in range(0, len(cells), 2)]
    out = [*block, "", squeeze(p["title"]), "", text.strip("\n")]
    return "\n".join(out) + "\n", gold


def gazette(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """A gazette: masthead flattened into lines, then the document with running headers and page numbers."""
    pl = _place(gold)
    year = _year(gold) + (1 if rng.random() < 0.5 else 0)
    issue = rng.randint(1, 12)
    name = f"{pl['site_region']}人民政府公报"
    running = rng.choice(
        [f"{name} {year}年第{issue}期", f"{name}·{year}年第{issue}期", f"{year}年第{issue}期 {name}"]
    )
    mast = [
        name,
        f"{year}年第{issue}期（总第{rng.randint(100, 400)}期）",
        "",
        f"编辑出版: | {pl['site_region']}人民政府办公室 |",
        f"主管单位: | {pl['site_region']}人民政府 |",
        f"地 址: | {pl['site_region']}人民路{rng.randint(1, 300)}号 |",
        f"邮政编码 | {rng.randint(10**5, 10**6 - 1)} |",
        f"联系电话 | 0{rng.randint(300, 999)}-{rng.randint(10**6, 10**7 - 1)} |",
        f"网 址 | http://www.{pl['domain']} |",
        f"印 刷 | {pl['site_region']}新华印刷厂 |",
        "",
    ]
    if rng.random() < 0.5:
        doc = gold["plan"].get("doc_number_raw") or gold["plan"].get("doc_number")
        entry = squeeze(gold["plan"]["title"]) + (f"（{doc}）" if doc else "")
        mast += [
            "目  录",
            "【市政府文件】" if pl["level"] != "township" else "【乡镇文件】",
            f"{entry}……………（1）",
            "",
        ]
    page = rng.randint(1, 20)
    folio = rng.choice(["— {} —", "－{}－", "·{}·"])
    breaks = safe_breaks(text, gold)
    chunks, last, target = [], 0, rng.randint(900, 1300)
    for b in breaks:
        if b - last >= target:
            page += 1
            furniture = folio.format(page)
            chunks += [text[last:b].rstrip("\n"), furniture, running]
            last, target = b, rng.randint(900, 1300)
    chunks.append(text[last:].lstrip("\n"))
    return "\n".join(mast) + "\n" + "\n".join(chunks), copy.deepcopy(gold)


# --------------------------------------------------------------------------- notice


def notice(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """The plan inside a 印发 notice: the notice's title, 文号, issuer and date; the plan's own title kept."""
    p = gold["plan"]
    header, _, rest = split_header(text, gold)
    plan_title = squeeze(p.get("title_short") or p["title"])
    issuer = _office(gold)
    year = _year(gold)
    doc = (
        p.get("doc_number_raw")
        or p.get("doc_number")
        or f"{p['region'][0]}政办发〔{year}〕{rng.randint(2, 60)}号"
    )
    signed = _date(p.get("date")) or dt.date(year, rng.randint(3, 11), rng.randint(1, 28))
    quoted = rng.random() < 0.7
    title = f"{issuer}关于印发{'《' + plan_title + '》' if quoted else plan_title}的通知"
    if p.get("level") == "township":
        to = "各村（居）民委员会，镇直各单位："
    else:
        to = rng.choice(
            ["各县（市、区）人民政府，市直各部门：", "各县（市、区）人民政府，市政府各部门，各直属机构："]
        )
    ask = rng.choice(["请认真贯彻执行。", "请结合实际认真组织实施。", "请认真抓好落实。"])
    if issuer.endswith(("办公室", "办公厅")) and rng.random() < 0.6:
        body = f"　　《{plan_title}》已经{issuer[:-3]}同意，现印发给你们，{ask}"
    else:
        body = f"　　现将《{plan_title}》印发给你们，{ask}"
    annex = ["附件", ""] if rng.random() < 0.5 else []
    lines = [
        title,
        "",
        doc,
        "",
        to,
        "",
        body,
        "",
        issuer,
        date_forms(signed)["cn"],
        "（此件公开发布）",
        "",
        *annex,
        plan_title,
        "",
        rest.strip("\n"),
    ]
    new = _relabel(
        gold, f"A 印发 notice around the seed plan {gold['file']}; the 《》 plan is the plan itself."
    )
    new["plan"].update(
        title=title,
        title_short=title[len(issuer) :],
        plan_title=plan_title,
        doc_number=unicodedata.normalize("NFKC", doc).replace("[", "〔").replace("]", "〕"),
        issuer=issuer,
        issuer_inferred=False,
        date=signed.isoformat(),
    )
    if doc != new["plan"]["doc_number"]:
        new["plan"]["doc_number_raw"] = doc
    else:
        new["plan"].pop("doc_number_raw", None)
    return "\n".join(lines) + "\n", new


# --------------------------------------------------------------------------- layout


def oneline(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """All line breaks lost, as a browser copy gives (or only a few kept)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    joiner = rng.choice(["", " ", "　　"])
    if rng.random() < 0.5:
        return joiner.join(lines) + "\n", copy.deepcopy(gold)
    keep = set(rng.sample(range(1, len(lines)), k=min(4, len(lines) - 1)))
    out = "".join(("\n" if i in keep else (joiner if i else "")) + line for i, line in enumerate(lines))
    return out + "\n", copy.deepcopy(gold)


_TABLE_ROW = re.compile(r"^\s*[\d０-９]+\s|\t")
_PARAGRAPH_END = tuple("。；：:;.！？!?）)】」”")


def unwrap(text: str) -> str:
    """Prose lines already hard-wrapped (20 characters or more, no closing punctuation, not a table
    row) joined with the next line that has text; blank lines between them dropped."""
    out: list[str] = []
    open_line = False
    for line in text.split("\n"):
        if open_line and line.strip():
            out[-1] += line.strip()
        elif open_line:
            continue
        else:
            out.append(line)
        last = out[-1].rstrip()
        open_line = (
            len(squeeze(last)) >= 20 and not last.endswith(_PARAGRAPH_END) and not _TABLE_ROW.search(last)
        )
    return "\n".join(out)


def wrapped(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """Paragraphs hard-wrapped at a fixed width (30-40), inside words and numbers, with blank lines
    between some halves (a text that is already wrapped is first joined back into paragraphs)."""
    width = rng.randint(30, 40)
    out = []
    for line in unwrap(text).split("\n"):
        parts = [line[i : i + width] for i in range(0, len(line), width)] or [""]
        for k, part in enumerate(parts):
            if k and rng.random() < 0.15:
                out.append("")
            out.append(part)
    return "\n".join(out), copy.deepcopy(gold)


def _spaced(s: str) -> str:
    return " ".join(s)


def _split_title(s: str, rng: random.Random) -> list[str]:
    n = 2 if len(s) < 16 or rng.random() < 0.5 else 3
    cuts = sorted(rng.sample(range(4, len(s) - 2), k=n - 1))
    return [s[a:b] for a, b in zip([0, *cuts], [*cuts, len(s)], strict=True)]


def _doc_form(doc: str, rng: random.Random) -> str:
    form = rng.choice(["spaces", "lenticular", "square", "fullwidth"])
    if form == "spaces":
        return re.sub(r"〔(\d+)〕(\d+)号", r" 〔\1〕 \2 号", doc)
    if form == "lenticular":
        return doc.replace("〔", "【").replace("〕", "】")
    if form == "square":
        return doc.replace("〔", "[").replace("〕", "]")
    return doc.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def letterspaced(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """A header letter-spaced and split over lines, its 文号 in another form, the signing date rewritten."""
    p, new = gold["plan"], copy.deepcopy(gold)
    _, addressees, rest = split_header(text, gold)
    issuer = (
        p.get("issuer")
        if not p.get("issuer_inferred") and squeeze(p["title"]).startswith(p.get("issuer") or "-")
        else None
    )
    short = squeeze(p["title"])[len(issuer) :] if issuer else squeeze(p["title"])
    title_lines = [_spaced(t) if rng.random() < 0.4 or len(t) <= 6 else t for t in _split_title(short, rng)]
    head = [_spaced(issuer + "文件"), ""] if issuer and rng.random() < 0.3 else []
    doc = None
    if p.get("doc_number"):
        doc = _doc_form(unicodedata.normalize("NFKC", p["doc_number"]), rng)
        new["plan"]["doc_number_raw"] = doc
    on_title_line = doc and rng.random() < 0.5
    if doc and not on_title_line:
        head += [doc, ""]
    if issuer:
        head += [_spaced(issuer), ""]
    if on_title_line:
        title_lines[-1] += "　　" + doc
    head += [line for t in title_lines for line in (t, "")]
    body = "\n".join([addressees, rest]) if addressees else rest
    signed = _date(p.get("date"))
    if signed:
        form = date_forms(signed)[rng.choice(["cn_numerals", "iso", "dotted"])]
        pattern = re.compile(
            r"^(\s*)"
            + "".join(f"[{c}{chr(ord(c) + 0xFEE0)}]" if c.isdigit() else c for c in date_forms(signed)["cn"])
            + r"(\s*)$",
            re.M,
        )
        body = pattern.sub(lambda m: m.group(1) + form + m.group(2), body)
    return "\n".join(head) + "\n" + body, new


# --------------------------------------------------------------------------- numbering

_NUM = r"\d+[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|[（(]\d+[）)]"
_HEADING = re.compile(rf"^(?P<lead>[\s\u3000]*(?:\*\*)?)(?P<num>{_NUM})(?P<rest>\s*(?:\*\*)?.*)$")


def _style_of(num: str) -> str:
    if num[0] in "（(":
        return "（1）" if num[1].isdigit() else "（一）"
    return "一、" if num[0] in _NUMERALS else ("1、" if num.endswith("、") else "1.")


def number(style: str, n: int) -> str:
    cn = _cn_number(n)
    return {"（一）": f"（{cn}）", "一、": f"{cn}、", "1.": f"{n}.", "1、": f"{n}、", "（1）": f"（{n}）"}[
        style
    ]


def action_headings(text: str, gold: dict) -> list[tuple[int, re.Match]]:
    """(line index, heading match) of each gold action's heading line, in order."""
    lines, found, i = text.split("\n"), [], 0
    for a in gold["actions"]:
        name = squeeze(a["name"])
        for k in range(i, len(lines)):
            m = _HEADING.match(lines[k])
            if m and squeeze(m.group("rest")).lstrip("*").startswith(name):
                found.append((k, m))
                i = k + 1
                break
        else:
            raise ValueError(f"{gold['file']}: no heading line for action {a['ordinal']} {a['name']}")
    return found


def numbering(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """The actions numbered in another style: distinct from the sections' 一、, or (one variant) the same."""
    heads = action_headings(text, gold)
    seed_style = _style_of(heads[0][1].group("num"))
    styles = ["一、", "（一）", "1.", "1、", "（1）"]
    style = pick(styles, gold, rng)
    if style == seed_style:
        style = styles[(styles.index(style) + 1) % len(styles)]
    lines = text.split("\n")
    for (k, m), a in zip(heads, gold["actions"], strict=True):
        lines[k] = m.group("lead") + number(style, a["ordinal"]) + m.group("rest")
    return "\n".join(lines), copy.deepcopy(gold)


# --------------------------------------------------------------------------- departments


def _names(s: str) -> list[str]:
    return [re.sub(r"等(部门)?$", "", d) for d in re.split(r"[、,，]", s) if d]


def parse_group(group: str) -> tuple[list[str], list[str]] | None:
    """(lead, participants) of one assignment string as the seeds write them, None if not understood."""
    g = re.sub(r"^责任单位[:：]", "", squeeze(group))
    if m := re.fullmatch(r"牵头单位[:：](.+?)[;；]负责单位[:：](.+)", g):
        return _names(m[1]), _names(m[2])
    if m := re.fullmatch(
        r"(.+?)(?:牵头|负责)[，、,](.+?)(?:等部门|等)?(?:配合|按职责分工负责|分工负责|参与)", g
    ):
        return _names(m[1]), _names(m[2])
    if m := re.fullmatch(r"(.+?)(?:等部门|等)?(?:分别负责|按职责分工负责|分工负责)", g):
        return [], _names(m[1])
    if m := re.fullmatch(r"(.+?)(?:牵头|负责)", g):
        return _names(m[1]), []
    return None


def render_group(lead: list[str], part: list[str], form: int, etc: str) -> str:
    """One assignment string in form 0-6: 牵头单位/配合单位, 牵头部门/配合部门, 责任单位：…牵头，…按职责分工负责,
    …牵头，…配合, 由…牵头，…参与, 主要责任单位/配合单位, 牵头单位/责任单位 (责任部门 with one side only)."""
    L, P = "、".join(lead), "、".join(part)
    if lead and part:
        forms = [
            f"牵头单位：{L}；配合单位：{P}",
            f"牵头部门：{L}；配合部门：{P}",
            f"责任单位：{L}牵头，{P}{etc}按职责分工负责",
            f"{L}牵头，{P}{etc}配合",
            f"由{L}牵头，{P}{etc}参与",
            f"主要责任单位：{L}；配合单位：{P}",
            f"牵头单位：{L}；责任单位：{P}",
        ]
        return forms[form]
    if lead:
        forms = [
            f"牵头单位：{L}",
            f"牵头部门：{L}",
            f"责任单位：{L}牵头",
            f"{L}牵头",
            f"由{L}牵头",
            f"主要责任单位：{L}",
        ]
        return f"责任部门：{L}" if form == 6 and len(lead) == 1 else forms[form % 6]
    if form == 6 and len(part) > 1:
        return f"责任部门：{P}"
    return [f"责任单位：{P}{etc}按职责分工负责", f"{P}{etc}按职责分工负责", f"{P}{etc}分别负责"][form % 3]


def _same_meaning(groups: list[tuple[list[str], list[str]]], action: dict) -> bool:
    """Whether the groups' union (a department leading in any group is a lead) is the action's gold."""
    lead = {d for g in groups for d in g[0]}
    part = {d for g in groups for d in g[1]} - lead
    return (lead, part) == (set(action["lead"]), set(action["participants"]))


def _inline_departments(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    new, etc = copy.deepcopy(gold), rng.choice(["", "等"])
    main = pick(range(7), gold, rng)  # the document's form; about 4 actions in 10 take any form
    heads = action_headings(text, gold)
    line_starts = [0]
    for line in text.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    edits, changed = [], False
    for (k, _), a, na in zip(heads, gold["actions"], new["actions"], strict=True):
        groups = [g for g in (a.get("dept_text") or "").split("；") if g]
        parsed = [parse_group(g) for g in groups]
        if not groups or None in parsed or not _same_meaning(parsed, a):
            continue
        spans, cursor = [], line_starts[k]
        for g in groups:
            span = find_squeezed(text, g, cursor)
            if span is None:
                break
            spans.append(span)
            cursor = span[1]
        if len(spans) != len(groups):
            continue
        form = main if rng.random() < 0.6 else rng.randrange(7)
        rendered = [render_group(lead, part, form, etc) for lead, part in parsed]
        edits += list(zip(spans, rendered, strict=True))
        na["dept_text"] = "；".join(rendered)
        changed = True
    for (a, b), s in sorted(edits, reverse=True):
        text = text[:a] + s + text[b:]
    return (text, new) if changed else (text, gold)


_ROW = re.compile(r"^(\d+)\t([^\t]+)\t(.+)$")


def _annex_departments(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """The task-division table with its columns in another order, or 牵头/配合 in columns of their own."""
    new = copy.deepcopy(gold)
    by_name = {
        squeeze(a.get("annex_name") or a["name"]): (a, na)
        for a, na in zip(gold["actions"], new["actions"], strict=True)
    }
    layout = rng.choice(["dept_first", "split", "split_dept_first", "no_ordinal_split"])
    form = rng.choice([3, 2, 4])
    heads = {
        "dept_first": ["序号", "责任单位", "主要任务"],
        "split": ["序号", "主要任务", "牵头单位", "配合单位"],
        "split_dept_first": ["序号", "牵头单位", "配合单位", "重点任务"],
        "no_ordinal_split": ["重点任务", "牵头部门", "参与部门"],
    }[layout]
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if line.startswith("序号\t"):
            lines[k] = "\t".join(heads)
            continue
        m = _ROW.match(line)
        if not m or squeeze(m[2]) not in by_name:
            continue
        a, na = by_name[squeeze(m[2])]
        parsed = parse_group(m[3])
        if parsed is None or not _same_meaning([parsed], a):
            raise ValueError(f"{gold['file']}: annex row {m[1]} not understood: {m[3]}")
        lead, part = parsed
        if layout == "dept_first":
            cell = render_group(lead, part, form, "")
            lines[k], na["dept_text"] = "\t".join([m[1], cell, m[2]]), cell
            continue
        cells = ["、".join(lead), "、".join(part)]
        row = {"split": [m[1], m[2], *cells], "split_dept_first": [m[1], *cells, m[2]]}.get(
            layout, [m[2], *cells]
        )
        lines[k] = "\t".join(row)
        na["dept_text"] = "；".join(c for c in cells if c)
    return "\n".join(lines), new


def departments(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """Department clauses (or the annex table) rewritten in other common forms; lead/participants unchanged."""
    sources = {a.get("source") for a in gold["actions"]}
    if "annex" in sources:
        return _annex_departments(text, gold, rng)
    return _inline_departments(text, gold, rng)


# --------------------------------------------------------------------------- combined and the set

COMBINATIONS = (
    ("metadata", "breadcrumb", "oneline"),
    ("notice", "gazette"),
    ("notice", "breadcrumb"),
    ("letterspaced", "wrapped"),
    ("departments", "numbering", "metadata"),
)


def traditional(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """An encyclopedia's page of the plan in traditional characters (a Taiwan wiki): its title, a
    lead (…是长春市人民政府2021年4月6日发布的文件), an infobox (中文名 / 颁布时间 / 发布单位 / 发文字号),
    its contents line, then the text. The gold stays simplified: the extractor reads it so."""
    from opencc import OpenCC

    p, gold = gold["plan"], copy.deepcopy(gold)
    title, issuer, doc = squeeze(p["title"]), p.get("issuer"), p.get("doc_number_raw") or p.get("doc_number")
    signed = _date(p.get("date"))
    head = [title, ""]
    if issuer and signed:
        kind = rng.choice(["文件", "档案", "通知"])
        head += [f"{title}.是{issuer}{date_forms(signed)['cn']}发布的{kind}.", ""]
    box = [("中文名", title)]
    if signed:
        box.append(("颁布时间", date_forms(signed)["cn"]))
        gold["plan"]["date_published"] = signed.isoformat()
    if issuer:
        box.append(("发布单位", issuer))
    if doc:
        box.append(("发文字号", doc))
    head += [
        "基本介绍",
        "",
        *(f"  • {k}:{v}" for k, v in box),
        rng.choice(["全文,政策解读,", "全文,"]),
        "",
        "全文",
        "",
    ]
    page = "\n".join([*head, text.strip("\n")]) + "\n"
    return OpenCC("s2t").convert(page), gold


def combined(text: str, gold: dict, rng: random.Random) -> tuple[str, dict]:
    """Two or three of the other classes at once (one of ``COMBINATIONS``), applied in that order."""
    names = pick(COMBINATIONS, gold, rng)
    for name in names:
        text, gold = CLASSES[name](text, gold, rng)
    gold = copy.deepcopy(gold)
    gold["class"] = ["combined", *names]
    return text, gold


Transform = Callable[[str, dict, random.Random], tuple[str, dict]]
CLASSES: dict[str, Transform] = {
    "breadcrumb": breadcrumb,
    "metadata": metadata,
    "gazette": gazette,
    "notice": notice,
    "oneline": oneline,
    "wrapped": wrapped,
    "letterspaced": letterspaced,
    "numbering": numbering,
    "departments": departments,
    "combined": combined,
    "traditional": traditional,
}


def seeds(plans: Path, gold_dir: Path) -> list[tuple[str, str, dict]]:
    """(stem, text, gold) of every plan in ``plans`` that has a gold file."""
    out = []
    for g in sorted(gold_dir.glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        path = plans / gold["file"]
        if path.is_file():
            out.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return out


def generate(plans: Path, gold_dir: Path, seed: int = 0) -> dict[str, tuple[str, dict]]:
    """``<stem>__<class>`` -> (text, gold) for every seed and every class that applies to it."""
    out = {}
    for stem, text, gold in seeds(plans, gold_dir):
        for name, fn in CLASSES.items():
            new_text, new_gold = fn(text, gold, random.Random(f"{seed}:{stem}:{name}"))
            if new_text == text:
                continue
            file = f"{stem}__{name}"
            classes = new_gold.get("class") or [name]
            rest = {k: v for k, v in new_gold.items() if k not in ("file", "class")}
            out[file] = (new_text, {"file": f"{file}.txt", "class": classes, **rest})
    return out


def write(out: Path, docs: dict[str, tuple[str, dict]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (text, gold) in docs.items():
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        (out / f"{name}.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Write the seed plans re-formatted as found on the web, with gold."
    )
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plans", type=Path, default=ROOT / "data" / "plans")
    ap.add_argument("--gold", type=Path, default=ROOT / "data" / "gold")
    args = ap.parse_args(argv)
    docs = generate(args.plans, args.gold, args.seed)
    bad = {name: m for name, (text, gold) in docs.items() if (m := missing_gold_strings(text, gold))}
    if bad:
        for name, missing in bad.items():
            print(f"asfound: {name}: gold strings not in the text: {'; '.join(missing[:3])}", file=sys.stderr)
        return 1
    write(args.out, docs)
    print(f"wrote {len(docs)} documents to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
