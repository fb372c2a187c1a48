"""A page as users find it -> the lines of the document itself, and what the page said about it.

Plans reach the corpus copied from government sites, gazettes and reposts: breadcrumbs, site
chrome (字体 大 中 小, 打印本页, 分享到 …), gazette mastheads and running headers around the text,
sometimes the whole text on one line. kg.extract.restore splits the lines again; this module
blanks the clutter (so line numbers keep pointing into the text) and hands the metadata blocks sites
print (索引号 / 发文机关 / 成文日期 / 文号 / 发布日期) to kg.extract.sitemeta, as evidence for the plan fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.notice import ISSUER_TAIL
from kg.extract.sitemeta import META_LABEL_ALONE, META_LABELS, SiteMeta, label_key, meta_pairs, pipe_row

# -- site chrome, mastheads, running headers -------------------------------------------------

CRUMB_START = re.compile(r"^\s*(?:您?(?:当前|现在|所在|的){1,3}的?位置|位置)\s*[:：]?\s*")
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
    r"(?=[字【打关分扫在手主承协ICP网公版技联设加返上下相附无长保我浏访阅点发转您如页请\[])(?:"  # its first characters, for speed
    r"字体\s*[:：]?\s*[【\[(（]?\s*大\s*中\s*小|【\s*大\s*中\s*小\s*】|打印本页|打印此页|关闭窗口|关闭本页|"
    r"【\s*打印\s*】|【\s*关闭\s*】|分享到|扫一扫|在手机打开|手机扫码|主办单位|承办单位|协办单位|ICP备|"
    r"网站标识码|公网安备|版权所有|Copyright|技术支持|网站地图|联系我们|设为首页|加入收藏|返回顶部|"
    r"上一篇|下一篇|相关链接|相关文章|附件下载|无障碍|长者模式|保护视力色|我要纠错|浏览次数|访问次数|"
    r"阅读次数|点击数|【\s*收藏\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]|"
    # a repost's byline and counters (发布于: 雪球 转发:0 回复:0), a page the site has withdrawn
    r"发布于\s*[:：]|转发\s*[:：]\s*\d|回复\s*[:：]\s*\d|"
    r"您访问的页面|页面已撤稿|页面不存在|页面已删除|如您是在地址栏|请访问)",
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
    r"\d{1,4}\s*/\s*\d{1,4}|·\s*\d{1,4}\s*·|P\.\s*\d{1,4}|Page\s*\d{1,4}(?:\s*[-–—]\s*.{0,40})?)\s*$"
)
# A journal's running header naming the document it prints: 2023 年 3 月 第 1 期 ISSUER:TITLE 5
_JOURNAL_HEADER = re.compile(
    r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*第\s*\d{1,3}\s*期\s*(?P<issuer>[\u4e00-\u9fff]{2,30}?)\s*[:：]\s*"
    r"(?P<title>[^，。,:：]{4,60}?)\s*\d{0,4}\s*$"
)
_PUBLIC_NOTE = re.compile(r"^\s*[(（]\s*此件[^)）]{0,12}[)）]\s*$")
# A gazette's issue line, its table of contents and a site's name line.
_ISSUE_LINE = re.compile(
    r"^\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*第\s*[\d一二三四五六七八九十]+\s*期\s*(?:[(（][^)）]{0,12}[)）])?\s*$"
)
_CONTENTS = re.compile(r"^\s*目\s*录\s*$|^\s*【[^】]{2,12}】\s*$|…{2,}|\.{6,}|·{6,}")
_SITE_NAME = re.compile(
    r"^[\u4e00-\u9fff]{2,20}(?:门户网站|政府网|政府网站|信息网|政务网|官网|网站)$|^.{0,30}(?:欢迎您|欢迎访问|欢迎光临|欢迎来到)"
    # a site's column heading on its own line (部门文件, 通知公告)
    r"|^(?:部门|政府|政策|规范性|其他|最新|重要|市政府|省政府|县政府|区政府)?文件$|^(?:通知公告|政策法规|公告公示|政策文件库)$"
    # a menu entry (• 党建之窗>)
    r"|^[•·]?\s*[\u4e00-\u9fff]{2,8}\s*[>›»]$"
    # an encyclopedia's section headings, alone or as its contents (基本介绍 / 全文,政策解读,)
    r"|^(?:(?:基本介绍|基本信息|全文|文件全文|政策解读|内容简介|相关信息|参考资料)\s*[,，、]?\s*)+$"
    # and its lead: <title>.是<issuer><date>发布的档案.
    r"|^.{6,120}?[.。]?是[\u4e00-\u9fff]{2,40}?\d{4}年\d{1,2}月\d{1,2}日(?:发布|印发|颁布)的[\u4e00-\u9fff]{2,8}[.。]?$"
)
# Pages of document-sales sites around a plan: their prompts (sure signs anywhere in the page's head,
# even in a sentence), their form fields (short lines only) and the file's name (关于….docx).
_SALES = re.compile(
    r"本站|文档|VIP|金币|下载积分|资源ID|资源大小|ImageVerifierCode|游客一键下载|用户名和密码|下载后|付费|版权申诉|答案"
)
_SALES_FORM = re.compile(
    r"温馨提示|友情提示|支付方式|验证码|换一换|忘记密码|查看更多|账\s*号\s*[:：]|密\s*码\s*[:：]|会员登录|"
    r"三方登录|下载资源|资源格式|全文页数|全部分类|帮助中心|邮箱/手机"
)
_FILE_NAME = re.compile(r"^(?P<name>.{4,80}?)\.(?:docx?|pdf|wps|txt|xlsx?)(?:VIP)?$", re.I)
# The page's own title, as a browser tab shows it: 关于…的实施意见_淄博市人民政府 / … - 中国政府网
_TAB_SUFFIX = re.compile(
    r"\s*(?:_|\s-\s|——|｜)\s*[\u4e00-\u9fff]{2,20}(?:人民政府|政府|门户网站|政府网|网站|网)\s*$"
)


# A printed document's colophon (版记): who it is copied to, who printed it when. Between a notice and
# the plan it sends, it would be read as the plan's heading.
COLOPHON = re.compile(r"^(?:抄\s*送|抄\s*报)\s*[:：]|^[^。，；]{0,40}?\d{1,2}\s*日\s*印\s*发\s*$")


def _is_chrome(line: str) -> bool:
    if not _CHROME.search(line):
        return False
    return "。" not in line or len(line) < 40


def _is_sales(line: str) -> bool:
    return bool(
        _SALES.search(line)
        or (len(line) < 40 and "。" not in line and _SALES_FORM.search(line))
        or _FILE_NAME.match(line)
    )


def _crumb_rest(line: str) -> str | None:
    """For a breadcrumb line, the text glued after its last crumb ('' when none); None if not one."""
    m = CRUMB_START.match(line)
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


# A number alone before any text: left over from a site's numbered list (1. 1、本文档共12页…).
_BARE_NUMBER = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．]\s*$")
_EDGE_BARS = re.compile(r"^[\s|｜]+|[\s|｜]+$")

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


# A news site's repost: its lead (…推进委员会印发《…》…) ends at 全文如下：, the document follows.
_REPOST_END = re.compile(r"(?:全文|原文|文件全文)如下\s*[:：]?\s*$")
_LEAD_ISSUER = re.compile(rf"([\u4e00-\u9fff]{{2,30}}?{ISSUER_TAIL})(?:近日|日前|联合|正式)*印发(?:了)?《")
_REPOST_LINES = 12  # the lead is a page's first few lines


def _repost_lead(lines: list[str]) -> tuple[int, str | None]:
    """(lines the repost lead takes, the issuer it names) — (0, None) when the page is no repost."""
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _REPOST_END.search(line):
            lead = "".join(lines[: i + 1])
            issuer = _LEAD_ISSUER.search(lead)
            return i + 1, issuer.group(1) if issuer else None
        seen += 1
        if seen >= _REPOST_LINES:
            break
    return 0, None


def strip_page(lines: list[str]) -> Page:
    out = [_EDGE_BARS.sub("", line) if ("|" in line or "｜" in line) else line for line in lines]
    fields: list[tuple[str, str]] = []
    removed = 0
    lead, lead_issuer = _repost_lead(out)
    if lead:
        removed += sum(1 for line in out[:lead] if line.strip())
        out[:lead] = [""] * lead
        if lead_issuer:
            fields.append(("issuer", lead_issuer))
    lines = list(out)
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
                    or COLOPHON.match(line)
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
            if not META_LABEL_ALONE.match(line) and len(value) <= 60:
                if META_LABELS.get(pending_label):
                    fields.append((META_LABELS[pending_label], value))
                out[i], removed, pending_label = "", removed + 1, None
                continue
            pending_label = None
        if m := META_LABEL_ALONE.match(line):
            pending_label = label_key(m.group(1))
            out[i], removed = "", removed + 1
            continue
        pairs = meta_pairs(line)
        if pairs is None and head:
            pairs = pipe_row(raw)
        if pairs is not None:
            for label, value in pairs:
                if META_LABELS.get(label) and value:
                    fields.append((META_LABELS[label], value))
            out[i], removed = "", removed + 1
            continue
        rest = _crumb_rest(line) if head else None
        if rest is not None:
            out[i] = rest
            removed += not rest
            continue
        if head and (journal := _JOURNAL_HEADER.match(line)):
            fields += [("issuer", journal.group("issuer")), ("title", journal.group("title"))]
            out[i], removed = "", removed + 1
            continue
        if head and (file_name := _FILE_NAME.match(line)):
            # a sales page's file name is often the only heading the page keeps of the document
            if not any(label == "title" for label, _ in fields):
                fields.append(("title", file_name.group("name").strip()))
            out[i], removed = "", removed + 1
            continue
        if head and (tab := _TAB_SUFFIX.search(line)) and tab.start() >= 6:
            out[i] = line = line[: tab.start()]
        if (
            _is_chrome(line)
            or COLOPHON.match(line)
            or _MASTHEAD.match(line)
            or _PAGE_NUMBER.match(line)
            or _RUNNING_HEADER.match(line)
            or _ISSUE_LINE.match(line)
            or (head and (_CONTENTS.search(line) or _SITE_NAME.match(line) or _is_sales(line)))
        ):
            out[i], removed = "", removed + 1
            continue
        if head and (re.fullmatch(r"[|｜\s]+", line) or (not seen_text and _BARE_NUMBER.match(line))):
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
        key = "".join(line.split())
        if len(key) < 6:
            continue
        if key in seen and "。" not in key and "；" not in key and ";" not in key:
            lines[seen[key]] = ""
        seen[key] = i
        if "。" in key:  # the body has begun
            break
