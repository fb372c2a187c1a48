"""Department assignments: who leads and who takes part in an action.

The family writes them in a handful of ways, all read by one tokeniser:
  (牵头单位:A;负责单位:B、C)                 labelled lists
  （责任单位：A牵头，B、C等按职责分工负责）   role markers after a run of names
  （A负责、B、C等配合）  （A、B分别负责）     "X负责" alone = lead; 分别/分工负责 = participants
and, in some plans, an annex table: 序号 | 主要任务 | 责任部门.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from kg.records import Assignment
from kg.text import bracket_groups

_LABEL = re.compile(r"([\u4e00-\u9fff]{1,4}(?:单位|部门))\s*[:：]")
# Role markers at the end of a token, longest first. Anything that only says the
# departments share the work (分别/分工/按职责…负责, 配合, 参与) makes them participants.
_PARTICIPANT_MARKERS = (
    "等部门按职责分工负责",
    "等单位按职责分工负责",
    "等按职责分工负责",
    "按职责分工负责",
    "等部门按职责负责",
    "等按职责负责",
    "按职责负责",
    "等部门分工负责",
    "等分工负责",
    "分工负责",
    "等部门分别负责",
    "等分别负责",
    "分别负责",
    "等部门共同负责",
    "共同负责",
    "等部门配合",
    "等单位配合",
    "等配合",
    "配合",
    "等部门参与",
    "等参与",
    "参与",
    "协助",
    "协同",
)
_LEAD_MARKERS = ("牵头负责", "等牵头", "牵头", "负责")
_ROLE_WORD = re.compile(r"牵头|负责|配合|参与|协助|协同|责任单位")
_ORG_SUFFIX = re.compile(
    r"(局|委|办|会|部|院|社|台|段|团|联|室|厅|处|所|站|中心|集团|公司|政府|分局|委员会|管委会|银行|协会|大学|学校|医院|监狱|支队|大队|总队|队|单位|部门)$"
)
_ORG_PREFIX = re.compile(r"^(市|县|区|镇|乡|省|州|盟|旗|团|共青团|国家|中国|各|有关|相关)")
# 等, 等有关部门, and a role word the page cut short (…新华社安徽分社等有关部门参).
_TRAILING = re.compile(r"等(?:有关|相关|其他)?(?:(?:部门|单位|机构)(?:参|配|协)?)?$")


def _label_role(label: str) -> str | None:
    if re.search(r"牵头|主责|主办|主要责任", label):
        return "lead"
    if re.search(r"负责|配合|参与|协办|协同|协助", label) and "责任" not in label:
        return "participant"
    return None  # 责任单位: roles come from the markers


def _strip_marker(token: str) -> tuple[str, str | None]:
    if not token.endswith(_PARTICIPANT_MARKERS + _LEAD_MARKERS):  # most tokens: one C call
        return token, None
    for marker in _PARTICIPANT_MARKERS:
        if token.endswith(marker):
            return token[: -len(marker)], "participant"
    for marker in _LEAD_MARKERS:
        if token.endswith(marker):
            return token[: -len(marker)], "lead"
    return token, None


def _clean(name: str) -> str:
    name = name.strip(" ，,、;；:：").removeprefix("由")
    return _TRAILING.sub("", name).strip()


def looks_like_org(name: str) -> bool:
    return bool(_ORG_SUFFIX.search(name) or _ORG_PREFIX.search(name))


@lru_cache(maxsize=4096)
def parse_group(text: str) -> tuple[tuple[str, str], ...]:
    """(department, role) pairs from one assignment string, in order of appearance."""
    body = text.strip()
    if body[:1] in "(（〔[【" and body[-1:] in ")）〕]】":
        body = body[1:-1]
    segments: list[tuple[str, str | None]] = []
    pos, label_role = 0, None
    for m in _LABEL.finditer(body):
        if m.start() > pos:
            segments.append((body[pos : m.start()], label_role))
        label_role, pos = _label_role(m.group(1)), m.end()
    segments.append((body[pos:], label_role))

    if body[:1] in "(（〔[【" and body[-1:] not in ")）〕]】、，,;；。":
        # a group the page cuts off (…区教育和体育局、区人): its last name is cut too, unless it
        # ends as a body's name does
        head, sep, last = segments[-1][0].rpartition("、")
        if sep and not _ORG_SUFFIX.search(last.strip()):
            segments[-1] = (head, segments[-1][1])
    pairs: list[tuple[str, str]] = []
    for segment, seg_role in segments:
        pending: list[str] = []
        for token in re.split(r"[、，,;；]", segment):
            token = token.strip()
            if not token:
                continue
            name, marker_role = _strip_marker(token)
            name = _clean(name)
            if name:
                pending.append(name)
            if marker_role:
                role = seg_role or marker_role
                pairs.extend((n, role) for n in pending)
                pending = []
        pairs.extend((n, seg_role or "participant") for n in pending)
    return tuple((n, r) for n, r in pairs if 2 <= len(n) <= 30)


def is_assignment_group(text: str) -> bool:
    """A bracketed segment that assigns departments (not, e.g., （微信、微博、移动客户端）)."""
    if not _ROLE_WORD.search(text):
        return False
    pairs = parse_group(text)
    if not pairs:
        return False
    org_like = sum(1 for n, _ in pairs if looks_like_org(n))
    return org_like / len(pairs) >= 0.6


_OPEN_AT_END = re.compile(r"[(（〔\[【](?=[^(（〔\[【)）〕\]】]*$)")


def inline_group_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the assignment groups written inside an action's text, in order; a group
    left open at the end (a page opening cut inside （责任单位：…) counts as far as it goes."""
    spans = [(a, b) for a, b in bracket_groups(text) if is_assignment_group(text[a:b])]
    tail = _OPEN_AT_END.search(text, spans[-1][1] if spans else 0)
    if (
        tail
        and _LABEL.search(text, tail.start() + 1, tail.start() + 8)
        and is_assignment_group(text[tail.start() :] + "）")
    ):
        spans.append((tail.start(), len(text)))
    return spans


def inline_groups(text: str) -> list[str]:
    """The assignment groups written inside an action's text, in order."""
    return [text[a:b] for a, b in inline_group_spans(text)]


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the (ordered, disjoint) spans cut out, in one pass."""
    kept, pos = [], 0
    for a, b in spans:
        kept.append(text[pos:a])
        pos = b
    kept.append(text[pos:])
    return "".join(kept)


def merge_assignments(groups: list[str]) -> tuple[Assignment, ...]:
    """Union of the groups; a department that leads in any group is listed only as lead."""
    roles: dict[str, str] = {}
    sources: dict[str, str] = {}
    for group in groups:
        for name, role in parse_group(group):
            if roles.get(name) != "lead":
                roles[name] = role
                sources[name] = group
            sources.setdefault(name, group)
    return tuple(Assignment(n, roles[n], sources[n]) for n in roles)


_ANNEX_ROW = re.compile(r"^\s*(\d{1,2})\s*[\t ]\s*(\S[^\t]*?)\s*[\t ]\s*(\S.*\S)\s*$")


def annex_rows(lines: list[str]) -> dict[int, tuple[str, str]]:
    """Rows of a department table in an annex: ordinal -> (task name, assignment text).

    The columns may come in any order (序号 | 主要任务 | 责任单位, or 序号 | 责任单位 | 主要任务, or
    序号 | 重点任务 | 牵头单位 | 配合单位): the task is the cell named …行动, the others assign it; a
    header row naming 牵头 / 配合 columns labels their cells.
    """
    rows: dict[int, tuple[str, str]] = {}
    labels: list[str] | None = None
    for line in lines:
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if (
            cells
            and cells[0] in ("序号", "编号")
            and any(re.search(r"牵头|配合|责任|负责", c) for c in cells)
        ):
            labels = cells
            continue
        # isdecimal, not isdigit (int() refuses ① and ²); a row number is short (int() refuses 4300 digits).
        if len(cells) < 3 or not cells[0].isdecimal() or len(cells[0]) > 6:
            continue
        task = next((k for k in range(1, len(cells)) if cells[k].endswith("行动")), None)
        if task is None:
            continue
        others = [k for k in range(1, len(cells)) if k != task]
        if labels is not None and len(labels) == len(cells):
            # Only a column whose label says the role (牵头单位, 配合单位) labels its cells.
            parts = [f"{labels[k]}：{cells[k]}" if _label_role(labels[k]) else cells[k] for k in others]
            assignment = "；".join(parts)
        else:
            assignment = "，".join(cells[k] for k in others)
        if is_assignment_group(assignment):
            rows.setdefault(int(cells[0]), (cells[task], assignment))
    return rows


def annex_names(rows: dict[int, tuple[str, str]]) -> dict[str, str]:
    """Task name -> assignment of the first annex row with that name (annex_for's fallback, built once)."""
    names: dict[str, str] = {}
    for row_name, assignment in rows.values():
        names.setdefault(row_name, assignment)
    return names


def annex_for(
    ordinal: int, name: str, rows: dict[int, tuple[str, str]], names: dict[str, str] | None = None
) -> str | None:
    """The annex assignment for an action, matched on ordinal and checked on name.

    Pass `names` (annex_names(rows)) when looking up many actions: scanning the rows for each
    action is quadratic in a document with thousands of both.
    """
    row = rows.get(ordinal)
    if row and SequenceMatcher(None, row[0], name).ratio() >= 0.6:
        return row[1]
    if names is not None:
        return names.get(name)
    for row_name, assignment in rows.values():
        if row_name == name:
            return assignment
    return None
