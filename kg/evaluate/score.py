"""Scoring a set of documents: gold read from a folder, each prediction paired with its gold by file
name and scored (:mod:`kg.evaluate.categories`), and the counts summed over the set.

``evaluate`` micro-averages the counts over documents, over all of them and per document class (the
gold ``class`` list: a document counts in each of its classes). A document the extractor refused
(an ``ExtractionError``) is scored as having no prediction and counted as refused.

Nothing in this module runs at import time, and ``kg.extract`` is imported only when ``kg eval`` has
to run the extractor itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.evaluate.categories import PRF_CATEGORIES, prf, score_document
from kg.evaluate.compare import as_list

UNCLASSIFIED = "unclassified"  # the class of a gold document without a ``class`` list


def file_stem(name: Any) -> str:
    return Path(str(name)).stem


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold documents keyed by the stem of their ``file`` field (``000_….txt`` -> ``000_…``)."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"gold directory not found: {gold_dir}")
    out: dict[str, dict] = {}
    for path in sorted(gold_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            continue
        out[file_stem(doc.get("file") or path.name)] = doc
    return out


def _empty_pred(file: str) -> dict:
    return {"file": file, "plan": {}, "cites": [], "actions": [], "indicators": []}


def _sum_overall(docs: Iterable[dict]) -> dict[str, Any]:
    docs = list(docs)
    overall: dict[str, Any] = {}
    for cat in PRF_CATEGORIES:
        tp = sum(d[cat]["tp"] for d in docs)
        fp = sum(d[cat]["fp"] for d in docs)
        fn = sum(d[cat]["fn"] for d in docs)
        overall[cat] = {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn)}
    found = sum(d["cites"]["found"] for d in docs)
    n_gold = sum(d["cites"]["gold"] for d in docs)
    matched = sum(d["cites"]["pred_matched"] for d in docs)
    n_pred = sum(d["cites"]["pred"] for d in docs)
    overall["cites"] = {
        "found": found,
        "gold": n_gold,
        "recall": found / n_gold if n_gold else None,
        "pred_matched": matched,
        "pred": n_pred,
        "precision": matched / n_pred if n_pred else None,
    }
    overall["plan"] = _accuracy(docs, "plan")
    overall["province"] = _accuracy(docs, "province")
    return overall


def _accuracy(docs: list[dict], cat: str) -> dict[str, Any]:
    """Fields right over fields scored, summed over the documents."""
    correct = sum(d[cat]["correct"] for d in docs)
    scored = sum(d[cat]["scored"] for d in docs)
    return {"correct": correct, "scored": scored, "accuracy": correct / scored if scored else None}


def classes_of(gold: dict) -> list[str]:
    """The gold document's classes (its ``class`` list, or a single string), else ``[UNCLASSIFIED]``."""
    return [str(c) for c in as_list(gold.get("class"))] or [UNCLASSIFIED]


def _by_class(documents: list[dict]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict]] = {}
    for d in documents:
        for c in d["classes"]:
            groups.setdefault(c, []).append(d)
    return {
        c: {"documents": len(docs), "refused": sum(bool(d["refused"]) for d in docs), **_sum_overall(docs)}
        for c, docs in sorted(groups.items())
    }


def evaluate(preds: list[dict], gold_dir: str | Path, refused: list[dict] | None = None) -> dict[str, Any]:
    """Score every prediction that has a gold file; gold files without a prediction count as all missed.

    ``refused`` lists the documents the extractor refused (``{"file", "reason"}``); they are scored
    as having no prediction. Returns ``{"gold_dir", "documents": [...], "unscored": [...],
    "refused": {"count", "files"}, "overall": {...}, "by_class": {class: {...}}}``; each document
    result carries ``missing_pred`` (True when the document had no prediction), ``refused`` (the
    extractor's reason, or None) and ``classes``.
    """
    refused = list(refused or [])
    reasons = {file_stem(r["file"]): r["reason"] for r in refused}
    gold = load_gold(gold_dir)
    by_stem: dict[str, dict] = {}
    unscored: list[str] = []
    for p in preds:
        name = p.get("file") if isinstance(p, dict) else None
        stem = file_stem(name) if name else None
        if stem is None or stem not in gold or stem in by_stem:
            unscored.append(str(name))
            continue
        by_stem[stem] = p
    documents = []
    for stem in sorted(gold):
        g = gold[stem]
        p = by_stem.get(stem)
        result = score_document(p if p is not None else _empty_pred(g.get("file") or stem), g)
        result["missing_pred"] = p is None
        result["refused"] = reasons.get(stem) if p is None else None
        result["classes"] = classes_of(g)
        if p is None:
            # All missed, including the inferred issuer a null prediction would otherwise get right.
            plan = result["plan"]
            plan["fields"] = dict.fromkeys(plan["fields"], False)
            plan["correct"] = 0
            plan["accuracy"] = 0.0 if plan["scored"] else None
            plan["missed"] = [f"{f}: no prediction" for f in plan["fields"]]
        documents.append(result)
    return {
        "gold_dir": str(gold_dir),
        "documents": documents,
        "unscored": unscored,
        "refused": {"count": len(refused), "files": refused},
        "overall": _sum_overall(documents),
        "by_class": _by_class(documents),
    }
