"""The Diffusion and Matrix pages in a real browser (headless Chromium, as tests/test_e2e.py does).

Screenshots go to test-results/e2e/ (with KG_UPDATE_SCREENSHOTS=1 also to docs/screenshots/).
"""

from __future__ import annotations

import pytest
from test_e2e import CHROMIUM, OUT, browser_page, choose, open_page, screenshot, serve, settle, shows

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"
)


def top_left_cell(chart) -> tuple[float, float]:
    """The page coordinates of a point inside the heatmap's top-left cell: the leftmost column of
    dark blue pixels (cells with most actions; the legend's gradient is on the right), its top."""
    import io

    from PIL import Image

    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    img = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    scale = img.width / box["width"]
    dark = [
        (x, y)
        for y in range(img.height)
        for x in range(int(img.width * 0.7))
        if (lambda r, g, b: r < 60 and g < 110 and b > 100)(*img.getpixel((x, y)))
    ]
    assert dark, "no dark cell in the heatmap"
    left = min(x for x, _ in dark)
    top = min(y for x, y in dark if x <= left + 4)
    return box["x"] + (left + 6) / scale, box["y"] + (top + 6) / scale


def test_diffusion_and_matrix_in_the_browser(built_store):
    requests: list[str] = []
    with serve(built_store, OUT / "server-analyses.log") as (url, _):
        with browser_page(requests) as page:
            open_page(page, url + "/diffusion", "Median lag per level")
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.wait_for(state="visible")
            assert chart.bounding_box()["height"] > 100
            assert shows(page, "2019-06-24")  # the national plan's date, as a metric
            assert shows(page, "4 plans as points")
            screenshot(page, "diffusion")

            choose(page, "Province · 省份", "山西")
            assert shows(page, "1 plans as points")  # 晋城; 嘉峰镇 has no date

            open_page(page, url + "/matrix", "Actions of one cell")
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
            choose(page, "Department · 部门", "卫生健康委员会")
            choose(page, "Theme · 主题", "控烟行动")
            assert shows(page, "4 actions, 3 led (75%)")
            assert shows(page, "市卫健委牵头，市文明办、市教育局、市市场监管局、市税务局等按职责分工负责")
            settle(page)
            page.locator('[data-testid="stMain"]').evaluate("m => m.scrollTo(0, 0)")
            screenshot(page, "matrix")

            # a click on the heatmap's top-left cell (卫生健康委员会 × 健康知识普及行动) chooses that cell
            x, y = top_left_cell(page.locator('[data-testid="stVegaLiteChart"]').first)
            page.mouse.click(x, y)
            settle(page)
            assert shows(
                page, "卫生健康委员会 · Health Commission × 健康知识普及行动: 4 actions, 4 led (100%)"
            )
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert not outside, f"the app asked the network for {sorted(set(outside))[:10]}"
