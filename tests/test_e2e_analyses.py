"""The Diffusion and Matrix pages in a real browser (headless Chromium, as tests/test_e2e.py does).

Screenshots go to test-results/e2e/ (with KG_UPDATE_SCREENSHOTS=1 also to docs/screenshots/).
"""

from __future__ import annotations

import pytest
from test_e2e import CHROMIUM, OUT, browser_page, choose, open_page, screenshot, serve, settle, shows

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)"
)


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
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert not outside, f"the app asked the network for {sorted(set(outside))[:10]}"
