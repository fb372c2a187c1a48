"""The stored plans a set of records may derive from (their context when they are linked without the
rest of the corpus): the plans of their regions' ancestors and those they cite, read from the
records cache. An append build links new plans with it, a preview too, a scoped re-link the plans a
change reaches."""

from __future__ import annotations

import functools

from kg.build.cache import RecordCache
from kg.build.extraction import renamed


@functools.cache
def above(region: str) -> frozenset[str]:
    """The names of the regions above ``region`` (its gazetteer chain without it)."""
    from kg.link import gazetteer

    return frozenset(r.name for r in gazetteer.chain(region)[1:])


def ancestors(cache: RecordCache, old: list[dict], new: list) -> list | None:
    """The stored records the new ones may derive from: the plans of their regions' ancestors and
    those they cite, then the same for each of these, up to the national plan (None: a record is
    missing from the cache)."""
    from kg.rdf import cited_iri

    by_region: dict = {}
    for e in old:
        by_region.setdefault(e.get("region"), []).append(e)
    old_plans = {e["plan"]: e for e in old}
    context: dict[str, object] = {}
    todo = list(new)
    while todo:
        r = todo.pop()
        candidates = [*(by_region.get(x, []) for x in above(r.meta.region or ""))]
        candidates.append([old_plans[c] for c in (str(cited_iri(c)) for c in r.cites) if c in old_plans])
        for e in (e for group in candidates for e in group):
            if e["plan"] in context:
                continue
            record = cache.get(e["sha256"])
            if record is None:
                return None
            context[e["plan"]] = record = renamed(record, e["file"])
            todo.append(record)
    return list(context.values())
