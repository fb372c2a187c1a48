"""`kg eval`: extract the plans of a folder (or read predictions) and score them against gold."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.evaluate.report import format_by_class, format_details, format_report
from kg.evaluate.score import evaluate

# --------------------------------------------------------------------------- command line


def _extract_plans(plans_dir: Path) -> tuple[list[dict], list[dict]]:
    """The extractor's records of every ``*.txt`` in the folder, and the files it refused with why."""
    from kg.errors import ExtractionError
    from kg.extract import extract_file  # lazy: the extractor is optional for scoring a --pred file

    preds, refused = [], []
    for path in sorted(plans_dir.glob("*.txt")):
        try:
            rec = extract_file(path)
        except ExtractionError as exc:
            refused.append({"file": path.name, "reason": exc.reason})
            continue
        if not isinstance(rec, dict):
            from kg.records import to_gold_json

            rec = to_gold_json(rec)
        preds.append(rec)
    return preds, refused


def _build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="kg eval", description="Score extractor output against the gold annotation."
    )
    ap.add_argument("--gold", default="data/gold", help="gold directory (default: data/gold)")
    ap.add_argument(
        "--pred", help="JSON array as printed by `kg extract --json` (default: run the extractor)"
    )
    ap.add_argument("--plans", default="data/plans", help="plans to extract when --pred is omitted")
    ap.add_argument(
        "--json", action="store_true", help="print the report as JSON (with by_class and refused)"
    )
    ap.add_argument(
        "--by-class", action="store_true", help="also print the scores per document class (the gold `class`)"
    )
    ap.add_argument("--details", action="store_true", help="also print missed/spurious items per document")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    gold_dir = Path(args.gold)
    refused: list[dict] = []
    if not gold_dir.is_dir():
        print(f"kg eval: gold directory not found: {gold_dir}", file=sys.stderr)
        return 2
    if args.pred:
        try:
            preds = json.loads(Path(args.pred).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"kg eval: cannot read predictions {args.pred}: {exc}", file=sys.stderr)
            return 2
        if isinstance(preds, dict):
            preds = [preds]
    else:
        plans_dir = Path(args.plans)
        if not plans_dir.is_dir():
            print(f"kg eval: plans directory not found: {plans_dir}", file=sys.stderr)
            return 2
        preds, refused = _extract_plans(plans_dir)
    report = evaluate(preds, gold_dir, refused)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
        if args.by_class:
            print()
            print(format_by_class(report))
        if args.details:
            print()
            print(format_details(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
