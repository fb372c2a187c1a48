"""The cascade as a sunburst: rings of regions (province → city → county → township) sized by their
plans and coloured by coverage (the share of those plans whose text is held), drawn as Vega-Lite arcs
from the plan tree of :meth:`kg.graph.PolicyGraph.plan_tree` (no graph layout: thousands of plans
draw at once). The arcs are counted with pandas (:func:`region_rows`); the chart is a plain spec of
those rows (:func:`chart`)."""

from __future__ import annotations

import math

PATH = ("province", "city", "county", "township")
RING_PX = 70  # each ring's width
HOLE_PX = 40


def with_path(tree):
    """The plan tree with a ``township`` column (a township plan's own region) beside province, city
    and county, so that every plan has its place along the four levels."""
    tree = tree.copy()
    tree["township"] = tree["region"].where(tree["level"] == "township")
    return tree


def region_rows(tree, *, within: tuple[str, ...] = (), rings: int = 3) -> list[dict]:
    """The arcs of the sunburst of the plans under ``within`` (a province, then a city …): one row
    per region of the next ``rings`` levels with its plans, held plans, coverage and angles. A ring's
    regions are counted in one grouping (a plan of no region at a level is in no arc of it or below)."""
    depth = len(within)
    for level, name in zip(PATH, within, strict=False):
        tree = tree[tree[level] == name]
    levels = PATH[depth : depth + rings]
    if not levels:
        return []
    tree = tree[tree[levels[0]].notna()].assign(held=tree["held"].fillna(False).astype(int))
    total = len(tree)
    if total == 0:
        return []
    children: dict[tuple, list[tuple[str, int, int]]] = {}
    for i in range(len(levels)):
        keys = list(levels[: i + 1])
        counted = tree.groupby(keys, observed=True, dropna=True)["held"].agg(["size", "sum"])
        for key, plans, held in zip(counted.index, counted["size"], counted["sum"], strict=True):
            key = key if isinstance(key, tuple) else (key,)
            children.setdefault(tuple(str(k) for k in key[:-1]), []).append(
                (str(key[-1]), int(plans), int(held))
            )
    rows: list[dict] = []

    def place(path: tuple[str, ...], ring: int, start: float) -> None:
        for name, plans, held in sorted(children.get(path, []), key=lambda c: (-c[1], c[0])):
            rows.append(
                {
                    "ring": ring,
                    "level": levels[ring],
                    "region": name,
                    "path": " › ".join((*within, *path, name)),
                    "plans": plans,
                    "held": held,
                    "coverage": held / plans,
                    "start": start / total * 2 * math.pi,
                    "end": (start + plans) / total * 2 * math.pi,
                    "r0": HOLE_PX + ring * RING_PX,
                    "r1": HOLE_PX + (ring + 1) * RING_PX - 2,
                }
            )
            if ring + 1 < len(levels):
                place((*path, name), ring + 1, start)
            start += plans

    place((), 0, 0.0)
    return rows


def chart(rows: list[dict], *, title: str = "") -> dict:
    """The Vega-Lite sunburst of :func:`region_rows` (a point selection ``region`` on the arcs: a
    click on an inner one picks a region to drill into), for ``st.vega_lite_chart``.

    Written as a spec rather than with Altair, and with the arcs inline in its one layer: Streamlit
    sends a layer's data as it is (it turns only top-level data into an Arrow table, through pandas
    and pyarrow), so the overview draws its cascade before pandas, pyarrow or Altair is imported."""
    size = 2 * (HOLE_PX + 3 * RING_PX)
    layer = {
        "data": {"values": rows},
        "mark": {"type": "arc", "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "theta": {"field": "start", "type": "quantitative", "scale": None},
            "theta2": {"field": "end"},
            "radius": {"field": "r0", "type": "quantitative", "scale": None},
            "radius2": {"field": "r1"},
            "color": {
                "field": "coverage",
                "type": "quantitative",
                "title": "held · 已收录",
                "scale": {"scheme": "blues", "domain": [0, 1]},
                "legend": {"format": ".0%"},
            },
            "opacity": {"condition": {"param": "region", "value": 1.0}, "value": 0.75},
            "tooltip": [
                {"field": "path", "type": "nominal", "title": "region · 地区"},
                {"field": "level", "type": "nominal", "title": "level · 层级"},
                {"field": "plans", "type": "quantitative", "title": "plans · 文件"},
                {"field": "held", "type": "quantitative", "title": "held · 已收录"},
                {"field": "coverage", "type": "quantitative", "title": "coverage · 覆盖", "format": ".0%"},
            ],
        },
        "params": [
            {"name": "region", "select": {"type": "point", "fields": ["region", "level"], "on": "click"}}
        ],
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": size,
        "height": size,
        "layer": [layer],
    }
