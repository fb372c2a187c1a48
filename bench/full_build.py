"""Full builds of one corpus, timed, by one or more checkouts of the code in turn (so that their
ratios come from one run, at one hour).

    python bench/full_build.py --corpus DIR [--code DIR ...] [--runs 1] [--json OUT.json --key NAME]

Each build is ``python -m kg build CORPUS --store S`` in a process of its own, started in the
checkout's folder (its ``kg`` is the one imported), under ``/usr/bin/time -v`` (wall clock, CPU
seconds, peak memory), into a new store folder that is deleted afterwards. The build's own clock
and phases come from its ``build.json``. ``--code`` defaults to this checkout; with several, runs
alternate between them. With ``--json``, the runs are written under ``--key`` into that file (a
JSON object, the other keys kept).
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
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _revision(code: Path) -> str:
    out = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "?"


def _time_v(stderr: str, label: str) -> str | None:
    found = re.search(rf"{re.escape(label)}: (.+)", stderr)
    return found.group(1).strip() if found else None


def one_build(code: Path, corpus: Path, scratch: Path) -> dict:
    store = scratch / "store"
    shutil.rmtree(store, ignore_errors=True)
    load_before = _load()
    started = datetime.now(UTC).isoformat(timespec="minutes")
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store)]
    out = subprocess.run(cmd, cwd=code, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{code}: the build failed ({out.returncode}):\n{out.stderr[-2000:]}")
    info = json.loads((store / "build.json").read_text(encoding="utf-8"))
    run = {
        "code": _revision(code),
        "date": started,
        "load_before": load_before,
        "load_after": _load(),
        "triples": info.get("triples"),
        "build_seconds": info.get("seconds"),
        "phases": info.get("phases"),
        "command_wall": _time_v(out.stderr, "Elapsed (wall clock) time (h:mm:ss or m:ss)"),
        "cpu_seconds": round(
            float(_time_v(out.stderr, "User time (seconds)"))
            + float(_time_v(out.stderr, "System time (seconds)")),
            2,
        ),
        "peak_rss_kb": int(_time_v(out.stderr, "Maximum resident set size (kbytes)")),
    }
    shutil.rmtree(store, ignore_errors=True)
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--code", action="append", help="a checkout of the code (default: this one)")
    ap.add_argument("--runs", type=int, default=1, help="builds per checkout (default 1)")
    ap.add_argument("--scratch", help="folder for the stores (default: a new temporary folder)")
    ap.add_argument("--json")
    ap.add_argument("--key", help="the key of these runs in the --json file")
    args = ap.parse_args()
    if args.json and not args.key:
        ap.error("--json needs --key")
    codes = [Path(c).resolve() for c in (args.code or [str(ROOT)])]
    corpus = Path(args.corpus).resolve()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="kg-full-build-"))
    runs = []
    for k in range(args.runs):
        for code in codes:
            run = one_build(code, corpus, scratch)
            runs.append(run)
            print(
                f"run {k + 1} {run['code']}: {run['build_seconds']} s, {run['cpu_seconds']} CPU-s, "
                f"{run['peak_rss_kb'] / 1e6:.2f} GB, load {run['load_before']}",
                flush=True,
            )
    medians = {
        rev: {
            "build_seconds": statistics.median(r["build_seconds"] for r in rs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in rs),
            "peak_rss_kb": statistics.median(r["peak_rss_kb"] for r in rs),
        }
        for rev in dict.fromkeys(r["code"] for r in runs)
        for rs in [[r for r in runs if r["code"] == rev]]
    }
    result = {
        "corpus": str(corpus),
        "command": "python -m kg build CORPUS --store S",
        "medians": medians,
        "runs": runs,
    }
    print(json.dumps(medians))
    if args.json:
        path = Path(args.json)
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data[args.key] = result
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
