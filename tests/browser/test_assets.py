"""Every file a page asks for exists: no 404, no failed request, no console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .network import watched_page
from .staff_data import staff_login, survey_with_negative_nps
from .survey_data import invitation_in, translated_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_and_settle(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def assert_icon_is_served(page) -> None:
    icons = page.locator("link[rel='icon']")
    expect(icons).to_have_count(2)  # the .ico and the SVG
    for href in icons.evaluate_all("links => links.map(link => link.href)"):
        assert page.request.get(href).status == 200, href
    # Browsers ask for /favicon.ico where a page names no icon (the admin, the API docs).
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200
    assert favicon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_survey_page_finds_every_asset_it_asks_for(new_context, live_server, language):
    survey, _questions = translated_survey()
    invitation = invitation_in(survey, language)
    page, traffic = watched_page(new_context(), live_server.url)

    open_and_settle(page, f"/s/{invitation.token}/")

    assert traffic.problems == []
    assert_icon_is_served(page)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_results_and_dashboard_pages_find_every_asset_they_ask_for(
    new_context, live_server, language
):
    survey = survey_with_negative_nps()
    context = new_context()
    staff_login(context, live_server.url, language)
    page, traffic = watched_page(context, live_server.url)

    open_and_settle(page, reverse("insights:index"))
    assert_icon_is_served(page)
    open_and_settle(page, reverse("insights:survey_results", args=[survey.pk]))
    expect(page.locator("svg.cem-chart").first).to_be_visible()
    assert_icon_is_served(page)

    assert traffic.problems == []
