"""`kg matrix`: canonical department × action theme, actions and share led; one cell's actions."""

from __future__ import annotations

import json

from kg.cli.common import open_graph, out, print_table, store_arg
from kg.errors import KGError
from kg.records import LEVELS


def add_parser(sub) -> None:
    p = sub.add_parser("matrix", help="department × theme: number of actions and share led")
    p.add_argument("--level", choices=list(LEVELS))
    p.add_argument("--plan", metavar="P", help="a plan: region, 文号 or title")
    p.add_argument("--role", choices=["any", "lead", "participant"], default="any")
    p.add_argument(
        "--department", metavar="D", help="with --theme: the cell's actions (卫生健康委员会, health)"
    )
    p.add_argument("--theme", metavar="T", help="with --department: the cell's actions (控烟, tobacco)")
    p.add_argument("--json", action="store_true")
    store_arg(p)


def cmd_matrix(args) -> int:
    if (args.department is None) != (args.theme is None):
        raise KGError("--department and --theme choose one cell: give both, or neither for the matrix")
    filters = {"level": args.level, "plan": args.plan, "role": args.role}
    with open_graph(args) as pg:
        if args.department is not None:
            found = pg.matrix_cell(department_type=args.department, theme=args.theme, **filters)
            columns = ["region", "action_name", "department", "role", "source"]
        else:
            found = pg.matrix(**filters)
            columns = ["department", "theme_label", "actions", "led", "share_led"]
    if args.json:
        out(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=2))
        return 0
    rows = [[getattr(r, c) for c in columns] for r in found]
    if args.department is None:
        rows = [[*r[:4], f"{r[4]:.0%}"] for r in rows]
    print_table(columns, rows)
    return 0
