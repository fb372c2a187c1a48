"""Shared helpers of the explorer app (app.py + app_pages/*.py).

* where the store and the plan texts are (``$KG_STORE`` / ``data/store``, ``$KG_PLANS`` / ``data/plans``);
* building the store on first start, with a progress indicator, and opening it once per process
  (``st.cache_resource``, keyed by the store's build stamp so a rebuild is picked up);
* cached reads (``st.cache_data``) of the named queries the pages show;
* Chinese/English labels from the ontology;
* HTML helpers: every piece of document text is escaped before it goes into HTML.
"""

from __future__ import annotations

# Only the standard library, Streamlit and kg.locations at import: the Overview shows the build's
# counts before rdflib, pyoxigraph and the rest of kg are imported (~0.15 s on 2 cores), and pandas,
# pyvis and altair are imported where they are used.
import functools
import hashlib
import html
import inspect
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import streamlit as st

import kg
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

ROOT = Path(__file__).resolve().parent
KG_DIR = Path(kg.__file__).resolve().parent
PLANS_ENV = "KG_PLANS"
UPLOAD_LIMIT = 5 * 1024 * 1024  # bytes, for "Add a plan"

_BUILD_LOCK = threading.Lock()


# --------------------------------------------------------------------------- places


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
    """Changes whenever the store is rebuilt (the build.json is rewritten by every build) or the code
    changes; for the ``memory`` store, whenever a file of data/plans, the ontology, the reference data
    or the code changes (it is built from them at each start)."""
    if spec_kind(spec) == "memory":
        from kg.build import build_format, plan_files

        h = hashlib.sha256()
        for f in plan_files(None):
            st_ = f.stat()
            h.update(f"{f}\0{st_.st_size}\0{st_.st_mtime_ns}\n".encode())
        return f"memory-{h.hexdigest()[:16]}-{build_format()}-{_code_stamp()}"
    if spec_kind(spec) != "path":
        return spec
    info = Path(spec) / BUILD_INFO
    try:
        st_ = info.stat()
    except OSError:
        return f"unstamped-{os.getpid()}"  # a store built elsewhere: answers kept for this process only
    return f"{st_.st_mtime_ns}-{st_.st_size}-{_code_stamp()}"


@functools.cache
def _code_stamp() -> str:
    """Fingerprint of the code behind the cached answers (kg, its named queries, the app): answers
    kept on disk by an older version are not reused."""
    h = hashlib.sha256()
    for path in sorted(
        [*ROOT.glob("*.py"), *ROOT.glob("app_pages/*.py"), *KG_DIR.rglob("*.py"), *KG_DIR.rglob("*.rq")]
    ):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def stored(fn):
    """``st.cache_data`` kept on disk as well (Streamlit's cache folder): a query's answer for one
    store stamp (see :func:`key`) is computed once, and a later start on the same build reads it back
    instead of querying again (at 10,000 plans the overview's queries take seconds)."""
    return st.cache_data(show_spinner=False, persist="disk")(fn)


@st.cache_resource(show_spinner=False)
def favicon():
    """A small icon drawn here: emoji and Material icons would make the browser fetch it from a CDN.
    It must be set before ``st.navigation``, at the cost of importing PIL and numpy (~0.15 s) before
    the first paint: without it the browser takes the first page's Material icon as the tab icon and
    fetches that from fonts.gstatic.com (tests/test_e2e.py checks that nothing is fetched)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((2, 2, 62, 62), fill=(197, 48, 48, 255))
    draw.rectangle((26, 12, 38, 52), fill="white")
    draw.rectangle((12, 26, 52, 38), fill="white")
    return img


# --------------------------------------------------------------------------- opening / building


@st.cache_resource(show_spinner=False, max_entries=2)
def _open(spec: str, stamp: str) -> PolicyGraph:
    from kg.graph import PolicyGraph

    if spec_kind(spec) == "memory":
        return PolicyGraph.open(store="memory")
    return PolicyGraph.open(store=spec, read_only=True)


def build_with_progress(spec: str, plans: Path | None = None) -> None:
    """Build ``plans`` into the folder store ``spec``, showing what happens (one build at a time)."""
    from kg.build import build, plan_files

    plans = plans or plans_dir()
    with _BUILD_LOCK:
        if is_store_folder(spec):  # another session built it while we waited
            return
        files = plan_files([plans])
        with st.status(
            f"Building the knowledge graph from {len(files)} plan files…", expanded=True
        ) as status:
            bar = st.progress(0.0, text="Reading and extracting the plan texts")
            holder: dict = {}

            def work():
                kwargs = {}
                if "progress" in inspect.signature(build).parameters:
                    kwargs["progress"] = lambda done, total: holder.__setitem__("progress", (done, total))
                try:
                    holder["result"] = build([plans], spec, **kwargs)
                except BaseException as e:  # reported below, in the script thread
                    holder["error"] = e

            t = threading.Thread(target=work, daemon=True)
            start = time.perf_counter()
            t.start()
            while t.is_alive():
                elapsed = time.perf_counter() - start
                done, total = holder.get("progress", (0, len(files)))
                if done < total:
                    bar.progress(0.8 * done / max(total, 1), text=f"Extracted {done} of {total} plan texts")
                else:
                    # linking, SHACL validation and writing: no finer progress, creep towards the end
                    frac = min(0.97, 0.8 + 0.02 * (elapsed - holder.setdefault("extracted_at", elapsed)))
                    bar.progress(frac, text=f"Linking, validating and writing the store… {elapsed:.1f} s")
                t.join(0.2)
            if "error" in holder:
                status.update(label="The build failed", state="error")
                raise holder["error"]
            res = holder["result"]
            bar.progress(1.0, text="Done")
            status.update(
                label=(
                    f"Built {res.documents} plans, {res.total_actions} actions, {res.triples:,} triples "
                    f"in {res.seconds:.1f} s"
                ),
                state="complete",
                expanded=False,
            )


def ensure_store() -> None:
    """Build the configured folder store if it holds no store yet (the first start). Opening it is
    left to the first query (:func:`_pg`), so a page can show the build's counts before that."""
    spec = store_spec()
    kind = spec_kind(spec)
    if kind == "http":
        raise KGError(f"{spec}: SPARQL endpoint stores are not supported by the explorer yet")
    if kind == "path" and not is_store_folder(spec):
        build_with_progress(spec)
    _forget_older_answers(spec, store_stamp(spec))


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


def key() -> tuple[str, str]:
    """The cache key of the data functions below: (store spec, build stamp)."""
    spec = store_spec()
    return spec, store_stamp(spec)


def _pg(k: tuple[str, str]) -> PolicyGraph:
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


def reset_caches() -> None:
    _open.clear()
    st.cache_data.clear()


def rebuild(plans: Path | None = None) -> object:
    """Rebuild the store from ``plans`` (atomic: a failed build leaves the store as it was)."""
    from kg.build import build

    spec = store_spec()
    with _BUILD_LOCK:
        if spec_kind(spec) == "memory":
            raise KGError("the store is `memory`: nothing to rebuild on disk")
        result = build([plans or plans_dir()], spec)
    reset_caches()
    return result


# --------------------------------------------------------------------------- labels


@stored
def labels(k: tuple[str, str]) -> dict[str, dict[str, tuple[str, str | None]]]:
    """notation -> (zh, en) for levels and roles; zh label -> (zh, en) for themes; type -> (zh, en)."""
    pg = _pg(k)

    def pairs(q: str) -> dict:
        res = pg.query(q)
        return {str(r[0]): (str(r[1]), None if r[2] is None else str(r[2])) for r in res.rows}

    scheme = """SELECT ?n ?zh ?en WHERE {{
        ?c a {cls} ; skos:notation ?n ; skos:prefLabel ?zh .
        FILTER(lang(?zh) = "zh")
        OPTIONAL {{ ?c skos:prefLabel ?en FILTER(lang(?en) = "en") }}
    }}"""
    return {
        "level": pairs(scheme.format(cls="hc:AdministrativeLevel")),
        "role": pairs(scheme.format(cls="hc:Role")),
        "theme": pairs(
            """SELECT ?zh ?zh2 ?en WHERE { ?c a hc:Theme ; skos:prefLabel ?zh .
               FILTER(lang(?zh) = "zh") BIND(?zh AS ?zh2)
               OPTIONAL { ?c skos:prefLabel ?en FILTER(lang(?en) = "en") } }"""
        ),
    }


def level_order() -> tuple[str, ...]:
    """The administrative levels, highest first."""
    from kg.records import LEVELS

    return LEVELS


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


def level_label(k, notation: str | None) -> str:
    if blank(notation):
        return ""
    return bilingual(labels(k)["level"].get(str(notation)), str(notation))


def role_label(k, notation: str | None) -> str:
    if blank(notation):
        return ""
    return bilingual(labels(k)["role"].get(str(notation)), str(notation))


def theme_label(k, zh: str | None) -> str:
    if blank(zh):
        return ""
    return bilingual(labels(k)["theme"].get(str(zh)), str(zh))


# --------------------------------------------------------------------------- cached reads


def _frame(res):
    return res.to_dataframe()


@st.cache_data(show_spinner=False)
def counts(k) -> dict:
    """The overview's counts: those the build wrote into the store's build.json, else queried (the
    triple count from build.json when it has one: counting ~16 M triples again takes seconds)."""
    info = build_info(k)
    if info and isinstance(info.get("counts"), dict):
        return info["counts"]  # computed by the build, from the same queries
    if info and info.get("triples") is not None:
        return {**_pg(k).counts(triples=False), "triples": int(info["triples"])}
    return _pg(k).counts()


@stored
def build_info(k) -> dict | None:
    """The store's build.json without its per-file list (5 MB at 10,000 plans: copied out of the
    cache on every use, it would delay the first page). Kept on disk like the query answers: a later
    start reads this small dict back instead of parsing the whole file (0.2 s at 10,000 plans)."""
    spec = k[0]
    info = read_build_info(spec) if spec_kind(spec) == "path" else None
    return {key: value for key, value in info.items() if key != "files"} if info else info


@stored
def plans_table(k):
    """Every plan (held first), with 文号, issuer, date, level and region."""
    return _frame(_pg(k).named("plans"))


@stored
def hierarchy_result(k):
    """The named query ``hierarchy`` (every plan and its parent), run once per store and process."""
    return _pg(k).named("hierarchy")


@stored
def held_plans(k) -> list[dict]:
    """Held plans, lowest level first then by region: dicts with plan (full IRI), title, region, level, doc."""
    res = hierarchy_result(k)
    out = []
    for row in res.rows:
        r = dict(zip(res.vars, row, strict=True))
        if r.get("held"):
            out.append(
                {
                    "plan": str(r["plan"]),
                    "title": r.get("title") or "",
                    "region": r.get("region") or "",
                    "level": r.get("levelName") or "",
                    "rank": r.get("rank") if r.get("rank") is not None else 99,
                    "doc": r.get("docNumber") or "",
                }
            )
    seen, unique = set(), []
    for p in out:
        if p["plan"] not in seen:
            seen.add(p["plan"])
            unique.append(p)
    return sorted(unique, key=lambda p: (-int(p["rank"]), p["region"], p["title"]))


def plan_option(p: dict) -> str:
    doc = f"（{p['doc']}）" if p.get("doc") else ""
    return f"{p['region']} — {p['title']}{doc}"


@stored
def levels_present(k) -> list[str]:
    present = set(counts(k).get("plans_by_level", {}))
    held_levels = {p["level"] for p in held_plans(k)}
    return [lv for lv in level_order() if lv in present and lv in held_levels]


@stored
def top_departments(k, level: str | None, plan: str | None, role: str):
    return _pg(k).top_departments(level=level, plan=plan, role=role)


@stored
def department_actions(k, type_iri: str, level: str | None, plan: str | None, role: str):
    return _pg(k).department_actions(department_type=type_iri, level=level, plan=plan, role=role)


@stored
def plan_actions(k, plan_iri: str) -> list[dict]:
    from rdflib import URIRef

    res = _pg(k).named("plan_actions", plan=URIRef(plan_iri))
    return [dict(zip(res.vars, row, strict=True)) for row in res.rows]


@stored
def trace(k, plan_iri: str, action: str) -> list[dict]:
    return [h.as_dict() for h in _pg(k).trace(place=plan_iri, action=action)]


@stored
def action_texts(k, iris: tuple[str, ...]) -> dict[str, str]:
    """hc:sourceText (the text) of each action IRI (IRIs bound through VALUES terms, never pasted as text)."""
    if not iris:
        return {}
    from rdflib import URIRef

    out: dict[str, str] = {}
    q = "SELECT ?text WHERE { ?action hc:sourceText ?text }"
    for iri in iris:
        res = _pg(k).query(q, bindings={"action": URIRef(iri)})
        if res.rows:
            out[iri] = str(res.rows[0][0])
    return out


@stored
def indicator_names(k) -> list[str]:
    """Indicator names with targets, a leading 全国/全市/全省… removed, most plans first."""
    res = _pg(k).query(
        """SELECT ?name (COUNT(DISTINCT ?plan) AS ?plans) WHERE {
             # hash-joined subqueries: one pattern group is looked up row by row (29 s at 10,000 plans)
             { SELECT ?plan ?i WHERE { ?plan hc:hasIndicator ?i } }
             { SELECT DISTINCT ?i WHERE { ?i hc:hasTarget ?t } }
             { SELECT ?i ?name WHERE { ?i rdfs:label ?name } }
           } GROUP BY ?name"""
    )
    score: dict[str, int] = {}
    for name, n in res.rows:
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
    return _pg(k).targets(indicator=indicator)


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
    """Prefix -> namespace IRI of every query (``kg.store.prefixes``)."""
    from kg.store import prefixes as known

    return known()


def short(iri: str | None) -> str:
    from kg.store import shorten

    return "" if iri is None else shorten(str(iri))


def page_header(title: str, caption: str | None = None) -> None:
    st.title(title)
    if caption:
        st.caption(caption)
