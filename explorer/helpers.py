"""The explorer's one helper module: where the store is, opening it once, cached reads, labels, HTML.

Every page reads the graph through :class:`kg.graph.PolicyGraph` (named queries and analyses) via
the cached functions here, keyed by (store spec, build stamp) so that a rebuild is picked up.
Document text is data: it is escaped before it goes into HTML (:func:`esc`, :func:`mark_spans`).
"""

from __future__ import annotations

# Only the standard library, Streamlit and kg.locations at import: the Overview shows the build's
# counts before rdflib, pyoxigraph and the rest of kg are imported, and pandas and pyvis are imported
# where they are used.
import functools
import hashlib
import html
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import streamlit as st

import kg
from explorer import downloads
from explorer.downloads import XLSX, download_chart, download_network, download_table  # noqa: F401
from kg.errors import KGError
from kg.locations import (
    BUILD_INFO,
    default_plans_dir,
    default_spec,
    is_store_folder,
    read_build_info,
    spec_kind,
)

if TYPE_CHECKING:
    from kg.graph import PolicyGraph

ROOT = Path(__file__).resolve().parent.parent
KG_DIR = Path(kg.__file__).resolve().parent
PLANS_ENV = "KG_PLANS"
UPLOAD_LIMIT = 5 * 1024 * 1024  # bytes, for "Add a plan"
# Actions of one department listed at once on the Departments page (the national ranking's top
# department has 100,000 at 10,000 plans).
DEPARTMENT_LIST_LIMIT = 5_000
# Dated plans the Diffusion timeline draws one by one, with their links; beyond, plans per month in
# each lane (a browser drawing 10,000 points and their links stalls).
DIFFUSION_MAX_POINTS = 1_500
OVERVIEW_MAX_NODES = 400  # a hierarchical vis-network layout of thousands of plans stalls the browser

BUILD_LOCK = threading.Lock()  # one build at a time in this process (first start, Add a plan)


# --------------------------------------------------------------------------- places and stamps


def store_spec() -> str:
    """``$KG_STORE`` or ``data/store`` (relative to the working folder, as for the ``kg`` command)."""
    return str(default_spec())


def plans_dir() -> Path:
    """``$KG_PLANS`` or ``data/plans`` (the folder the app builds from and saves uploads under)."""
    env = os.environ.get(PLANS_ENV)
    return Path(env) if env else default_plans_dir()


def uploads_dir() -> Path:
    return plans_dir() / "uploads"


def store_stamp(spec: str) -> str:
    """Changes whenever the store is rebuilt (every build rewrites build.json) or the code changes;
    for the ``memory`` store, whenever a plan file or the code changes (it is built at each start)."""
    if spec_kind(spec) == "memory":
        h = hashlib.sha256()
        for f in sorted(plans_dir().rglob("*.txt")):
            st_ = f.stat()
            h.update(f"{f}\0{st_.st_size}\0{st_.st_mtime_ns}\n".encode())
        return f"memory-{h.hexdigest()[:16]}-{_code_stamp()}"
    if spec_kind(spec) != "path":
        return spec
    try:
        st_ = (Path(spec) / BUILD_INFO).stat()
    except OSError:
        return f"unstamped-{os.getpid()}"  # a store built elsewhere: answers kept for this process only
    return f"{st_.st_mtime_ns}-{st_.st_size}-{_code_stamp()}"


@functools.cache
def _code_stamp() -> str:
    """Fingerprint of the code behind the cached answers (kg, its named queries, the explorer, the
    ontology and reference data): answers kept on disk by another version are not reused."""
    h = hashlib.sha256()
    files = [
        *ROOT.glob("*.py"),
        *(ROOT / "explorer").rglob("*.py"),
        *KG_DIR.rglob("*.py"),
        *KG_DIR.rglob("*.rq"),
    ]
    files += [*(ROOT / "ontology").glob("*.ttl"), *(ROOT / "data" / "reference").glob("*")]
    for path in sorted(p for p in files if p.is_file()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def key() -> tuple[str, str]:
    """The cache key of the data functions below: (store spec, build stamp)."""
    spec = store_spec()
    return spec, store_stamp(spec)


def stored(fn):
    """``st.cache_data`` kept on disk as well (Streamlit's cache folder): an answer for one store
    stamp is computed once, and a later start on the same build reads it back."""
    return st.cache_data(show_spinner=False, persist="disk")(fn)


# --------------------------------------------------------------------------- opening and building


@st.cache_resource(show_spinner=False, max_entries=2)
def _open(spec: str, stamp: str) -> PolicyGraph:
    return kg.open(spec)


def graph(k: tuple[str, str]) -> PolicyGraph:
    """The graph of ``k``, opened once per process; a store that cannot be opened ends the page."""
    try:
        return _open(*k)
    except KGError as e:
        stop_with(e)


def stop_with(error: KGError) -> NoReturn:
    """Say why the graph cannot be used and end the page (outside a Streamlit run, where st.stop
    does nothing, the error is raised)."""
    st.error(f"Cannot open the knowledge graph: {error}")
    st.stop()
    raise error


def store_ready() -> bool:
    """Whether the configured store is ready: False for a folder that holds no store yet (the first
    start: app.py builds it); a SPARQL endpoint is refused. Opening the store is left to the first
    query, so a page can show the build's counts first."""
    spec = store_spec()
    kind = spec_kind(spec)
    if kind == "http":
        raise KGError(f"{spec}: SPARQL endpoint stores are not supported by the explorer yet")
    if kind == "path" and not is_store_folder(spec):
        return False
    _forget_older_answers(spec, store_stamp(spec))
    return True


@functools.cache
def _forget_older_answers(spec: str, stamp: str) -> None:
    """Drop the answers kept on disk when the store's stamp is not the one they were kept for (once
    per stamp and process): the cache folder holds one build's answers, not every build's."""
    from streamlit.file_util import get_streamlit_file_path

    folder = Path(get_streamlit_file_path("cache"))
    record = folder / f"kg-stamp-{hashlib.sha256(str(Path(spec).resolve()).encode()).hexdigest()[:12]}"
    try:
        if record.read_text(encoding="utf-8") == stamp:
            return
    except OSError:
        pass
    st.cache_data.clear()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        record.write_text(stamp, encoding="utf-8")
    except OSError:
        pass  # no cache folder to write to: answers are then kept in memory only


def rebuild() -> object:
    """Rebuild the store from the plans folder (atomic: a failed build leaves the store as it was)."""
    k = key()
    if spec_kind(k[0]) == "memory":
        raise KGError("the store is `memory`: nothing to rebuild on disk")
    with BUILD_LOCK:
        g = graph(k)
        result = g.build([plans_dir()])
        g.close()
    _open.clear()
    st.cache_data.clear()
    return result


# --------------------------------------------------------------------------- labels


@stored
def labels(k) -> dict[str, dict[str, tuple[str, str | None]]]:
    """notation -> (zh, en) for levels and roles; zh label -> (zh, en) for themes."""
    g = graph(k)

    def pairs(cls: str, by: str) -> dict:
        rows = g.named("concept_labels", **{"class": cls}).records()
        return {str(r[by]): (str(r["zh"]), r["en"]) for r in rows if r[by] is not None}

    return {
        "level": pairs("hc:AdministrativeLevel", "notation"),
        "role": pairs("hc:Role", "notation"),
        "theme": pairs("hc:Theme", "zh"),
    }


LEVELS = ("national", "province", "city", "county", "township")  # highest first, as kg.records.LEVELS


def blank(value) -> bool:
    """None, pandas NA/NaN or an empty string."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return str(value) == ""


def bilingual(pair: tuple[str, str | None] | None, fallback: str = "") -> str:
    if not pair:
        return fallback
    zh, en = pair
    return f"{zh} · {en}" if en and en != zh else zh


def level_label(k, notation) -> str:
    return "" if blank(notation) else bilingual(labels(k)["level"].get(str(notation)), str(notation))


def role_label(k, notation) -> str:
    return "" if blank(notation) else bilingual(labels(k)["role"].get(str(notation)), str(notation))


def theme_label(k, zh) -> str:
    return "" if blank(zh) else bilingual(labels(k)["theme"].get(str(zh)), str(zh))


# --------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False)
def counts(k) -> dict:
    """The overview's counts: those the build wrote into build.json, else queried (the triple count
    from build.json when it has one: counting millions of triples again takes seconds); with the
    number of department kinds from the summaries' stamp (``department_kinds``, None without one)."""
    info = build_info(k)
    if info and isinstance(info.get("counts"), dict):
        out = dict(info["counts"])
    elif info and info.get("triples") is not None:
        out = {**graph(k).counts(triples=False), "triples": int(info["triples"])}
    else:
        out = graph(k).counts()
    stamp = summary_stamp(k)
    if stamp and isinstance(stamp.get("counts"), dict):
        out["department_kinds"] = stamp["counts"].get("department_kinds")
    else:
        out["department_kinds"] = None
    return out


def summary_stamp(k) -> dict | None:
    """The folder store's summary stamp when it matches its build (standard library only)."""
    from kg.summaries import read_stamp

    return read_stamp(k[0]) if spec_kind(k[0]) == "path" else None


# build.json's lists of one entry per document: 5.5 MB at 10,000 plans, read back from the disk cache
# before the overview's counts on every start (20 ms) though no page shows them
PER_DOCUMENT = ("files", "replaced_graphs", "removed_graphs")


@stored
def build_info(k) -> dict | None:
    """The store's build.json without its per-document lists (:data:`PER_DOCUMENT`)."""
    spec = k[0]
    info = read_build_info(spec) if spec_kind(spec) == "path" else None
    return {name: value for name, value in info.items() if name not in PER_DOCUMENT} if info else info


@stored
def plans_table(k):
    """Every plan (held first), with 文号, issuer, date, level and region (the build's summary)."""
    return graph(k).summary("plans")


@stored
def hierarchy_result(k):
    """The named query ``hierarchy`` (every plan and its parent), run once per store stamp."""
    return graph(k).named("hierarchy")


@stored
def held_plans(k) -> list[dict]:
    """Held plans, lowest level first then by region: plan (full IRI), title, region, level, rank, doc."""
    from kg.store import expand

    tree = graph(k).plan_tree()
    out: dict[str, dict] = {}
    for r in tree[tree["held"].fillna(False)].to_dict("records"):
        iri = expand(str(r["plan"]))
        out.setdefault(
            iri,
            {
                "plan": iri,
                "title": "" if blank(r.get("title")) else str(r["title"]),
                "region": "" if blank(r.get("region")) else str(r["region"]),
                "level": "" if blank(r.get("level")) else str(r["level"]),
                "rank": 99 if blank(r.get("rank")) else int(r["rank"]),
                "doc": "" if blank(r.get("doc_number")) else str(r["doc_number"]),
            },
        )
    return sorted(out.values(), key=lambda p: (-int(p["rank"]), p["region"], p["title"]))


def _dicts(res) -> list[dict]:
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


def plan_option(p: dict) -> str:
    doc = f"（{p['doc']}）" if p.get("doc") else ""
    return f"{p['region']} — {p['title']}{doc}"


@stored
def levels_present(k) -> list[str]:
    present = set(counts(k).get("plans_by_level", {}))
    held_levels = {p["level"] for p in held_plans(k)}
    return [lv for lv in LEVELS if lv in present and lv in held_levels]


@stored
def top_departments(k, level: str | None, plan: str | None, role: str):
    return graph(k).department_counts(level=level, plan=plan, role=role)


@stored
def department_actions(k, type_iri: str, level: str | None, plan: str | None, role: str):
    from kg.api import DepartmentAction, frame

    found = graph(k).department_actions(department_type=type_iri, level=level, plan=plan, role=role)
    return frame(found, DepartmentAction)


@stored
def plan_actions(k, plan_iri: str) -> list[dict]:
    return _dicts(graph(k).named("plan_actions", plan=plan_iri))


@stored
def trace(k, plan_iri: str, action: str) -> list[dict]:
    return [h.as_dict() for h in graph(k).trace(place=plan_iri, action=action)]


@stored
def text_reuse(k, actions: tuple[str, ...]) -> list[dict]:
    """The links graph's text reuse of each of these actions and the parent action it implements."""
    return [r.as_dict() for r in graph(k).text_reuse(actions=actions)]


@stored
def indicator_names(k) -> list[str]:
    """Indicator names with targets, a leading 全国/全市/全省… removed, most plans first."""
    score: dict[str, int] = {}
    for name, n in graph(k).indicator_counts().itertuples(index=False):
        base = strip_scope(str(name))
        score[base] = score.get(base, 0) + int(n)
    return sorted(score, key=lambda s: (-score[s], s))


def strip_scope(name: str) -> str:
    for prefix in ("全国", "全省", "全市", "全县", "全区", "全镇", "全乡"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix) :]
    return name


@stored
def targets(k, indicator: str):
    return graph(k).target_table(indicator=indicator)


@stored
def target_values(k, indicator: str):
    """The numeric targets of an indicator with the level of their plan (for the distribution)."""
    return graph(k).target_values(indicator=indicator)


@st.cache_resource(show_spinner=False, max_entries=2)
def hierarchy_graph(k):
    """The plan hierarchy as a networkx graph (shared, read-only: copy it before changing it)."""
    from kg import network

    return network.hierarchy_graph(graph(k), result=hierarchy_result(k))


# --------------------------------------------------------------------------- HTML


def esc(value) -> str:
    """Text for HTML: always escaped (document text is data, never markup)."""
    return html.escape("" if blank(value) else str(value), quote=True)


def mark_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` as HTML with ``<mark class=CLS>`` around the given (start, end, cls) spans.

    Each segment is escaped on its own, so the markup added here is the only markup in the result.
    """
    spans = sorted(s for s in spans if s[0] < s[1])
    out, pos = [], 0
    for a, b, cls in spans:
        if a < pos:
            continue  # overlapping: keep the first
        out.append(esc(text[pos:a]))
        out.append(f'<mark class="{esc(cls)}">{esc(text[a:b])}</mark>')
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI of every query."""
    from kg.store import prefixes as known

    return known()


def page_header(title: str, caption: str | None = None) -> None:
    st.title(title)
    if caption:
        st.caption(caption)


def show_html_network(html_text: str, height: str | int = "650px") -> None:
    """Embed a self-contained pyvis page (vis-network inline, labels escaped by kg.network)."""
    m = re.match(r"\s*(\d+)", str(height))
    px = height if isinstance(height, int) else int(m.group(1)) if m else 650
    st.iframe(html_text, height=px + 30)


# --------------------------------------------------------------------------- downloads
# The buttons are in explorer/downloads.py; the pages call them through this module.


def download_graph(k) -> None:
    """Turtle and N-Quads buttons for the whole stored graph. The store is opened when a button is
    pressed, not before: the sidebar draws them before the page has read anything."""
    downloads.graph_buttons(lambda: _open(*k))


def dataframe(df, *, name: str, **kwargs) -> None:
    """``st.dataframe(df, **kwargs)`` with its CSV and Excel buttons below (:func:`download_table`)."""
    st.dataframe(df, **kwargs)
    download_table(df, name)
