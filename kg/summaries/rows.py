"""The rows of the two large summary tables read from the records and links a full build has in
hand, instead of from the store it writes: the same rows as the named queries
``summary_responsibility_rows`` and ``indicator_targets`` give on that store.

At 10,000 plans those two queries take minutes (half a million rows each, every IRI looked up in
the store's string table), while the build already holds every fact they join: the actions and
their assignments (records), the department types and action themes (links), the IRIs (kg.rdf,
the one place that makes them). tests/test_summaries.py checks that both ways give the same tables.

A row follows the queries' joins: a fact the query requires (a plan's level, a responsibility's
role, a department's type, a target's comparator) drops the row when absent; an optional one is
None. IRIs are prefixed as the store's answers give them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.records import LEVELS


@dataclass(frozen=True)
class RecordTables:
    """What a build hands the summaries: the per-plan tables (DataFrames) made from its records, each
    as the summaries would have computed it by SPARQL (responsibilities counted, targets, cells)."""

    responsibilities: object
    targets: object
    cells: object
    plans: object
    diffusion: object
    tree: list[dict]  # the ``hierarchy`` query's rows, for the plan tree (with the targets counted)
    actions: dict[str, int]  # held plan -> its actions, as ``plan_action_counts``


def record_tables(records, links) -> RecordTables:
    """The tables of a corpus's held ``records`` and its ``links`` (:class:`kg.records.Links`); the
    rows of each are dropped once it is a table (a build holds them through validation)."""
    from kg.summaries import plan_rows
    from kg.summaries.compute import (
        CELL_COLUMNS,
        DIFFUSION_COLUMNS,
        PLAN_COLUMNS,
        TARGET_COLUMNS,
        count_responsibilities,
        frame,
        sorted_cells,
    )

    described = plan_rows.plan_descriptions(records, links)
    return RecordTables(
        responsibilities=count_responsibilities(responsibility_rows(records, links)),
        targets=frame(target_rows(records, links), TARGET_COLUMNS),
        cells=sorted_cells(frame(cell_rows(records, links), CELL_COLUMNS)),
        plans=frame(plan_rows.plan_rows(described, links), PLAN_COLUMNS),
        diffusion=frame(plan_rows.diffusion_rows(described, links), DIFFUSION_COLUMNS),
        tree=plan_rows.hierarchy_query_rows(described, links),
        actions=plan_rows.action_counts(described),
    )


def _plan_facts(records, reference) -> dict[str, dict]:
    """Plan IRI -> the facts the queries read about it, over every graph that describes it."""
    from kg.rdf.iris import level_concept, record_plan_iri

    plans: dict[str, dict] = {}
    for record, is_reference in [*((r, False) for r in records), *((r, True) for r in reference)]:
        iri = str(record_plan_iri(record))
        p = plans.setdefault(
            iri, {"records": [], "held": set(), "levels": set(), "titles": set(), "regions": set()}
        )
        p["records"].append(record)
        p["held"].add(not is_reference)
        p["reference"] = p.get("reference") or is_reference
        m = record.meta
        if level_concept(m.level) is not None:
            p["levels"].add(m.level)
        if m.title:
            p["titles"].add(m.title)
        if m.region:
            p["regions"].add(m.region)
    return plans


def _region_labels(links) -> dict[str, set[str]]:
    from kg.rdf.iris import region_iri

    labels: dict[str, set[str]] = defaultdict(set)
    for r in links.regions:
        labels[str(region_iri(r.name))].add(r.name)
    return labels


def _department_types(links) -> dict[str, set[str]]:
    """Organisation IRI -> its department type IRIs."""
    from kg.rdf.iris import department_type_iri, org_iri

    types: dict[str, set[str]] = defaultdict(set)
    for d in links.departments:
        types[str(org_iri(d.region, d.name))].update(str(department_type_iri(t)) for t in d.types)
    return types


def _action_themes(links) -> dict[str, set[str]]:
    """Action IRI -> its theme IRIs."""
    from kg.rdf.iris import node_iri, theme_iri

    keys = {n.key: str(node_iri(n)) for n in links.plans}
    themes: dict[str, set[str]] = defaultdict(set)
    for al in links.action_links:
        themes[f"{keys[al.plan]}/action/{al.ordinal}"].add(str(theme_iri(al.theme)))
    return themes


def _shortener():
    """``shorten``, remembered per IRI (a corpus names each plan and type thousands of times)."""
    from kg.store import shorten

    short: dict[str, str] = {}

    def s(iri: str) -> str:
        return short.get(iri) or short.setdefault(iri, shorten(iri))

    return s


def responsibility_rows(records, links) -> list[dict]:
    """As ``summary_responsibility_rows``: one row per (department type, theme, plan, level, role,
    action) of the held plans, distinct."""
    from kg.rdf.iris import org_iri
    from kg.rdf.vocabulary import ROLE_CONCEPTS

    types, themes, s = _department_types(links), _action_themes(links), _shortener()

    out: dict[tuple, None] = {}
    for plan, p in _plan_facts(records, links.reference).items():
        if True not in p["held"] or not p["levels"]:
            continue
        for record in p["records"]:
            region = record.meta.region
            for a in record.actions:
                action = f"{plan}/action/{a.ordinal}"
                for asg in a.assignments:
                    if asg.role not in ROLE_CONCEPTS:
                        continue
                    for t in types.get(str(org_iri(region, asg.department)), ()):
                        for theme in themes.get(action) or (None,):
                            for level in p["levels"]:
                                key = (s(t), theme and s(theme), s(plan), level, asg.role, s(action))
                                out[key] = None
    names = ("type", "theme", "plan", "level", "role", "action")
    return [dict(zip(names, k, strict=True)) for k in out]


def cell_rows(records, links) -> list[dict]:
    """As ``matrix_cell`` for every cell at once (its ?type and ?theme as columns): one row per action
    of a theme, responsibility, department type and department as written, in the query's order
    within a cell (region, plan, ordinal, role, department)."""
    from kg.rdf.iris import org_iri, region_iri
    from kg.rdf.vocabulary import ROLE_CONCEPTS

    types, themes, s = _department_types(links), _action_themes(links), _shortener()
    labels, names = _region_labels(links), _org_labels(links)
    out = []
    for plan, p in _plan_facts(records, links.reference).items():
        if True not in p["held"] or not p["levels"]:
            continue
        regions = sorted({x for r in p["regions"] for x in labels.get(str(region_iri(r)), ())}) or [None]
        for record in p["records"]:
            region = record.meta.region
            for a in record.actions:
                action = f"{plan}/action/{a.ordinal}"
                if action not in themes:
                    continue
                sources: dict[tuple, set] = defaultdict(set)  # one responsibility node per role and name
                for asg in a.assignments:
                    if asg.role in ROLE_CONCEPTS:
                        org = str(org_iri(region, asg.department))
                        sources[(asg.role, org)].add(asg.source or None)
                for (role, org), said in sources.items():
                    for t in types.get(org, ()):
                        for theme in themes[action]:
                            for facts in (
                                {
                                    "type": s(t),
                                    "theme": s(theme),
                                    "plan": s(plan),
                                    "title": title,
                                    "region": reg,
                                    "levelName": level,
                                    "action": s(action),
                                    "ordinal": a.ordinal,
                                    "actionName": a.name,
                                    "department": name,
                                    "roleLabel": role,
                                    "source": source,
                                }
                                for title in sorted(p["titles"]) or [None]
                                for reg in regions
                                for level in sorted(p["levels"])
                                for name in sorted(names.get(org, ()))
                                for source in _present(said)
                            ):
                                out.append(facts)
    return sorted(out, key=_cell_order)


def _present(values: set) -> list:
    """An optional property's values: those given, else one unbound."""
    found = sorted(v for v in values if v is not None)
    return found or [None]


def _org_labels(links) -> dict[str, set[str]]:
    from kg.rdf.iris import org_iri

    labels: dict[str, set[str]] = defaultdict(set)
    for d in links.departments:
        labels[str(org_iri(d.region, d.name))].add(d.name)
    return labels


def _cell_order(row: dict) -> tuple:
    """A cell's rows together, then ORDER BY ?region ?plan ?ordinal ?roleLabel ?department."""

    def key(v):
        return (0, "") if v is None else (1, v)

    return tuple(
        key(row[c])
        for c in (
            "type",
            "theme",
            "region",
            "plan",
            "ordinal",
            "roleLabel",
            "department",
            "source",
            "levelName",
            "title",
        )
    )


def _value(text: str, comparator: str) -> float | None:
    from kg.rdf.document import is_numeric

    if comparator == "qualitative" or not is_numeric(text):
        return None
    try:
        return float(Decimal(text.strip()))
    except InvalidOperation:  # pragma: no cover - guarded by is_numeric
        return None


def target_rows(records, links) -> list[dict]:
    """As ``indicator_targets`` (every indicator, the national source's too) without the indicators'
    IRIs, in its order: level rank, region, indicator name, year."""
    from kg.rdf.iris import region_iri
    from kg.rdf.vocabulary import COMPARATOR_CONCEPTS
    from kg.store import shorten

    labels = _region_labels(links)
    out = []
    for plan, p in _plan_facts(records, links.reference).items():
        ranks = sorted(LEVELS.index(level) for level in p["levels"]) or [None]
        regions = sorted({x for r in p["regions"] for x in labels.get(str(region_iri(r)), ())}) or [None]
        plan_facts = [
            {
                "plan": shorten(plan),
                "title": title,
                "region": region,
                "rank": rank,
                "held": held,
                "reference": True if p.get("reference") else None,
            }
            for title in (sorted(p["titles"]) or [None])
            for region in regions
            for rank in ranks
            for held in sorted(p["held"])
        ]
        for record in p["records"]:
            for ind in record.indicators:
                for t in ind.targets:
                    if t.comparator not in COMPARATOR_CONCEPTS:
                        continue
                    target = {
                        "indicatorName": ind.name,
                        "origin": ind.origin or None,
                        "year": t.year,
                        "comparator": t.comparator,
                        "valueText": t.value,
                        "value": _value(t.value, t.comparator),
                        "unit": t.unit or None,
                        "kind": t.kind or None,
                    }
                    out += [{**facts, **target} for facts in plan_facts]
    return sorted(out, key=_target_order)


def _target_order(row: dict) -> tuple:
    """ORDER BY ?rank ?region ?indicatorName ?year (unbound first), then the rest, for a stable order."""

    def key(v):
        return (0, "") if v is None else (1, v)

    return tuple(
        key(row[c])
        for c in (
            "rank",
            "region",
            "indicatorName",
            "year",
            "plan",
            "valueText",
            "comparator",
            "unit",
            "kind",
        )
    )
