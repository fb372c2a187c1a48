"""The responsibility matrix: canonical department type × action theme, the number of actions and
the share the department leads, for the whole graph, a level or a plan; and the actions of one cell
with the sentences their assignments were read from. Mixed into :class:`kg.graph.PolicyGraph`.

The counts come through one function, :meth:`Matrix._matrix_counts`, so that they can be read from
precomputed tables instead of SPARQL without changing anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.api.records import Record
from kg.errors import KGError
from kg.store import shorten

ROLES = ("any", "lead", "participant")


@dataclass(frozen=True)
class MatrixCell(Record):
    """One department type × theme: the actions it is responsible for and how many it leads."""

    type: str  # prefixed IRI, e.g. hcid:department-type/health
    department: str
    department_en: str | None
    theme: str  # prefixed IRI, e.g. hcid:theme/tobacco
    theme_label: str
    theme_label_en: str | None
    national: int | None  # the ordinal of the national action of this theme (None: a local theme)
    actions: int
    led: int
    share_led: float  # led / actions


@dataclass(frozen=True)
class CellAction(Record):
    """One action of a matrix cell, one record per department as written (a merged 教育体育局 and
    a 市卫健委 named twice give one record each)."""

    plan: str  # prefixed IRI
    title: str | None
    region: str | None
    level: str | None
    action: str  # prefixed IRI
    ordinal: int | None
    action_name: str | None
    department: str | None  # as written
    role: str | None  # lead | participant
    source: str | None  # the sentence the assignment was read from


def _rows(res) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def _summary_counts(resp, level: str | None, role: str) -> list[tuple[str, str, int, int]]:
    """What matrix.rq counts, from the matrix summary (actions per department type, theme, level and
    role, ``any`` counting an action once; or the responsibilities summary, per plan too: an action
    is in one plan, so the plans' counts add up). In the query's order: most actions first."""
    from kg.store import expand

    rows = resp[resp["theme"].notna()]
    if level is not None:
        rows = rows[rows["level"] == level]
    sums = rows.groupby(["type", "theme", "role"], observed=True)["actions"].sum()
    counted = {(str(t), str(th), str(r)): int(n) for (t, th, r), n in sums.items()}
    cells = {(t, th) for t, th, r in counted if r == role}
    out = []
    for t, th in cells:
        actions = counted[(t, th, role)]
        led = actions if role == "lead" else 0 if role == "participant" else counted.get((t, th, "lead"), 0)
        out.append((expand(t), expand(th), actions, led))
    return sorted(out, key=lambda c: (-c[2], c[0], c[1]))


def _summary_cell(cells, type_iri: str, theme_iri: str, level: str | None, role: str) -> list[CellAction]:
    """What matrix_cell.rq answers, from the cells summary (its rows already in the query's order)."""
    import pandas as pd

    rows = cells[(cells["type"] == shorten(type_iri)) & (cells["theme"] == shorten(theme_iri))]
    if level is not None:
        rows = rows[rows["levelName"] == level]
    if role != "any":
        rows = rows[rows["roleLabel"] == role]
    plain = lambda v: None if pd.isna(v) else v  # noqa: E731
    return [
        CellAction(
            plan=str(r.plan),
            title=plain(r.title),
            region=plain(r.region),
            level=plain(r.levelName),
            action=str(r.action),
            ordinal=None if pd.isna(r.ordinal) else int(r.ordinal),
            action_name=plain(r.actionName),
            department=plain(r.department),
            role=plain(r.roleLabel),
            source=plain(r.source),
        )
        for r in rows.itertuples(index=False)
    ]


class Matrix:
    """Who is responsible for what theme (``matrix``, ``matrix_cell``)."""

    def _matrix_filters(self, level, plan, role) -> tuple[str | None, str | None, str]:
        from kg.records import LEVELS

        if role not in ROLES:
            raise KGError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if level is not None and level not in LEVELS:
            raise KGError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
        return level or None, (str(self.resolve_plan(plan)) if plan else None), role

    def _matrix_counts(
        self, level: str | None, plan: str | None, role: str
    ) -> list[tuple[str, str, int, int]]:
        """(department type IRI, theme IRI, actions, of which led) for every non-empty cell, over the
        held plans of ``level`` (a level name) and ``plan`` (a plan's full IRI), counting the
        responsibilities of ``role`` (any, lead or participant). The one place the counts are read."""
        role_iri = None if role == "any" else role
        if plan is not None:  # one plan's actions looked up directly (see matrix_plan.rq)
            res = self.named("matrix_plan", plan=plan, level=level, role=role_iri)
        elif self.summaries_fresh():  # a level or the whole graph: counted once by the build
            return _summary_counts(self.summary("matrix"), level, role)
        else:
            res = self.named("matrix", level=level, role=role_iri)
        return [(str(r["type"]), str(r["theme"]), int(r["actions"]), int(r["led"])) for r in _rows(res)]

    def _concepts(self, cls: str) -> dict[str, dict]:
        """IRI -> {notation, zh, en} of one concept class."""
        return {
            str(r["concept"]): {"notation": r.get("notation"), "zh": r.get("zh"), "en": r.get("en")}
            for r in _rows(self.named("concept_labels", **{"class": cls}))
        }

    def matrix(
        self, *, level: str | None = None, plan: str | None = None, role: str = "any"
    ) -> list[MatrixCell]:
        """Every non-empty department type × theme cell over the held plans (of one ``level``, one
        ``plan``: a region, 文号, title or IRI), counting responsibilities of ``role`` (any, lead or
        participant). Department types by their number of actions in all themes, most first; within
        one, themes in national order, then local themes by id."""
        level, plan_iri, role = self._matrix_filters(level, plan, role)
        counts = self._matrix_counts(level, plan_iri, role)
        types = self._concepts("hc:DepartmentType")
        themes = {str(r["theme"]): r for r in _rows(self.named("themes"))}
        total: dict[str, int] = {}
        for type_iri, _, actions, _ in counts:
            total[type_iri] = total.get(type_iri, 0) + actions

        def theme_order(iri: str):
            t = themes.get(iri, {})
            national = t.get("nationalOrdinal")
            return (national is None, national or 0, str(t.get("themeId") or iri))

        counts.sort(
            key=lambda c: (-total[c[0]], str(types.get(c[0], {}).get("zh") or c[0]), theme_order(c[1]))
        )
        out = []
        for type_iri, theme_iri, actions, led in counts:
            t, th = types.get(type_iri, {}), themes.get(theme_iri, {})
            national = th.get("nationalOrdinal")
            out.append(
                MatrixCell(
                    type=shorten(type_iri),
                    department=str(t.get("zh") or shorten(type_iri)),
                    department_en=t.get("en"),
                    theme=shorten(theme_iri),
                    theme_label=str(th.get("label") or shorten(theme_iri)),
                    theme_label_en=th.get("label_en"),
                    national=None if national is None else int(national),
                    actions=actions,
                    led=led,
                    share_led=round(led / actions, 4) if actions else 0.0,
                )
            )
        return out

    def resolve_concept(self, cls: str, value: str) -> str:
        """A department type (``cls`` hc:DepartmentType) or theme (hc:Theme) by IRI, id, Chinese or
        English label (a theme also without its 行动 ending): its full IRI."""
        from kg.api.bindings import iri_of

        want = str(value).strip()
        found = self._concepts(cls)
        iri = iri_of(want)
        if iri is not None and str(iri) in found:
            return str(iri)
        for concept, c in found.items():
            names = {str(c["notation"] or ""), str(c["zh"] or ""), str(c["en"] or "").lower()}
            names |= {str(c["notation"] or "").replace("_", "-"), str(c["zh"] or "").removesuffix("行动")}
            if want in names or want.lower() in names:
                return concept
        kind = "department type" if cls.endswith("DepartmentType") else "theme"
        some = "、".join(sorted(str(c["zh"]) for c in found.values())[:8])
        raise KGError(f"no {kind} {value!r} (give its id, IRI or label, e.g. {some})")

    def matrix_cell(
        self,
        *,
        department_type: str,
        theme: str,
        level: str | None = None,
        plan: str | None = None,
        role: str = "any",
    ) -> list[CellAction]:
        """The actions of one cell: ``department_type`` and ``theme`` by id (``health``,
        ``tobacco``), IRI or label (卫生健康委员会, 控烟), with the same filters as :meth:`matrix`."""
        level, plan_iri, role = self._matrix_filters(level, plan, role)
        type_iri = self.resolve_concept("hc:DepartmentType", department_type)
        theme_iri = self.resolve_concept("hc:Theme", theme)
        if plan_iri is None and self.summaries_fresh():  # a level or the whole graph: kept by the build
            return _summary_cell(self.summary("cells"), type_iri, theme_iri, level, role)
        res = self.named(
            "matrix_cell",
            type=type_iri,
            theme=theme_iri,
            level=level,
            plan=plan_iri,
            role=None if role == "any" else role,
        )
        return [
            CellAction(
                plan=shorten(r["plan"]),
                title=r.get("title"),
                region=r.get("region"),
                level=r.get("levelName"),
                action=shorten(r["action"]),
                ordinal=r.get("ordinal"),
                action_name=r.get("actionName"),
                department=r.get("department"),
                role=r.get("roleLabel"),
                source=r.get("source"),
            )
            for r in _rows(res)
        ]
