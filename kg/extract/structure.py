"""Paragraphs -> sections (overall goals, tasks, safeguards) and numbered action blocks.

Plans number their parts in any of 一、 （一） 1. 1、 （1）, at whatever depth they use. The actions
are the items one level below the task section's heading (主要任务 / 重点任务 / 主要行动 …), or one level
further down where the task section groups them under themes (全面干预健康影响因素 → 1. 实施健康知识普及
行动); a plan without a task heading names its actions …行动, as top-level headings or as items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.text import CN_NUM, HEADING_RE, ITEM_RE, Paragraph, cn_number, is_heading_line

_TASK_HEADING = re.compile(
    r"任务|主要行动|重大行动|专项行动|行动内容|重点工作|主要工作|主要内容|工作内容|具体措施|工作措施|主要措施|重点措施|"
    r"重点领域|重大工程|工作重点|实施路径|推进措施|工作安排|总体安排|行动$"
)
_SAFEGUARD_HEADING = re.compile(
    r"保障|组织实施|实施保障|工作要求|组织领导|工作步骤|实施步骤|进度安排|考核|监测评估"
)
_OVERALL_HEADING = re.compile(r"总体|目标|要求|指导思想|原则|背景|意义|现状|形势")
_ANNEX_START = re.compile(r"^附件\s*\d*\s*$|^附件\s*\d*\s*[^:：\d]")
_NAME_END = re.compile(r"[。.．:：;；!！]")
_PART_HEADING = re.compile(rf"^\s*第[{CN_NUM}]{{1,3}}(?:部分|章|篇)\s*(.*)$")
_PAREN_ARABIC = re.compile(r"^\s*[(（]\s*(\d{1,2})\s*[)）]\s*")
_MAX_NAME = 40
_SHORT_HEADING = 24


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


_TASK_WORDS = re.compile(r"任务|行动|措施|主要内容|重大工程|重点领域|实施路径")
_OBJECTIVE_ONLY = re.compile(
    r"[\u4e00-\u9fff]{0,4}目标|[\u4e00-\u9fff]{0,4}(?:要求|思想|原则|背景|意义|现状|形势)"
)


def section_kind(title: str) -> str:
    if _SAFEGUARD_HEADING.search(title):
        return "safeguards"
    if _TASK_HEADING.search(title) or (_TASK_WORDS.search(title) and not _OBJECTIVE_ONLY.fullmatch(title)):
        if not (_OVERALL_HEADING.search(title) and _OBJECTIVE_ONLY.fullmatch(title)):
            return "tasks"
    if _OVERALL_HEADING.search(title):
        return "overall"
    return "other"


def _section_title(p: Paragraph) -> str | None:
    """The title of a top-level heading paragraph (二、主要任务; 第二部分 重点任务), or None."""
    if is_heading_line(p.text):
        return HEADING_RE.match(p.text).group(2).strip()
    m = _PART_HEADING.match(p.text)
    if m and len(p.text) <= 30:
        return m.group(1).strip()
    return None


def _cn_section_title(p: Paragraph) -> str | None:
    """For a plan whose top level is （一）: a short （二）主要任务 heading line."""
    m = ITEM_RE.match(p.text)
    if m and m.group(1) and len(p.text) <= 24:
        rest = p.text[m.end() :].strip()
        if (
            rest
            and not re.search(r"[。.,，;；:：]", rest)
            and section_kind(rest) in ("tasks", "overall", "safeguards")
        ):
            return rest
    return None


def split_sections(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Section], list[Paragraph]]:
    """(preamble, top-level sections, tail) — the tail starts at the signature/annex after the last section."""
    found = _split(paras, _section_title)
    if not found[1]:
        found = _split(paras, _cn_section_title)
    return found


def _split(paras, heading_of) -> tuple[list[Paragraph], list[Section], list[Paragraph]]:
    preamble: list[Paragraph] = []
    sections: list[Section] = []
    current: list[Paragraph] | None = None
    title = ""
    for p in paras:
        heading = heading_of(p)
        if heading is not None:
            if current is not None:
                sections.append(Section(section_kind(title), title, tuple(current)))
            title, current = heading, []
        elif current is None:
            preamble.append(p)
        else:
            current.append(p)
    if current is not None:
        sections.append(Section(section_kind(title), title, tuple(current)))
    tail: list[Paragraph] = []
    if sections:
        last = sections[-1]
        for i, p in enumerate(last.paragraphs):
            if _ANNEX_START.match(p.text) and not ITEM_RE.match(p.text):
                sections[-1] = Section(last.kind, last.title, last.paragraphs[:i])
                tail = list(last.paragraphs[i:])
                break
    return preamble, sections, tail


def item_of(p: Paragraph) -> tuple[int, str, str] | None:
    """(number, style, text after the number) of a numbered paragraph; styles cn （一）, arabic 1.,
    paren （1）, dun 一、."""
    m = ITEM_RE.match(p.text)
    if m:
        style = "cn" if m.group(1) else "arabic"
        number = cn_number(m.group(1) or m.group(2))
        return (number, style, p.text[m.end() :]) if number is not None else None
    if m := _PAREN_ARABIC.match(p.text):
        return int(m.group(1)), "paren", p.text[m.end() :]
    if m := HEADING_RE.match(p.text):
        number = cn_number(m.group(1))
        return (number, "dun", m.group(2)) if number is not None else None
    return None


def action_name(rest: str) -> str:
    """The action's name: its heading up to the first stop, or to 行动 where the body runs on."""
    rest = rest.strip(" *")
    m = _NAME_END.search(rest)
    if m is None and len(rest) <= _SHORT_HEADING:
        name = rest  # a heading line of its own, clauses and all (加强宣传引导,营造氛围)
    elif m and m.start() <= 60:
        name = rest[: m.start()]
    else:
        name = rest[:60].split("，")[0].split(",")[0]
    if len(name) > 25 and (k := name.find("行动", 3)) != -1 and k + 2 < len(name):
        name = name[: k + 2]  # a heading glued to its body (line breaks lost): …行动倡导每个人…
    return name.strip(" *")


def _blocks(
    paras: tuple[Paragraph, ...] | list[Paragraph], style: str, stop_styles: tuple[str, ...] = ()
) -> list[ActionBlock]:
    """Blocks opened by the items of `style`; an item of a `stop_styles` style closes a block."""
    blocks: list[ActionBlock] = []
    current: list[Paragraph] = []
    head: tuple[int, str, str] | None = None

    def close():
        if head is not None:
            number, st, rest = head
            name = action_name(rest)
            if name:  # a bare number (a document cut right after （二）) is not an action
                blocks.append(
                    ActionBlock(number, name, "\n".join(x.text for x in current), tuple(current), st)
                )

    for p in paras:
        item = item_of(p)
        if item and item[1] == style:
            close()
            head, current = item, [p]
        elif item and item[1] in stop_styles:
            close()
            head, current = None, []
        elif head is not None:
            current.append(p)
    close()
    return blocks


def _first_style(paras) -> str | None:
    for p in paras:
        if item := item_of(p):
            return item[1]
    return None


def _action_like(blocks: list[ActionBlock]) -> float:
    return sum(b.name.endswith("行动") for b in blocks) / len(blocks) if blocks else 0.0


def _positions(blocks: list[ActionBlock]) -> list[ActionBlock]:
    """The blocks numbered by their position, 1, 2, 3 …"""
    return [ActionBlock(k, b.name, b.text, b.paragraphs, b.style) for k, b in enumerate(blocks, 1)]


def _section_block(ordinal: int, s: Section) -> ActionBlock:
    """A top-level section that is itself an action: its title names it, its paragraphs follow."""
    return ActionBlock(
        ordinal, s.title, "\n".join([s.title, *(p.text for p in s.paragraphs)]), s.paragraphs, "dun"
    )


def _renumber(blocks: list[ActionBlock]) -> list[ActionBlock]:
    """Ordinals as written when they count up through the plan; positions when they restart per group."""
    numbers = [b.ordinal for b in blocks]
    if not numbers or numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return blocks
    return _positions(blocks)


def _task_actions(paras: tuple[Paragraph, ...]) -> list[ActionBlock]:
    style = _first_style(paras)
    if style is None:
        return []
    level1 = _blocks(paras, style)
    inner = _first_style(p for b in level1 for p in b.paragraphs[1:])
    if inner:
        level2_all = _blocks(paras, inner, (style,))
        level2 = [b for b in level2_all if b.name.endswith("行动")]
        # Themed groups: their items are the actions (全方位干预健康影响因素 → 1. 实施健康知识普及行动).
        grouped = (
            _action_like(level1) < 0.5
            or len(level2) > len(level1)
            or any(re.search(r"[，,]", b.name) for b in level1)
        )
        if level2 and _action_like(level2_all) >= 0.6 and grouped:
            return _renumber(level2)
    return level1


_FIGURE = re.compile(r"\d\s*[%‰]")


def _is_goal(s: Section, b: ActionBlock) -> bool:
    """二、工作目标任务: an item that states a figure is a goal (健康素养水平提高20%), not a task."""
    return "目标" in s.title and bool(_FIGURE.search(b.name))


def goal_blocks(sections: list[Section]) -> list[ActionBlock]:
    """The goals a task section lists among its items (its targets are the plan's, not an action's)."""
    # only a section titled with 目标 can hold goals: the others' items are not parsed a second time
    goal_sections = [s for s in sections if s.kind == "tasks" and "目标" in s.title]
    return [b for s in goal_sections for b in _task_actions(s.paragraphs) if _is_goal(s, b)]


_WORK_POINTS = re.compile(r"要点|任务清单|重点工作|工作任务|任务分工")


def action_blocks(
    sections: list[Section], preamble: list[Paragraph], *, title: str | None = None
) -> list[ActionBlock]:
    return _unique(_action_blocks(sections, preamble, title=title))


def _unique(blocks: list[ActionBlock]) -> list[ActionBlock]:
    """One block per ordinal: a heading listed twice (a table of contents, then the text) is kept
    once, with its longer text; ordinals written twice for different actions become positions."""
    kept: dict[tuple[int, str], ActionBlock] = {}
    for b in blocks:
        key = (b.ordinal, b.name)
        if key not in kept or len(b.text) > len(kept[key].text):
            kept[key] = b
    unique = [b for b in blocks if kept.get((b.ordinal, b.name)) is b]
    return _positions(unique) if len({b.ordinal for b in unique}) < len(unique) else unique


def _action_blocks(
    sections: list[Section], preamble: list[Paragraph], *, title: str | None = None
) -> list[ActionBlock]:
    """The numbered actions: the items of the task section(s), at the level the plan puts them.

    Without a recognisable task heading: top-level headings named …行动 (a plan whose sections
    are its actions), the sections of a 工作要点 (by its `title`), else numbered items anywhere
    outside safeguard sections named …行动.
    """
    found: list[ActionBlock] = []
    for s in sections:
        if s.kind == "tasks":
            found.extend(b for b in _task_actions(s.paragraphs) if not _is_goal(s, b))
    if found:
        return found
    top = [
        _section_block(k, s)
        for k, s in enumerate(sections, 1)
        if normalize_action_name(s.title).endswith("行动")
    ]
    if len(top) >= 3:
        return _renumber(top)
    others = [s for s in sections if s.kind == "other"]
    if others and title and _WORK_POINTS.search(title):
        # A list of tasks whose top-level sections are the tasks (a 工作要点: 一、健全工作机制 二、…).
        return [_section_block(k, s) for k, s in enumerate(others, 1)]
    candidates: list[ActionBlock] = []
    for s in sections:
        if s.kind != "safeguards":
            style = _first_style(s.paragraphs)
            if style:
                candidates.extend(b for b in _blocks(s.paragraphs, style) if b.name.endswith("行动"))
    if not candidates:
        style = _first_style(preamble)
        if style:
            candidates = [b for b in _blocks(preamble, style) if b.name.endswith("行动")]
    return candidates


_TRAILING_STOP = re.compile(r"[。.．:：;；,，!！\s]+$")
_PREFIX = re.compile(r"^(?:实施|推进|开展|深入实施|深入开展|全面实施|大力实施)(?=.{3,})")


def normalize_action_name(name: str) -> str:
    """The name without a leading 实施 / 推进 / 开展 (深入实施 …), numbering or trailing stop."""
    return _PREFIX.sub("", _TRAILING_STOP.sub("", name))
