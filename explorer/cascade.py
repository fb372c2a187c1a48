"""The overview's cascade, read from the plan tree summary: each plan's province, city, county and
township, the regions under a chosen one, the sunburst's arcs and the plans of a region."""

from __future__ import annotations

import streamlit as st

from explorer.helpers import graph, stored


@st.cache_resource(show_spinner=False, max_entries=2)
def cascade_tree(k):
    """The plan tree (build summary) with each plan's province, city, county and township."""
    from explorer import sunburst

    return sunburst.with_path(graph(k).plan_tree())


def _within(k, within: tuple[str, ...]):
    from explorer import sunburst

    tree = cascade_tree(k)
    for level, name in zip(sunburst.PATH, within, strict=False):
        tree = tree[tree[level] == name]
    return tree


@stored
def regions_below(k, within: tuple[str, ...]) -> list[str]:
    """The regions of the next level under ``within`` (province, city …), most plans first."""
    from explorer import sunburst

    if len(within) >= len(sunburst.PATH):
        return []
    counts = _within(k, within)[sunburst.PATH[len(within)]].dropna().astype(str).value_counts()
    return [str(r) for r in counts.sort_index().sort_values(ascending=False, kind="stable").index]


@stored
def cascade_rows(k, within: tuple[str, ...]) -> list[dict]:
    """The sunburst's arcs under ``within``."""
    from explorer import sunburst

    return sunburst.region_rows(cascade_tree(k), within=within)


@stored
def plans_within(k, within: tuple[str, ...]) -> list[str]:
    """The plans (prefixed IRIs) of the region ``within`` and below it."""
    return [str(p) for p in _within(k, within)["plan"]]


@stored
def region_plan(k, within: tuple[str, ...]) -> str | None:
    """The held plan of the region itself (the last of ``within``), full IRI; else any of its own."""
    from explorer import sunburst
    from kg.store import expand

    tree = _within(k, within)
    own = tree[tree["level"] == sunburst.PATH[len(within) - 1]]
    own = own.sort_values("held", ascending=False, na_position="last")
    return expand(str(own["plan"].iloc[0])) if len(own) else None
