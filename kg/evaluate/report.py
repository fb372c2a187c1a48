"""The evaluation report as text: per document, per class, and the missed and spurious items."""

from __future__ import annotations

from collections.abc import Iterable

from kg.evaluate.categories import PRF_CATEGORIES
from kg.evaluate.score import file_stem

# --------------------------------------------------------------------------- report


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


_COLUMNS = ("document", "action F1", "assign F1", "target F1", "target F1 quant", "cite R", "plan")


def _row(label: str, d: dict) -> list[str]:
    return [
        label,
        _fmt(d["actions"]["f1"]),
        _fmt(d["assignments"]["f1"]),
        _fmt(d["targets"]["f1"]),
        _fmt(d["targets_quantitative"]["f1"]),
        _fmt(d["cites"]["recall"]),
        f"{d['plan']['correct']}/{d['plan']['scored']}",
    ]


def _table(columns: tuple[str, ...], body: list[list[str]], total: list[str]) -> list[str]:
    """Fixed-width lines: the header, a rule, the body rows, a rule and the total row."""
    rows = [*body, total]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def line(cells: Iterable[str]) -> str:
        cells = list(cells)
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    sep = "  ".join("-" * w for w in widths)
    return [line(columns), sep, *(line(r) for r in body), sep, line(total)]


def _ratio_cell(d: dict) -> str:
    return f"{d['correct']}/{d['scored']}"


def format_report(report: dict) -> str:
    """A fixed-width table: one row per document, then OVERALL; province, refused and unscored below."""
    rows = []
    for d in report["documents"]:
        label = file_stem(d.get("file") or "?")
        if d.get("refused"):
            label += " !"
        elif d.get("missing_pred"):
            label += " *"
        rows.append(_row(label, d))
    out = _table(_COLUMNS, rows, _row("OVERALL", report["overall"]))
    o = report["overall"]
    out.append("")
    out.append(
        "micro P/R: "
        + "; ".join(
            f"{cat} {_fmt(o[cat]['precision'])}/{_fmt(o[cat]['recall'])}"
            for cat in ("actions", "assignments", "targets")
        )
        + f"; cites precision {_fmt(o['cites']['precision'])}"
    )
    if "province" in o:
        out.append(f"province: {_ratio_cell(o['province'])} (not among the plan fields)")
    refused = report.get("refused") or {"count": 0, "files": []}
    out.append(f"refused by the extractor: {refused['count']}")
    out.extend(f"! {r['file']}: {r['reason']}" for r in refused["files"])
    if any(d.get("missing_pred") and not d.get("refused") for d in report["documents"]):
        out.append("* no prediction for this document (scored as all missed)")
    if report.get("unscored"):
        out.append("unscored (no gold): " + ", ".join(report["unscored"]))
    return "\n".join(out)


_CLASS_COLUMNS = ("class", "docs", "refused", *_COLUMNS[1:], "province")


def format_by_class(report: dict) -> str:
    """A fixed-width table: one row per document class (a document counts in each of its classes)."""

    def row(label: str, d: dict, n: int, refused: int) -> list[str]:
        return [label, str(n), str(refused), *_row(label, d)[1:], _ratio_cell(d["province"])]

    body = [row(c, d, d["documents"], d["refused"]) for c, d in report["by_class"].items()]
    n_refused = sum(bool(d.get("refused")) for d in report["documents"])
    total = row("OVERALL", report["overall"], len(report["documents"]), n_refused)
    return "\n".join(_table(_CLASS_COLUMNS, body, total))


def format_details(report: dict) -> str:
    """Missed and spurious items per document and category."""
    out = []
    for d in report["documents"]:
        if d.get("refused"):
            out.append(f"== {d.get('file')} (refused: {d['refused']})")
        else:
            out.append(f"== {d.get('file')}" + (" (no prediction)" if d.get("missing_pred") else ""))
        for cat in (*PRF_CATEGORIES, "cites", "plan", "province"):
            if cat not in d:
                continue
            missed, spurious = d[cat]["missed"], d[cat]["spurious"]
            if not missed and not spurious:
                continue
            out.append(f"  [{cat}]")
            out.extend(f"    - missed: {m}" for m in missed)
            out.extend(f"    + spurious: {s}" for s in spurious)
    return "\n".join(out)
