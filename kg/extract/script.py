"""Traditional characters read as simplified: plans are copied from pages that show them in
traditional script (a Taiwan or Hong Kong wiki, a site's 繁体 switch: 長春市人民政府關於印發…), and
every pattern, name and gazetteer entry of the extractor is written in simplified characters."""

from __future__ import annotations

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


def is_traditional(text: str) -> bool:
    sample = text[:_SAMPLE]
    traditional = sum(sample.count(c) for c in _TRADITIONAL)
    return traditional >= _MIN_TRADITIONAL and traditional > sum(sample.count(c) for c in _SIMPLIFIED)


@cache
def _converter():
    from opencc import OpenCC  # opencc-python-reimplemented: loaded only for a traditional text

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The text in simplified characters (unchanged when it is not in traditional script)."""
    return _converter().convert(text) if is_traditional(text) else text
