"""Actions -> themes (the 15 national actions plus the local themes the corpus shows).

Names vary (实施 prefix, 中小学生 vs 中小学, 智慧健康行动 vs 互联网医疗健康服务促进行动),
so an action is matched first on its normalised name against each theme's aliases,
then on the theme's keywords in its name, then on keyword frequency in its text.
The method and a score travel with every match.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from kg.link.reference import themes
from kg.records import Theme

_NOISE = re.compile(r"^(?:实施|开展|推进|深入开展)|[“”\"'《》（）()\s]")


def normalize_action_name(name: str) -> str:
    return _NOISE.sub("", name)


def match_theme(name: str, text: str = "") -> tuple[Theme, str, float] | None:
    """(theme, method, score) for an action, or None if nothing fits."""
    key = normalize_action_name(name)
    all_themes = themes()
    for theme in all_themes:
        if any(normalize_action_name(a) == key for a in theme.aliases):
            return theme, "name", 1.0
    best = max(
        (
            (t, max(SequenceMatcher(None, normalize_action_name(a), key).ratio() for a in t.aliases))
            for t in all_themes
        ),
        key=lambda x: x[1],
    )
    if best[1] >= 0.8:
        return best[0], "name", round(best[1], 3)
    in_name = [(t, sum(len(k) for k in t.keywords if k in key)) for t in all_themes]
    in_name = [x for x in in_name if x[1]]
    if in_name:
        theme, weight = max(in_name, key=lambda x: x[1])
        return theme, "keyword", 0.8
    if text:
        counts = [(t, sum(text.count(k) for k in t.keywords)) for t in all_themes]
        theme, hits = max(counts, key=lambda x: x[1])
        total = sum(h for _, h in counts)
        if hits:
            return theme, "text", round(hits / total, 3)
    return None
