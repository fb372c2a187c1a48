"""Traditional characters read as simplified: plans are copied from pages that show them in
traditional script (a Taiwan or Hong Kong wiki, a site's 繁体 switch: 長春市人民政府關於印發…), and
every pattern, name and gazetteer entry of the extractor is written in simplified characters."""

from __future__ import annotations

import re
from functools import cache

# Characters frequent in plans whose traditional and simplified forms differ, pair by pair: a text
# that writes more of the first row than of the second is in traditional script.
_TRADITIONAL = (
    "國關實衛會辦廳縣區鄉鎮體醫療與為們這時間對開發經濟機構劃規綱動務業產員導組織農環護藥質確標準預劃"
)
_SIMPLIFIED = (
    "国关实卫会办厅县区乡镇体医疗与为们这时间对开发经济机构划规纲动务业产员导组织农环护药质确标准预划"
)
_SAMPLE = 20_000  # characters looked at
_MIN_TRADITIONAL = 10


_ANY_TRADITIONAL = re.compile(f"[{_TRADITIONAL}]")
_ANY_SIMPLIFIED = re.compile(f"[{_SIMPLIFIED}]")


def is_traditional(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not _ANY_TRADITIONAL.search(sample):
        return False  # most plans: one pass of the sample
    traditional = len(_ANY_TRADITIONAL.findall(sample))
    return traditional >= _MIN_TRADITIONAL and traditional > len(_ANY_SIMPLIFIED.findall(sample))


@cache
def _converter():
    from opencc import OpenCC  # opencc-python-reimplemented: loaded only for a traditional text

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The text in simplified characters (unchanged when it is not in traditional script)."""
    return simplified(text)[0]


def simplified(text: str) -> tuple[str, bool]:
    """(the text in simplified characters, whether it was in traditional script)."""
    traditional = is_traditional(text)
    return (_converter().convert(text) if traditional else text), traditional


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A character glossed with its reading by a mirror site (發(fā)布, 衛(wèi)生): the gloss is no text.
_PINYIN_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")


def without_pinyin(text: str) -> str:
    """The text without readings glossed after its characters (發(fā)布 -> 發布)."""
    return _PINYIN_GLOSS.sub("", text) if any(c in text for c in _TONED) else text
