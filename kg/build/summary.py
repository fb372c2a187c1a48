"""What a build reports: :class:`BuildResult`, the ``build.json`` of a folder store, and the
headline counts kept there (computed with the store and ``kg/queries/*.rq``, nothing else)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kg.build.formats import build_format
from kg.build.inputs import Refused
from kg.store import Store
from kg.version import __version__


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
    refused: list[Refused] = field(default_factory=list)  # files not taken in, with the reason
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, text) of the records kept

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())


def record_warnings(records) -> list[tuple[str, str]]:
    return [(r.file, text) for r in records for text in r.warnings]


def store_counts(store: Store, triples: int | None = None) -> tuple[int, dict]:
    """(triples, the explorer's first-page counts) of a built store; ``triples``: its number when a
    patch of a counted store knows it (counting them scans the store: seconds at 10,000 plans)."""
    from kg.queries import load_query

    if triples is None:
        triples = store.quad_count()  # quads = distinct triples: each triple is in one graph
    row = store.query(load_query("build_counts")).records()[0]
    counts = {k: int(row[k] or 0) for k in ("plans", "heldPlans", "actions", "departments", "indicators")}
    levels = store.query(load_query("plans_per_level")).rows
    counts["plans_by_level"] = {str(level): int(n) for level, n in levels}
    return triples, {**counts, "triples": triples}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_entry(path: Path, record) -> dict:
    from kg.rdf import graph_iri, record_plan_iri

    return {
        "file": record.file,
        "path": str(path),
        "sha256": record.sha256,
        "encoding": record.encoding,
        "graph": str(graph_iri(record.file)),
        "plan": str(record_plan_iri(record)),
        "region": record.meta.region,
        "level": record.meta.level,
        "actions": len(record.actions),
        "indicators": len(record.indicators),
        "warnings": list(record.warnings),
    }


def build_info(
    documents: list[tuple[Path, object]],
    *,
    mode: str,
    extracted: int,
    replaced: list,
    removed: list,
    refused: list[Refused],
) -> dict:
    """The ``build.json`` of a folder store (without ``seconds``, ``phases``, ``triples``, ``counts``)."""
    from kg.rdf import ONTOLOGY_FILE, ONTOLOGY_GRAPH, SHAPES_FILE

    return {
        "format": build_format(),
        "kg_version": __version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "documents": len(documents),
        "actions": sum(len(r.actions) for _, r in documents),
        "incremental": mode != "full",
        "extracted": extracted,
        "replaced_graphs": sorted(str(g) for g in replaced),
        "removed_graphs": sorted(str(g) for g in removed),
        "files": [file_entry(f, r) for f, r in documents],
        "refused": [r.as_dict() for r in refused],
        "ontology": {
            "graph": str(ONTOLOGY_GRAPH),
            "sha256": _sha256(Path(ONTOLOGY_FILE)),
            "shapes_sha256": _sha256(Path(SHAPES_FILE)),
        },
    }
