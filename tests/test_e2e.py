"""The explorer in a real browser: `streamlit run app.py` driven by headless Chromium (Playwright).

Debian's Chromium is used (`/usr/bin/chromium`, installed by .ci/run with apt; Playwright's own browser
builds cannot be downloaded here). The server runs as a subprocess on a free loopback port with
KG_STORE pointing to a temporary store, and is stopped by its process id at the end, also on failure.

Screenshots of every main page go to test-results/e2e/ (git-ignored); with KG_UPDATE_SCREENSHOTS=1
they are also copied to docs/screenshots/ for the README. The start-up times (first start, which
builds the store, and second start) are written to test-results/e2e/timings.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
FIXTURES = Path(__file__).resolve().parent / "e2e_fixtures"
CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-results" / "e2e"
DOCS = ROOT / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PER_PLAN = """SELECT ?plan (COUNT(?action) AS ?n)
WHERE { ?plan a hc:Plan ; hc:held true ; eli:has_part ?action }
GROUP BY ?plan"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"
)


# -- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(store: Path, log: Path, plans: Path = PLANS):
    """`streamlit run app.py` on a free port; yields (base URL, seconds until healthy); always stopped."""
    port = free_port()
    env = dict(os.environ, KG_STORE=str(store), KG_PLANS=str(plans), PYTHONUNBUFFERED="1")
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
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"streamlit exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"streamlit did not answer in 90 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield url, time.perf_counter() - start
        finally:
            proc.terminate()  # by its process id
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


@contextlib.contextmanager
def browser_page(requests: list[str] | None = None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(60_000)
            if requests is not None:
                page.on("request", lambda r: requests.append(r.url))
            yield page
        finally:
            browser.close()


# -- page helpers --------------------------------------------------------------------------------


def open_page(page, url: str, ready_text: str) -> None:
    page.goto(url)
    page.get_by_text(ready_text).first.wait_for(state="visible")
    settle(page)


def settle(page, quiet: float = 0.8) -> None:
    """Wait until Streamlit is no longer running the script (the status widget is gone)."""
    page.wait_for_timeout(300)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            page.wait_for_timeout(int(quiet * 1000))
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
        page.wait_for_timeout(200)


def choose(page, label: str, typed: str) -> None:
    """Pick an option of the selectbox labelled ``label`` by typing part of it."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    settle(page)


def screenshot(page, name: str, max_height: int = 2400, publish: bool = True) -> Path:
    """The whole page (the main area scrolls inside the window: grow the window to fit)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight }"
    )
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height) + 40, max_height))})
    page.wait_for_timeout(1200)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    if publish and os.environ.get("KG_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def shows(page, text: str) -> bool:
    """``text`` is on screen as text (some element showing it is visible)."""
    loc = page.get_by_text(text, exact=False).filter(visible=True)
    try:
        loc.first.wait_for(state="visible", timeout=15_000)
    except Exception:
        return False
    return True


def pyvis_frame(page):
    """The Frame of the pyvis network (the iframe whose page holds vis-network)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            with contextlib.suppress(Exception):
                if frame.evaluate(
                    "() => typeof vis !== 'undefined' && !!document.querySelector('#mynetwork')"
                ):
                    return frame
        page.wait_for_timeout(250)
    raise AssertionError("no pyvis iframe on the page")


# -- the tour ------------------------------------------------------------------------------------


def test_explorer_in_the_browser(tmp_path):
    """First start builds the store; every page renders; SPARQL runs; the network is drawn."""
    store = tmp_path / "store"
    requests: list[str] = []
    timings: dict[str, float] = {}
    with serve(store, OUT / "server-first.log") as (url, healthy):
        with browser_page(requests) as page:
            start = time.perf_counter()
            open_page(page, url + "/", "Held plans")
            timings["first_start_server_ready_seconds"] = round(healthy, 2)
            timings["first_start_seconds"] = round(healthy + time.perf_counter() - start, 2)
            assert (store / "build.json").exists()
            metric = page.locator('[data-testid="stMetric"]').first.inner_text()
            assert "5" in metric
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")  # the cascade
            screenshot(page, "overview")

            open_page(page, url + "/departments", "Actions of one department")
            assert shows(page, "卫生健康委员会 · Health Commission")
            screenshot(page, "departments")

            open_page(page, url + "/trace", "The chain")
            choose(page, "Action · 行动", "控烟")
            page.get_by_text("国发〔2019〕13号").first.wait_for(state="visible")
            assert page.locator("mark.reused").count() > 0
            screenshot(page, "trace")

            open_page(page, url + "/indicators", "vs national")
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
            screenshot(page, "indicators")

            open_page(page, url + "/network", "Nodes")
            frame = pyvis_frame(page)
            canvas = frame.locator("canvas").first
            canvas.wait_for(state="visible")
            assert canvas.bounding_box()["width"] > 300
            page.wait_for_timeout(2500)  # let the physics settle for the picture
            screenshot(page, "network")

            open_page(page, url + "/sparql", "Row cap")
            editor = page.frame_locator('iframe[title*="code_editor"]')
            editor.locator(".ace_content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(PER_PLAN)
            page.get_by_role("button", name="Run query · 运行").click()
            page.get_by_text("5 rows ·").first.wait_for(state="visible")
            page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
            settle(page)
            assert "q=SELECT" in page.url
            # the address reproduces the query: a fresh page at that address runs it again
            page.goto(page.url)
            page.get_by_text("5 rows ·").first.wait_for(state="visible")
            page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
            settle(page)
            screenshot(page, "sparql")

            open_page(page, url + "/add-plan", "Plan text")
            page.locator('input[type="file"]').set_input_files(str(FIXTURES / "901_sample_county_plan.txt"))
            page.get_by_text("Links to the plans above").first.wait_for(state="visible")
            assert shows(page, "the graph would hold 6 plans")
            page.get_by_role("button", name="Add to the graph · 加入图谱").wait_for(state="visible")
            settle(page)
            screenshot(page, "add_plan")

    # second start: the store is there, the app opens at once
    with serve(store, OUT / "server-second.log") as (url, healthy):
        with browser_page() as page:
            start = time.perf_counter()
            page.goto(url + "/")
            page.get_by_text("Held plans").first.wait_for(state="visible")
            timings["second_start_server_ready_seconds"] = round(healthy, 2)
            timings["second_start_seconds"] = round(healthy + time.perf_counter() - start, 2)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(f"\nexplorer start-up: {timings}")
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert not outside, f"the app asked the network for {sorted(set(outside))[:10]}"
    assert timings["second_start_seconds"] < 10


# -- XSS ---------------------------------------------------------------------------------------

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'


def arm(store: Path) -> int:
    """Rewrite the fixture's short payloads to the full ones in every literal of the built store.

    (The extractor keeps department names of at most 30 characters and drops "_", so the fixture text
    carries `<script>xss=1</script>` and `onerror=xss=1`.)
    """
    import pyoxigraph as ox

    s = ox.Store(str(store))
    changes = []
    for q in s.quads_for_pattern(None, None, None, None):
        o = q.object
        if isinstance(o, ox.Literal) and "xss=1" in o.value:
            value = o.value.replace("<script>xss=1</script>", SCRIPT).replace(
                "onerror=xss=1", 'onerror="window.__xss=1"'
            )
            new = (
                ox.Literal(value, language=o.language)
                if o.language
                else ox.Literal(value, datatype=o.datatype)
            )
            changes.append((q, ox.Quad(q.subject, q.predicate, new, q.graph_name)))
    for old, new in changes:
        s.remove(old)
        s.add(new)
    s.flush()
    del s
    return len(changes)


def assert_no_xss(page) -> None:
    for frame in page.frames:
        with contextlib.suppress(Exception):  # a frame may navigate away while we look
            flags = frame.evaluate("() => [typeof window.__xss, typeof window.xss]")
            assert flags == ["undefined", "undefined"], f"script ran in {frame.url[:80]}: {flags}"


def test_document_text_is_never_executed(tmp_path):
    from kg.build import build

    store = tmp_path / "store"
    build([PLANS, FIXTURES / "900_xss_plan.txt"], str(store))
    assert arm(store) > 0
    dialogs: list[str] = []
    with serve(store, OUT / "server-xss.log") as (url, _):
        with browser_page() as page:
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            open_page(page, url + "/departments", "Actions of one department")
            choose(page, "Plan · 文件", "试验镇")
            page.get_by_text("Read the source sentences").first.wait_for(state="visible")
            for text in (SCRIPT + "教育局", IMG + "卫健委", IMG + "控烟行动"):
                assert shows(page, text), text
            assert_no_xss(page)
            screenshot(page, "xss_departments", publish=False)

            open_page(page, url + "/network", "Nodes")
            choose(page, "Plan · 文件", "试验镇")
            frame = pyvis_frame(page)
            frame.locator("canvas").first.wait_for(state="visible")
            labels = frame.evaluate("() => nodes.get().map(n => n.label)")
            assert IMG + "控烟行动" in labels and SCRIPT + "全民健身行动" in labels
            assert "<img" not in frame.content().split("<body", 1)[1].split("<script", 1)[0]
            choose(page, "Look up a node · 查看节点", "全民健身")
            assert shows(page, SCRIPT + "全民健身行动")
            page.wait_for_timeout(1500)
            assert_no_xss(page)
            screenshot(page, "xss_network", publish=False)

            open_page(page, url + "/trace", "The chain")
            choose(page, "Plan · 文件", "试验镇")
            choose(page, "Action · 行动", "控烟")
            assert shows(page, IMG + "控烟行动")
            assert_no_xss(page)
    assert not dialogs
