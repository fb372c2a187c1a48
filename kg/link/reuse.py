"""Text reuse between a child action and the parent action it implements.

Both texts are cut into clauses; a child clause is reused when some parent clause
matches it closely (difflib ratio >= REUSED). The share is counted in characters.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

try:  # the same algorithm compiled (its answers are difflib's: tests/test_link.py), ~3x faster
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - a dependency; difflib gives the same answers, slower
    from difflib import SequenceMatcher

REUSED = 0.6
_CLAUSE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_GROUP = re.compile(r"[（(〔](?:牵头单位|责任单位|负责单位)[^）)〕]*[）)〕]")


@dataclass(frozen=True)
class Reuse:
    share: float  # of the child's characters, in clauses that repeat the parent
    added: tuple[str, ...]  # child clauses with no counterpart in the parent
    dropped: tuple[str, ...]  # parent clauses the child leaves out
    pairs: tuple[tuple[str, str, float], ...]  # (child clause, parent clause, ratio)


def clauses(text: str) -> list[str]:
    text = _GROUP.sub("", text)
    return [c.strip() for c in _CLAUSE.findall(text) if len(c.strip()) >= 4]


def _head_removed(clause_list: list[str]) -> list[str]:
    """Drop the numbered heading (1.控烟行动。) which says nothing about reuse."""
    if clause_list and len(clause_list[0]) <= 20 and clause_list[0].rstrip("。.").endswith("行动"):
        return clause_list[1:]
    return clause_list


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@lru_cache(maxsize=4096)
def _indexed(text: str) -> tuple[tuple[str, ...], dict[str, int], tuple[frozenset[str], ...]]:
    """A text's clauses, the position of each distinct clause, and their bigram sets (cached: a
    city's action is the parent of every county's action of the same theme)."""
    parts = tuple(_head_removed(clauses(text)))
    first: dict[str, int] = {}
    for k, p in enumerate(parts):
        first.setdefault(p, k)
    return parts, first, tuple(_bigrams(p) for p in parts)


CANDIDATES = 3  # parent clauses compared in full with each child clause (best bigram overlap first)


PLACE = "〇"  # stands for a plan's own place name when texts are compared


def mask_places(text: str, names: tuple[str, ...]) -> str:
    """Replace a plan's own place names (晋城市, 晋城) by one mark: 推进健康晋城建设 and
    推进健康嘉峰建设 are the same clause, reused with the place changed."""
    for name in sorted((n for n in names if n and len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, PLACE)
    return text


def place_names(region: str | None) -> tuple[str, ...]:
    """A region's name and its short form: 晋城市 -> (晋城市, 晋城)."""
    if not region:
        return ()
    short = re.sub(r"(?:省|市|县|区|镇|乡|街道|自治州|自治县|自治区)$", "", region)
    return (region, short) if short != region and len(short) >= 2 else (region,)


@lru_cache(maxsize=1 << 15)
def _matcher(parent_clause: str) -> SequenceMatcher:
    """A matcher with ``parent_clause`` as its second sequence: difflib indexes that one, so the
    index is built once per parent clause and each child clause is only ``set_seq1``."""
    return SequenceMatcher(None, "", parent_clause, autojunk=False)


def _candidates(clause: str, parent: str) -> list[int]:
    """Positions of the parent clauses worth comparing with ``clause`` in full: the few that share
    the most character bigrams with it (Jaccard >= 0.2), best first."""
    parent_grams = _indexed(parent)[2]
    grams = _bigrams(clause)
    if not grams:
        return []
    n = len(grams)
    overlaps = []
    for k, pg in enumerate(parent_grams):
        if pg and not grams.isdisjoint(pg):
            shared = len(grams & pg)
            overlap = shared / (n + len(pg) - shared)  # Jaccard
            if overlap >= 0.2:
                overlaps.append((overlap, k))
    return [k for _, k in sorted(overlaps, reverse=True)[:CANDIDATES]]


# The cached matchers are shared and each comparison sets one's first sequence: the explorer's
# threads compare texts too.
_MATCHING = threading.Lock()


def _may_reach(matcher: SequenceMatcher, clause: str) -> bool:
    """Set ``clause`` as the matcher's first sequence (under :data:`_MATCHING`) and tell whether
    difflib's cheap upper bounds of the ratio allow it to reach REUSED."""
    matcher.set_seq1(clause)
    return matcher.real_quick_ratio() >= REUSED and matcher.quick_ratio() >= REUSED


def _ratio(clause: str, parent_clause: str) -> float:
    """difflib's ratio of the two clauses, or 0.0 when its cheap upper bounds are below REUSED."""
    matcher = _matcher(parent_clause)
    with _MATCHING:
        return matcher.ratio() if _may_reach(matcher, clause) else 0.0


@lru_cache(maxsize=1 << 17)
def _best_match(clause: str, parent: str) -> tuple[int | None, float]:
    """(position, ratio) of the parent clause closest to ``clause``. Cached: sibling plans copy the
    same clauses from the same parent."""
    parent_clauses, exact, _ = _indexed(parent)
    best = exact.get(clause)
    if best is not None:
        return best, 1.0
    best_ratio = 0.0
    for k in _candidates(clause, parent):
        ratio = _ratio(clause, parent_clauses[k])
        if ratio > best_ratio:
            best, best_ratio = k, ratio
    return best, best_ratio


def _reaches(clause: str, parent_clause: str) -> bool:
    """Whether difflib's ratio of the two clauses is >= REUSED. The ratio counts the characters of
    all matching blocks, the longest first: when that block alone reaches REUSED, the others (five
    more searches on average, most of the time spent) need not be found."""
    matcher = _matcher(parent_clause)
    with _MATCHING:
        if not _may_reach(matcher, clause):
            return False
        total = len(clause) + len(parent_clause)
        longest = matcher.find_longest_match(0, len(clause), 0, len(parent_clause)).size
        return 2.0 * longest / total >= REUSED or matcher.ratio() >= REUSED


@lru_cache(maxsize=1 << 17)
def _is_reused(clause: str, parent: str) -> bool:
    """Whether ``clause`` repeats some clause of ``parent``: what :func:`_best_match` tells of it
    (its best ratio >= REUSED), stopping at the first candidate that reaches REUSED. The best
    candidate by bigrams is nearly always that one, so most clauses need one comparison, not three."""
    parent_clauses, exact, _ = _indexed(parent)
    if clause in exact:
        return True
    return any(_reaches(clause, parent_clauses[k]) for k in _candidates(clause, parent))


def clear_caches() -> None:
    """Drop the comparison caches (hundreds of MB after a corpus is linked) once linking is done."""
    for cached in (_bigrams, _indexed, _matcher, _best_match, _is_reused):
        cached.cache_clear()


def text_reuse(
    child: str, parent: str, *, child_places: tuple[str, ...] = (), parent_places: tuple[str, ...] = ()
) -> Reuse:
    """Which clauses of ``child`` repeat a clause of ``parent``.

    Each text's own place names are masked first. Exact repeats are found by lookup; for the rest,
    parent clauses are ranked by shared character bigrams and only the best few are compared with
    difflib, which keeps this linear in practice. Passages are reported as written.
    """
    child_clauses = _indexed(mask_places(child, child_places))[0]
    masked_parent = mask_places(parent, parent_places)
    parent_clauses = _indexed(masked_parent)[0]
    pairs = []
    used: set[int] = set()
    reused_chars = 0
    added = []
    for c in child_clauses:
        best, best_ratio = _best_match(c, masked_parent)
        if best is not None and best_ratio >= REUSED:
            used.add(best)
            reused_chars += len(c)
            pairs.append((c, parent_clauses[best], round(best_ratio, 3)))
        else:
            added.append(c)
    total = sum(len(c) for c in child_clauses)
    dropped = tuple(p for k, p in enumerate(parent_clauses) if k not in used)
    child_name = child_places[0] if child_places else PLACE
    parent_name = parent_places[0] if parent_places else PLACE
    return Reuse(
        round(reused_chars / total, 3) if total else 0.0,
        tuple(c.replace(PLACE, child_name) for c in added),
        tuple(p.replace(PLACE, parent_name) for p in dropped),
        tuple((c.replace(PLACE, child_name), p.replace(PLACE, parent_name), r) for c, p, r in pairs),
    )


def reuse_share(
    child: str, parent: str, *, child_places: tuple[str, ...] = (), parent_places: tuple[str, ...] = ()
) -> float:
    """``text_reuse(...).share`` alone, which is all a build stores: the passages follow from the
    two texts whenever they are asked for. The same value with fewer comparisons (see
    :func:`_is_reused`); tests/test_link.py checks that the two agree."""
    child_clauses = _indexed(mask_places(child, child_places))[0]
    masked_parent = mask_places(parent, parent_places)
    total = sum(len(c) for c in child_clauses)
    if not total:
        return 0.0
    reused = sum(len(c) for c in child_clauses if _is_reused(c, masked_parent))
    return round(reused / total, 3)
