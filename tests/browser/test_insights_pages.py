"""The customer matrix, the corridor, the perception gap and an account page in Chromium, on
the seeded demo, in English and Persian: no serious or critical axe violation, nothing
scrolls sideways on a phone, and the matrix's bubbles lead to the account pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from customers.models import Account
from surveys.models import Wave

from .conftest import DESKTOP, PHONE
from .staff_data import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
axe = Axe()


def blocking_violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_insights_pages_pass_axe_and_fit_a_phone(
    new_context, live_server, screenshots_dir, language
):
    call_command("seed_demo", "--force")
    northbridge = Account.objects.get(name="Northbridge Health System")
    latest_wave = Wave.objects.latest("period_start")
    pages = {
        "matrix": reverse("insights:matrix"),
        "matrix-wave": f"{reverse('insights:matrix')}?wave={latest_wave.pk}",
        "corridor": reverse("insights:corridor") + "?period=quarter&attribute=technician",
        "perception-gap": reverse("insights:perception_gap"),
        "account": reverse("insights:account", args=[northbridge.pk]),
    }
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = new_context(viewport=viewport)
        staff_login(context, live_server.url, language)
        page = context.new_page()
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, (name, response.status)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            page.screenshot(
                path=screenshots_dir / f"insights-{name}-{language}-{viewport_name}.png",
                full_page=True,
            )
            if viewport_name == "desktop":
                assert blocking_violations(page) == [], name
            else:
                assert page.evaluate(SIDEWAYS) <= 0, name


def test_a_matrix_bubble_opens_its_account_page(new_context, live_server):
    call_command("seed_demo", "--force")
    context = new_context(viewport=DESKTOP)
    staff_login(context, live_server.url)
    page = context.new_page()
    page.goto(reverse("insights:matrix"))

    bubble = page.locator("#customer-matrix a[aria-label='Northbridge Health System']")
    expect(bubble).to_have_count(1)
    bubble.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Northbridge Health System")
    expect(page.locator("#account-placements [data-metric='nps'] [data-quadrant]")).to_have_text(
        "At risk"
    )
