"""Extraction speed of the working tree against an earlier revision, on the same corpus, in one run.

    python bench/extract_speed.py --baseline REV [--plans N] [--repeats R] [--json OUT]

Generates N synthetic plans (bench/generate.py) and adds the seeds (with `--fixtures`, also the
as-found documents of tests/fixtures, most of which an older extractor refuses at once), then times
`extract_file` over all of them with the baseline's `kg` (checked out
with `git archive` into a temporary folder) and with the working tree's, alternating the two,
each in a fresh process. Reports per-document medians and the ratio new / baseline; with
`--instructions`, also the instructions each executes per document under valgrind, a figure a busy
machine does not move.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_TIMER = r"""
import sys, time
from pathlib import Path
from kg.extract import extract_file
from kg.errors import ExtractionError
files = [Path(p) for p in sys.argv[1:]]
start, cpu = time.perf_counter(), time.process_time()
refused = 0
for f in files:
    try:
        extract_file(f)
    except ExtractionError:
        refused += 1
print(time.perf_counter() - start, time.process_time() - cpu, refused)
"""


def _time(code_root: Path, files: list[Path]) -> tuple[float, float, int]:
    env = dict(os.environ, PYTHONPATH=str(code_root))
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, *map(str, files)],
        cwd=code_root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def _instructions(code_root: Path, files: list[Path]) -> int:
    """Instructions the extraction of `files` executes (valgrind's callgrind), less those of the
    imports alone: a count that does not depend on what else the machine is doing."""
    python = os.path.realpath(sys.executable)  # valgrind must see the interpreter, not a shim

    def collected(args: list[str]) -> int:
        err = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, *args],
            cwd=code_root,
            env=dict(os.environ, PYTHONPATH=str(code_root)),
            check=True,
            capture_output=True,
            text=True,
        ).stderr
        return int(re.search(r"Collected : (\d+)", err).group(1))

    return collected(["-c", _TIMER, *map(str, files)]) - collected(["-c", _IMPORTS])


_IMPORTS = "from kg.extract import extract_file\nfrom kg.errors import ExtractionError"


def _checkout(rev: str, into: Path) -> None:
    archive = subprocess.run(["git", "archive", rev, "kg", "data"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="git revision to compare with")
    ap.add_argument("--plans", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--fixtures", action="store_true", help="also time the documents of tests/fixtures")
    ap.add_argument(
        "--instructions", action="store_true", help="also count instructions per document (valgrind; minutes)"
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "generate.py"),
                "--plans",
                str(args.plans),
                "--out",
                str(corpus),
            ],
            check=True,
            capture_output=True,
        )
        files = sorted(corpus.glob("*.txt")) + sorted((ROOT / "data" / "plans").glob("*.txt"))
        if args.fixtures:
            files += sorted((ROOT / "tests" / "fixtures").glob("*/*.txt"))
        baseline = tmp_path / "baseline"
        baseline.mkdir()
        _checkout(args.baseline, baseline)
        runs: dict[str, list[float]] = {"baseline": [], "new": []}
        cpu: dict[str, list[float]] = {"baseline": [], "new": []}
        refused: dict[str, int] = {}
        for _ in range(args.repeats):
            for name, code in (("baseline", baseline), ("new", ROOT)):
                seconds, cpu_seconds, n_refused = _time(code, files)
                runs[name].append(seconds)
                cpu[name].append(cpu_seconds)
                refused[name] = n_refused
        instructions = (
            {name: _instructions(code, files) for name, code in (("baseline", baseline), ("new", ROOT))}
            if args.instructions
            else None
        )
    medians = {k: statistics.median(v) for k, v in runs.items()}
    cpu_medians = {k: statistics.median(v) for k, v in cpu.items()}
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
        },
        "baseline": args.baseline,
        "documents": len(files),
        "seconds": runs,
        "median_seconds": medians,
        "ms_per_document": {k: 1000 * v / len(files) for k, v in medians.items()},
        "refused": refused,
        "ratio_new_over_baseline": medians["new"] / medians["baseline"],
        # CPU time of the extracting process: what the code costs, less sensitive to a busy machine
        "cpu_seconds": cpu,
        "cpu_ms_per_document": {k: 1000 * v / len(files) for k, v in cpu_medians.items()},
        "cpu_ratio_new_over_baseline": cpu_medians["new"] / cpu_medians["baseline"],
    }
    if instructions:
        result["instructions_per_document"] = {k: round(v / len(files)) for k, v in instructions.items()}
        result["instructions_ratio_new_over_baseline"] = instructions["new"] / instructions["baseline"]
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
