"""The rows of the plan-level summary tables (the plan list, the plan tree, the diffusion lags and
the actions per plan) read from the records and links a build holds: the same rows as the named
queries ``plans``, ``hierarchy``, ``diffusion`` and ``plan_action_counts`` give on the store it
writes (tests/test_summaries.py compares them). Each plan's facts are gathered over every graph that
describes it (its own document, the curated reference, the links graph) as the union default graph
holds them; a row then follows the query's joins, an optional fact None where absent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kg.records import LEVELS
from kg.summaries.tables import options, order_key


def label_maps(links) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Region IRI -> labels, organisation IRI -> labels."""
    from kg.rdf.iris import org_iri, region_iri

    regions: dict[str, set[str]] = defaultdict(set)
    for r in links.regions:
        regions[str(region_iri(r.name))].add(r.name)
    orgs: dict[str, set[str]] = defaultdict(set)
    for d in links.departments:
        orgs[str(org_iri(d.region, d.name))].add(d.name)
    return regions, orgs


def _facts() -> dict:
    return {
        k: set()
        for k in ("held", "titles", "numbers", "issuers", "dates", "levels", "regions", "provinces", "files")
    }


def plan_descriptions(records, links) -> dict[str, dict]:
    """Plan (or cited document) IRI -> {"plan": is an hc:Plan, "actions": its action ordinals, and sets
    of held, titles, numbers, issuers (organisation IRIs), dates, levels, regions and provinces
    (region IRIs), files}, over the held records, the reference records, the cited plans and the
    cited documents."""
    from kg.rdf.iris import node_iri, org_iri, plan_iri, record_plan_iri, region_iri

    out: dict[str, dict] = {}

    def entry(iri: str, *, plan: bool) -> dict:
        e = out.setdefault(iri, {"plan": False, "actions": set(), **_facts()})
        e["plan"] = e["plan"] or plan
        return e

    for record, reference in [*((r, False) for r in records), *((r, True) for r in links.reference)]:
        m = record.meta
        e = entry(str(record_plan_iri(record)), plan=True)
        e["held"].add(not reference)
        e["files"].add(record.file)
        e["actions"].update(a.ordinal for a in record.actions)
        for key, value in (("titles", m.title), ("numbers", m.doc_number), ("dates", m.date)):
            if value:
                e[key].add(value)
        if m.level in LEVELS:
            e["levels"].add(m.level)
        if m.region:
            e["regions"].add(str(region_iri(m.region)))
        if m.province:
            e["provinces"].add(str(region_iri(m.province)))
        if m.issuer:
            e["issuers"].add(str(org_iri(m.region, m.issuer)))
    nodes = set()
    for n in links.plans:
        iri = str(node_iri(n))
        nodes.add(iri)
        if n.held or n.reference:
            continue
        e = entry(iri, plan=True)
        e["held"].add(False)
        if n.title:
            e["titles"].add(n.title)
        if n.doc_number:
            e["numbers"].add(n.doc_number)
        if n.level in LEVELS:
            e["levels"].add(n.level)
        if n.region:
            e["regions"].add(str(region_iri(n.region)))
        if n.issuer:
            e["issuers"].add(str(org_iri(n.region, n.issuer)))
    for d in links.documents:
        iri = str(plan_iri(d.doc_number, None, d.title))
        if iri in nodes:
            continue
        e = entry(iri, plan=False)
        e["held"].add(False)
        e["titles"].add(d.title)
        if d.doc_number:
            e["numbers"].add(d.doc_number)
    return out


def _date_value(text: str):
    """As the store gives eli:date_document back: a date where it is one (an xsd:date), else text."""
    from kg.rdf.document import is_date

    return date.fromisoformat(text) if is_date(text) else text


def plan_rows(described: dict, labels: tuple) -> list[dict]:
    """As ``plans``: every legal resource with its held flag, in the query's order. ``labels``: the
    region and organisation labels (:func:`label_maps`)."""
    from kg.store import shorten

    regions, orgs = labels
    out = []
    for iri, e in described.items():
        for held in sorted(e["held"]):
            for title in options(e["titles"]):
                for number in options(e["numbers"]):
                    for issuer in options(e["issuers"], orgs):
                        for day in options(e["dates"]):
                            for level in options(e["levels"]):
                                for region in options(e["regions"], regions):
                                    for file in options(e["files"]):
                                        out.append(
                                            {
                                                "plan": shorten(iri),
                                                "title": title,
                                                "doc_number": number,
                                                "issuer": issuer,
                                                "date": None if day is None else _date_value(day),
                                                "level": level,
                                                "region": region,
                                                "held": held,
                                                "file": file,
                                                "_iri": iri,
                                            }
                                        )
    out.sort(
        key=lambda r: (not r["held"], *(order_key(r[c]) for c in ("file", "doc_number", "title", "_iri")))
    )
    for r in out:
        del r["_iri"]
    return out


def hierarchy_query_rows(described: dict, links, labels: tuple) -> list[dict]:
    """As ``hierarchy``: every plan with its level, region, held flag and parent derivation."""
    from kg.rdf.iris import node_iri
    from kg.store import shorten

    regions, _ = labels
    keys = {n.key: str(node_iri(n)) for n in links.plans}
    parents: dict[str, list] = defaultdict(list)
    for pl in links.plan_links:
        parents[keys[pl.child]].append((keys[pl.parent], pl.method, float(pl.score)))
    out = []
    for iri, e in described.items():
        if not e["plan"]:
            continue
        derivations = []
        for parent, method, score in sorted(set(parents.get(iri, []))):
            p = described.get(parent)
            for title in options(p["titles"] if p else set()):
                derivations.append((shorten(parent), title, method, score))
        for title in options(e["titles"]):
            for number in options(e["numbers"]):
                for level in options(e["levels"]):
                    for region in options(e["regions"], regions):
                        for held in options(e["held"]):
                            for parent, parent_title, method, score in derivations or [(None,) * 4]:
                                out.append(
                                    {
                                        "plan": shorten(iri),
                                        "title": title,
                                        "docNumber": number,
                                        "rank": None if level is None else LEVELS.index(level),
                                        "levelName": level,
                                        "region": region,
                                        "held": held,
                                        "parent": parent,
                                        "parentTitle": parent_title,
                                        "method": method,
                                        "score": score,
                                    }
                                )
    out.sort(key=lambda r: tuple(order_key(r[c]) for c in ("rank", "region", "docNumber", "title", "plan")))
    return out


def action_counts(described: dict) -> dict[str, int]:
    """As ``plan_action_counts``: held plan (prefixed IRI) -> its number of actions."""
    from kg.store import shorten

    return {
        shorten(iri): len(e["actions"]) for iri, e in described.items() if True in e["held"] and e["actions"]
    }


def diffusion_rows(described: dict, links, labels: tuple) -> list[dict]:
    """As ``diffusion`` in plain text (IRIs as themselves, literals as their lexical forms)."""
    from kg.rdf.iris import level_concept, node_iri

    regions, _ = labels
    keys = {n.key: str(node_iri(n)) for n in links.plans}
    parents: dict[str, set[str]] = defaultdict(set)
    for pl in links.plan_links:
        parents[keys[pl.child]].add(keys[pl.parent])
    out = []
    for iri, e in described.items():
        if not e["plan"]:
            continue
        for level in sorted(e["levels"]):
            for held in sorted(e["held"]):
                for day in options(e["dates"]):
                    for title in options(e["titles"]):
                        for number in options(e["numbers"]):
                            for parent in options(parents.get(iri, set())):
                                for region in options(e["regions"], regions):
                                    for province in options(e["provinces"], regions):
                                        out.append(
                                            {
                                                "plan": iri,
                                                "level": str(level_concept(level)),
                                                "held": "true" if held else "false",
                                                "date": day,
                                                "title": title,
                                                "docNumber": number,
                                                "region": region,
                                                "province": province,
                                                "parent": parent,
                                            }
                                        )
    return out
