"""What documents would add to a built store, before they join it: :func:`preview`.

The same path as an append build: the documents are extracted, then linked together with the
stored plans of their regions' ancestors and the plans they cite (from the store's records cache),
so a preview costs about what the new documents cost, however large the store. Nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.build.cache import RecordCache
from kg.build.extraction import extract_all
from kg.build.inputs import Refused, plan_files, read_inputs
from kg.locations import is_store_folder, read_build_info, spec_kind


@dataclass
class Preview:
    """The records of the previewed documents, their warnings, the refused files, and the links."""

    records: list = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    links: object = None  # kg.records.Links of the new records with their stored ancestors
    context: int = 0  # stored plans they were linked with

    @property
    def warnings(self) -> list[tuple[str, str]]:
        """(file, text) of every warning of the records."""
        return [(r.file, text) for r in self.records for text in r.warnings]

    def parents(self, record) -> list[tuple[object, object]]:
        """(parent PlanNode, PlanLink) of the plans ``record`` derives from, closest first."""
        from kg.records import plan_key

        if self.links is None:
            return []
        nodes = {n.key: n for n in self.links.plans}
        key = plan_key(record.meta.doc_number, record.meta.region, record.meta.title)
        out = [(nodes.get(pl.parent), pl) for pl in self.links.plan_links if pl.child == key]
        return sorted(out, key=lambda x: -x[1].score)

    def chain(self, record) -> list[object]:
        """The PlanNodes above ``record``, its parent first, up to the national plan."""
        from kg.records import plan_key

        if self.links is None:
            return []
        nodes = {n.key: n for n in self.links.plans}
        parent_of = {pl.child: pl.parent for pl in self.links.plan_links}
        key, out, seen = plan_key(record.meta.doc_number, record.meta.region, record.meta.title), [], set()
        while key in parent_of and key not in seen:
            seen.add(key)
            key = parent_of[key]
            if key in nodes:
                out.append(nodes[key])
        return out


def preview(paths: list[Path | str], *, store: str | os.PathLike | None = None) -> Preview:
    """Extract ``paths`` and link them with the plans above them in ``store`` (a folder store built by
    ``kg build``; for any other store, or none, they are linked with the national source alone)."""
    from kg.build.context import ancestors
    from kg.link.linker import link
    from kg.locations import default_spec

    files = plan_files(paths)
    inputs, refused = read_inputs(files)
    out = Preview(refused=list(refused))
    for result in extract_all(inputs, jobs=1):
        (out.refused if isinstance(result, Refused) else out.records).append(result)
    if not out.records:
        return out
    spec = str(default_spec() if store is None else store)
    context: list = []
    if spec_kind(spec) == "path" and is_store_folder(spec):
        info = read_build_info(spec)
        if info is not None:
            held = {r.file for r in out.records}
            old = [e for e in info.get("files", []) if e["file"] not in held and "plan" in e]
            context = ancestors(RecordCache(Path(spec)), old, out.records) or []
    out.links = link([*context, *out.records])
    out.context = len(context)
    return out
