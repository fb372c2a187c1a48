"""The scores of one predicted document against its gold, category by category.

Both sides use the schema of ``data/gold/README.md`` (the ``kg extract --json`` contract, see
``kg.records.to_gold_json``); strings are compared in the form of :func:`kg.evaluate.compare.normalize`.

* ``actions``: a predicted action is correct when its ordinal equals a gold ordinal and its name
  (``name`` or ``name_normalized``) equals the gold ``name``, ``name_normalized`` or ``annex_name``.
* ``assignments``: the set of (action ordinal, department, role) triples, role in {lead, participant}.
  A predicted assignment counts under the predicted action's ordinal, whatever that action's name.
* ``targets`` / ``targets_quantitative``: the set of (indicator name, year, value, part) tuples,
  matched one to one with fuzzy indicator names (see :func:`kg.evaluate.compare.names_match`); the
  second restricted to targets whose comparator is not ``qualitative``.
* ``cites``: recall of gold cites (precision reported for information).
* ``plan``: per-field correctness of title, doc_number, issuer, region, level, date (``title`` also
  accepts the gold ``title_short`` and ``plan_title``, the plan inside a 印发 notice).
* ``province``: the plan's province, reported apart from the plan fields.

P/R/F1 are ``None`` when neither side has anything in a category; when only one side does, the
undefined ratio is 0.0.
"""

from __future__ import annotations

from typing import Any

from kg.evaluate.compare import (
    as_list,
    names_match,
    normalize,
    normalized_or_none,
    ordinal_key,
    similarity,
    value_key,
    values_equal,
    year_key,
)

PLAN_FIELDS = ("title", "doc_number", "issuer", "region", "level", "date")
PRF_CATEGORIES = ("actions", "assignments", "targets", "targets_quantitative")
CITE_RATIO = 0.9  # SequenceMatcher ratio above which two cite titles match


# --------------------------------------------------------------------------- scores


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    """Precision, recall and F1; all None when there is nothing on either side."""
    if tp + fp + fn == 0:
        return {"precision": None, "recall": None, "f1": None}
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def _counts(tp: int, fp: int, fn: int, missed: list[str], spurious: list[str]) -> dict[str, Any]:
    return {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn), "missed": missed, "spurious": spurious}


# --------------------------------------------------------------------------- actions


def _score_actions(pred: dict, gold: dict) -> dict[str, Any]:
    gold_actions = as_list(gold.get("actions"))
    pred_actions = as_list(pred.get("actions"))
    used: set[int] = set()
    tp = 0
    missed: list[str] = []
    for g in gold_actions:
        g_ord = ordinal_key(g.get("ordinal"))
        g_names = {normalize(g.get(k)) for k in ("name", "name_normalized", "annex_name") if g.get(k)}
        hit = None
        for j, p in enumerate(pred_actions):
            if j in used or ordinal_key(p.get("ordinal")) != g_ord:
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
    for a in as_list(doc.get("actions")):
        ordinal = ordinal_key(a.get("ordinal"))
        for role, key in (("lead", "lead"), ("participant", "participants")):
            for dept in as_list(a.get(key)):
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
    for ind in as_list(doc.get("indicators")):
        name = ind.get("name") or ""
        n_name = normalize(name)
        for t in as_list(ind.get("targets")):
            if quantitative_only and t.get("comparator") == "qualitative":
                continue
            year = year_key(t.get("year"))
            vkey = value_key(t.get("value"))
            part = normalized_or_none(t.get("part"))
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
            if not values_equal(gt["value"], pt["value"]):
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
    titles = {normalize(c.get("title"))} | {normalize(v) for v in as_list(c.get("variants"))}
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
    return bool(pt and gt) and similarity(pt, gt) >= CITE_RATIO


def _score_cites(pred: dict, gold: dict) -> dict[str, Any]:
    gold_cites = as_list(gold.get("cites"))
    pred_cites = as_list(pred.get("cites"))
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
