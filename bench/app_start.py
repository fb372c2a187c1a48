"""Start-up time of the explorer on a built store: ``streamlit run app.py`` in a subprocess, then
headless Chromium until the Overview page shows its counts, then until it has drawn the cascade (the
sunburst of regions).

    python bench/app_start.py --store DIR [--runs 3] [--json OUT.json]
    python bench/app_start.py --floor [--runs 3]      # a bare app: Streamlit's own start, the floor

Prints, per run, the seconds until the server answers its health check, until the browser has
loaded Streamlit's front end, until the counts are visible and until the cascade is drawn (all from
the moment the command starts), and their medians. The store must be built already: this measures
the second and later starts (``--warmup`` starts, not counted, first fill Streamlit's disk cache,
in a HOME of the bench's own). ``--floor`` runs a one-line app, ``st.metric("Held plans", …)`` (``--floor-write``:
``st.write``), with the project's ``.streamlit/config.toml``: what no app can start faster than on
this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
COUNTS_TEXT = "Held plans"
FLOOR_APPS = {
    "metric": 'import streamlit as st\nst.metric("Held plans · 已收录", "10,000")\n',
    "write": 'import streamlit as st\nst.write("Held plans")\n',
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start(app_dir: Path, store: Path | None, home: Path, *, cascade: bool) -> dict[str, float]:
    """One ``streamlit run app.py`` in ``app_dir`` opened in a fresh browser: seconds from the
    command's start to each stage. ``home`` is the server's HOME, where Streamlit keeps its disk
    cache (~/.streamlit/cache)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, HOME=str(home))
    if store:
        env["KG_STORE"] = str(store)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - start > 90:
                        raise SystemExit("streamlit did not start") from None
                    time.sleep(0.02)
            out["server_ready_s"] = time.perf_counter() - start
            page.goto(f"http://127.0.0.1:{port}/")  # returns on the page's load event
            out["page_loaded_s"] = time.perf_counter() - start
            page.get_by_text(COUNTS_TEXT).first.wait_for(state="visible", timeout=120_000)
            out["counts_visible_s"] = time.perf_counter() - start
            if cascade:  # the sunburst of regions drawn by Vega
                page.locator(
                    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
                ).first.wait_for(state="visible", timeout=300_000)
                out["cascade_drawn_s"] = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(10)
            browser.close()
    return {k: round(v, 2) for k, v in out.items()}


def floor_app(kind: str) -> Path:
    """A folder holding a one-line app and the project's Streamlit config."""
    folder = Path(tempfile.mkdtemp(prefix="kg-floor-"))
    (folder / "app.py").write_text(FLOOR_APPS[kind], encoding="utf-8")
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
    return folder


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--floor", action="store_true", help="a bare st.metric app instead of the explorer")
    ap.add_argument("--floor-write", action="store_true", help="a bare st.write app")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="starts run first and not counted")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--note", default="")
    args = ap.parse_args(argv)
    floor = "write" if args.floor_write else "metric" if args.floor else None
    if floor:
        app_dir, store = floor_app(floor), None
    else:
        if not args.store or not (args.store / "build.json").is_file():
            raise SystemExit(f"{args.store}: not a built store")
        app_dir, store = ROOT, args.store.resolve()
    # A HOME of its own: the answers the warm-up starts keep on disk are this code's, and no other
    # app started on this machine meanwhile (another version's) clears them between the runs.
    home = Path(tempfile.mkdtemp(prefix="kg-app-start-home-"))
    load_before = os.getloadavg()
    started = datetime.now(UTC)
    for _ in range(args.warmup):
        one_start(app_dir, store, home, cascade=not floor)
    runs = [one_start(app_dir, store, home, cascade=not floor) for _ in range(args.runs)]
    load_after = os.getloadavg()
    shutil.rmtree(home, ignore_errors=True)
    if floor:
        shutil.rmtree(app_dir, ignore_errors=True)
    for k, run in enumerate(runs, 1):
        print(f"run {k}: " + ", ".join(f"{name[:-2].replace('_', ' ')} {v:.2f} s" for name, v in run.items()))
    medians = {
        f"{name[:-2]}_median_s": round(statistics.median(r[name] for r in runs), 2) for name in runs[0]
    }
    result: dict = {"date": started.strftime("%Y-%m-%d %H:%M UTC")}
    if floor:
        result["app"] = FLOOR_APPS[floor]
    else:
        info = json.loads((args.store / "build.json").read_text(encoding="utf-8"))
        result.update(store=str(args.store), documents=info.get("documents"), triples=info.get("triples"))
    result.update(medians)
    result.update(
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in load_after],
        cores=os.cpu_count(),
        warmup_starts=args.warmup,
        runs=runs,
    )
    if args.note:
        result["note"] = args.note
    print("median: " + ", ".join(f"{k[:-9].replace('_', ' ')} {v} s" for k, v in medians.items()))
    print(f"load average (1, 5, 15 min) before {result['load_before']}, after {result['load_after']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
