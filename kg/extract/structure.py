"""Paragraphs -> sections (overall goals, tasks, safeguards) and numbered action blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.text import HEADING_RE, ITEM_RE, Paragraph, cn_number, is_heading_line

_TASK_HEADING = re.compile(r"任务|行动|重点工作|主要内容|工作内容|具体措施")
_SAFEGUARD_HEADING = re.compile(r"保障|组织实施|实施保障|工作要求|组织领导")
_OVERALL_HEADING = re.compile(r"总体|目标|要求|指导思想|原则")
_ANNEX_START = re.compile(r"^附件\s*\d*\s*$|^附件\s*\d*\s*[^:：\d]")
_NAME_END = re.compile(r"[。.．:：;；]")


@dataclass(frozen=True)
class Section:
    kind: str  # "overall" | "tasks" | "safeguards" | "other"
    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class ActionBlock:
    ordinal: int
    name: str
    text: str  # heading paragraph and the paragraphs that follow it, joined by newlines
    paragraphs: tuple[Paragraph, ...]
    style: str


def _section_kind(title: str) -> str:
    if _TASK_HEADING.search(title):
        return "tasks"
    if _SAFEGUARD_HEADING.search(title):
        return "safeguards"
    if _OVERALL_HEADING.search(title):
        return "overall"
    return "other"


def split_sections(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Section], list[Paragraph]]:
    """(preamble, top-level sections, tail) — the tail starts at the signature/annex after the last section."""
    preamble: list[Paragraph] = []
    sections: list[Section] = []
    current: list[Paragraph] | None = None
    title = ""
    for p in paras:
        if is_heading_line(p.text):
            if current is not None:
                sections.append(Section(_section_kind(title), title, tuple(current)))
            title = HEADING_RE.match(p.text).group(2).strip()
            current = []
        elif current is None:
            preamble.append(p)
        else:
            current.append(p)
    if current is not None:
        sections.append(Section(_section_kind(title), title, tuple(current)))
    tail: list[Paragraph] = []
    if sections:
        last = sections[-1]
        for i, p in enumerate(last.paragraphs):
            if _ANNEX_START.match(p.text) and not ITEM_RE.match(p.text):
                sections[-1] = Section(last.kind, last.title, last.paragraphs[:i])
                tail = list(last.paragraphs[i:])
                break
    return preamble, sections, tail


def _item(p: Paragraph) -> tuple[int, str, str] | None:
    m = ITEM_RE.match(p.text)
    if not m:
        return None
    style = "cn" if m.group(1) else "arabic"
    number = cn_number(m.group(1) or m.group(2))
    if number is None:
        return None
    return number, style, p.text[m.end() :]


def _action_name(rest: str) -> str:
    m = _NAME_END.search(rest)
    name = rest[: m.start()] if m and m.start() <= 60 else rest[:60].split("，")[0]
    return name.strip(" *")


def _blocks(paras: tuple[Paragraph, ...] | list[Paragraph], style: str | None) -> list[ActionBlock]:
    blocks: list[ActionBlock] = []
    current: list[Paragraph] = []
    head: tuple[int, str, str] | None = None

    def close():
        if head is not None:
            number, st, rest = head
            name = _action_name(rest)
            if name:  # a bare number (a document cut right after （二）) is not an action
                blocks.append(
                    ActionBlock(number, name, "\n".join(x.text for x in current), tuple(current), st)
                )

    for p in paras:
        item = _item(p)
        if item and (style is None or item[1] == style):
            if style is None:
                style = item[1]
            close()
            head, current = item, [p]
        elif head is not None:
            current.append(p)
    close()
    return blocks


def action_blocks(sections: list[Section], preamble: list[Paragraph]) -> list[ActionBlock]:
    """The numbered actions: the first-level items of the task section(s).

    Without a recognisable task heading, fall back to numbered items anywhere outside
    safeguard sections whose name ends in 行动 (the family's naming of actions).
    """
    found: list[ActionBlock] = []
    for s in sections:
        if s.kind == "tasks":
            found.extend(_blocks(s.paragraphs, None))
    if found:
        return found
    candidates: list[ActionBlock] = []
    for s in sections:
        if s.kind != "safeguards":
            candidates.extend(b for b in _blocks(s.paragraphs, None) if b.name.endswith("行动"))
    if not candidates:
        candidates = [b for b in _blocks(preamble, None) if b.name.endswith("行动")]
    return candidates


def normalize_action_name(name: str) -> str:
    return re.sub(r"^实施(?=.{3,})", "", name)
