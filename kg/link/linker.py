"""Linking across levels: plans to parent plans, actions to themes and parent actions,
department mentions to canonical types, regions to their parents. Records in, records out."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kg.link import gazetteer
from kg.link.departments import canonical_types
from kg.link.plans import cited_plan_node, collect_plans, derive_links
from kg.link.reference import department_types, national_records, themes
from kg.link.reuse import place_names, reuse_share
from kg.link.themes import match_theme
from kg.records import (
    ActionLink,
    CitedDocument,
    DepartmentLink,
    Links,
    PlanRecord,
    RegionNode,
    normalize_title,
    plan_key,
)

__all__ = ["link", "record_key"]


def record_key(record: PlanRecord) -> str:
    m = record.meta
    return plan_key(m.doc_number, m.region, m.title)


def link(records: Iterable[PlanRecord], *, reuse: Callable[..., float] = reuse_share) -> Links:
    """The links of ``records``. ``reuse``: the share of a child action's text that repeats its
    parent action's (``reuse_share``'s signature; a build passes a memoised one, the result is the
    same)."""
    records = list(records)
    reference = national_records()
    nodes, alias = collect_plans(records, reference)
    national_key = alias[record_key(reference[0])]
    plan_links = derive_links(records, nodes, alias, national_key)
    parent_of = {pl.child: pl.parent for pl in plan_links}

    holders: dict[str, tuple[PlanRecord, bool]] = {alias[record_key(r)]: (r, True) for r in reference}
    holders |= {alias[record_key(r)]: (r, False) for r in records}
    themes_of: dict[str, dict[int, tuple[str, str, float]]] = {}
    for key, (r, _) in holders.items():
        themes_of[key] = {}
        for a in r.actions:
            m = match_theme(a.name, a.text)
            if m:
                themes_of[key][a.ordinal] = (m[0].id, m[1], m[2])

    # (child key, action, theme, method, score, parent (key, ordinal) or None, text-reuse arguments)
    entries = []
    for key, (r, is_reference) in sorted(holders.items()):
        for a in r.actions:
            if a.ordinal not in themes_of[key]:
                continue
            theme, method, score = themes_of[key][a.ordinal]
            parent = _parent_action(key, theme, parent_of, themes_of)
            reuse_args = None
            if parent is not None:
                parent_record, parent_is_reference = holders[parent[0]]
                if not parent_is_reference and not is_reference:
                    parent_action = next(x for x in parent_record.actions if x.ordinal == parent[1])
                    reuse_args = (
                        a.text,
                        parent_action.text,
                        place_names(r.meta.region),
                        place_names(parent_record.meta.region),
                    )
            entries.append((key, a, theme, method, score, parent, reuse_args))

    # Text reuse, one parent action at a time: siblings compare their clauses with the same parent
    # clauses, which stay in reuse_share's caches while they are needed (the result does not depend on
    # the order; at 10,000 plans the corpus order thrashed the caches).
    reuses = {}
    todo = [i for i, e in enumerate(entries) if e[6] is not None]
    for i in sorted(todo, key=lambda i: entries[i][5]):
        child_text, parent_text, child_places, parent_places = entries[i][6]
        reuses[i] = reuse(child_text, parent_text, child_places=child_places, parent_places=parent_places)

    action_links = []
    for i, (key, a, theme, method, score, parent, _) in enumerate(entries):
        if parent is None:
            action_links.append(ActionLink(key, a.ordinal, theme, method, score))
            continue
        parent_key, parent_ordinal = parent
        parent_score = themes_of[parent_key][parent_ordinal][2]
        action_links.append(
            ActionLink(
                key,
                a.ordinal,
                theme,
                method,
                score,
                parent_plan=parent_key,
                parent_ordinal=parent_ordinal,
                method="theme",
                score=round(min(score, parent_score), 3),
                reuse=reuses.get(i),
            )
        )

    departments: dict[tuple[str | None, str], DepartmentLink] = {}
    for r in records:
        key = alias[record_key(r)]
        for a in r.actions:
            for asg in a.assignments:
                if (r.meta.region, asg.department) not in departments:
                    types, method = canonical_types(asg.department, r.meta.region)
                    departments[(r.meta.region, asg.department)] = DepartmentLink(
                        key, r.meta.region, asg.department, types, method
                    )
    for node in nodes:
        if node.issuer and (node.region, node.issuer) not in departments:
            types, method = canonical_types(node.issuer, node.region)
            departments[(node.region, node.issuer)] = DepartmentLink(
                node.key, node.region, node.issuer, types, method, kind="issuer"
            )

    documents: dict[str, CitedDocument] = {}
    by_key = {n.key: n for n in nodes}
    # how held plans are named in their own graphs (by 文号, else by title): never described twice
    held_names = {r.meta.doc_number or normalize_title(r.meta.title or "") for r in records}
    for r in records:
        for c in r.cites:
            node = cited_plan_node(c, r)
            # A citation names its document by 文号, else by title; where that is not how the plan it
            # resolves to is named (a held plan printed without its 文号), the name is described too.
            target = by_key.get(alias.get(node.key, "")) if node is not None else None
            renamed = target is not None and (target.doc_number, target.title) != (
                node.doc_number,
                node.title,
            )
            name = c.doc_number or normalize_title(c.title)
            if (node is None or renamed) and name not in held_names:
                documents.setdefault(name, CitedDocument(c.title, c.doc_number))

    return Links(
        documents=tuple(documents[k] for k in sorted(documents)),
        plans=tuple(sorted(nodes, key=lambda n: n.key)),
        plan_links=tuple(plan_links),
        action_links=tuple(action_links),
        departments=tuple(departments[k] for k in sorted(departments, key=lambda k: (k[0] or "", k[1]))),
        regions=_regions(
            {n.region for n in nodes if n.region} | {r.meta.province for r in records if r.meta.province}
        ),
        themes=themes(),
        department_types=department_types(),
        reference=reference,
    )


def _parent_action(
    key: str, theme: str, parent_of: dict[str, str], themes_of: dict[str, dict[int, tuple[str, str, float]]]
) -> tuple[str, int] | None:
    """The action of the same theme in the nearest ancestor plan that has actions."""
    seen = {key}
    current = parent_of.get(key)
    while current and current not in seen:
        seen.add(current)
        for ordinal, (t, _, _) in sorted(themes_of.get(current, {}).items()):
            if t == theme:
                return current, ordinal
        current = parent_of.get(current)
    return None


def _regions(names: set[str]) -> tuple[RegionNode, ...]:
    out: dict[str, RegionNode] = {}
    for name in sorted(names):
        chain = gazetteer.chain(name)
        if not chain:
            out.setdefault(name, RegionNode(name, None, None, None, "unresolved"))
            continue
        for k, region in enumerate(chain):
            parent = chain[k + 1].name if k + 1 < len(chain) else None
            out.setdefault(
                region.name, RegionNode(region.name, region.level, parent, region.code, "gazetteer")
            )
    return tuple(out[k] for k in sorted(out))
