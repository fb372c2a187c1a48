"""`kg diffusion`: days from the national plan (and from each plan's parent) to each plan's signing."""

from __future__ import annotations

import json

from kg.cli.common import open_graph, out, print_table, store_arg
from kg.records import LEVELS


def add_parser(sub) -> None:
    p = sub.add_parser("diffusion", help="days after the parent plan and the national plan, by level")
    p.add_argument("--level", choices=list(LEVELS))
    p.add_argument("--province", metavar="P", help="one province's plans, e.g. 山西省")
    p.add_argument("--json", action="store_true", help="print {national, levels, plans} as JSON")
    store_arg(p)


def cmd_diffusion(args) -> int:
    from kg.api.diffusion import in_province, level_lags, national_doc_number

    with open_graph(args) as pg:
        every = pg.diffusion()  # one query: the nation, the levels and the plans from it
    national = next((p for p in every if p.doc_number == national_doc_number()), None)
    plans = [p for p in every if args.level in (None, p.level) and in_province(p, args.province)]
    levels = level_lags(plans)
    if args.json:
        doc = {
            "national": {"doc_number": national_doc_number(), "date": national.date if national else None},
            "levels": [lv.as_dict() for lv in levels],
            "plans": [p.as_dict() for p in plans],
        }
        out(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    out(
        f"national plan {national_doc_number()}: {national.date if national and national.date else 'no date'}"
    )
    print_table(
        ["level", "plans", "dated", "undated", "median days after national", "median days after parent"],
        [
            [
                lv.level,
                lv.plans,
                lv.dated,
                lv.undated,
                _num(lv.median_days_after_national),
                _num(lv.median_days_after_parent),
            ]
            for lv in levels
        ],
    )
    dated = [p for p in plans if p.date is not None]
    out("")
    print_table(
        ["level", "region", "province", "文号", "date", "parent", "days after parent", "days after national"],
        [
            [
                p.level,
                p.region,
                p.province,
                p.doc_number,
                p.date,
                p.parent_title or p.parent,
                p.days_after_parent,
                p.days_after_national,
            ]
            for p in dated
        ],
    )
    undated = [p for p in plans if p.date is None]
    if undated:
        out(f"\nno signing date ({len(undated)}): the document gives none, or it is cited and not held")
        for p in undated:
            held = "held" if p.held else "not held"
            out(
                f"  {p.level:<9} {p.region or '?'}  {p.doc_number or '(no 文号)'}  [{held}]  {p.title or p.plan}"
            )
    return 0


def _num(value) -> str:
    return "" if value is None else f"{value:g}"
