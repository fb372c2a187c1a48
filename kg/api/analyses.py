"""The analyses of :class:`kg.graph.PolicyGraph`: each reads named queries, returns frozen records.

Mixed into ``PolicyGraph``; every method needs only ``self.named`` (a named query with bindings).
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.api.records import (
    DepartmentAction,
    DepartmentCount,
    Hop,
    TargetComparison,
    TextReuse,
    ThemeCoverage,
)
from kg.errors import KGError

ROLES = ("any", "lead", "participant")


def _rows(res) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def _float(value) -> float | None:
    return None if value is None else float(value)


def _text(value) -> str:
    return "" if value is None else str(value)


def _in_text_order(passages: list[str], text: str) -> tuple[str, ...]:
    return tuple(sorted(set(passages), key=lambda p: (text.find(p) if p in text else len(text), p)))


class Analyses:
    """What the graph answers: plans and actions by name, departments, trace, coverage, targets."""

    # -- resolving user input -----------------------------------------------------------

    def resolve_plan(self, place: str) -> URIRef:
        """A plan by region (嘉峰镇), 文号, title or IRI; held plans first. Exact matches come from an
        indexed lookup (kg/queries/find_plan.rq); a part of a title needs a scan of every plan."""
        from kg.rdf import BASE, ELI, region_iri

        want = str(place).strip()
        if want.startswith(str(BASE)):
            if self.named("is_plan", plan=URIRef(want)).rows:
                return URIRef(want)
        elif want:
            for by, value in (
                (ELI.id_local, Literal(want)),
                (ELI.relevant_for, region_iri(want)),
                (ELI.title, Literal(want, lang="zh")),
            ):
                found = self.named("find_plan", by=by, value=value)
                if found.rows:
                    return URIRef(found.rows[0][0])
        scored = []
        for r in _rows(self.named("hierarchy")):
            held = bool(r.get("held"))
            for field, weight in (("plan", 4), ("docNumber", 3), ("region", 2), ("title", 1)):
                value = r.get(field)
                if value is None:
                    continue
                value = str(value)
                if value == want or (field == "plan" and value.endswith(want) and want.startswith(str(BASE))):
                    scored.append((weight, held, r["plan"]))
                elif field == "title" and want in value:
                    scored.append((0.5, held, r["plan"]))
        if not scored:
            raise KGError(f"no plan matches {place!r} (try a region such as 嘉峰镇, a 文号, or a title)")
        best = max(scored, key=lambda x: (x[0], x[1]))
        return URIRef(best[2])

    def resolve_action(self, plan: URIRef | str, action: str) -> dict:
        """An action of a plan (IRI, or a region, 文号 or title) by name (as written or normalised),
        ordinal, or theme name: the row of the named query ``plan_actions``."""
        rows = _rows(self.named("plan_actions", plan=plan))
        want = action.strip().removeprefix("实施")
        for r in rows:
            names = {str(r.get("name") or ""), str(r.get("normalized") or ""), str(r.get("themeLabel") or "")}
            names |= {n.removeprefix("实施") for n in names}
            if want in names or want == str(r.get("ordinal")):
                return r
        for r in rows:
            if want and want in str(r.get("name") or ""):
                return r
        known = "、".join(str(r.get("name")) for r in rows) or "none"
        raise KGError(f"no action {action!r} in that plan (its actions: {known})")

    # -- departments ---------------------------------------------------------------------

    def _filters(self, level, plan, role) -> dict:
        if role not in ROLES:
            raise KGError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        return {"level": level or None, "plan": plan or None, "role": None if role == "any" else role}

    def top_departments(
        self,
        *,
        level: str | None = None,
        plan: str | None = None,
        role: str = "any",
        limit: int | None = None,
    ) -> list[DepartmentCount]:
        """Department types by number of actions (and plans), most first. ``level``: national …
        township; ``plan``: a region, 文号, title or IRI; ``role``: any, lead or participant. From
        the build's summaries where they are fresh (the same ranking, tests/test_summaries.py), else
        by the named query ``top_departments``."""
        filters = self._filters(level, plan, role)  # the role checked either way
        if self.summaries_fresh():
            return self._summary_top_departments(level, plan, role, limit)
        res = self.named("top_departments", **filters)
        out = [
            DepartmentCount(
                type=r["type"],
                department=r["department"],
                department_en=r.get("department_en"),
                actions=int(r["actions"]),
                plans=int(r["plans"]),
            )
            for r in res.records()
        ]
        return out[:limit] if limit else out

    def _summary_top_departments(self, level, plan, role, limit) -> list[DepartmentCount]:
        from kg.records import LEVELS

        if level and level not in LEVELS:
            raise KGError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
        plan_iri = str(self.resolve_plan(plan)) if plan else None
        import pandas as pd

        df = self.department_counts(level=level or None, plan=plan_iri, role=role)
        if limit:
            df = df.head(limit)
        return [
            DepartmentCount(
                type=str(r.type),
                department=str(r.department),
                department_en=None if pd.isna(r.department_en) else str(r.department_en),
                actions=int(r.actions),
                plans=int(r.plans),
            )
            for r in df.itertuples(index=False)
        ]

    def department_actions(
        self, *, department_type: str, level: str | None = None, plan: str | None = None, role: str = "any"
    ) -> list[DepartmentAction]:
        """The actions one department type (its id, e.g. ``health``, or IRI) is responsible for, one
        record per department as written, with the sentence the assignment was read from."""
        res = self.named("department_actions", type=department_type, **self._filters(level, plan, role))
        return [
            DepartmentAction(
                plan=r["plan"],
                title=r.get("title"),
                region=r.get("region"),
                action=r["action"],
                ordinal=r.get("ordinal"),
                action_name=r.get("actionName"),
                department=r.get("department"),
                role=r.get("roleLabel"),
                source=r.get("source"),
            )
            for r in res.records()
        ]

    # -- trace -----------------------------------------------------------------------------

    def trace(self, *, place: str, action: str) -> list[Hop]:
        """From a plan's action up to the national action: one hop per plan, lowest level first."""
        from kg.records import LEVELS

        plan = self.resolve_plan(place)
        found = self.resolve_action(plan, action)
        theme = found.get("theme")
        if theme is None:
            raise KGError(f"the action {found.get('name')!r} has no theme to trace")
        # Two flat queries rather than the single `trace` query: Oxigraph evaluates an OPTIONAL that
        # nests OPTIONALs for every action of the corpus (seconds at national scale), flat ones
        # only for the plans at hand (milliseconds).
        rows = []
        for r in _rows(self.named("trace_plans", start=plan)):
            found_action = self.named("plan_theme_action", plan=URIRef(r["plan"]), theme=URIRef(theme))
            if found_action.rows:
                r.update(zip(found_action.vars, found_action.rows[0], strict=True))
            rows.append(r)
        label = next((r["themeLabel"] for r in rows if r.get("themeLabel") is not None), None)
        hops = []
        for r in rows:
            score = r.get("implementationScore")
            hops.append(
                Hop(
                    level=str(r["levelName"]),
                    region=r.get("region"),
                    plan=r.get("title"),
                    doc_number=r.get("docNumber"),
                    held=bool(r.get("held")),
                    action=r.get("actionName"),
                    theme=r.get("themeLabel", label),
                    score=_float(score if score is not None else r.get("themeScore")),
                    text_reuse=_float(r.get("textReuse")),
                    plan_iri=str(r["plan"]),
                    action_iri=r.get("action"),
                    derivation=r.get("derivationMethod"),
                    derivation_score=_float(r.get("derivationScore")),
                )
            )
        return sorted(hops, key=lambda h: -LEVELS.index(h.level))

    def text_reuse(self, *, actions) -> list[TextReuse]:
        """For each action IRI that implements a parent action: both texts, the share of the action's
        text that repeats the parent (from the links graph), and the passages it added and dropped
        (computed from the two texts as the build compares them, the regions' names set aside)."""
        from kg.link.reuse import place_names
        from kg.link.reuse import text_reuse as compare

        out = []
        for iri in actions:
            rows = _rows(self.named("text_reuse", action=URIRef(str(iri))))
            if not rows:
                continue
            first = rows[0]
            text, parent_text = _text(first.get("text")), _text(first.get("parentText"))
            share = _float(first.get("textReuse"))
            added = dropped = ()
            if share is not None and text and parent_text:
                found = compare(
                    text,
                    parent_text,
                    child_places=place_names(_text(first.get("region")) or None),
                    parent_places=place_names(_text(first.get("parentRegion")) or None),
                )
                added = _in_text_order(list(found.added), text)
                dropped = _in_text_order(list(found.dropped), parent_text)
            out.append(
                TextReuse(
                    action=str(iri),
                    parent=str(first["parent"]),
                    text=text,
                    parent_text=parent_text,
                    share=share,
                    added=added,
                    dropped=dropped,
                )
            )
        return out

    # -- coverage and targets ------------------------------------------------------------------

    def coverage(self) -> list[ThemeCoverage]:
        """Every theme against every held plan (themes in national order, then local ones by id;
        plans by region): the plan's actions of that theme, or None where it has none."""
        rows = _rows(self.named("coverage"))
        themes = _rows(self.named("themes"))
        themes.sort(
            key=lambda t: (t.get("nationalOrdinal") is None, t.get("nationalOrdinal") or 0, t["themeId"])
        )
        plans = sorted({(r.get("region") or "", r["plan"]) for r in rows})
        names: dict[tuple[str, str], list[str]] = {}
        for r in rows:
            names.setdefault((r["plan"], r["theme"]), []).append(r["actionName"])
        out = []
        for t in themes:
            national = t.get("nationalOrdinal")
            for region, plan in plans:
                found = names.get((plan, t["theme"]))
                out.append(
                    ThemeCoverage(
                        theme=t["label"],
                        national=None if national is None else int(national),
                        plan=self._short(plan),
                        region=region or None,
                        actions="、".join(found) if found else None,
                    )
                )
        return out

    def targets(self, *, indicator: str) -> list[TargetComparison]:
        """The targets of the indicators whose name contains ``indicator``, across plans, each beside
        the national target of the same year: stricter, equal or looser (then the national ones)."""
        from kg.compare import compare_targets

        if not isinstance(indicator, str) or not indicator.strip():
            raise KGError(f"indicator: give (part of) an indicator's name, not {indicator!r}")
        rows = _rows(self.named("indicator_targets", name=Literal(indicator.strip())))
        return [TargetComparison(**r) for r in compare_targets(rows)]

    @staticmethod
    def _short(iri: str) -> str:
        from kg.store import shorten

        return shorten(str(iri))
