"""Diffusion over time: how many days each plan was signed after its parent plan and after the
national plan, and the median lag per level. Mixed into :class:`kg.graph.PolicyGraph`.

The dates are the plans' own signing dates (``eli:date_document``) as the documents give them; a plan
whose document gives none (or that is only cited, not held) has no lag: it is listed with
``date=None``, never given a guessed one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import statistics
from dataclasses import dataclass

from kg.api.records import Record
from kg.errors import KGError
from kg.queries import load_query
from kg.store import shorten

NATIONAL_KEY = "national-opinion"  # 国发〔2019〕13号 in data/reference/national.json


@dataclass(frozen=True)
class PlanLag(Record):
    """One plan of the cascade with its signing date and its lags (days; None: a date is missing)."""

    plan: str  # prefixed IRI
    title: str | None
    doc_number: str | None
    level: str  # national … township
    region: str | None
    province: str | None  # the province of a held plan (None for cited plans and the nation)
    held: bool
    date: str | None  # ISO signing date, None where the document gives none
    parent: str | None  # prefixed IRI of the plan it derives from
    parent_title: str | None
    parent_date: str | None
    days_after_parent: int | None
    days_after_national: int | None


@dataclass(frozen=True)
class LevelLag(Record):
    """The plans of one level: how many, how many dated, and their median lags in days."""

    level: str
    plans: int
    dated: int
    undated: int
    median_days_after_national: float | None
    median_days_after_parent: float | None
    first: str | None  # earliest signing date
    last: str | None  # latest signing date


@functools.cache
def national_doc_number() -> str:
    """The 文号 of the national plan the cascade starts from (国发〔2019〕13号), from the reference data."""
    from kg.link.reference import REFERENCE_DIR

    data = json.loads((REFERENCE_DIR / "national.json").read_text(encoding="utf-8"))
    for doc in data["documents"]:
        if doc.get("key") == NATIONAL_KEY:
            return doc["doc_number"]
    raise KGError(f"data/reference/national.json has no document {NATIONAL_KEY!r}")


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return None  # a date the store holds in another form is not guessed at


def _days(later: str | None, earlier: str | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


class Diffusion:
    """How fast the policy travelled down the levels (``diffusion``, ``diffusion_by_level``)."""

    def _diffusion_rows(self) -> list[dict]:
        """Every plan as plain text: plan, level (IRI), held, date, title, docNumber, region,
        province, parent (IRI). The one place they are read, so that a precomputed table can
        stand in for the query."""
        if self.summaries_fresh():  # the query's answer, kept by the build
            df = self.summary("diffusion")
            return df.astype(object).where(df.notna(), None).to_dict("records")
        return self.store.query_raw(load_query("diffusion")).plain_rows()

    def diffusion(
        self, *, level: str | None = None, province: str | None = None, held: bool | None = None
    ) -> list[PlanLag]:
        """Every plan of the cascade (or of one ``level``, one ``province``; ``held=True``: only
        plans whose document is held) with its signing date, its parent's, and the days after the
        parent and after the national plan 国发〔2019〕13号. Highest level first, then by date
        (undated plans last), region and IRI."""
        from kg.rdf import LEVEL_CONCEPTS
        from kg.records import LEVELS

        if level is not None and level not in LEVELS:
            raise KGError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
        level_of = {str(iri): name for name, iri in LEVEL_CONCEPTS.items()}
        rows = self._diffusion_rows()
        by_plan: dict[str, dict] = {}
        for r in rows:
            r["date"] = _iso(r.get("date"))
            by_plan.setdefault(str(r["plan"]), r)  # one row per plan (a second parent is not expected)
        national_date = next(
            (r["date"] for r in by_plan.values() if r.get("docNumber") == national_doc_number()), None
        )
        out = []
        for iri, r in by_plan.items():
            lv = level_of.get(str(r.get("level")))
            if lv is None or (level is not None and lv != level):
                continue
            is_held = r.get("held") in ("true", "1")
            if held is not None and is_held != held:
                continue
            parent = by_plan.get(str(r["parent"])) if r.get("parent") is not None else None
            parent_date = parent["date"] if parent else None
            out.append(
                PlanLag(
                    plan=shorten(iri),
                    title=r.get("title"),
                    doc_number=r.get("docNumber"),
                    level=lv,
                    region=r.get("region"),
                    province=r.get("province") or (r.get("region") if lv == "province" else None),
                    held=is_held,
                    date=r["date"],
                    parent=shorten(str(r["parent"])) if r.get("parent") is not None else None,
                    parent_title=parent.get("title") if parent else None,
                    parent_date=parent_date,
                    days_after_parent=_days(r["date"], parent_date),
                    days_after_national=_days(r["date"], national_date),
                )
            )
        out = [p for p in out if in_province(p, province)]
        out.sort(key=lambda p: (LEVELS.index(p.level), p.date is None, p.date or "", p.region or "", p.plan))
        return out

    def diffusion_by_level(self, *, province: str | None = None, held: bool | None = None) -> list[LevelLag]:
        """One record per level present (national first): the number of plans, dated and undated,
        the median days after the national plan (the national plan's own 0 left out) and after the
        parent plan, the first and last date."""
        return level_lags(self.diffusion(province=province, held=held))


def in_province(plan: PlanLag, province: str | None) -> bool:
    """Whether ``plan`` is of ``province`` (its province, or the province plan itself); None: all."""
    return province is None or province in (plan.province, plan.region)


def level_lags(plans: list[PlanLag]) -> list[LevelLag]:
    """The :class:`LevelLag` of each level present in ``plans`` (national first)."""
    from kg.records import LEVELS

    national = national_doc_number()
    out = []
    for lv in LEVELS:
        these = [p for p in plans if p.level == lv]
        if not these:
            continue
        dates = sorted(p.date for p in these if p.date is not None)
        after_national = [
            p.days_after_national
            for p in these
            if p.days_after_national is not None and p.doc_number != national  # not the nation's own 0
        ]
        out.append(
            LevelLag(
                level=lv,
                plans=len(these),
                dated=len(dates),
                undated=len(these) - len(dates),
                median_days_after_national=_median(after_national),
                median_days_after_parent=_median(
                    [p.days_after_parent for p in these if p.days_after_parent is not None]
                ),
                first=dates[0] if dates else None,
                last=dates[-1] if dates else None,
            )
        )
    return out
