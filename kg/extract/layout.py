"""A page as users find it -> the lines of the document itself, and what the page said about it.

Plans reach the corpus copied from government sites, gazettes and reposts: breadcrumbs, site
chrome (字体 大 中 小, 打印本页, 分享到 …), gazette mastheads and running headers around the text,
sometimes the whole text on one line. This module restores line breaks at the document's own
structure, blanks the clutter (so line numbers keep pointing into the text) and reads the metadata
blocks sites print (索引号 / 发文机关 / 成文日期 / 文号 / 发布日期) as evidence for the plan fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.dates import DATE
from kg.extract.regions import trim_issuer
from kg.text import CN_NUM, cn_number, strip_markdown

# -- site metadata ---------------------------------------------------------------------------

# label -> field it is evidence for (None: read and dropped)
_META_LABELS = {
    "索引号": None,
    "主题分类": None,
    "主题词": None,
    "公文种类": None,
    "体裁分类": None,
    "组配分类": None,
    "服务对象": None,
    "有效性": None,
    "时效性": None,
    "公开方式": None,
    "公开范围": None,
    "信息分类": None,
    "所属分类": None,
    "分类": None,
    "发文机关": "issuer",
    "发文机构": "issuer",
    "发布机构": "issuer",
    "发文单位": "issuer",
    "发布单位": "issuer",
    "制发机关": "issuer",
    "所属机构": None,
    "成文日期": "date",
    "成文时间": "date",
    "发文日期": "date",
    "印发日期": "date",
    "签发日期": "date",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发布日期": "date_published",
    "发布时间": "date_published",
    "公开日期": "date_published",
    "公开时间": "date_published",
    "生效日期": None,
    "实施日期": None,
    "废止日期": None,
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "来源": None,
    "信息来源": None,
    "文章来源": None,
    "作者": None,
    "编辑": None,
    "责任编辑": None,
    "浏览次数": None,
    "浏览量": None,
    "阅读次数": None,
    "点击数": None,
    "访问量": None,
    "字号": None,
    "字体": None,
    "信息名称": "title",
    "文件编号": "doc_number",
    "发布文号": "doc_number",
    "文件有效性": None,
    "有效性状态": None,
    "公开类别": None,
    "关键词": None,
    "关键字": None,
    "政策咨询电话": None,
    "政策咨询机关": None,
    "政策解读": None,
    "文字解读": None,
    "核心提示": None,
    "属性": None,
    "备注": None,
    "时间": "date_published",
    "发布": None,
}
_LABEL_ALT = "|".join(sorted(_META_LABELS, key=len, reverse=True))
# A label with its colon (or a table bar): 文号：… / 文 号: … / | 发文机关 | …
_LABEL_SPACED = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(_META_LABELS, key=len, reverse=True))
_META_PAIR = re.compile(rf"(?:^|(?<=[\s|｜】\]]))({_LABEL_SPACED})\s*(?:[:：]|[|｜]|(?=\s*$))\s*[|｜]?")
# Label and value separated by spaces only (索引号 000014349/2021 主题分类 卫生、体育): a line that starts so.
_META_PAIR_SPACED = re.compile(rf"(?:^|(?<=\s))({_LABEL_ALT})(?:\s+|$)")
_BULLET = re.compile(r"^\s*[•·●▪◆■◇○*\-]\s*")
_META_LABEL_ALONE = re.compile(rf"^\s*[|｜]?\s*({_LABEL_SPACED})\s*[:：]?\s*[|｜]?\s*$")


@dataclass(frozen=True)
class SiteMeta:
    """What a page's metadata block and strips say about the document (as written)."""

    fields: tuple[tuple[str, str], ...] = ()  # (field, value) in page order

    def get(self, field: str) -> str | None:
        return next((v for f, v in self.fields if f == field), None)


def _label_key(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _meta_pairs(line: str) -> list[tuple[str, str]] | None:
    """The label/value pairs of a metadata line, or None when the line is not one."""
    line = _BULLET.sub("", line)
    matches = list(_META_PAIR.finditer(line))
    if not matches:
        matches = list(_META_PAIR_SPACED.finditer(line))
        if not matches or matches[0].start() != 0 or "。" in line or len(line) > 120:
            return None
    if line[: matches[0].start()].strip(" |｜【】[]"):
        return None
    pairs = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        pairs.append((_label_key(m.group(1)), line[m.end() : end].strip(" |｜\t【】[]")))
    labelled = "".join(v for _, v in pairs)
    # A sentence of the plan that happens to start with 名称/标题: not metadata.
    if len(matches) == 1 and ("。" in labelled or len(labelled) > 80):
        return None
    return pairs


# -- site chrome, mastheads, running headers -------------------------------------------------

_CRUMB_START = re.compile(r"^\s*(?:您?(?:当前|现在|所在|的){1,3}的?位置|位置)\s*[:：]?\s*")
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|＞|→|›|/)\s*")
_NAV_WORDS = (
    "首页",
    "网站首页",
    "主页",
    "政务公开",
    "政府信息公开",
    "信息公开",
    "信息公开目录",
    "政务公开目录",
    "法定主动公开内容",
    "政策文件",
    "政策法规",
    "法规文件",
    "政府文件",
    "规范性文件",
    "其他文件",
    "部门文件",
    "通知公告",
    "公示公告",
    "新闻中心",
    "新闻动态",
    "头条新闻",
    "工作动态",
    "政策解读",
    "卫生健康",
    "健康中国",
    "专题专栏",
    "正文",
    "详情",
    "文件",
    "通知",
    "公告",
)
_CHROME = re.compile(
    r"字体\s*[:：]?\s*[【\[(（]?\s*大\s*中\s*小|【\s*大\s*中\s*小\s*】|打印本页|打印此页|关闭窗口|关闭本页|"
    r"【\s*打印\s*】|【\s*关闭\s*】|分享到|扫一扫|在手机打开|手机扫码|主办单位|承办单位|协办单位|ICP备|"
    r"网站标识码|公网安备|版权所有|Copyright|技术支持|网站地图|联系我们|设为首页|加入收藏|返回顶部|"
    r"上一篇|下一篇|相关链接|相关文章|附件下载|无障碍|长者模式|保护视力色|我要纠错|浏览次数|访问次数|"
    r"阅读次数|点击数|【\s*收藏\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]",
    re.I,
)
_MASTHEAD = re.compile(
    r"^\s*[|｜]?\s*(?:编\s*辑\s*出\s*版|主\s*管\s*单\s*位|主\s*办\s*单\s*位|出\s*版\s*单\s*位|地\s*址|"
    r"邮\s*政\s*编\s*码|邮\s*编|联\s*系\s*电\s*话|电\s*话|传\s*真|网\s*址|电\s*子\s*邮\s*箱|印\s*刷|"
    r"出\s*版\s*日\s*期|国内统一连续出版物号|国际标准连续出版物号|准\s*印\s*证|发\s*送\s*对\s*象)\s*[:：|｜]"
)
_RUNNING_HEADER = re.compile(
    r"^\s*[\u4e00-\u9fff]{2,20}(?:人民政府|政府)?公报\s*(?:[\d〇零一二三四五六七八九十]{2,4}\s*年\s*)?"
    r"(?:第\s*[\d一二三四五六七八九十]+\s*期|[\d〇零一二三四五六七八九十]*\s*期)?\s*(?:[(（][^)）]*[)）])?\s*$"
    r"|^\s*[\u4e00-\u9fff]{2,20}公报\s*$"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—－\-–]+\s*\d{1,4}\s*[—－\-–]+|第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|·\s*\d{1,4}\s*·)\s*$"
)
_PUBLIC_NOTE = re.compile(r"^\s*[(（]\s*此件[^)）]{0,12}[)）]\s*$")
# A gazette's issue line, its table of contents and a site's name line.
_ISSUE_LINE = re.compile(
    r"^\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*第\s*[\d一二三四五六七八九十]+\s*期\s*(?:[(（][^)）]{0,12}[)）])?\s*$"
)
_CONTENTS = re.compile(r"^\s*目\s*录\s*$|^\s*【[^】]{2,12}】\s*$|…{2,}|\.{6,}|·{6,}")
_SITE_NAME = re.compile(
    r"^[\u4e00-\u9fff]{2,20}(?:门户网站|政府网|政府网站|信息网|政务网|官网|网站)$|^.{0,30}(?:欢迎您|欢迎访问|欢迎光临)"
)
# The page's own title, as a browser tab shows it: 关于…的实施意见_淄博市人民政府 / … - 中国政府网
_TAB_SUFFIX = re.compile(
    r"\s*(?:_|\s-\s|——|｜)\s*[\u4e00-\u9fff]{2,20}(?:人民政府|政府|门户网站|政府网|网站|网)\s*$"
)


def _is_chrome(line: str) -> bool:
    if not _CHROME.search(line):
        return False
    return "。" not in line or len(line) < 40


def _crumb_rest(line: str) -> str | None:
    """For a breadcrumb line, the text glued after its last crumb ('' when none); None if not one."""
    m = _CRUMB_START.match(line)
    body = line[m.end() :] if m else line
    parts = _CRUMB_SEP.split(body.strip())
    if len(parts) < 2 and not m:
        return None
    if not m and parts[0].strip() not in _NAV_WORDS:
        return None
    last = parts[-1].strip()
    for word in sorted(_NAV_WORDS, key=len, reverse=True):
        if last.startswith(word):
            return last[len(word) :].strip()
    # The last crumb is a section name of the site; a title glued to it starts at an issuer or 关于.
    anchor = re.search(
        r"(?:国务院|关于|[\u4e00-\u9fff]{2,9}?(?:省|自治区|市|自治州|州|盟|县|区|旗|镇|乡|街道)"
        r"(?:人民政府|政府|卫生健康|关于|健康))",
        last[2:],
    )
    if anchor and len(last) > 12:
        return last[2 + anchor.start() :]
    return "" if len(last) <= 12 else last


# -- restoring line breaks -------------------------------------------------------------------

_LONG_LINE = 160  # a line longer than this may hold several of the document's lines
_SENTENCE_END = "。；;！？!?：:"
_MARKER = re.compile(
    rf"[(（〔]\s*([{CN_NUM}]{{1,3}}|\d{{1,2}})\s*[)）〕]"
    rf"|(?<![{CN_NUM}\d])([{CN_NUM}]{{1,3}})\s*、"
    rf"|(?<![\d.．%])(\d{{1,2}})\s*[.、．](?![\d%])"
    r"|(附\s*件\s*\d{0,2}\s*[:：]?)"
    r"|(第[一二三四五六七八九十]{1,3}(?:部分|章))"
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
        style = _style(m)
        digits = next((g for g in m.groups()[:3] if g), None)
        number = cn_number(digits) if digits else None
        after_stop = prev in _SENTENCE_END or prev in "）)」”】"
        continues = number is not None and number in (1, last.get(style, 0) + 1)
        after_heading = start - since <= 30 and not _CLAUSE.search(line, since, start)
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
                if line[t.end()] not in "。，,、；;：:":
                    cuts.append(t.end())  # 一、总体要求以习近平…: the body starts after the title
                    since = t.end()
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if line[a:b].strip()]


_META_SPLIT = re.compile(rf"(?<=\S)\s*(?=(?:{_LABEL_ALT})\s*[:：])")
_CHROME_SPLIT = re.compile(
    r"(?=您?(?:当前|现在|所在)的?位置\s*[:：])|(?<=[。）)])\s*(?=[(（]此件[^)）]{0,12}[)）])|(?<=[(（]此件公开发布[)）])"
    r"|(?<=[(（]此件主动公开[)）])|(?=字体\s*[:：]?\s*[【\[(（]?\s*大\s*中\s*小)|(?=打印本页)|(?=关闭窗口)|(?=分享到)"
)


_ISSUER_TAILS = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "办事处")
_ISSUER_BEFORE_DATE = re.compile(rf"([\u4e00-\u9fff]{{2,40}}(?:{'|'.join(_ISSUER_TAILS)}))$")


def _split_signatures(line: str) -> list[str]:
    """…全面实现。晋城市人民政府2020年12月30日（此件公开发布）附件… -> the signature on a line of its own."""
    out, pos = [], 0
    for d in DATE.finditer(line):
        before = line[max(pos, d.start() - 45) : d.start()]
        stripped = before.rstrip()
        signed = _ISSUER_BEFORE_DATE.search(stripped) if stripped.endswith(_ISSUER_TAILS) else None
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


_DATE_HINT = re.compile(r"月|\d{4}\s*[-./／]|(?:19|20)\d{5}")
_MARKER_HINT = re.compile(
    rf"[(（〔]\s*[{CN_NUM}\d]|[{CN_NUM}]\s*、|\d\s*[.、．]|附\s*件|第[一二三四五六七八九十]"
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


def restore_lines(lines: list[str]) -> list[str]:
    """Lines as the document wrote them: a line is split at table rows, signatures and numbered items
    (a long one also at labels and chrome)."""
    out: list[str] = []
    counts: dict[str, int] = {}  # each numbering style's count so far, across the document
    for whole in lines:
        for line in _split_rows(whole) if len(whole) > _LONG_LINE else [whole]:
            out.extend(_restore(line, counts))
    return out


def _restore(line: str, counts: dict[str, int]) -> list[str]:
    if len(line) <= _LONG_LINE:
        pieces = _split_signatures(line) if _DATE_HINT.search(line) else [line]
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
    for piece in (q for p in chrome if p is not None for q in _split_signatures(p)):
        labelled = (":" in piece or "：" in piece) and len(_META_PAIR.findall(piece)) >= 2
        sub = _META_SPLIT.split(piece) if labelled or _CRUMB_START.match(piece) else [piece]
        for s in sub:
            if _DEBRIS_HINT.search(s):
                s = strip_markdown(_GLUED_DEBRIS.sub(" ", s))
            out.extend(x.strip() for x in _split_long(s, counts))
    return out


_CHROME_HINT = re.compile(r"位置|此件|字体|打印|关闭|分享")
_DEBRIS_HINT = re.compile(r"[-*_=#]")


# -- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    lines: tuple[str, ...]  # the document's lines; page clutter blanked to ''
    meta: SiteMeta
    removed: int  # lines blanked as clutter


_HEAD_LINES = 60
_PROSE = re.compile(
    r"[，。；]"
)  # clutter lines carry no sentence punctuation  # breadcrumbs, metadata blocks and mastheads sit in a page's first lines


_EDGE_BARS = re.compile(r"^[\s|｜]+|[\s|｜]+$")
_PIPE_CELL = re.compile(r"\s*[|｜]+\s*")
_CELL_LABEL = re.compile(r"^[\u4e00-\u9fff ]{2,10}[:：]?$")


def _pipe_row(line: str) -> list[tuple[str, str]] | None:
    """A table row of a page's metadata (| 文 号: | 花政〔2020〕53号 | 成文日期: | … |): its pairs."""
    if "|" not in line and "｜" not in line:
        return None
    cells = [c for c in _PIPE_CELL.split(line.strip()) if c]
    if not cells or not _CELL_LABEL.match(cells[0]) or len(cells[0].replace(" ", "")) > 8:
        return None
    pairs: list[tuple[str, str]] = []
    label = _label_key(cells[0]).rstrip(":：")
    for cell in cells[1:]:
        key = _label_key(cell).rstrip(":：")
        if key in _META_LABELS or (cell.rstrip().endswith((":", "：")) and len(key) <= 8):
            if label is not None:
                pairs.append((label, ""))
            label = key
        elif label is not None:
            pairs.append((label, cell.strip()))
            label = None
    if label is not None:
        pairs.append((label, ""))
    return pairs


def strip_page(lines: list[str]) -> Page:
    out = [_EDGE_BARS.sub("", line) if ("|" in line or "｜" in line) else line for line in lines]
    lines = list(out)
    fields: list[tuple[str, str]] = []
    removed = 0
    pending_label: str | None = None
    seen_text = 0  # non-clutter lines seen so far
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        head = seen_text < _HEAD_LINES
        if not head and pending_label is None:
            # Below the page's head only footers, running headers and page numbers remain to drop.
            if (
                len(line) <= 80
                and not _PROSE.search(line)
                and (
                    _is_chrome(line)
                    or _PAGE_NUMBER.match(line)
                    or _RUNNING_HEADER.match(line)
                    or _ISSUE_LINE.match(line)
                )
            ):
                out[i], removed = "", removed + 1
            else:
                seen_text += 1
            continue
        if pending_label is not None:
            value = line.strip(" |｜")
            if not _META_LABEL_ALONE.match(line) and len(value) <= 60:
                if _META_LABELS.get(pending_label):
                    fields.append((_META_LABELS[pending_label], value))
                out[i], removed, pending_label = "", removed + 1, None
                continue
            pending_label = None
        if m := _META_LABEL_ALONE.match(line):
            pending_label = _label_key(m.group(1))
            out[i], removed = "", removed + 1
            continue
        pairs = _meta_pairs(line)
        if pairs is None and head:
            pairs = _pipe_row(raw)
        if pairs is not None:
            for label, value in pairs:
                if _META_LABELS.get(label) and value:
                    fields.append((_META_LABELS[label], value))
            out[i], removed = "", removed + 1
            continue
        rest = _crumb_rest(line) if head else None
        if rest is not None:
            out[i] = rest
            removed += not rest
            continue
        if head and (tab := _TAB_SUFFIX.search(line)) and tab.start() >= 6:
            out[i] = line = line[: tab.start()]
        if (
            _is_chrome(line)
            or _MASTHEAD.match(line)
            or _PAGE_NUMBER.match(line)
            or _RUNNING_HEADER.match(line)
            or _ISSUE_LINE.match(line)
            or (head and (_CONTENTS.search(line) or _SITE_NAME.match(line)))
        ):
            out[i], removed = "", removed + 1
            continue
        if head and re.fullmatch(r"[|｜\s]+", line):
            out[i], removed = "", removed + 1
            continue
        seen_text += 1
        if len(line) > 60 and "。" in line:
            seen_text = max(seen_text, _HEAD_LINES)  # the text has begun: no site metadata below it
    _drop_repeated_title(out)
    return Page(tuple(out), SiteMeta(tuple(fields)), removed)


def _drop_repeated_title(lines: list[str]) -> None:
    """A page heading repeated as the document's own heading: keep the last of the first two."""
    seen: dict[str, int] = {}
    for i, line in enumerate(lines[: _HEAD_LINES * 2]):
        key = re.sub(r"\s+", "", line)
        if not key or len(key) < 6:
            continue
        if key in seen and not re.search(r"[。；;]", key):
            lines[seen[key]] = ""
        seen[key] = i
        if "。" in key:  # the body has begun
            break
