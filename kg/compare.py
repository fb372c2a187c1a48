"""Local targets against the national target: stricter, equal or looser.

Whether higher is better follows from the national target's comparator (>= / > : higher
is better; <= / < : lower is better); for an equality target the indicator's name decides
(死亡率, 患病率, 吸烟率, 发生率, 比重 … are to be lowered). Targets stated as yearly
decreases compare their magnitude (a bigger yearly drop is stricter).
"""

from __future__ import annotations

import re

_LOWER_IS_BETTER = re.compile(r"死亡率|患病率|发病率|吸烟率|发生率|比重|近视率|生长迟缓率|肥胖|过早死亡")


def _direction(national: dict) -> int | None:
    cmp = national.get("comparator")
    if national.get("kind") == "annual_decrease":
        return 1
    if cmp in (">=", ">"):
        return 1
    if cmp in ("<=", "<"):
        return -1
    if cmp in ("=", "approx"):
        return -1 if _LOWER_IS_BETTER.search(str(national.get("indicatorName") or "")) else 1
    return None


def verdict(local: dict, national: dict) -> str | None:
    """'stricter' | 'equal' | 'looser' | None (not comparable)."""
    if local.get("value") is None or national.get("value") is None:
        return None
    if (local.get("kind") or None) != (national.get("kind") or None):
        return None
    direction = _direction(national)
    if direction is None:
        return None
    a, b = float(local["value"]), float(national["value"])
    if a == b:
        strict = {">": 2, ">=": 1, "=": 1, "approx": 0, "<=": 1, "<": 2}
        la, na = strict.get(local.get("comparator"), 1), strict.get(national.get("comparator"), 1)
        return "equal" if la == na else ("stricter" if la > na else "looser")
    return "stricter" if (a - b) * direction > 0 else "looser"


def compare_targets(rows: list[dict]) -> list[dict]:
    """Rows of indicator_targets.rq -> one dict per local target (region, plan, indicator, origin,
    year, comparator, value, unit, national, verdict), then the national targets, one per year."""
    national = {}
    for r in rows:
        if r.get("reference") and r.get("year") is not None and r.get("value") is not None:
            national.setdefault(int(r["year"]), r)
    out = []
    for r in rows:
        if r.get("reference"):
            continue
        year = int(r["year"]) if r.get("year") is not None else None
        n = national.get(year) if year is not None else None
        out.append(
            {
                "region": r.get("region"),
                "plan": r.get("title"),
                "indicator": r.get("indicatorName"),
                "origin": r.get("origin"),
                "year": year,
                "comparator": r.get("comparator"),
                "value": r.get("valueText"),
                "unit": r.get("unit"),
                "national": f"{n['comparator']} {n['valueText']}" if n else None,
                "verdict": verdict(r, n) if n else None,
            }
        )
    for year, n in sorted(national.items()):
        out.append(
            {
                "region": "中国",
                "plan": n.get("title"),
                "indicator": n.get("indicatorName"),
                "origin": "national",
                "year": year,
                "comparator": n.get("comparator"),
                "value": n.get("valueText"),
                "unit": n.get("unit"),
                "national": f"{n['comparator']} {n['valueText']}",
                "verdict": "national",
            }
        )
    return out
