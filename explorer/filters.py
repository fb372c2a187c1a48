"""The row of choices above a page about responsibilities (Departments, Matrix): level, plan and
role, and a last column left for the page's own control."""

from __future__ import annotations

import streamlit as st

from explorer import helpers


def scope_row(k, *, key: str, roles: tuple[str, ...]):
    """(level or None, plan IRI or None, role, the row's last column); widget keys ``<key>_level``,
    ``<key>_plan`` and ``<key>_role``."""
    plan_by_label = {helpers.plan_option(p): p["plan"] for p in helpers.held_plans(k)}
    f1, f2, f3, f4 = st.columns([1, 2, 1, 1])
    level = f1.selectbox(
        "Level · 层级",
        [None, *helpers.levels_present(k)],
        format_func=lambda lv: "all levels · 全部" if lv is None else helpers.level_label(k, lv),
        key=f"{key}_level",
    )
    plan_label = f2.selectbox("Plan · 文件", ["all plans · 全部", *plan_by_label], key=f"{key}_plan")
    role = f3.radio(
        "Role · 角色",
        list(roles),
        format_func=lambda r: "lead or participant · 牵头或配合" if r == "any" else helpers.role_label(k, r),
        key=f"{key}_role",
    )
    return level, plan_by_label.get(plan_label), role, f4
