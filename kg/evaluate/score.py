"""Scoring extractor output against hand annotation (data/gold, tests/fixtures).

Both sides use the schema of ``data/gold/README.md`` (the ``kg extract --json`` contract, see
``kg.records.to_gold_json``). Every compared string goes through :func:`normalize` first.

Categories scored per document:

* ``actions``: a predicted action is correct when its ordinal equals a gold ordinal and its name
  (``name`` or ``name_normalized``) equals the gold ``name``, ``name_normalized`` or ``annex_name``.
* ``assignments``: the set of (action ordinal, department, role) triples, role in {lead, participant}.
  A predicted assignment counts under the predicted action's ordinal, whatever that action's name.
* ``targets`` / ``targets_quantitative``: the set of (indicator name, year, value, part) tuples,
  matched one to one with fuzzy indicator names (see :func:`names_match`); the second restricted to
  targets whose comparator is not ``qualitative``.
* ``cites``: recall of gold cites (precision reported for information).
* ``plan``: per-field correctness of title, doc_number, issuer, region, level, date (``title`` also
  accepts the gold ``title_short`` and ``plan_title``, the plan inside a 印发 notice).
* ``province``: the plan's province, reported apart from the plan fields.

P/R/F1 are ``None`` when neither side has anything in a category; when only one side does, the
undefined ratio is 0.0. ``evaluate`` micro-averages the counts over documents, over all of them and
per document class (the gold ``class`` list: a document counts in each of its classes). A document
the extractor refused (an ``ExtractionError``) is scored as having no prediction and counted as refused.

Nothing in this module runs at import time, and ``kg.extract`` is imported only when ``main`` has
to run the extractor itself.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PLAN_FIELDS = ("title", "doc_number", "issuer", "region", "level", "date")
UNCLASSIFIED = "unclassified"  # the class of a gold document without a ``class`` list
PRF_CATEGORIES = ("actions", "assignments", "targets", "targets_quantitative")

NAME_RATIO = 0.75  # SequenceMatcher ratio above which two indicator names match
NAME_MIN_CONTAINED = 4  # a contained indicator name must be at least this long
CITE_RATIO = 0.9  # SequenceMatcher ratio above which two cite titles match
VALUE_EPS = 1e-9

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_TRANSLATE = str.maketrans(
    {
        "【": "〔",
        "】": "〕",
        "[": "〔",
        "]": "〕",
        "（": "(",
        "）": ")",
        "“": None,
        "”": None,
        '"': None,
        "'": None,
        "‘": None,
        "’": None,
        "《": None,
        "》": None,
        "«": None,
        "»": None,
    }
)
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})


# --------------------------------------------------------------------------- normalisation


def normalize(s: str | None) -> str:
    """Canonical form of a string for comparison.

    NFKC; all whitespace removed; 〔〕【】[] -> 〔〕; quotes “”"'‘’ and 《》«» removed; （）-> ();
    ASCII letters lower-cased. ``None`` gives ``""``; non-strings are converted with ``str``.
    """
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    s = unicodedata.normalize("NFKC", s)
    s = _WS_RE.sub("", s)
    s = s.translate(_TRANSLATE)
    return s.translate(_ASCII_LOWER)


def _opt(s: Any) -> str | None:
    """normalize(), but None (or a string that normalises to nothing) stays None."""
    n = normalize(s)
    return n or None


def _value_key(value: Any) -> tuple[str, Any]:
    """("num", float) for a numeric value, else ("str", normalized text)."""
    if isinstance(value, bool):
        return ("str", normalize(str(value)))
    if isinstance(value, int | float) and math.isfinite(value):
        return ("num", float(value))
    n = normalize(value)
    if _NUMBER_RE.fullmatch(n):
        return ("num", float(n))
    return ("str", n)


def _values_equal(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "num":
        return abs(a[1] - b[1]) < VALUE_EPS
    return a[1] == b[1]


def _year(y: Any) -> int | str | None:
    if y is None:
        return None
    if isinstance(y, int) and not isinstance(y, bool):
        return y
    if isinstance(y, float) and y.is_integer():
        return int(y)
    n = normalize(y)
    if not n:
        return None
    if n.isdigit():
        return int(n)
    return n


def _ordinal(o: Any) -> int | str | None:
    return _year(o)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def names_match(a: str, b: str) -> tuple[bool, float]:
    """Whether two *normalized* indicator names match, and their SequenceMatcher ratio.

    They match when equal, when one contains the other and the shorter has at least 4 characters,
    or when the ratio is at least 0.75.
    """
    if a == b:
        return True, 1.0
    r = _ratio(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= NAME_MIN_CONTAINED and short in long_:
        return True, r
    return r >= NAME_RATIO, r


# --------------------------------------------------------------------------- scores


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    """Precision, recall and F1; all None when there is nothing on either side."""
    if tp + fp + fn == 0:
        return {"precision": None, "recall": None, "f1": None}
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def _counts(tp: int, fp: int, fn: int, missed: list[str], spurious: list[str]) -> dict[str, Any]:
    return {"tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn), "missed": missed, "spurious": spurious}


def _as_list(x: Any) -> list:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


# --------------------------------------------------------------------------- actions


def _score_actions(pred: dict, gold: dict) -> dict[str, Any]:
    gold_actions = _as_list(gold.get("actions"))
    pred_actions = _as_list(pred.get("actions"))
    used: set[int] = set()
    tp = 0
    missed: list[str] = []
    for g in gold_actions:
        g_ord = _ordinal(g.get("ordinal"))
        g_names = {normalize(g.get(k)) for k in ("name", "name_normalized", "annex_name") if g.get(k)}
        hit = None
        for j, p in enumerate(pred_actions):
            if j in used or _ordinal(p.get("ordinal")) != g_ord:
                continue
            p_names = {normalize(p.get(k)) for k in ("name", "name_normalized") if p.get(k)}
            if p_names & g_names:
                hit = j
                break
        if hit is None:
            missed.append(f"{g.get('ordinal')} {g.get('name')}")
        else:
            used.add(hit)
            tp += 1
    spurious = [f"{p.get('ordinal')} {p.get('name')}" for j, p in enumerate(pred_actions) if j not in used]
    return _counts(tp, len(spurious), len(missed), missed, spurious)


# --------------------------------------------------------------------------- assignments


def _assignment_set(doc: dict) -> dict[tuple, str]:
    """(ordinal, normalized department, role) -> display string."""
    out: dict[tuple, str] = {}
    for a in _as_list(doc.get("actions")):
        ordinal = _ordinal(a.get("ordinal"))
        for role, key in (("lead", "lead"), ("participant", "participants")):
            for dept in _as_list(a.get(key)):
                n = normalize(dept)
                if n:
                    out.setdefault((ordinal, n, role), f"{a.get('ordinal')} {role} {dept}")
    return out


def _score_assignments(pred: dict, gold: dict) -> dict[str, Any]:
    g = _assignment_set(gold)
    p = _assignment_set(pred)
    tp = len(g.keys() & p.keys())
    missed = [g[k] for k in g if k not in p]
    spurious = [p[k] for k in p if k not in g]
    return _counts(tp, len(spurious), len(missed), missed, spurious)


# --------------------------------------------------------------------------- targets


def _target_tuples(doc: dict, quantitative_only: bool) -> list[dict[str, Any]]:
    """Distinct target tuples of a document (duplicates collapse on normalized name/year/value/part)."""
    seen: dict[tuple, dict[str, Any]] = {}
    for ind in _as_list(doc.get("indicators")):
        name = ind.get("name") or ""
        n_name = normalize(name)
        for t in _as_list(ind.get("targets")):
            if quantitative_only and t.get("comparator") == "qualitative":
                continue
            year = _year(t.get("year"))
            vkey = _value_key(t.get("value"))
            part = _opt(t.get("part"))
            key = (n_name, year, vkey, part)
            if key in seen:
                continue
            label = f"{name} {t.get('year')}: {t.get('comparator') or ''}{t.get('value')}"
            if t.get("part"):
                label += f" [{t.get('part')}]"
            seen[key] = {"name": n_name, "year": year, "value": vkey, "part": part, "label": label}
    return list(seen.values())


def _score_targets(pred: dict, gold: dict, quantitative_only: bool = False) -> dict[str, Any]:
    g = _target_tuples(gold, quantitative_only)
    p = _target_tuples(pred, quantitative_only)
    candidates: list[tuple[float, int, int, int]] = []
    for i, gt in enumerate(g):
        for j, pt in enumerate(p):
            if gt["year"] != pt["year"] or gt["part"] != pt["part"]:
                continue
            if not _values_equal(gt["value"], pt["value"]):
                continue
            ok, ratio = names_match(gt["name"], pt["name"])
            if not ok:
                continue
            short, long_ = sorted((gt["name"], pt["name"]), key=len)
            contained = int(short in long_)
            candidates.append((ratio, contained, i, j))
    # Highest ratio first; on a tie prefer containment, then source order (deterministic).
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    g_used: set[int] = set()
    p_used: set[int] = set()
    for *_, i, j in candidates:
        if i in g_used or j in p_used:
            continue
        g_used.add(i)
        p_used.add(j)
    missed = [gt["label"] for i, gt in enumerate(g) if i not in g_used]
    spurious = [pt["label"] for j, pt in enumerate(p) if j not in p_used]
    return _counts(len(g_used), len(spurious), len(missed), missed, spurious)


# --------------------------------------------------------------------------- cites


def _cite_forms(c: dict) -> tuple[set[str], set[str]]:
    titles = {normalize(c.get("title"))} | {normalize(v) for v in _as_list(c.get("variants"))}
    titles.discard("")
    docs = {normalize(c.get(k)) for k in ("doc_number", "doc_number_normalized", "doc_number_raw")}
    docs.discard("")
    return titles, docs


def _cites_match(p: dict, g: dict) -> bool:
    p_titles, p_docs = _cite_forms(p)
    g_titles, g_docs = _cite_forms(g)
    if p_titles & g_titles:
        return True
    if p_docs & g_docs:
        return True
    pt, gt = normalize(p.get("title")), normalize(g.get("title"))
    return bool(pt and gt) and _ratio(pt, gt) >= CITE_RATIO


def _score_cites(pred: dict, gold: dict) -> dict[str, Any]:
    gold_cites = _as_list(gold.get("cites"))
    pred_cites = _as_list(pred.get("cites"))
    found = 0
    missed: list[str] = []
    for g in gold_cites:
        if any(_cites_match(p, g) for p in pred_cites):
            found += 1
        else:
            missed.append(str(g.get("title")))
    spurious = [str(p.get("title")) for p in pred_cites if not any(_cites_match(p, g) for g in gold_cites)]
    matched = len(pred_cites) - len(spurious)
    return {
        "found": found,
        "gold": len(gold_cites),
        "fn": len(missed),
        "pred": len(pred_cites),
        "pred_matched": matched,
        "fp": len(spurious),
        "recall": found / len(gold_cites) if gold_cites else None,
        "precision": matched / len(pred_cites) if pred_cites else None,
        "missed": missed,
        "spurious": spurious,
    }


# --------------------------------------------------------------------------- plan fields


def _score_plan(pred: dict, gold: dict) -> dict[str, Any]:
    gp = gold.get("plan") or {}
    pp = pred.get("plan") or {}
    fields: dict[str, bool] = {}
    wrong: list[str] = []
    for f in PLAN_FIELDS:
        g_val = gp.get(f)
        if g_val is None or normalize(g_val) == "":
            continue
        p_val = pp.get(f)
        accepted = {normalize(g_val)}
        if f == "title":
            accepted |= {normalize(gp[k]) for k in ("title_short", "plan_title") if gp.get(k)}
        if f == "issuer" and gp.get("issuer_inferred") is True and p_val is None:
            ok = True
        else:
            ok = p_val is not None and normalize(p_val) in accepted
        fields[f] = ok
        if not ok:
            wrong.append(f"{f}: pred={p_val!r} gold={g_val!r}")
    correct = sum(fields.values())
    return {
        "fields": fields,
        "correct": correct,
        "scored": len(fields),
        "accuracy": correct / len(fields) if fields else None,
        "missed": wrong,
        "spurious": [],
    }


def _score_province(pred: dict, gold: dict) -> dict[str, Any]:
    g_val = (gold.get("plan") or {}).get("province")
    p_val = (pred.get("plan") or {}).get("province")
    if g_val is None or normalize(g_val) == "":
        return {"correct": 0, "scored": 0, "missed": [], "spurious": []}
    ok = p_val is not None and normalize(p_val) == normalize(g_val)
    return {
        "correct": int(ok),
        "scored": 1,
        "missed": [] if ok else [f"province: pred={p_val!r} gold={g_val!r}"],
        "spurious": [],
    }


# --------------------------------------------------------------------------- documents


def score_document(pred: dict, gold: dict) -> dict[str, Any]:
    """Counts, scores and missed/spurious items of one predicted document against its gold."""
    return {
        "file": gold.get("file") or pred.get("file"),
        "actions": _score_actions(pred, gold),
        "assignments": _score_assignments(pred, gold),
        "targets": _score_targets(pred, gold),
        "targets_quantitative": _score_targets(pred, gold, quantitative_only=True),
        "cites": _score_cites(pred, gold),
        "plan": _score_plan(pred, gold),
        "province": _score_province(pred, gold),
    }


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
        overall[cat] = {"tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn)}
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
    correct = sum(d["plan"]["correct"] for d in docs)
    scored = sum(d["plan"]["scored"] for d in docs)
    overall["plan"] = {"correct": correct, "scored": scored, "accuracy": correct / scored if scored else None}
    correct = sum(d["province"]["correct"] for d in docs)
    scored = sum(d["province"]["scored"] for d in docs)
    overall["province"] = {
        "correct": correct,
        "scored": scored,
        "accuracy": correct / scored if scored else None,
    }
    return overall


def classes_of(gold: dict) -> list[str]:
    """The gold document's classes (its ``class`` list, or a single string), else ``[UNCLASSIFIED]``."""
    return [str(c) for c in _as_list(gold.get("class"))] or [UNCLASSIFIED]


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
