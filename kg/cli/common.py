"""What every `kg` command shares: one-line output and errors, the store argument, tables."""

from __future__ import annotations

import argparse
import sys

PROG = "kg"


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")


def one_line(message: str) -> str:
    return " ".join(str(message).split())


# --------------------------------------------------------------------------- stores


def store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="PATH",
        default=None,
        help="store folder, or 'memory' (default: $KG_STORE or data/store)",
    )


def data_store(args):
    """The store a reading command works on; with ``memory`` the corpus is built in memory first."""
    from kg.store import open_store, spec_kind

    if spec_kind(args.store) == "memory":
        from kg.build import build

        return build(None, "memory").memory_store
    return open_store(args.store, read_only=True)


# --------------------------------------------------------------------------- commands


def open_graph(args):
    from kg.graph import PolicyGraph

    return PolicyGraph(data_store(args))


def print_frame(frame, as_json: bool, columns: list[str] | None = None) -> None:
    if as_json:
        out(frame.to_json(orient="records", force_ascii=False, indent=2))
        return
    frame = frame[columns] if columns else frame
    print_table([str(c) for c in frame.columns], list(frame.itertuples(index=False)))


def print_table(heads: list[str], rows: list) -> None:
    from kg.store import text_width as _width

    cells = [[("" if v is None or v != v else str(v)) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(heads)]

    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out(
        "\n".join(
            [line(heads), line(["-" * w for w in widths]), *(line(r) for r in cells), f"({len(cells)} rows)"]
        )
    )
