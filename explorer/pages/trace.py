"""Trace: from a plan's action up the cascade to the national action, with the text each level reused."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import helpers
from kg.errors import KGError

helpers.page_header(
    "Trace an action · 行动溯源",
    "Choose a plan and one of its actions: the chain of plans it derives from, up to the national "
    "action of the same theme, and how much of each text repeats the level above.",
)
k = helpers.key()

plans = helpers.held_plans(k)
if not plans:
    st.info("No held plans in the store.")
    st.stop()
by_label = {helpers.plan_option(p): p for p in plans}
c1, c2 = st.columns([3, 2])
plan_label = c1.selectbox("Plan · 文件", list(by_label), key="trace_plan")
plan = by_label[plan_label]
actions = helpers.plan_actions(k, plan["plan"])
if not actions:
    st.info("This plan has no actions.")
    st.stop()
action_names = [str(a["name"]) for a in actions]
action_name = c2.selectbox(
    "Action · 行动",
    action_names,
    format_func=lambda n: f"{action_names.index(n) + 1}. {n}",
    key="trace_action",
)

try:
    hops = helpers.trace(k, plan["plan"], action_name)
except KGError as e:
    st.warning(str(e))
    st.stop()
if not hops:
    st.info("No chain found for this action.")
    st.stop()

top = hops[-1]
if top["level"] == "national":
    doc = f"（{top['doc_number']}）" if top.get("doc_number") else ""
    st.success(
        f"Reaches the national level: {top.get('plan') or ''}{doc}"
        + (f" — {top['action']}" if top.get("action") else " — no action of this theme at that level")
    )
else:
    st.warning(f"The chain stops at the {helpers.level_label(k, top['level'])} level.")


def _fmt(x):
    return None if x is None else round(float(x), 3)


table = pd.DataFrame(
    [
        {
            "level · 层级": helpers.level_label(k, h["level"]),
            "region · 地区": h.get("region"),
            "plan · 文件": h.get("plan"),
            "文号": h.get("doc_number"),
            "held · 已收录": h.get("held"),
            "action · 行动": h.get("action"),
            "theme · 主题": helpers.theme_label(k, h.get("theme")),
            "match score · 匹配分": _fmt(h.get("score")),
            "text reuse · 文本复用": _fmt(h.get("text_reuse")),
            "linked up by · 上级关联方式": h.get("derivation"),
            "link score": _fmt(h.get("derivation_score")),
        }
        for h in hops
    ]
)
st.subheader("The chain · 层级链")
st.dataframe(table, hide_index=True, width="stretch", key="trace_chain")
helpers.download_table(table, "trace-chain")

# A compact picture of the chain: one box per level, lowest first.
boxes = []
for h in hops:
    held = "held" if h.get("held") else "cited"
    act = helpers.esc(h.get("action") or "—")
    boxes.append(
        f'<div class="kg-hop kg-{held}"><div class="kg-level">{helpers.esc(helpers.level_label(k, h["level"]))}</div>'
        f'<div class="kg-region">{helpers.esc(h.get("region") or "")}</div>'
        f'<div class="kg-doc">{helpers.esc(h.get("doc_number") or h.get("plan") or "")}</div>'
        f'<div class="kg-act">{act}</div></div>'
    )
st.html(
    """<style>
    .kg-chain{display:flex;flex-wrap:wrap;align-items:stretch;gap:.3rem;margin:.5rem 0 1rem}
    .kg-hop{border:2px solid #2b6cb0;border-radius:.5rem;padding:.4rem .6rem;min-width:8.5rem;font-size:.85rem}
    .kg-cited{border-style:dashed;border-color:#a0aec0;color:#4a5568}
    .kg-level{font-weight:600}.kg-act{margin-top:.2rem;color:#2f855a}
    .kg-arrow{align-self:center;font-size:1.3rem;color:#718096}
    </style><div class="kg-chain">"""
    + '<div class="kg-arrow">→</div>'.join(boxes)
    + "</div>"
)
st.caption(
    "Solid boxes: plans whose text is held; dashed: plans known only from citations or reference data."
)

# Text reuse between each action and the parent action it implements, as the links graph holds it.
with_text = [h for h in hops if h.get("action_iri")]
by_iri = {h["action_iri"]: h for h in with_text}
reuses = [
    r
    for r in helpers.text_reuse(k, tuple(h["action_iri"] for h in with_text))
    if r["text"] and r["parent_text"]
]
st.subheader("Text reuse · 文本复用")
if not reuses:
    st.info("Fewer than two levels of this chain have the action's text: nothing to compare.")

STYLE = """<style>
.kg-text{line-height:1.75;font-size:.95rem;border:1px solid #e2e8f0;border-radius:.4rem;padding:.6rem .8rem}
.kg-text mark.reused{background:#c6f6d5;padding:0 .1rem}
.kg-text mark.added{background:#feebc8;padding:0 .1rem}
.kg-text mark.dropped{background:#fed7d7;padding:0 .1rem;text-decoration:line-through}
.kg-legend mark{padding:0 .3rem;margin-right:.6rem}
.kg-legend .reused{background:#c6f6d5}.kg-legend .added{background:#feebc8}.kg-legend .dropped{background:#fed7d7}
</style>"""


def _spans(text: str, passages, cls: str, rest: str | None) -> list[tuple[int, int, str]]:
    """Spans of ``passages`` in ``text`` marked ``cls``; the text between them marked ``rest`` (None:
    left unmarked)."""
    marked, start = [], 0
    for passage in passages:
        i = text.find(passage, start)
        if i < 0:
            i = text.find(passage)
        if i >= 0:
            marked.append((i, i + len(passage), cls))
            start = i + len(passage)
    if rest is None:
        return marked
    out, pos = [], 0
    for a, b, c in sorted(marked):
        if a > pos and text[pos:a].strip():
            out.append((pos, a, rest))
        out.append((a, b, c))
        pos = max(pos, b)
    if text[pos:].strip():
        out.append((pos, len(text), rest))
    return out


def _head(h: dict) -> str:
    return (
        f"<b>{helpers.esc(helpers.level_label(k, h.get('level')))} · {helpers.esc(h.get('region') or '')}</b>"
        f'<br><span style="color:#718096;font-size:.85rem">{helpers.esc(h.get("plan") or "")}</span>'
    )


for n, reuse in enumerate(reuses, 1):
    child = by_iri.get(reuse["action"], {})
    parent = by_iri.get(reuse["parent"], {})
    ct, pt = reuse["text"], reuse["parent_text"]
    rest = "reused" if reuse["share"] is not None else None  # unmeasured: nothing marked as reused
    share = f"reused {reuse['share']:.0%} of the child's text" if rest else "reuse not measured"
    title = f"{child.get('region')} {child.get('action')} → {parent.get('region')} {parent.get('action')} · {share}"
    with st.expander(title, expanded=True):
        st.html(
            STYLE + '<div class="kg-legend"><mark class="reused">reused · 沿用</mark>'
            '<mark class="added">added · 新增</mark><mark class="dropped">dropped · 删去</mark></div>'
        )
        left, right = st.columns(2)
        with left:
            st.html(_head(child))
            child_spans = _spans(ct, reuse["added"], "added", rest)
            st.html(STYLE + f'<div class="kg-text">{helpers.mark_spans(ct, child_spans)}</div>')
        with right:
            st.html(_head(parent))
            parent_spans = _spans(pt, reuse["dropped"], "dropped", rest)
            st.html(STYLE + f'<div class="kg-text">{helpers.mark_spans(pt, parent_spans)}</div>')
        a, d = st.columns(2)
        with a:
            st.markdown(f"**Added by the lower level · 新增** ({len(reuse['added'])})")
            if reuse["added"]:
                added = pd.DataFrame({"clause · 分句": list(reuse["added"])})
                st.dataframe(added, hide_index=True, width="stretch")
                helpers.download_table(added, f"trace-added-{n}")
        with d:
            st.markdown(f"**Dropped from the level above · 删去** ({len(reuse['dropped'])})")
            if reuse["dropped"]:
                dropped = pd.DataFrame({"clause · 分句": list(reuse["dropped"])})
                st.dataframe(dropped, hide_index=True, width="stretch")
                helpers.download_table(dropped, f"trace-dropped-{n}")
