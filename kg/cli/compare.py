"""`kg compare PLAN PLAN`: two plans side by side (themes, departments, targets, text reuse)."""

from __future__ import annotations

import json

from kg.cli.common import open_graph, out, print_table

STATUS = {"both": "both", "only_a": "only A", "only_b": "only B"}


def _name(brief) -> str:
    return " ".join(x for x in (brief.region, brief.doc_number or brief.title) if x) or brief.plan


def cmd_compare(args) -> int:
    from kg.api.comparisons import as_plain

    with open_graph(args) as pg:
        found = pg.compare_plans(a=args.a, b=args.b)
    if args.json:
        out(json.dumps(as_plain(found), ensure_ascii=False, indent=2))
        return 0
    later = found.b if found.later == "b" else found.a
    out(f"A: {_name(found.a)}  {found.a.level or '?'}  {found.a.date or '(no date)'}")
    out(f"B: {_name(found.b)}  {found.b.level or '?'}  {found.b.date or '(no date)'}")
    out(f"text reuse of the later plan, {later.region or later.plan} (later by {found.later_by})")
    out("")
    print_table(
        ["theme", "A", "B", "status", "reuse"],
        [
            [
                t.theme,
                t.a_action or "—",
                t.b_action or "—",
                STATUS[t.status],
                "" if t.reuse is None else f"{t.reuse:.0%}",
            ]
            for t in found.themes
        ],
    )
    out("")
    print_table(
        ["department", "A lead", "A part.", "B lead", "B part.", "status"],
        [
            [d.department, d.a_lead, d.a_participant, d.b_lead, d.b_participant, STATUS[d.status]]
            for d in found.departments
        ],
    )
    out("")
    print_table(
        ["indicator", "year", "A", "B", "later's target"],
        [[t.indicator, t.year, t.a_target, t.b_target, t.verdict or "not comparable"] for t in found.targets],
    )
    return 0
