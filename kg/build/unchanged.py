"""Mode ``unchanged``: the same files as the previous build of the same format; nothing is written.

The result repeats the previous build's counts, refused files and warnings."""

from __future__ import annotations

from kg.build.common import BuildRefused
from kg.build.inputs import Refused
from kg.build.plan import BuildPlan
from kg.build.summary import BuildResult
from kg.build.swap import remove_stale


def build_unchanged(plan: BuildPlan) -> BuildResult:
    previous = plan.previous
    remove_stale(plan.folder.parent, plan.folder.name)
    refused = [
        Refused(e["file"], e["reason"], e.get("path", ""), e.get("sha256", ""))
        for e in previous.get("refused", [])
    ]
    if plan.strict and refused:
        raise BuildRefused(refused, len(plan.files))
    return BuildResult(
        store=plan.spec,
        documents=len(previous["files"]),
        triples=previous["triples"],
        actions={e["file"]: e["actions"] for e in previous["files"]},
        seconds=plan.elapsed(),
        files=[str(f) for f in plan.files],
        mode="unchanged",
        refused=refused,
        warnings=[(e["file"], w) for e in previous["files"] for w in e.get("warnings", [])],
    )
