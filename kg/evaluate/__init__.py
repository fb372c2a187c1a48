"""Score the extractor's output against hand annotation in the gold schema (data/gold/README.md).

`compare` puts strings and values in one form and matches names, `categories` scores one document
category by category, `score` pairs predictions with gold and sums a set, `report` formats the
results, `cli` is `kg eval`.
"""

from kg.evaluate.categories import PLAN_FIELDS, PRF_CATEGORIES, score_document
from kg.evaluate.cli import main
from kg.evaluate.compare import names_match, normalize
from kg.evaluate.report import format_by_class, format_details, format_report
from kg.evaluate.score import classes_of, evaluate, load_gold

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
