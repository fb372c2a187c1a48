"""Plan against plan, mixed into :class:`kg.graph.PolicyGraph`: themes, departments, targets, reuse.

Everything is read through named queries bound to the two plans (plan_summary, plan_theme_texts,
plan_departments, plan_targets, and text_reuse for the links the build stored), so the answer costs
a handful of indexed lookups whatever the size of the graph. Where the later plan's action of a
theme implements the earlier plan's action of that theme, the stored link says how much text it
repeats; otherwise the same measure (kg.link.reuse) is computed from the two texts here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.api.records import Record

SIDES = ("a", "b")


@dataclass(frozen=True)
class PlanBrief(Record):
    """One of the two plans compared."""

    plan: str  # full IRI
    title: str | None
    doc_number: str | None
    date: str | None  # ISO signing date, None when the text gives none
    level: str | None
    region: str | None
    held: bool


@dataclass(frozen=True)
class ThemeComparison(Record):
    """One theme of either plan: its action in each (None: that plan has none), and for a theme
    both have, how much of the later plan's text repeats the earlier plan's."""

    theme: str  # zh label
    theme_id: str
    national: int | None  # ordinal of the national action of this theme (None: a local theme)
    a_action: str | None  # action names joined with 、
    b_action: str | None
    status: str  # both | only_a | only_b
    reuse: float | None  # share of the later action's characters in clauses repeating the earlier
    reuse_from: str | None  # link (stored by the build) | text (computed here) | None
    added: tuple[str, ...]  # the later action's clauses with no counterpart in the earlier
    dropped: tuple[str, ...]  # the earlier action's clauses the later one leaves out


@dataclass(frozen=True)
class DepartmentComparison(Record):
    """One canonical department type either plan names: actions it leads or joins in each."""

    type: str  # prefixed IRI
    department: str | None
    department_en: str | None
    a_lead: int
    a_participant: int
    b_lead: int
    b_participant: int
    status: str  # both | only_a | only_b


@dataclass(frozen=True)
class TargetPair(Record):
    """A target both plans set for one indicator and year, the later one judged against the earlier."""

    indicator: str  # without a leading 全市/全省…
    year: int | None
    a_target: str
    b_target: str
    unit: str | None
    verdict: str | None  # the later plan's target: stricter | equal | looser | None (not comparable)


@dataclass(frozen=True)
class PlanComparison(Record):
    """Two plans side by side (``a`` and ``b`` in the order given)."""

    a: PlanBrief
    b: PlanBrief
    later: str  # "a" or "b": the plan whose reuse of the other's text is measured
    later_by: str  # date | level | order (no dates or levels to tell: b is taken as the later)
    themes: tuple[ThemeComparison, ...]
    departments: tuple[DepartmentComparison, ...]
    targets: tuple[TargetPair, ...]

    def themes_with(self, status: str) -> list[str]:
        """Theme labels of one status (both, only_a, only_b), in the order of :attr:`themes`."""
        return [t.theme for t in self.themes if t.status == status]


def _rows(res) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def _later(a: dict, b: dict) -> tuple[str, str]:
    if a.get("date") and b.get("date") and str(a["date"]) != str(b["date"]):
        return ("b" if str(b["date"]) > str(a["date"]) else "a"), "date"
    if a.get("rank") is not None and b.get("rank") is not None and int(a["rank"]) != int(b["rank"]):
        return ("b" if int(b["rank"]) > int(a["rank"]) else "a"), "level"  # township ranks lowest
    return "b", "order"


def _status(in_a: bool, in_b: bool) -> str:
    return "both" if in_a and in_b else ("only_a" if in_a else "only_b")


class Comparisons:
    """Plan against plan (needs ``self.named``, ``self.resolve_plan`` and ``self.text_reuse``)."""

    def compare_plans(self, *, a: str, b: str) -> PlanComparison:
        """Plans ``a`` and ``b`` (each a region, 文号, title or IRI) side by side: the themes both
        have and those only one has, the departments each names, the targets both set for the same
        indicator and year (the later plan's stricter, equal or looser), and per shared theme the
        share of the later plan's text that repeats the earlier plan's."""
        from kg.errors import KGError

        plans = {"a": self.resolve_plan(a), "b": self.resolve_plan(b)}
        if plans["a"] == plans["b"]:
            raise KGError(f"{a!r} and {b!r} are the same plan: give two different plans")
        head = {s: _rows(self.named("plan_summary", plan=plans[s]))[0] for s in SIDES}
        later, later_by = _later(head["a"], head["b"])
        earlier = "a" if later == "b" else "b"
        themes = self._compare_themes(plans, head, later, earlier)
        departments = self._compare_departments(plans)
        targets = self._compare_targets(plans, later, earlier)
        return PlanComparison(
            a=self._brief(head["a"]),
            b=self._brief(head["b"]),
            later=later,
            later_by=later_by,
            themes=tuple(themes),
            departments=tuple(departments),
            targets=tuple(targets),
        )

    @staticmethod
    def _brief(r: dict) -> PlanBrief:
        return PlanBrief(
            plan=str(r["plan"]),
            title=r.get("title"),
            doc_number=r.get("docNumber"),
            date=None if r.get("date") is None else str(r["date"]),
            level=r.get("levelName"),
            region=r.get("region"),
            held=bool(r.get("held")),
        )

    def _compare_themes(self, plans, head, later, earlier) -> list[ThemeComparison]:
        from kg.link.reuse import place_names, text_reuse

        by_theme: dict[str, dict] = {}
        for s in SIDES:
            for r in _rows(self.named("plan_theme_texts", plan=plans[s])):
                if r.get("theme") is None:
                    continue
                t = by_theme.setdefault(
                    str(r["theme"]),
                    {"label": r["themeLabel"], "id": r["themeId"], "national": r.get("nationalOrdinal")},
                )
                t.setdefault(s, []).append(r)
        # what the build stored: the later plan's actions that implement an action of the earlier plan
        later_actions = [str(r["action"]) for t in by_theme.values() for r in t.get(later, [])]
        earlier_actions = {str(r["action"]) for t in by_theme.values() for r in t.get(earlier, [])}
        linked = {
            (x.action, x.parent): x
            for x in self.text_reuse(actions=later_actions)
            if x.parent in earlier_actions
        }
        out = []
        for t in by_theme.values():
            status = _status("a" in t, "b" in t)
            reuse = reuse_from = None
            added = dropped = ()
            if status == "both":
                pairs = [
                    linked[(str(x["action"]), str(y["action"]))]
                    for x in t[later]
                    for y in t[earlier]
                    if (str(x["action"]), str(y["action"])) in linked
                ]
                if len(t[later]) == 1 and len(t[earlier]) == 1 and pairs and pairs[0].share is not None:
                    found = pairs[0]
                    reuse, reuse_from, added, dropped = found.share, "link", found.added, found.dropped
                else:
                    texts = {s: "\n".join(str(r.get("text") or "") for r in t[s]) for s in (later, earlier)}
                    if texts[later].strip() and texts[earlier].strip():
                        found = text_reuse(
                            texts[later],
                            texts[earlier],
                            child_places=place_names(head[later].get("region")),
                            parent_places=place_names(head[earlier].get("region")),
                        )
                        reuse, reuse_from, added, dropped = found.share, "text", found.added, found.dropped
            national = t.get("national")
            out.append(
                ThemeComparison(
                    theme=str(t["label"]),
                    theme_id=str(t["id"]),
                    national=None if national is None else int(national),
                    a_action="、".join(str(r["name"]) for r in t.get("a", [])) or None,
                    b_action="、".join(str(r["name"]) for r in t.get("b", [])) or None,
                    status=status,
                    reuse=None if reuse is None else float(reuse),
                    reuse_from=reuse_from,
                    added=tuple(added),
                    dropped=tuple(dropped),
                )
            )
        out.sort(key=lambda x: (x.national is None, x.national or 0, x.theme_id))
        return out

    def _compare_departments(self, plans) -> list[DepartmentComparison]:
        from kg.store import shorten

        counts: dict[str, dict] = {}
        for s in SIDES:
            for r in _rows(self.named("plan_departments", plan=plans[s])):
                d = counts.setdefault(
                    str(r["type"]), {"department": r.get("department"), "en": r.get("department_en")}
                )
                d[(s, str(r["roleName"]))] = int(r["actions"])
        out = []
        for type_iri, d in counts.items():
            n = {(s, role): d.get((s, role), 0) for s in SIDES for role in ("lead", "participant")}
            out.append(
                DepartmentComparison(
                    type=shorten(type_iri),
                    department=d["department"],
                    department_en=d["en"],
                    a_lead=n[("a", "lead")],
                    a_participant=n[("a", "participant")],
                    b_lead=n[("b", "lead")],
                    b_participant=n[("b", "participant")],
                    status=_status(
                        n[("a", "lead")] + n[("a", "participant")] > 0,
                        n[("b", "lead")] + n[("b", "participant")] > 0,
                    ),
                )
            )
        order = {"both": 0, "only_a": 1, "only_b": 2}
        out.sort(
            key=lambda x: (
                order[x.status],
                -(x.a_lead + x.a_participant + x.b_lead + x.b_participant),
                x.type,
            )
        )
        return out

    def _compare_targets(self, plans, later, earlier) -> list[TargetPair]:
        from kg.compare import compare_plan_targets

        rows = {s: _rows(self.named("plan_targets", plan=plans[s])) for s in SIDES}
        out = []
        for r in compare_plan_targets(rows[earlier], rows[later]):
            sides = {earlier: r["earlier"], later: r["later"]}
            out.append(
                TargetPair(
                    indicator=r["indicator"],
                    year=r["year"],
                    a_target=sides["a"],
                    b_target=sides["b"],
                    unit=r["unit"],
                    verdict=r["verdict"],
                )
            )
        return out


def as_plain(found: PlanComparison) -> dict:
    """The comparison as plain JSON-ready values (what ``kg compare --json`` prints)."""
    d = found.as_dict()
    for t in d["themes"]:
        t["added"], t["dropped"] = list(t["added"]), list(t["dropped"])
    return d


__all__ = [
    "Comparisons",
    "DepartmentComparison",
    "PlanBrief",
    "PlanComparison",
    "TargetPair",
    "ThemeComparison",
    "as_plain",
]
