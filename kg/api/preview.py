"""What a plan file would add to the graph, before it joins it: its chain of parent plans and the
parent actions its actions implement, read from the build package's preview (the append build's
path: the file linked with the stored plans above it, nothing written)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.api.records import Record
from kg.errors import ExtractionError


@dataclass(frozen=True)
class PlanStep(Record):
    """A plan of the chain, the previewed plan first, and how it links to the next one up."""

    title: str | None
    doc_number: str | None
    level: str | None
    region: str | None
    held: bool
    method: str | None  # how the link to the next plan up was found (None: the top)
    score: float | None


@dataclass(frozen=True)
class ActionStep(Record):
    """One action of the previewed plan, its theme and the parent action it would implement."""

    ordinal: int
    name: str
    theme: str | None
    parent_name: str | None
    parent_region: str | None
    score: float | None
    text_reuse: float | None


@dataclass(frozen=True)
class PlanPreview(Record):
    """The previewed plan's chain (itself first) and its actions' links; ``context``: the stored
    plans it was linked with."""

    chain: tuple[PlanStep, ...]
    actions: tuple[ActionStep, ...]
    context: int


def preview_plan(pg, path) -> PlanPreview:
    """Preview the plan file ``path`` against ``pg``'s store (see the module notes)."""
    from kg.build import preview
    from kg.rdf.iris import node_iri
    from kg.records import plan_key

    found = preview([path], store=pg.spec)
    if found.refused:
        refused = found.refused[0]
        raise ExtractionError(refused.file, refused.reason)
    record = found.records[0]
    links = found.links
    nodes = {n.key: n for n in links.plans}
    up = {pl.child: pl for pl in links.plan_links}
    m = record.meta
    key = plan_key(m.doc_number, m.region, m.title)
    chain, seen = [], set()
    node_key = key
    while node_key is not None and node_key not in seen:
        seen.add(node_key)
        node, link = nodes.get(node_key), up.get(node_key)
        if node_key == key:
            title, doc, level, region, held = m.title, m.doc_number, m.level, m.region, True
        elif node is not None:
            title, doc, level, region, held = node.title, node.doc_number, node.level, node.region, node.held
        else:
            break
        chain.append(PlanStep(title, doc, level, region, held, link and link.method, link and link.score))
        node_key = link.parent if link else None

    themes = {t.id: t.label_zh for t in links.themes}
    names: dict[str, dict[int, str]] = {}

    def action_name(plan: str, ordinal: int) -> str | None:
        if plan not in names and plan in nodes:
            rows = pg.named("plan_actions", plan=str(node_iri(nodes[plan]))).records()
            names[plan] = {int(r["ordinal"]): r["name"] for r in rows}
        return names.get(plan, {}).get(ordinal)

    own = {a.ordinal: a.name for a in record.actions}
    actions = []
    for al in sorted((al for al in links.action_links if al.plan == key), key=lambda al: al.ordinal):
        parent = nodes.get(al.parent_plan) if al.parent_plan else None
        actions.append(
            ActionStep(
                ordinal=al.ordinal,
                name=own.get(al.ordinal, ""),
                theme=themes.get(al.theme),
                parent_name=action_name(al.parent_plan, al.parent_ordinal) if parent else None,
                parent_region=parent.region if parent else None,
                score=al.score,
                text_reuse=al.reuse,
            )
        )
    return PlanPreview(chain=tuple(chain), actions=tuple(actions), context=found.context)
