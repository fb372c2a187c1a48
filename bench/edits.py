"""Edits on a built store, timed: remove one plan, edit one plan's text, add the removed plan back.

    python bench/edits.py --store DIR --corpus DIR --remove FILE --edit FILE OLD NEW \
        [--runs 3] [--json OUT.json]

Works on the given store and corpus folder (give copies: both are changed, and left as they were
given only when every step succeeds). Each step is one ``kg build`` in a process of its own under
``/usr/bin/time -v`` (peak memory); the build's own phases come from its ``build.json`` and the
seconds the summaries took (``kg.summaries.write_summaries``, timed around the call) are reported
apart. Every run is remove, edit, revert the edit, add back; medians over ``--runs``. The date (UTC)
and the machine's load before and after go with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def one(corpus: str, store: str) -> None:
    """A ``kg build`` in this process, the summaries' seconds measured around their call."""
    sys.path.insert(0, str(ROOT))
    import kg.build.swap as swap
    from kg.build import build, read_build_info

    spent = {"summaries": 0.0}
    write = swap.write_summaries

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return write(*args, **kwargs)
        finally:
            spent["summaries"] += time.perf_counter() - start

    swap.write_summaries = timed
    start = time.perf_counter()
    res = build([corpus], store, strict=False)
    info = read_build_info(store)
    print(
        "RESULT "
        + json.dumps(
            {
                "mode": res.mode,
                "seconds": round(time.perf_counter() - start, 3),
                "phases": res.phases,
                "summaries_seconds": round(spent["summaries"], 3),
                "links_changed": list(res.links_changed) if res.links_changed else None,
                "relinked_records": info.get("relinked"),
                "triples": res.triples,
            }
        )
    )


def step(corpus: Path, store: Path) -> dict:
    cmd = ["/usr/bin/time", "-v", sys.executable, __file__, "--one", str(corpus), str(store)]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    found = json.loads(line[len("RESULT ") :])
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    found["command_seconds"] = round(wall, 3)
    found["peak_rss_kb"] = int(rss.group(1)) if rss else None
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2, metavar=("CORPUS", "STORE"))
    ap.add_argument("--store")
    ap.add_argument("--corpus")
    ap.add_argument("--remove")
    ap.add_argument("--edit", nargs=3, metavar=("FILE", "OLD", "NEW"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.one:
        one(*args.one)
        return
    corpus, store = Path(args.corpus), Path(args.store)
    aside = corpus.parent / f"{corpus.name}.aside"
    aside.mkdir(exist_ok=True)
    edit_path = corpus / args.edit[0]
    original = edit_path.read_text(encoding="utf-8")
    if args.edit[1] not in original:
        raise SystemExit(f"{edit_path}: {args.edit[1]!r} not found")
    edited = original.replace(args.edit[1], args.edit[2], 1)
    load_before = _load()
    runs: dict[str, list[dict]] = {"remove": [], "edit": [], "edit back": [], "add back": []}
    for k in range(args.runs):
        shutil.move(corpus / args.remove, aside / args.remove)
        runs["remove"].append(step(corpus, store))
        edit_path.write_text(edited, encoding="utf-8")
        runs["edit"].append(step(corpus, store))
        edit_path.write_text(original, encoding="utf-8")
        runs["edit back"].append(step(corpus, store))
        shutil.move(aside / args.remove, corpus / args.remove)
        runs["add back"].append(step(corpus, store))
        print(
            f"run {k + 1}: " + ", ".join(f"{n} {r[-1]['seconds']:.2f} s" for n, r in runs.items()), flush=True
        )
    aside.rmdir()
    medians = {
        name: {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "summaries_seconds": statistics.median(r["summaries_seconds"] for r in rs),
            "without_summaries_seconds": statistics.median(r["seconds"] - r["summaries_seconds"] for r in rs),
            "peak_rss_kb": statistics.median(r["peak_rss_kb"] or 0 for r in rs),
            "modes": sorted({r["mode"] for r in rs}),
        }
        for name, rs in runs.items()
    }
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": str(store),
        "corpus": str(corpus),
        "removed": args.remove,
        "edited": args.edit,
        "load_before": load_before,
        "load_after": _load(),
        "medians": medians,
        "runs": runs,
    }
    print(json.dumps(medians, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
