"""The `kg` parser and its dispatch."""

from __future__ import annotations

import argparse
import os
import sys

from kg.cli import diffusion, matrix
from kg.cli.analyses import cmd_coverage, cmd_hierarchy, cmd_targets, cmd_top_departments, cmd_trace
from kg.cli.common import (
    PROG,
    one_line,
    store_arg,
)
from kg.cli.compare import cmd_compare
from kg.cli.data import (
    cmd_build,
    cmd_eval,
    cmd_export,
    cmd_extract,
    cmd_query,
    cmd_serve,
    cmd_validate,
)
from kg.errors import KGError
from kg.version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Healthy China policy-cascade knowledge graph: extract, build, query."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("extract", help="extract plan records from text files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON array in the gold schema")
    store_arg(p)

    p = sub.add_parser("build", help="build the graph of plan files into the store")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: data/plans)")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="extraction processes (default: all cores)"
    )
    p.add_argument("--full", action="store_true", help="rebuild everything instead of updating what changed")
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole build if any file is refused (store untouched)",
    )
    p.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a terminal"
    )
    store_arg(p)

    p = sub.add_parser("validate", help="check the stored graph against the SHACL shapes")
    store_arg(p)

    p = sub.add_parser("export", help="serialise the stored graph (deterministic output)")
    p.add_argument("--format", choices=["turtle", "nt", "jsonld", "nquads", "graphml"], default="turtle")
    p.add_argument(
        "--network",
        choices=["department-action", "cooccurrence", "hierarchy"],
        help="with --format graphml: which network (default department-action)",
    )
    p.add_argument(
        "--level",
        choices=["national", "province", "city", "county", "township"],
        help="with --format graphml: the actions of plans of this level only (not for hierarchy)",
    )
    p.add_argument(
        "--plan", metavar="P", help="with --format graphml: one plan's actions (region, 文号 or title)"
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    store_arg(p)

    p = sub.add_parser("query", help="run a SPARQL query over the union of all documents")
    parser.set_defaults(query_parser=p)
    p.add_argument("sparql", nargs="?", help="the query text")
    p.add_argument("--file", "-f", metavar="Q.rq", help="read the query from a file")
    p.add_argument("--name", "-n", metavar="NAME", help="run the named query kg/queries/NAME.rq")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop the query after this long (default: 30); the engine is killed, not just abandoned",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=10_000,
        metavar="ROWS",
        help="return at most this many rows (default: 10000); a warning says when there were more",
    )
    p.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pre-bind ?NAME: <iri>, prefix:name, an integer or a string (repeatable)",
    )
    store_arg(p)

    p = sub.add_parser("top-departments", help="department types ranked by the number of actions")
    p.add_argument("--level", choices=["national", "province", "city", "county", "township"])
    p.add_argument("--plan", metavar="P", help="a plan: region, 文号 or title")
    p.add_argument("--role", choices=["lead", "any", "participant"], default="any")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    p = sub.add_parser("trace", help="follow a plan's action up to the national action")
    p.add_argument("place", help="the plan: region (嘉峰镇), 文号 or title")
    p.add_argument("action", help="the action: its name (控烟行动) or ordinal")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    p = sub.add_parser("hierarchy", help="the plan tree, national at the top")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    p = sub.add_parser("coverage", help="national and local themes against plans")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    p = sub.add_parser("targets", help="one indicator's targets across plans beside the national target")
    p.add_argument("indicator", help="(part of) the indicator's name, e.g. 居民健康素养水平")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    p = sub.add_parser("compare", help="two plans side by side: themes, departments, targets, text reuse")
    p.add_argument("a", metavar="PLAN", help="the first plan: region (晋城市), 文号, title or IRI")
    p.add_argument("b", metavar="PLAN", help="the second plan")
    p.add_argument("--json", action="store_true")
    store_arg(p)

    diffusion.add_parser(sub)
    matrix.add_parser(sub)

    p = sub.add_parser("serve", help="serve the built graph as a read-only SPARQL endpoint")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per query (default 30)")
    p.add_argument(
        "--limit", type=int, default=10_000, metavar="ROWS", help="rows per answer (default 10000)"
    )
    p.add_argument("--max-request-bytes", type=int, default=64 * 1024, metavar="N")
    p.add_argument("--max-concurrent", type=int, default=4, metavar="N", help="queries running at once")
    store_arg(p)

    sub.add_parser(
        "eval", help="score extraction against the gold annotations (see kg eval --help)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "eval":
            return cmd_eval(argv[1:])
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "query":
            return cmd_query(args, args.query_parser)
        return {
            "extract": cmd_extract,
            "build": cmd_build,
            "validate": cmd_validate,
            "export": cmd_export,
            "top-departments": cmd_top_departments,
            "trace": cmd_trace,
            "hierarchy": cmd_hierarchy,
            "coverage": cmd_coverage,
            "targets": cmd_targets,
            "compare": cmd_compare,
            "serve": cmd_serve,
            "diffusion": diffusion.cmd_diffusion,
            "matrix": matrix.cmd_matrix,
        }[args.command](args)
    except KGError as e:
        print(f"{PROG}: error: {one_line(str(e))}", file=sys.stderr)
        return 1
    except SystemExit as e:  # argparse: --help, --version, usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
