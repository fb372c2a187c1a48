"""Start-up time of the explorer on a built store: ``streamlit run app.py`` in a subprocess, then
headless Chromium until the Overview page shows its counts, then until it has drawn the cascade (the sunburst of regions).

    python bench/app_start.py --store DIR [--runs 3] [--json OUT.json]

Prints, per run, the seconds until the server answers its health check and until the counts are
visible in the browser (both from the moment the command starts), and their medians. The store must
be built already: this measures the second and later starts.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start(store: Path) -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, KG_STORE=str(store))
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
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - start > 90:
                        raise SystemExit("streamlit did not start") from None
                    time.sleep(0.05)
            healthy = time.perf_counter() - start
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Held plans").first.wait_for(state="visible", timeout=120_000)
            shown = time.perf_counter() - start
            # the cascade: the sunburst of regions drawn by Vega
            page.locator(
                '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
            ).first.wait_for(state="visible", timeout=300_000)
            drawn = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(10)
            browser.close()
    return healthy, shown, drawn


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not (args.store / "build.json").is_file():
        raise SystemExit(f"{args.store}: not a built store")
    runs = [one_start(args.store.resolve()) for _ in range(args.runs)]
    for k, (healthy, shown, drawn) in enumerate(runs, 1):
        print(
            f"run {k}: server answers after {healthy:.2f} s, counts visible after {shown:.2f} s, "
            f"cascade drawn after {drawn:.2f} s"
        )
    info = json.loads((args.store / "build.json").read_text(encoding="utf-8"))
    result = {
        "store": str(args.store),
        "documents": info.get("documents"),
        "triples": info.get("triples"),
        "server_ready_median_s": round(statistics.median(r[0] for r in runs), 2),
        "counts_visible_median_s": round(statistics.median(r[1] for r in runs), 2),
        "cascade_drawn_median_s": round(statistics.median(r[2] for r in runs), 2),
        "runs": [
            {"server_ready_s": round(h, 2), "counts_visible_s": round(s, 2), "cascade_drawn_s": round(d, 2)}
            for h, s, d in runs
        ],
    }
    print(
        f"median: server {result['server_ready_median_s']} s, counts visible {result['counts_visible_median_s']} s, "
        f"cascade drawn {result['cascade_drawn_median_s']} s"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
