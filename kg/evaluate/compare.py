"""Comparing what the extractor wrote with what the annotator wrote: strings in one canonical form,
values and years as numbers where they are numbers, and indicator names matched loosely.

Every string the scores compare goes through :func:`normalize` first.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from typing import Any

NAME_RATIO = 0.75  # SequenceMatcher ratio above which two indicator names match
NAME_MIN_CONTAINED = 4  # a contained indicator name must be at least this long
VALUE_EPS = 1e-9

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_TRANSLATE = str.maketrans(
    {
        "【": "〔",
        "】": "〕",
        "[": "〔",
        "]": "〕",
        "（": "(",
        "）": ")",
        "“": None,
        "”": None,
        '"': None,
        "'": None,
        "‘": None,
        "’": None,
        "《": None,
        "》": None,
        "«": None,
        "»": None,
    }
)
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})


# --------------------------------------------------------------------------- normalisation


def normalize(s: str | None) -> str:
    """Canonical form of a string for comparison.

    NFKC; all whitespace removed; 〔〕【】[] -> 〔〕; quotes “”"'‘’ and 《》«» removed; （）-> ();
    ASCII letters lower-cased. ``None`` gives ``""``; non-strings are converted with ``str``.
    """
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    s = unicodedata.normalize("NFKC", s)
    s = _WS_RE.sub("", s)
    s = s.translate(_TRANSLATE)
    return s.translate(_ASCII_LOWER)


def normalized_or_none(s: Any) -> str | None:
    """normalize(), but None (or a string that normalises to nothing) stays None."""
    n = normalize(s)
    return n or None


def value_key(value: Any) -> tuple[str, Any]:
    """("num", float) for a numeric value, else ("str", normalized text)."""
    if isinstance(value, bool):
        return ("str", normalize(str(value)))
    if isinstance(value, int | float) and math.isfinite(value):
        return ("num", float(value))
    n = normalize(value)
    if _NUMBER_RE.fullmatch(n):
        return ("num", float(n))
    return ("str", n)


def values_equal(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """Two value keys are equal: numbers within VALUE_EPS, texts exactly."""
    if a[0] != b[0]:
        return False
    if a[0] == "num":
        return abs(a[1] - b[1]) < VALUE_EPS
    return a[1] == b[1]


def year_key(y: Any) -> int | str | None:
    """A year (or an ordinal) as an int where it is written as one, else its normalized text."""
    if y is None:
        return None
    if isinstance(y, int) and not isinstance(y, bool):
        return y
    if isinstance(y, float) and y.is_integer():
        return int(y)
    n = normalize(y)
    if not n:
        return None
    if n.isdigit():
        return int(n)
    return n


def ordinal_key(o: Any) -> int | str | None:
    """An action's ordinal, read as a year is (5, 5.0 and "5" are one ordinal)."""
    return year_key(o)


def similarity(a: str, b: str) -> float:
    """SequenceMatcher's ratio of two strings (no autojunk: the strings are short)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def names_match(a: str, b: str) -> tuple[bool, float]:
    """Whether two *normalized* indicator names match, and their SequenceMatcher ratio.

    They match when equal, when one contains the other and the shorter has at least 4 characters,
    or when the ratio is at least 0.75.
    """
    if a == b:
        return True, 1.0
    r = similarity(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= NAME_MIN_CONTAINED and short in long_:
        return True, r
    return r >= NAME_RATIO, r


def as_list(x: Any) -> list:
    """A gold field as a list: None is empty, a lone string is a list of one."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)
