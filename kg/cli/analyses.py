"""`kg top-departments`, `trace`, `hierarchy`, `coverage`, `targets`: the named analyses as tables or JSON."""

from __future__ import annotations

import json

from kg.cli.common import (
    open_graph,
    out,
    print_frame,
    print_table,
)
from kg.errors import KGError


def cmd_top_departments(args) -> int:
    with open_graph(args) as pg:
        found = pg.top_departments(level=args.level, plan=args.plan, role=args.role, limit=args.limit)
    columns = ["department", "department_en", "actions", "plans"]
    rows = [[getattr(r, c) for c in columns] for r in found]
    if args.json:
        out(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2))
    else:
        print_table(columns, rows)
    return 0


def cmd_trace(args) -> int:
    with open_graph(args) as pg:
        hops = pg.trace(place=args.place, action=args.action)
    if args.json:
        keys = ("level", "region", "plan", "doc_number", "held", "action", "theme", "score")
        out(json.dumps([{k: h.as_dict()[k] for k in keys} for h in hops], ensure_ascii=False, indent=2))
        return 0
    for h in hops:
        held = "held" if h.held else "not held"
        action = h.action or "—"
        score = f"  score {h.score:.2f}" if h.score is not None else ""
        reuse = f"  text reuse {h.text_reuse:.0%}" if h.text_reuse is not None else ""
        out(
            f"{h.level:<9} {h.region or '?'}  {h.doc_number or '(no 文号)'}  [{held}]  {action}{score}{reuse}"
        )
        out(f"          {h.plan or ''}")
    return 0


def cmd_hierarchy(args) -> int:
    with open_graph(args) as pg:
        frame = pg.named_df("hierarchy")
    if args.json:
        print_frame(frame, True)
        return 0
    rows = list(frame.itertuples(index=False))
    children: dict = {}
    for r in rows:
        children.setdefault(r.parent if isinstance(r.parent, str) else None, []).append(r)

    def show(r, depth):
        held = "" if r.held else "  (not held)"
        method = f"  ← {r.method} {float(r.score):.2f}" if isinstance(r.method, str) else ""
        out(
            f"{'    ' * depth}{r.levelName}: {r.region} {r.docNumber if isinstance(r.docNumber, str) else ''} {r.title}{held}{method}"
        )
        for c in children.get(r.plan, []):
            show(c, depth + 1)

    for root in children.get(None, []):
        show(root, 0)
    return 0


def cmd_coverage(args) -> int:
    with open_graph(args) as pg:
        cells = pg.coverage()
    matrix: dict[str, dict] = {}
    for c in cells:
        matrix.setdefault(c.theme, {"national": c.national})[c.region or c.plan] = c.actions
    if args.json:
        out(json.dumps(matrix, ensure_ascii=False, indent=2))
        return 0
    places = list(next(iter(matrix.values()), {"national": None}))[1:]
    rows = [
        [theme, "" if row["national"] is None else str(row["national"])]
        + ["✓" if row[p] is not None else "—" for p in places]
        for theme, row in matrix.items()
    ]
    print_table(["theme", "national", *places], rows)
    return 0


def cmd_targets(args) -> int:
    with open_graph(args) as pg:
        found = pg.targets(indicator=args.indicator)
    if not found:
        raise KGError(f"no indicator matches {args.indicator!r}")
    if args.json:
        out(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=2))
        return 0
    columns = ["region", "indicator", "year", "comparator", "value", "unit", "national", "verdict"]
    print_table(columns, [[getattr(r, c) for c in columns] for r in found])
    return 0
