"""Plan document -> PlanRecord. Knows the family of Healthy China plans, nothing of RDF."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kg.errors import ExtractionError
from kg.extract.cites import extract_cites
from kg.extract.departments import (
    annex_for,
    annex_names,
    annex_rows,
    inline_group_spans,
    merge_assignments,
    without_spans,
)
from kg.extract.layout import strip_page
from kg.extract.meta import extract_meta
from kg.extract.notice import split_notice
from kg.extract.restore import restore_lines
from kg.extract.script import simplified, without_pinyin
from kg.extract.structure import action_blocks, goal_blocks, normalize_action_name, split_sections
from kg.extract.tables import TableRow, find_tables
from kg.extract.targets import RawTarget, paragraph_targets
from kg.records import Action, Indicator, PlanMeta, PlanRecord, Target, normalize_title
from kg.text import clean_lines, decode, paragraphs

__all__ = ["ExtractionError", "extract_bytes", "extract_file", "extract_text"]

MAX_BYTES = 20 * 1024 * 1024


def extract_file(path: str | Path) -> PlanRecord:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExtractionError(path.name, f"file too large ({size} bytes; limit {MAX_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(path.name, f"cannot read file ({exc.strerror or exc})") from None
    return extract_bytes(data, path.name)


def extract_bytes(data: bytes, file: str) -> PlanRecord:
    if len(data) > MAX_BYTES:
        raise ExtractionError(file, f"file too large ({len(data)} bytes; limit {MAX_BYTES})")
    text, encoding = decode(data, file)
    return extract_text(text, file, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)


def extract_text(text: str, file: str, *, sha256: str = "", encoding: str = "utf-8") -> PlanRecord:
    text_simplified, traditional = simplified(without_pinyin(text))
    page = strip_page(restore_lines(clean_lines(text_simplified)))
    # the lines are restored once, for the whole page; the notice only cuts them where the plan starts
    notice, lines = split_notice(list(page.lines), site_title=page.meta.get("title"))
    paras = paragraphs(lines)
    preamble, sections, tail = split_sections(paras)
    normalized = "\n".join(lines)
    meta = extract_meta(lines, normalized, notice=notice, site=page.meta)
    blocks = _complete(action_blocks(sections, preamble, title=meta.plan_title or meta.title), paras)
    warnings: list[str] = []
    if traditional:
        warnings.append("written in traditional characters: read, quoted and named in simplified ones")
    if not blocks:
        if not is_policy_document(meta):
            raise ExtractionError(
                file,
                "not a policy document: no title, 文号 or issuer, and no numbered actions found "
                "(expected items such as （一）…行动 under a 主要任务 heading)",
            )
        warnings.append(
            "no numbered actions found: kept as a policy document with its metadata, citations and targets"
        )
    notice_paras = paragraphs(notice.text.split("\n")) if notice is not None else []
    body = notice_paras + preamble + [p for s in sections for p in s.paragraphs]
    cites = tuple(c for c in extract_cites(body) if not _is_itself(c.title, meta))

    annex = annex_rows(lines)
    annex_by_name = annex_names(annex)
    actions: list[Action] = []
    indicators: list[Indicator] = []
    pending: list[tuple[str, int | None, RawTarget]] = []
    for block in blocks:
        spans = inline_group_spans(block.text)
        groups = [block.text[a:b] for a, b in spans]
        source = "inline" if groups else None
        if not groups and (row := annex_for(block.ordinal, block.name, annex, annex_by_name)):
            groups, source = [row], "annex"
        actions.append(
            Action(
                ordinal=block.ordinal,
                name=block.name,
                name_normalized=normalize_action_name(block.name),
                text=block.text,
                assignments=merge_assignments(groups),
                dept_source=source,
                dept_text=tuple(groups),
            )
        )
        # The inline groups cut out by position (one str.replace per group is quadratic).
        prose = without_spans(block.text, spans) if source == "inline" else block.text
        dated, in_body = paragraph_targets(prose)
        pending += [("target_sentence", block.ordinal, t) for t in dated]
        pending += [("action_text", block.ordinal, t) for t in in_body]

    # A plan without a 总体目标 heading may state its goals before its first item (…到2030年，人均预期
    # 寿命达到81岁左右…): the dated figures of the paragraphs before any action or section.
    first = blocks[0].paragraphs[0] if blocks else None
    opening = []
    for p in preamble[1:]:  # its first paragraph is the heading
        if p is first:
            break
        opening.append(p.text)
    dated, _ = paragraph_targets("\n".join(opening), numeric_only=True, with_body=False)
    pending = [("overall_goal", None, t) for t in dated] + pending
    for goal in goal_blocks(sections):
        dated, _ = paragraph_targets(goal.text, goals=True)
        pending += [("target_sentence", None, t) for t in dated]
    for s in sections:
        if s.kind == "overall":
            dated, _ = paragraph_targets(
                "\n".join(p.text for p in s.paragraphs), numeric_only=True, with_body=False
            )
            pending = [("overall_goal", None, t) for t in dated] + pending
    indicators = _group_targets(pending)
    indicators += _table_indicators(find_tables(lines), actions, start=len(indicators) + 1)

    return PlanRecord(
        file=file,
        sha256=sha256,
        encoding=encoding,
        meta=meta,
        cites=cites,
        actions=tuple(actions),
        indicators=tuple(indicators),
        text=normalized,
        warnings=tuple(warnings),
    )


_TERMINAL = ("。", "；", ";", ".", "！", "？", "：", ":", "）", ")")


def _complete(blocks: list, paras: list) -> list:
    """Without the last action when the text stops inside its heading (a page opening cut at （一）提升全民健)."""
    if blocks and paras and blocks[-1].paragraphs == (paras[-1],):
        last = blocks[-1]
        if (
            not last.text.rstrip().endswith(_TERMINAL)
            and not last.name.endswith("行动")
            and (len(last.name) < 12 or re.search(r"[,，]", last.name))  # a sentence cut mid-way
        ):
            return blocks[:-1]
    return blocks


_POLICY_TITLE = re.compile(
    r"方案|意见|规划|计划|纲要|通知|办法|决定|行动|细则|要点|安排|措施|建设|条例|规定|通告|函"
)


def is_policy_document(meta: PlanMeta) -> bool:
    """A title that names a policy document, a 文号, or an issuer: what a plan's opening shows."""
    return bool(meta.doc_number or meta.issuer or (meta.title and _POLICY_TITLE.search(meta.title)))


def _is_itself(title: str, meta: PlanMeta) -> bool:
    """The plan a 印发 notice sends is the document itself, not one it cites."""
    own = [t for t in (meta.plan_title, meta.title, meta.title_short) if t]
    key = normalize_title(title)
    return any(key == normalize_title(t) or key == normalize_title(t).removeprefix("关于") for t in own)


def _group_targets(pending: list[tuple[str, int | None, RawTarget]]) -> list[Indicator]:
    """Consecutive targets of one name from one sentence form one indicator."""
    groups: dict[tuple, list[RawTarget]] = {}
    order: list[tuple] = []
    for origin, action, t in pending:
        key = (origin, action, t.name, t.sentence)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(t)
    out = []
    for k, key in enumerate(order, 1):
        origin, action, name, sentence = key
        targets = groups[key]
        out.append(
            Indicator(
                ordinal=k,
                name=name,
                unit=next((t.unit for t in targets if t.unit), None),
                origin=origin,
                targets=tuple(
                    Target(
                        year=t.year,
                        value=t.value,
                        comparator=t.comparator,
                        unit=t.unit,
                        kind=t.kind,
                        relative_to=t.relative_to,
                        source=sentence,
                    )
                    for t in targets
                ),
                action_ordinal=action,
                source=sentence,
            )
        )
    return out


def _table_indicators(tables: list[list[TableRow]], actions: list[Action], start: int) -> list[Indicator]:
    by_name = {a.name_normalized: a.ordinal for a in actions} | {a.name: a.ordinal for a in actions}
    out = []
    k = start
    for rows in tables:
        for row in rows:
            if not row.targets:
                continue
            action = None
            if row.category:
                action = by_name.get(row.category) or by_name.get(row.category.removeprefix("实施"))
            out.append(
                Indicator(
                    ordinal=k,
                    name=row.name,
                    unit=row.unit,
                    origin="annex",
                    targets=tuple(
                        Target(
                            year=t.year,
                            value=t.value,
                            comparator=t.comparator,
                            unit=row.unit,
                            kind=t.kind,
                            part=t.part,
                            source=row.source,
                        )
                        for t in row.targets
                    ),
                    action_ordinal=action,
                    baseline=row.baseline,
                    baseline_year=row.baseline_year,
                    category=row.category,
                    source=row.source,
                )
            )
            k += 1
    return out
