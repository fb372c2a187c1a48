"""Plan files -> records -> one named graph per document (+ the ontology) -> validated -> store.

All or nothing: any document that cannot be extracted, or a union graph that does not conform to the
SHACL shapes, aborts the build before anything is written. A folder store is written into a sibling
temporary folder and swapped into place with renames (the previous store is removed only after the
swap), so readers never see a partial graph. The store folder also gets a ``build.json`` (files,
sha256s, counts, kg version, build time) for later incremental builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef

import kg
from kg.errors import ExtractionError, KGError, ValidationError
from kg.store import (
    ONTOLOGY_GRAPH,
    MemoryStore,
    OxigraphStore,
    Store,
    default_spec,
    is_store_folder,
    spec_kind,
)

DEFAULT_PLANS = Path("data/plans")
BUILD_INFO = "build.json"


@dataclass
class BuildResult:
    store: str  # the spec written to
    documents: int
    triples: int  # distinct triples in the union graph (ontology included)
    actions: dict[str, int]  # file name -> number of actions, in build order
    seconds: float
    files: list[str] = field(default_factory=list)  # paths read, in build order
    memory_store: Store | None = field(default=None, repr=False)  # the store, for in-memory builds

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())


def default_plans_dir() -> Path:
    """``data/plans`` under the working folder, else the one beside this package (a source checkout)."""
    if DEFAULT_PLANS.is_dir():
        return DEFAULT_PLANS
    beside = Path(__file__).resolve().parent.parent / DEFAULT_PLANS
    return beside if beside.is_dir() else DEFAULT_PLANS


def plan_files(paths: list[Path | str] | None = None) -> list[Path]:
    """The files a build reads: ``.txt`` files under folders (sorted, recursive) and named files as given."""
    paths = [default_plans_dir()] if not paths else [Path(p) for p in paths]
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.txt") if f.is_file())
        elif p.exists():
            found = [p]
        else:
            raise ExtractionError(str(p), "no such file or folder")
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    if not out:
        raise KGError(f"no .txt plan files in {', '.join(str(p) for p in paths)}")
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(message: str) -> str:
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def _link_graphs(records: list) -> dict[URIRef, Graph]:
    """The corpus-level graphs: cross-document links (``graph/links``) and the curated reference plans."""
    from kg.link.linker import link
    from kg.rdf import LINKS_GRAPH, links_to_graph, reference_graphs

    links = link(records)
    out = {LINKS_GRAPH: links_to_graph(links)}
    out.update(reference_graphs(links))
    return out


def _files_behind(message: str, graphs: dict[URIRef, Graph], files: dict[URIRef, str]) -> list[str]:
    """The documents whose graphs describe the focus nodes of a validation message (best effort).

    ``kg.validate`` writes one violation per line, ``focus  path  message``, with prefixed names.
    """
    from kg.store import prefixes

    pm = prefixes()
    found: list[str] = []
    for line in message.splitlines():
        focus = line.split("  ", 1)[0].strip()
        prefix, sep, local = focus.partition(":")
        if not sep or prefix not in pm:
            continue
        node = URIRef(pm[prefix] + local)
        for iri, g in graphs.items():
            name = files.get(iri)
            if name and name not in found and (node, None, None) in g:
                found.append(name)
    return found


def build(
    paths: list[Path | str] | None = None, store_spec: str | os.PathLike | Store | None = None
) -> BuildResult:
    """Build the graph of ``paths`` (default ``data/plans``) into ``store_spec`` (default ``$KG_STORE``
    or ``data/store``; ``memory``; or an open :class:`Store`, which is refilled in place).

    Raises ExtractionError / ValidationError / KGError; on any of them nothing has been written.
    """
    from kg.extract import extract_file
    from kg.rdf import ONTOLOGY_FILE, SHAPES_FILE, corpus_graphs, graph_iri, ontology_graph
    from kg.validate import validate

    start = time.perf_counter()
    files = plan_files(paths)

    records = []
    for f in files:
        try:
            records.append(extract_file(f))
        except ExtractionError:
            raise
        except OSError as e:
            raise ExtractionError(f.name, e.strerror or str(e)) from None

    owners: dict[URIRef, Path] = {}
    for f, r in zip(files, records, strict=True):
        iri = graph_iri(r.file)
        if iri in owners:
            raise KGError(f"{owners[iri]} and {f} would share the named graph <{iri}>; rename one")
        owners[iri] = f

    graphs: dict[URIRef, Graph] = dict(corpus_graphs(records))
    graphs.update(_link_graphs(records))
    graphs[ONTOLOGY_GRAPH] = ontology_graph()

    union = Graph()
    for g in graphs.values():
        for t in g:
            union.add(t)
    conforms, message = validate(union)
    if not conforms:
        culprits = _files_behind(message, graphs, {graph_iri(r.file): r.file for r in records})
        where = f" ({', '.join(culprits)})" if culprits else ""
        raise ValidationError(f"graph does not conform to the shapes{where}: {_one_line(message)}")

    actions = {r.file: len(r.actions) for r in records}
    info = {
        "kg_version": kg.__version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": len(records),
        "triples": len(union),
        "quads": sum(len(g) for g in graphs.values()),
        "actions": sum(actions.values()),
        "files": [
            {
                "file": r.file,
                "path": str(f),
                "sha256": r.sha256,
                "encoding": r.encoding,
                "graph": str(graph_iri(r.file)),
                "actions": len(r.actions),
                "indicators": len(r.indicators),
                "triples": len(graphs[graph_iri(r.file)]),
            }
            for f, r in zip(files, records, strict=True)
        ],
        "ontology": {
            "graph": str(ONTOLOGY_GRAPH),
            "sha256": _sha256(Path(ONTOLOGY_FILE)),
            "shapes_sha256": _sha256(Path(SHAPES_FILE)),
            "triples": len(graphs[ONTOLOGY_GRAPH]),
        },
    }

    memory_store = None
    if isinstance(store_spec, Store):
        store_spec.replace_all(graphs)
        spec = store_spec.spec
        memory_store = store_spec if isinstance(store_spec, MemoryStore) else None
    else:
        spec = str(default_spec() if store_spec is None else store_spec)
        kind = spec_kind(spec)
        if kind == "memory":
            memory_store = MemoryStore()
            memory_store.replace_all(graphs)
        elif kind == "http":
            from kg.store import HttpStore

            HttpStore(spec).replace_all(graphs)
        else:
            info["seconds"] = round(time.perf_counter() - start, 3)
            write_folder_store(Path(spec), graphs, info)

    return BuildResult(
        store=spec,
        documents=len(records),
        triples=len(union),
        actions=actions,
        seconds=time.perf_counter() - start,
        files=[str(f) for f in files],
        memory_store=memory_store,
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(parent: Path, name: str) -> None:
    """Remove temp/old folders left by builds whose process is gone (killed mid-build)."""
    for p in parent.glob(f"{name}.*-*"):
        kind, _, pid = p.name[len(name) + 1 :].partition("-")
        if kind in ("tmp", "old") and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def write_folder_store(target: Path, graphs: dict[URIRef, Graph], info: dict) -> None:
    """Write ``graphs`` as a new Oxigraph store at ``target``, atomically replacing what is there."""
    if target.exists() and not (target.is_dir() and (is_store_folder(target) or not any(target.iterdir()))):
        raise KGError(f"{target}: exists and is not a store; refusing to replace it")
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(parent, target.name)
    tmp = parent / f"{target.name}.tmp-{os.getpid()}"
    old = parent / f"{target.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    swapped_out = False
    try:
        store = OxigraphStore(tmp)
        try:
            store.replace_all(graphs)
        finally:
            store.close()
        (tmp / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.rename(target, old)
            swapped_out = True
        try:
            os.rename(tmp, target)
        except BaseException:
            if swapped_out:
                os.rename(old, target)
                swapped_out = False
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if swapped_out:
        shutil.rmtree(old, ignore_errors=True)


def read_build_info(store_path: str | os.PathLike) -> dict | None:
    """The ``build.json`` of a folder store, or None."""
    p = Path(store_path) / BUILD_INFO
    if not p.exists():
        return None
    return json.loads(p.read_text(encoding="utf-8"))
