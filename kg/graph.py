"""One entry object over the store and the named queries (in the spirit of kglab).

    from kg.graph import PolicyGraph
    pg = PolicyGraph.open(store="data/store")
    pg.top_departments(level="city", limit=5)        # DataFrame
    pg.trace(place="嘉峰镇", action="控烟行动")        # list of hops, township -> national

Every method reads the graph through the named queries in kg/queries/*.rq, with parameters
passed as bindings (never pasted into the query text). Results are pandas DataFrames or
plain dicts; IRIs in DataFrames are shortened to prefixed names (hc:…, hcid:…).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from kg.errors import KGError
from kg.queries import load_query
from kg.rdf import BASE, ELI, LEVEL_CONCEPTS, ROLE_CONCEPTS, region_iri
from kg.records import LEVELS
from kg.store import QueryResult, Store, open_store, spec_kind


@dataclass(frozen=True)
class Hop:
    """One plan on the way from a plan up to the national source."""

    level: str
    region: str | None
    plan: str | None  # title
    doc_number: str | None
    held: bool
    action: str | None
    theme: str | None
    score: float | None  # the action's match score (implementation link, else theme match)
    text_reuse: float | None
    plan_iri: str
    action_iri: str | None
    derivation: str | None  # how this plan was linked to the next one up
    derivation_score: float | None

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "region": self.region,
            "plan": self.plan,
            "doc_number": self.doc_number,
            "held": self.held,
            "action": self.action,
            "theme": self.theme,
            "score": self.score,
            "text_reuse": self.text_reuse,
            "plan_iri": self.plan_iri,
            "action_iri": self.action_iri,
            "derivation": self.derivation,
            "derivation_score": self.derivation_score,
        }


class PolicyGraph:
    """The knowledge graph behind a store: named queries, analyses, network projections."""

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, *, store: str | Path | Store | None = None, read_only: bool = True) -> PolicyGraph:
        """Open a built store (a folder, ``memory`` — which builds data/plans in memory — or a Store)."""
        if isinstance(store, Store):
            return cls(store)
        if spec_kind(None if store is None else str(store)) == "memory":
            from kg.build import build

            return cls(build(None, "memory").memory_store)
        return cls(open_store(None if store is None else str(store), read_only=read_only))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> PolicyGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- queries ----------------------------------------------------------------

    def query(
        self, sparql: str, *, bindings: dict | None = None, timeout: float | None = None
    ) -> QueryResult:
        return self.store.query(sparql, bindings=bindings, timeout=timeout)

    def named(self, query_name: str, /, *, timeout: float | None = None, **bindings) -> QueryResult:
        """Run kg/queries/NAME.rq with the given variables bound (None leaves one unbound)."""
        return self.store.query(load_query(query_name), bindings=bindings or None, timeout=timeout)

    # -- resolving user input ---------------------------------------------------------

    def plans(self):
        return self.named("hierarchy").to_dataframe()

    def resolve_plan(self, place: str) -> URIRef:
        """A plan by region (嘉峰镇), 文号, title or IRI; held plans first. Exact matches come from an
        indexed lookup (kg/queries/find_plan.rq); a part of a title needs a scan of every plan."""
        want = place.strip()
        if want.startswith(str(BASE)):
            if self.query("ASK { ?p a hc:Plan }", bindings={"p": URIRef(want)}).boolean:
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
        res = self.named("hierarchy")
        rows, cols = res.rows, res.vars
        scored = []
        for row in rows:
            r = dict(zip(cols, row, strict=True))
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

    def resolve_action(self, plan: URIRef, action: str) -> dict:
        """An action of a plan by name (as written or normalised), ordinal, or theme name."""
        res = self.named("plan_actions", plan=plan)
        rows = [dict(zip(res.vars, row, strict=True)) for row in res.rows]
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

    # -- analyses -----------------------------------------------------------------

    def top_departments(
        self,
        *,
        level: str | None = None,
        plan: str | None = None,
        role: str = "any",
        limit: int | None = None,
    ):
        """Department types by number of actions (and plans), best first, as a DataFrame."""
        df = self._top_departments(level=level, plan=plan, role=role).to_dataframe()
        return df.head(limit) if limit else df

    def top_department_records(
        self,
        *,
        level: str | None = None,
        plan: str | None = None,
        role: str = "any",
        limit: int | None = None,
    ) -> list[dict]:
        """The same rows as :meth:`top_departments`, as dicts (no pandas: the command line starts sooner)."""
        records = self._top_departments(level=level, plan=plan, role=role).records()
        return records[:limit] if limit else records

    def _top_departments(self, *, level, plan, role) -> QueryResult:
        bindings = {}
        if level:
            if level not in LEVEL_CONCEPTS:
                raise KGError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
            bindings["level"] = LEVEL_CONCEPTS[level]
        if plan:
            bindings["plan"] = self.resolve_plan(plan)
        if role not in ("any", "lead", "participant"):
            raise KGError(f"unknown role {role!r}; one of any, lead, participant")
        if role != "any":
            bindings["role"] = ROLE_CONCEPTS[role]
        return self.named("top_departments", **bindings)

    def department_actions(self, *, department_type: str, level=None, plan=None, role="any"):
        bindings = {
            "type": URIRef(department_type)
            if "://" in department_type
            else BASE[f"department-type/{department_type}"]
        }
        if level:
            bindings["level"] = LEVEL_CONCEPTS[level]
        if plan:
            bindings["plan"] = self.resolve_plan(plan)
        if role != "any":
            bindings["role"] = ROLE_CONCEPTS[role]
        return self.named("department_actions", **bindings).to_dataframe()

    def trace(self, *, place: str, action: str) -> list[Hop]:
        """From a plan's action up to the national action: one hop per plan, lowest level first."""
        plan = self.resolve_plan(place)
        found = self.resolve_action(plan, action)
        theme = found.get("theme")
        if theme is None:
            raise KGError(f"the action {found.get('name')!r} has no theme to trace")
        # Two flat queries rather than the single `trace` query: Oxigraph evaluates an OPTIONAL that
        # nests OPTIONALs for every action of the corpus (seconds at national scale), flat ones
        # only for the plans at hand (milliseconds).
        theme = URIRef(theme)
        chain = self.named("trace_plans", start=plan)
        rows = []
        for row in chain.rows:
            r = dict(zip(chain.vars, row, strict=True))
            found_action = self.named("plan_theme_action", plan=URIRef(r["plan"]), theme=theme)
            if found_action.rows:
                r.update(zip(found_action.vars, found_action.rows[0], strict=True))
            rows.append(r)
        label = next((r["themeLabel"] for r in rows if r.get("themeLabel") is not None), None)
        hops = []
        for r in rows:
            r.setdefault("themeLabel", label)
            score = r.get("implementationScore")
            if score is None:
                score = r.get("themeScore")
            hops.append(
                Hop(
                    level=str(r["levelName"]),
                    region=r.get("region"),
                    plan=r.get("title"),
                    doc_number=r.get("docNumber"),
                    held=bool(r.get("held")),
                    action=r.get("actionName"),
                    theme=r.get("themeLabel"),
                    score=float(score) if score is not None else None,
                    text_reuse=float(r["textReuse"]) if r.get("textReuse") is not None else None,
                    plan_iri=str(r["plan"]),
                    action_iri=r.get("action"),
                    derivation=r.get("derivationMethod"),
                    derivation_score=float(r["derivationScore"])
                    if r.get("derivationScore") is not None
                    else None,
                )
            )
        return sorted(hops, key=lambda h: -LEVELS.index(h.level))

    def hierarchy(self):
        return self.named("hierarchy").to_dataframe()

    def coverage(self):
        """(plans × themes matrix as a DataFrame of action names, rows of the query)."""
        import pandas as pd

        cov = self.named("coverage")
        rows = [dict(zip(cov.vars, row, strict=True)) for row in cov.rows]
        themes = self.named("themes")
        theme_rows = [dict(zip(themes.vars, row, strict=True)) for row in themes.rows]
        theme_rows.sort(
            key=lambda t: (t.get("nationalOrdinal") is None, t.get("nationalOrdinal") or 0, t["themeId"])
        )
        plans = sorted({(r.get("region") or "", r["plan"]) for r in rows})
        index = [t["label"] for t in theme_rows]
        data = {}
        for region, plan in plans:
            col = {}
            for t in theme_rows:
                names = [r["actionName"] for r in rows if r["plan"] == plan and r["theme"] == t["theme"]]
                col[t["label"]] = "、".join(names) if names else None
            data[region or plan] = col
        frame = pd.DataFrame(data, index=index)
        frame.insert(0, "national", [t.get("nationalOrdinal") for t in theme_rows])
        return frame

    def targets(self, *, indicator: str):
        """One indicator's targets across plans beside the national target: stricter, equal or looser."""
        from kg.compare import compare_targets

        res = self.named("indicator_targets", name=Literal(indicator))
        rows = [dict(zip(res.vars, row, strict=True)) for row in res.rows]
        return compare_targets(rows)

    def counts(self, *, triples: bool = True) -> dict:
        """Headline counts for the overview. One small query per count: each is a scan of one
        predicate (a UNION of them with COUNT DISTINCT takes seconds at national scale).
        ``triples=False`` leaves out the triple count (a full scan; a built store's build.json has it)."""

        def count(where: str) -> int:
            return int(self.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}").rows[0][0])

        out = {
            "plans": count("?x a hc:Plan"),
            "heldPlans": count("?x a hc:Plan ; hc:held true"),
            # actions of held plans: all actions but those of the plans not held (the national source)
            "actions": count("?x a hc:Action") - count("?p hc:held false ; eli:has_part ?x . ?x a hc:Action"),
            "departments": count("?r hc:department ?x"),
            "indicators": count("?x a hc:Indicator"),
        }
        if triples:
            out["triples"] = self.store.triple_count()
        levels = self.query(
            "SELECT ?level (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a hc:Plan ; hc:level/skos:notation ?level } GROUP BY ?level"
        )
        out["plans_by_level"] = {str(lv): int(n) for lv, n in levels.rows}
        return out
