"""Text reuse between a child action and the parent action it implements.

Both texts are cut into clauses; a child clause is reused when some parent clause
matches it closely (difflib ratio >= REUSED). The share is counted in characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


def text_reuse(child: str, parent: str) -> Reuse:
    child_clauses = _head_removed(clauses(child))
    parent_clauses = _head_removed(clauses(parent))
    pairs = []
    used: set[int] = set()
    reused_chars = 0
    added = []
    for c in child_clauses:
        best, best_ratio = None, 0.0
        for k, p in enumerate(parent_clauses):
            matcher = SequenceMatcher(None, c, p, autojunk=False)
            if matcher.real_quick_ratio() < REUSED or matcher.quick_ratio() < REUSED:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best is not None and best_ratio >= REUSED:
            used.add(best)
            reused_chars += len(c)
            pairs.append((c, parent_clauses[best], round(best_ratio, 3)))
        else:
            added.append(c)
    total = sum(len(c) for c in child_clauses)
    dropped = tuple(p for k, p in enumerate(parent_clauses) if k not in used)
    return Reuse(round(reused_chars / total, 3) if total else 0.0, tuple(added), dropped, tuple(pairs))
