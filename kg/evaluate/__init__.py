"""Score the extractor's output against hand annotation in the gold schema (data/gold/README.md).

`score` compares one document and sums a set, `report` formats the results, `cli` is `kg eval`.
"""

from kg.evaluate.cli import main
from kg.evaluate.report import format_by_class, format_details, format_report
from kg.evaluate.score import (
    PLAN_FIELDS,
    PRF_CATEGORIES,
    classes_of,
    evaluate,
    load_gold,
    names_match,
    normalize,
    score_document,
)

__all__ = [
    "PLAN_FIELDS",
    "PRF_CATEGORIES",
    "classes_of",
    "evaluate",
    "format_by_class",
    "format_details",
    "format_report",
    "load_gold",
    "main",
    "names_match",
    "normalize",
    "score_document",
]
