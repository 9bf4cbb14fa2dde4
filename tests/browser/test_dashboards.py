"""The executive dashboard in Chromium on the demo's data, in English and Persian: no serious
or critical axe violation, nothing scrolls sideways on a 360 px phone; screenshots of both."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.insights.test_dashboards import dashboard_story

from .conftest import DESKTOP, PHONE
from .staff_data import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
axe = Axe()


def blocking(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_the_executive_dashboard_passes_axe_and_fits_a_phone_in_english_and_persian(
    new_context, live_server, screenshots_dir
):
    call_command("seed_demo", "--force", "--password", "x")
    found = {}
    for language in ("en", "fa"):
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = new_context(viewport=viewport)
            staff_login(context, live_server.url, language)
            page = context.new_page()
            page.goto(reverse("insights:index"), timeout=60_000)
            expect(page.locator("#executive-matrix-card")).to_be_visible()
            expect(page.locator("#revenue-at-risk")).to_be_visible()
            page.screenshot(
                path=screenshots_dir / f"executive-{language}-{name}.png", full_page=True
            )
            found[(language, name)] = (page.evaluate(SIDEWAYS), blocking(page))
            assert page.locator("html").get_attribute("dir") == (
                "rtl" if language == "fa" else "ltr"
            )
            page.close()

    assert {key: sideways for key, (sideways, _v) in found.items() if sideways > 0} == {}
    assert {key: violations for key, (_s, violations) in found.items() if violations} == {}


@pytest.mark.parametrize("name", ["gm", "team", "analyst", "trends", "drivers", "loyalty"])
def test_the_other_dashboards_and_analysis_pages_pass_axe_in_persian_on_a_phone(
    new_context, live_server, screenshots_dir, name
):
    dashboard_story()
    context = new_context(viewport=PHONE)
    staff_login(context, live_server.url, "fa")
    page = context.new_page()

    page.goto(reverse(f"insights:{name}"), timeout=60_000)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=screenshots_dir / f"{name}-fa-phone.png", full_page=True)
    assert page.evaluate(SIDEWAYS) <= 0
    assert blocking(page) == []
