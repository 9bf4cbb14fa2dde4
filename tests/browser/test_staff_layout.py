"""The staff results pages on a phone: nothing scrolls sideways, the filters fold away."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .staff_data import staff_login, survey_with_negative_nps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def staff_page(new_context, live_server, viewport, language=None):
    context = new_context(viewport=viewport)
    staff_login(context, live_server.url, language)
    return context.new_page()


@pytest.mark.parametrize("language", ["en", "fa", "pl"])
def test_the_dashboard_does_not_scroll_sideways_on_a_phone(
    new_context, live_server, screenshots_dir, language
):
    survey_with_negative_nps(title="Call center: customer effort after a repair visit")
    page = staff_page(new_context, live_server, PHONE, language)

    page.goto(reverse("insights:index"))

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=screenshots_dir / f"insights-{language}-phone.png", full_page=True)
    assert page.evaluate(SIDEWAYS) <= 0
    # ... and the scoreboard fits: no table to scroll inside the page either.
    scoreboard = page.locator("#scoreboard")
    assert scoreboard.evaluate("t => t.scrollWidth - t.parentElement.clientWidth") <= 0


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_results_filters_are_folded_on_a_phone_and_open_on_a_tap(
    new_context, live_server, screenshots_dir, language
):
    survey = survey_with_negative_nps()
    page = staff_page(new_context, live_server, PHONE, language)

    page.goto(reverse("insights:survey_results", args=[survey.pk]))

    filters = page.locator("#result-filters")
    expect(filters).to_be_hidden()
    expect(page.locator("#metric-nps")).to_be_in_viewport()  # the figures come first
    page.screenshot(path=screenshots_dir / f"results-{language}-phone.png", full_page=True)
    assert page.evaluate(SIDEWAYS) <= 0

    toggle = page.locator("[data-bs-target='#result-filters']")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(filters).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(filters.get_by_label("Touch point" if language == "en" else "نقطهٔ تماس")).to_be_visible()


def test_the_results_filters_stay_open_on_a_desktop(new_context, live_server, screenshots_dir):
    survey = survey_with_negative_nps()
    page = staff_page(new_context, live_server, DESKTOP)

    page.goto(reverse("insights:survey_results", args=[survey.pk]))

    expect(page.locator("#result-filters")).to_be_visible()
    expect(page.locator("[data-bs-target='#result-filters']")).to_be_hidden()
    page.screenshot(path=screenshots_dir / "results-en-desktop.png", full_page=True)


def test_applied_filters_stay_open_on_a_phone(new_context, live_server):
    survey = survey_with_negative_nps()
    page = staff_page(new_context, live_server, PHONE)

    page.goto(reverse("insights:survey_results", args=[survey.pk]) + "?since=2020-01-01")

    # A filtered page shows what it is filtered by.
    expect(page.locator("#result-filters")).to_be_visible()
