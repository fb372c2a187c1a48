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


# -- plan against plan -----------------------------------------------------------------------

_SCOPE = ("全国", "全省", "全市", "全县", "全区", "全镇", "全乡")


def indicator_key(name: str) -> str:
    """An indicator's name without the scope a plan puts first (全市居民健康素养水平 and
    居民健康素养水平 are one indicator in two plans)."""
    name = str(name or "").strip()
    for prefix in _SCOPE:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix) :]
    return name


def _target_text(r: dict) -> str:
    return f"{r.get('comparator') or ''} {r.get('valueText') or ''}{r.get('unit') or ''}".strip()


def compare_plan_targets(earlier: list[dict], later: list[dict]) -> list[dict]:
    """Rows of plan_targets.rq for two plans -> one dict per indicator and year both set a target
    for (indicator, year, earlier, later, unit, verdict): the later plan's target against the
    earlier one's, as :func:`verdict` compares a local target with the national one."""
    first: dict[tuple, dict] = {}
    for r in earlier:
        first.setdefault((indicator_key(r.get("indicatorName")), r.get("year")), r)
    out, seen = [], set()
    for r in later:
        key = (indicator_key(r.get("indicatorName")), r.get("year"))
        if key not in first or key in seen:
            continue
        seen.add(key)
        e = first[key]
        out.append(
            {
                "indicator": key[0],
                "year": None if key[1] is None else int(key[1]),
                "earlier": _target_text(e),
                "later": _target_text(r),
                "unit": r.get("unit") or e.get("unit"),
                "verdict": verdict(r, e),
            }
        )
    return sorted(out, key=lambda x: (x["indicator"], x["year"] is None, x["year"] or 0))
