"""The summary tables made from the records and links a full build has in hand, instead of from the
store it writes (:func:`record_tables`): the per-plan rows here (the named queries
``summary_responsibility_rows``, ``indicator_targets`` and ``matrix_cell``), the plan list, tree
and lags in :mod:`kg.summaries.plan_rows`; each the rows its query gives on that store.

At 10,000 plans the per-plan queries take minutes (half a million rows each, every IRI looked up in
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
from kg.summaries.tables import (
    CELL_COLUMNS,
    DIFFUSION_COLUMNS,
    PLAN_COLUMNS,
    TARGET_COLUMNS,
    count_responsibilities,
    frame,
    options,
    sorted_cells,
    sorted_targets,
)


@dataclass(frozen=True)
class RecordTables:
    """What a build hands the summaries: every table but the department types (DataFrames) made from
    its records and links, each as the summaries would have computed it by SPARQL; the plan tree as
    the ``hierarchy`` query's rows and the actions per plan, which the tree is made of."""

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

    corpus = _Corpus(records, links)
    described = plan_rows.plan_descriptions(records, links)
    labels = plan_rows.label_maps(links)
    targets = frame(target_rows(corpus), TARGET_COLUMNS)
    return RecordTables(
        responsibilities=count_responsibilities(responsibility_rows(corpus)),
        targets=sorted_targets(targets),
        cells=sorted_cells(frame(cell_rows(corpus), CELL_COLUMNS)),
        plans=frame(plan_rows.plan_rows(described, labels), PLAN_COLUMNS),
        diffusion=frame(plan_rows.diffusion_rows(described, links, labels), DIFFUSION_COLUMNS),
        tree=plan_rows.hierarchy_query_rows(described, links, labels),
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


class _Corpus:
    """What the row makers look up, computed once: each plan's facts, each organisation's types and
    labels, each action's themes, region labels, and IRIs made and shortened once each."""

    def __init__(self, records, links):
        from kg.rdf.iris import department_type_iri, node_iri, org_iri, region_iri, theme_iri
        from kg.store import shorten

        self._org_iri, self._region_iri, self._shorten = org_iri, region_iri, shorten
        self._orgs: dict[tuple, str] = {}
        self._short: dict[str, str] = {}
        self.plans = _plan_facts(records, links.reference)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, set[str]] = defaultdict(set)
        type_iris = {t.id: str(department_type_iri(t.id)) for t in links.department_types}
        for d in links.departments:
            org = self.org(d.region, d.name)
            self.types[org].update(type_iris.get(t) or str(department_type_iri(t)) for t in d.types)
            self.names[org].add(d.name)
        self.region_labels: dict[str, set[str]] = defaultdict(set)
        for r in links.regions:
            self.region_labels[str(region_iri(r.name))].add(r.name)
        keys = {n.key: str(node_iri(n)) for n in links.plans}
        theme_iris: dict[str, str] = {}
        self.themes: dict[str, set[str]] = defaultdict(set)
        for al in links.action_links:
            theme = theme_iris.get(al.theme) or theme_iris.setdefault(al.theme, str(theme_iri(al.theme)))
            self.themes[f"{keys[al.plan]}/action/{al.ordinal}"].add(theme)

    def org(self, region: str | None, name: str) -> str:
        key = (region, name)
        found = self._orgs.get(key)
        if found is None:
            found = self._orgs[key] = str(self._org_iri(region, name))
        return found

    def short(self, iri: str) -> str:
        return self._short.get(iri) or self._short.setdefault(iri, self._shorten(iri))

    def regions(self, p: dict) -> list:
        """A plan's region labels (through its regions' nodes), else one None."""
        return options(
            {x for r in p["regions"] for x in self.region_labels.get(str(self._region_iri(r)), ())}
        )

    def held_plans(self):
        """(IRI, facts) of the plans a query of held plans with a level sees."""
        return [(iri, p) for iri, p in self.plans.items() if True in p["held"] and p["levels"]]


def responsibility_rows(corpus: _Corpus) -> list[tuple]:
    """As ``summary_responsibility_rows`` (:data:`RESPONSIBILITY_COLUMNS`): one row per department type,
    theme, plan, level, role and action of the held plans, distinct."""
    from kg.rdf.vocabulary import ROLE_CONCEPTS

    s = corpus.short
    out: dict[tuple, None] = {}
    for plan, p in corpus.held_plans():
        levels, plan_ = sorted(p["levels"]), s(plan)
        for record in p["records"]:
            region = record.meta.region
            for a in record.actions:
                action = f"{plan}/action/{a.ordinal}"
                action_, themes = s(action), [s(t) for t in corpus.themes.get(action, ())] or [None]
                for asg in a.assignments:
                    if asg.role not in ROLE_CONCEPTS:
                        continue
                    for t in corpus.types.get(corpus.org(region, asg.department), ()):
                        t_ = s(t)
                        for theme in themes:
                            for level in levels:
                                out[(t_, theme, plan_, level, asg.role, action_)] = None
    return list(out)


def cell_rows(corpus: _Corpus) -> list[tuple]:
    """As ``matrix_cell`` for every cell at once (:data:`CELL_COLUMNS`: its ?type and ?theme too): one
    row per action of a theme, responsibility, department type and department as written."""
    from kg.rdf.vocabulary import ROLE_CONCEPTS

    s = corpus.short
    out = []
    for plan, p in corpus.held_plans():
        plan_ = s(plan)
        about = [
            (title, region, level)
            for title in options(p["titles"])
            for region in corpus.regions(p)
            for level in sorted(p["levels"])
        ]
        for record in p["records"]:
            region_name = record.meta.region
            for a in record.actions:
                action = f"{plan}/action/{a.ordinal}"
                themes = corpus.themes.get(action)
                if not themes:
                    continue
                action_, themes = s(action), sorted(s(t) for t in themes)
                said: dict[tuple, set] = defaultdict(set)  # one responsibility node per role and name
                for asg in a.assignments:
                    if asg.role in ROLE_CONCEPTS:
                        said[(asg.role, corpus.org(region_name, asg.department))].add(asg.source or None)
                for (role, org), sources in said.items():
                    names, sources = sorted(corpus.names.get(org, ())), options(sources)
                    for t in corpus.types.get(org, ()):
                        t_ = s(t)
                        for theme in themes:
                            for title, region, level in about:
                                for name in names:
                                    for source in sources:
                                        out.append(
                                            (t_, theme, plan_, title, region, level, action_, a.ordinal,
                                             a.name, name, role, source)
                                        )  # fmt: skip
    return out


def _value(text: str, comparator: str) -> float | None:
    from kg.rdf.document import is_numeric

    if comparator == "qualitative" or not is_numeric(text):
        return None
    try:
        return float(Decimal(text.strip()))
    except InvalidOperation:  # pragma: no cover - guarded by is_numeric
        return None


def target_rows(corpus: _Corpus) -> list[tuple]:
    """As ``indicator_targets`` (:data:`TARGET_COLUMNS`; every indicator, the national source's too)
    without the indicators' IRIs; a target's unit, else its indicator's (as the query reads them)."""
    from kg.rdf.vocabulary import COMPARATOR_CONCEPTS

    out = []
    for plan, p in corpus.plans.items():
        ranks = sorted(LEVELS.index(level) for level in p["levels"]) or [None]
        reference = True if p.get("reference") else None
        about = [
            (corpus.short(plan), title, region, rank, held, reference)
            for title in options(p["titles"])
            for region in corpus.regions(p)
            for rank in ranks
            for held in sorted(p["held"])
        ]
        for record in p["records"]:
            for ind in record.indicators:
                for t in ind.targets:
                    if t.comparator not in COMPARATOR_CONCEPTS:
                        continue
                    target = (
                        ind.name, ind.origin or None, t.year, t.comparator, t.value,
                        _value(t.value, t.comparator), t.unit or ind.unit or None, t.kind or None,
                    )  # fmt: skip
                    out += [facts + target for facts in about]
    return out
