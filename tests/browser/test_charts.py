"""The SVG charts in Chromium: axe finds nothing serious, they scale, their links are reachable."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.insights.test_charts import draw_all

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
axe = Axe()


def chart_page(browser, rtl: bool, width: int = 720):
    charts = draw_all(rtl=rtl)
    figures = "".join(
        f'<figure style="width:{width}px;margin:0 0 16px">{svg}</figure>' for svg in charts.values()
    )
    page = browser.new_page(viewport={"width": width + 40, "height": 900})
    language, direction = ("fa", "rtl") if rtl else ("en", "ltr")
    page.set_content(
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>Charts</title></head><body><main><h1>Charts</h1>{figures}</main></body></html>"
    )
    return page


@pytest.mark.parametrize("rtl", [False, True], ids=["en", "fa"])
def test_charts_pass_axe_in_both_directions(browser, rtl, screenshots_dir):
    page = chart_page(browser, rtl)

    violations = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]
    page.screenshot(path=screenshots_dir / f"charts-{'fa' if rtl else 'en'}.png", full_page=True)
    page.close()
    assert violations == []


def test_charts_fill_their_container_and_keep_their_aspect_ratio(browser):
    page = chart_page(browser, rtl=False, width=480)

    boxes = page.eval_on_selector_all(
        "svg.cem-chart",
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height,"
        " e.viewBox.baseVal.width, e.viewBox.baseVal.height])",
    )
    page.close()
    assert len(boxes) == 7
    for width, height, view_width, view_height in boxes:
        assert width == pytest.approx(480, abs=0.5)
        assert height == pytest.approx(480 * view_height / view_width, abs=1)


def test_matrix_bubbles_are_links_a_keyboard_reaches_with_the_account_name(browser):
    page = chart_page(browser, rtl=False)

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.getAttribute('aria-label'),"
        " document.activeElement.getAttribute('href') ||"
        " document.activeElement.getAttributeNS('http://www.w3.org/1999/xlink', 'href')]"
    )
    page.close()
    assert focused == ["Northbridge Health System", "/accounts/1/"]
