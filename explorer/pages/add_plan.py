"""Add a plan: upload a plan text, see what the extractor reads from it, then add it to the graph."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from explorer import helpers
from kg.build import plan_files, unplaceable
from kg.errors import ExtractionError, KGError
from kg.extract import extract_bytes
from kg.link.departments import canonical_types

helpers.page_header(
    "Add a plan · 添加文件",
    "Upload the text of a plan (.txt, UTF-8 or GB18030, at most 5 MB). You see what is read from it, "
    "and how it links to the plans already in the graph, before it joins the graph.",
)
k = helpers.key()
LIMIT_MB = helpers.UPLOAD_LIMIT // (1024 * 1024)


def safe_name(name: str) -> str:
    """A plain file name: no folders, only letters, digits, CJK, '-', '_' and '.'; ends in .txt."""
    base = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^\w\-.\u4e00-\u9fff]+", "_", Path(base).stem).strip("._") or "plan"
    return f"{stem}.txt"


def fail(file: str, reason: str) -> None:
    st.error(f"{file}: {reason}")
    st.caption("Nothing was changed: the graph and data/plans are as they were.")
    st.stop()


if done := st.session_state.pop("add_plan_done", None):
    st.success(done)

upload = st.file_uploader(
    f"Plan text · 文件 (.txt, ≤ {LIMIT_MB} MB)",
    type=["txt"],
    accept_multiple_files=False,
    key=f"add_plan_file_{st.session_state.get('add_plan_round', 0)}",
)
if upload is None:
    st.info(
        "A plan as you found it: copied from a government site or a gazette, inside its 印发 notice, "
        "even with its line breaks lost. A document that cannot be read, or whose place in the cascade "
        "cannot be told, is reported here and changes nothing."
    )
    st.stop()

name = upload.name
data = upload.getvalue()
if not name.lower().endswith(".txt"):
    fail(name, "only plain-text .txt files can be added")
if len(data) > helpers.UPLOAD_LIMIT:
    fail(name, f"file too large ({len(data):,} bytes; limit {LIMIT_MB} MB)")
file_name = safe_name(name)

try:
    record = extract_bytes(data, file_name)
except ExtractionError as e:
    fail(name, e.reason)
if missing := unplaceable(record):
    fail(name, missing)
sha = hashlib.sha256(data).hexdigest()
for warning in record.warnings:
    st.warning(f"{file_name}: {warning}")

# -- what the extractor read ---------------------------------------------------------------

m = record.meta
# where each field was read: the heading, the signature, the site's metadata block, the 文号 …
READ_FROM = {
    "heading": "heading · 标题行",
    "signature": "signature · 落款",
    "metadata": "site metadata · 网页信息栏",
    "doc_number": "文号 prefix · 文号",
    "title": "title wording · 标题措辞",
    "body": "body text · 正文",
    "inferred": "inferred · 推断",
}
st.subheader("Plan · 文件")
fields = [
    ("title", "title · 标题", m.title),
    ("plan_title", "attached plan · 所附方案", m.plan_title),
    ("doc_number", "文号", m.doc_number),
    (
        "issuer",
        "issuer · 发文机关",
        m.issuer + (" (inferred)" if m.issuer_inferred else "") if m.issuer else None,
    ),
    ("date", "date · 成文日期", m.date),
    ("date_published", "published · 发布日期", m.date_published),
    ("region", "region · 地区", m.region),
    ("level", "level · 层级", helpers.level_label(k, m.level) if m.level else None),
    ("province", "province · 省份", m.province),
]
helpers.dataframe(
    pd.DataFrame(
        [(label, value, READ_FROM.get(m.provenance_of(f) or "", "")) for f, label, value in fields]
        + [("encoding · 编码", record.encoding, ""), ("file · 文件名", file_name, "")],
        columns=["field", "value", "read from"],
    ),
    hide_index=True,
    width="stretch",
    key="add_meta",
    name="add-meta",
)

st.subheader(f"Actions · 行动 ({len(record.actions)})")
helpers.dataframe(
    pd.DataFrame(
        [
            {
                "#": a.ordinal,
                "action · 行动": a.name,
                "lead · 牵头": "、".join(x.department for x in a.assignments if x.role == "lead"),
                "participants · 配合": "、".join(x.department for x in a.assignments if x.role != "lead"),
                "departments from": a.dept_source,
            }
            for a in record.actions
        ]
    ),
    hide_index=True,
    width="stretch",
    key="add_actions",
    name="add-actions",
)

depts: dict[str, dict] = {}
for a in record.actions:
    for x in a.assignments:
        d = depts.setdefault(x.department, {"lead": 0, "participant": 0})
        d[x.role if x.role in d else "participant"] += 1
st.subheader(f"Departments · 部门 ({len(depts)})")
if depts:
    rows = []
    for dept, n in depts.items():
        types, method = canonical_types(dept, m.region)
        rows.append(
            {
                "department as written · 原文部门": dept,
                "canonical type · 部门类型": "、".join(types) or None,
                "matched by": method,
                "lead · 牵头": n["lead"],
                "participant · 配合": n["participant"],
            }
        )
    helpers.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="add_depts", name="add-depts")
else:
    st.caption("No department assignments were found.")

target_rows = [
    {
        "indicator · 指标": i.name,
        "year · 年份": t.year,
        "comparator": t.comparator,
        "value · 目标值": t.value,
        "unit": t.unit or i.unit,
        "found in": i.origin,
    }
    for i in record.indicators
    for t in i.targets
]
st.subheader(f"Targets · 目标 ({len(target_rows)})")
if target_rows:
    helpers.dataframe(
        pd.DataFrame(target_rows), hide_index=True, width="stretch", key="add_targets", name="add-targets"
    )
else:
    st.caption("No quantified targets were found.")

if record.cites:
    st.subheader(f"Documents cited · 引用文件 ({len(record.cites)})")
    helpers.dataframe(
        pd.DataFrame([{"title · 标题": c.title, "文号": c.doc_number} for c in record.cites]),
        hide_index=True,
        width="stretch",
        key="add_cites",
        name="add-cites",
    )

# -- how it would link ----------------------------------------------------------------------------


def linked_preview(file_name: str, data: bytes) -> dict:
    """How the plan would link into the graph, from the build package's preview (the append
    build's path: the plan linked with the stored plans above it; nothing is written): ``chain`` (a
    DataFrame of the plan and the plans above it, with how each link was found), ``links`` (its
    actions and the parent actions they implement), ``summary`` and ``same_plan`` (a held plan of
    the same 文号 or title is in the graph)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(data)
        found = helpers.graph(k).preview(path)
    chain = pd.DataFrame(
        [
            {
                "title": s.title,
                "docNumber": s.doc_number,
                "levelName": s.level,
                "region": s.region,
                "held": s.held,
                "linked up by": s.method,
                "link score": s.score,
            }
            for s in found.chain
        ]
    )
    links = pd.DataFrame(
        [
            {
                "ordinal": a.ordinal,
                "name": a.name,
                "themeLabel": a.theme,
                "parentName": a.parent_name,
                "parentRegion": a.parent_region,
                "score": a.score,
                "textReuse": a.text_reuse,
            }
            for a in found.actions
        ]
    )
    c, first = helpers.counts(k), found.chain[0]
    held = helpers.held_plans(k)
    return {
        "chain": chain,
        "links": links,
        "summary": f"{c['heldPlans'] + 1} plans and {c['actions'] + len(found.actions)} actions",
        "same_plan": any(
            (first.doc_number and p["doc"] == first.doc_number) or p["title"] == first.title for p in held
        ),
    }


def preview(file_name: str, data: bytes, sha: str) -> dict:
    cache = st.session_state.setdefault("add_plan_preview", {})
    if sha in cache:
        return cache[sha]
    out: dict = {"duplicate": None}
    for f in plan_files([helpers.plans_dir()]):
        if f.name == file_name:
            out["name_taken"] = str(f)
        if hashlib.sha256(f.read_bytes()).hexdigest() == sha:
            out["duplicate"] = str(f)
    try:
        out.update(linked_preview(file_name, data))
    except Exception as e:  # reported as the upload's failure; nothing is written
        out["error"] = str(e) if isinstance(e, KGError) else f"{type(e).__name__}: {e}"
    cache[sha] = out
    return out


st.subheader("Links to the plans above · 与上级文件的关联")
with st.spinner("Linking it with the plans above it…"):
    pv = preview(file_name, data, sha)
if pv.get("error"):
    fail(name, pv["error"])
chain = pv.get("chain")
if chain is not None and len(chain) > 1:
    chain = chain.assign(levelName=[helpers.level_label(k, lv) for lv in chain["levelName"]])
    helpers.dataframe(
        chain.rename(
            columns={
                "title": "plan · 文件",
                "docNumber": "文号",
                "levelName": "level · 层级",
                "region": "region · 地区",
                "held": "held · 已收录",
            }
        ),
        hide_index=True,
        width="stretch",
        key="add_chain",
        name="add-chain",
    )
else:
    st.caption("No parent plan could be found for it (no citation, region ancestor or title match).")
links = pv.get("links")
if links is not None and not links.empty:
    helpers.dataframe(
        links.rename(
            columns={
                "ordinal": "#",
                "name": "action · 行动",
                "themeLabel": "theme · 主题",
                "parentName": "implements · 上级行动",
                "parentRegion": "of · 上级地区",
                "score": "match score",
                "textReuse": "text reuse",
            }
        ),
        hide_index=True,
        width="stretch",
        key="add_links",
        name="add-links",
    )

# -- confirm ----------------------------------------------------------------------------------

if pv.get("duplicate"):
    st.warning(f"This text is already in the corpus as {pv['duplicate']}: nothing to add.")
    st.stop()
if pv.get("name_taken"):
    st.warning(f"A plan file named {file_name} exists already ({pv['name_taken']}); rename the upload.")
    st.stop()
if pv.get("same_plan"):
    st.warning(
        "A held plan with the same identity (文号 or title) is already in the graph; adding this file merges into it."
    )

target = helpers.uploads_dir() / file_name
st.caption(f"With this plan the graph would hold {pv.get('summary')}. It is saved as `{target}`.")
if st.button("Add to the graph · 加入图谱", type="primary", key="add_plan_confirm"):
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        fail(name, f"{target} exists already")
    target.write_bytes(data)
    try:
        with st.spinner("Rebuilding the store…"):
            result = helpers.rebuild()
    except Exception as e:  # any failure: the upload must not stay behind
        target.unlink(missing_ok=True)
        fail(name, f"the rebuild failed, the file was not added: {e}")
    st.session_state.pop("add_plan_preview", None)
    st.session_state["add_plan_round"] = st.session_state.get("add_plan_round", 0) + 1
    st.session_state["add_plan_done"] = (
        f"Added {file_name}: the graph now holds {result.documents} plans, {result.total_actions} actions "
        f"and {result.triples:,} triples (built in {result.seconds:.1f} s)."
    )
    st.rerun()
