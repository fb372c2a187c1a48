"""The Compare page in a real browser (headless Chromium, as tests/test_e2e.py does): the two seed
plans side by side, and files downloaded through the page's buttons, opened with their own readers.

Screenshots go to test-results/e2e/ (with KG_UPDATE_SCREENSHOTS=1 also to docs/screenshots/).
"""

from __future__ import annotations

import io

import pytest
from test_e2e import CHROMIUM, OUT, browser_page, open_page, screenshot, serve, settle, shows

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"
)


def download(page, button) -> bytes:
    with page.expect_download() as info:
        button.click()
    return open(info.value.path(), "rb").read()  # noqa: SIM115, PTH123 - Playwright's temporary file


def test_compare_in_the_browser(built_store):
    import openpyxl
    import pandas as pd
    from PIL import Image

    requests: list[str] = []
    with serve(built_store, OUT / "server-compare.log") as (url, _):
        with browser_page(requests) as page:
            open_page(page, url + "/compare", "Themes · 主题")
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
            assert shows(page, "Text reuse is measured for")
            assert shows(page, "嘉峰镇")
            settle(page)
            screenshot(page, "compare")

            buttons = page.locator('[data-testid="stDownloadButton"] button')
            csv = download(page, buttons.filter(has_text="CSV").first)
            themes = pd.read_csv(io.StringIO(csv.decode("utf-8-sig")))
            row = themes[themes["theme · 主题"] == "慢性呼吸系统疾病防治行动"].iloc[0]
            assert row["status · 状态"] == "only A · 仅甲"
            xlsx = download(page, buttons.filter(has_text="Excel").first)
            sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
            assert sheet.max_row == 1 + len(themes) == 20  # 19 themes of the two plans, and the heads
            png = download(page, buttons.filter(has_text="PNG").first)
            assert Image.open(io.BytesIO(png)).format == "PNG"
            svg = download(page, buttons.filter(has_text="SVG").first).decode("utf-8")
            assert "控烟行动" in svg

            # the whole graph, from the sidebar: made when pressed, read back with rdflib
            from rdflib import Graph, Literal, URIRef

            turtle = download(
                page, page.locator('[data-testid="stSidebar"] button').filter(has_text="Turtle")
            )
            g = Graph().parse(data=turtle, format="turtle")
            plan = URIRef("https://w3id.org/healthy-china/id/doc/嘉政发-2023-27")
            title = URIRef("http://data.europa.eu/eli/ontology#title")
            assert (plan, title, Literal("嘉峰镇人民政府关于推进健康嘉峰建设的实施方案", lang="zh")) in g
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert not outside, f"the app asked the network for {sorted(set(outside))[:10]}"
