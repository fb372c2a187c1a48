"""The metadata blocks government sites print beside a document (索引号 / 发文机关 / 成文日期 / 文号 /
发布日期 …), as label/value lines, pipe tables or one strip: read as evidence for the plan fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

# -- site metadata ---------------------------------------------------------------------------

# label -> field it is evidence for (None: read and dropped)
META_LABELS = {
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
    "中文名": "title",  # an encyclopedia's infobox (中文名 / 颁布时间 / 发布单位 / 发文字号)
    "颁布时间": "date_published",
    "颁布日期": "date_published",
    "外文名": None,
    "名称": "title",
    "文件名称": "title",
    "来源": "source",  # the publishing body: an issuer only where nothing else names one
    "信息来源": "source",
    "文章来源": "source",
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
    "时效": None,
    "累计次数": None,
    "公文生成日期": "date",
    "生成日期": "date",
    "备注/文号": "doc_number",
    "发布机关": "issuer",
    "效力状态": None,
    "发布": None,
    "责任部门": None,
    "公开时限": None,
    "是否有效": None,
    "施行日期": None,
    "效力级别": None,
    "公布日期": "date_published",
}
LABEL_ALT = "|".join(sorted(META_LABELS, key=len, reverse=True))
# A label with its colon (or a table bar): 文号：… / 文 号: … / | 发文机关 | …
_LABEL_SPACED = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(META_LABELS, key=len, reverse=True))
META_PAIR = re.compile(rf"(?:^|(?<=[\s|｜】\]]))({_LABEL_SPACED})\s*(?:[:：]|[|｜]|(?=\s*$))\s*[|｜]?")
# Label and value separated by spaces only (索引号 000014349/2021 主题分类 卫生、体育, or the labels
# letter-spaced: 索 引 号 … 文  号 …): a line that starts so.
META_PAIR_SPACED = re.compile(rf"(?:^|(?<=\s))({_LABEL_SPACED})(?:\s+|$)")
# A law database's labels glued to their values, a line each (发文字号国卫办宣传函〔2018〕907号): only
# labels no sentence starts with.
_FUSED = re.compile(
    r"^(发文机关|发文日期|发文字号|成文日期|施行日期|效力级别|时效性|公布日期)(?=[^\s:：|｜])"
)
_BULLET = re.compile(r"^\s*[•·●▪◆■◇○*\-]\s*")
META_LABEL_ALONE = re.compile(rf"^\s*[|｜]?\s*({_LABEL_SPACED})\s*[:：]?\s*[|｜]?\s*$")


@dataclass(frozen=True)
class SiteMeta:
    """What a page's metadata block and strips say about the document (as written)."""

    fields: tuple[tuple[str, str], ...] = ()  # (field, value) in page order

    def get(self, field: str) -> str | None:
        return next((v for f, v in self.fields if f == field), None)


def label_key(label: str) -> str:
    return re.sub(r"\s+", "", label)


def meta_pairs(line: str) -> list[tuple[str, str]] | None:
    """The label/value pairs of a metadata line, or None when the line is not one."""
    line = _BULLET.sub("", line)
    if (fused := _FUSED.match(line)) and "。" not in line and len(line) <= 80:
        return [(fused.group(1), line[fused.end() :].strip())]
    matches = list(META_PAIR.finditer(line))
    if not matches or (matches[0].start() and line[: matches[0].start()].strip(" |｜【】[]")):
        # labels and values apart by spaces only, the last label perhaps empty (… 关 键 字)
        matches = list(META_PAIR_SPACED.finditer(line))
        if not matches or matches[0].start() != 0 or "。" in line or len(line) > 120:
            return None
    if line[: matches[0].start()].strip(" |｜【】[]"):
        return None
    pairs = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        pairs.append((label_key(m.group(1)), line[m.end() : end].strip(" |｜\t【】[]")))
    labelled = "".join(v for _, v in pairs)
    # A sentence of the plan that happens to start with 名称/标题: not metadata.
    if len(matches) == 1 and ("。" in labelled or len(labelled) > 80):
        return None
    return pairs


META_SPLIT = re.compile(rf"(?<=\S)\s*(?=(?:{LABEL_ALT})\s*[:：])")


_PIPE_CELL = re.compile(r"\s*[|｜]+\s*")
_CELL_LABEL = re.compile(r"^[\u4e00-\u9fff ]{2,10}[:：]?$")


def pipe_row(line: str) -> list[tuple[str, str]] | None:
    """A table row of a page's metadata (| 文 号: | 花政〔2020〕53号 | 成文日期: | … |): its pairs."""
    if "|" not in line and "｜" not in line:
        return None
    cells = [c for c in _PIPE_CELL.split(line.strip()) if c]
    if not cells or not _CELL_LABEL.match(cells[0]) or len(cells[0].replace(" ", "")) > 8:
        return None
    pairs: list[tuple[str, str]] = []
    label = label_key(cells[0]).rstrip(":：")
    for cell in cells[1:]:
        key = label_key(cell).rstrip(":：")
        if key in META_LABELS or (cell.rstrip().endswith((":", "：")) and len(key) <= 8):
            if label is not None:
                pairs.append((label, ""))
            label = key
        elif label is not None:
            pairs.append((label, cell.strip()))
            label = None
    if label is not None:
        pairs.append((label, ""))
    return pairs
