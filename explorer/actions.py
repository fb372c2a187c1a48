"""The table of actions with their departments and source sentences, as the Departments page (one
department type's actions) and the Matrix page (one cell's actions) show and download it."""

from __future__ import annotations

from explorer import helpers

COLUMNS = {
    "region": "region · 地区",
    "title": "plan · 文件",
    "ordinal": "#",
    "action_name": "action · 行动",
    "department": "department as written · 原文部门",
    "role": "role · 角色",
    "source": "source sentence · 原文",
}


def action_table(k, acts):
    """``acts`` (DepartmentAction or CellAction records as a frame) with bilingual column names and
    the roles labelled."""
    out = acts.assign(role=[helpers.role_label(k, r) for r in acts["role"]])
    return out[list(COLUMNS)].rename(columns=COLUMNS)
