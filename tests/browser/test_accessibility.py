"""axe-core on the respondent's pages: no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .survey_data import (
    assert_chromium_can_post,
    choose_scale,
    invitation_in,
    translated_survey,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
axe = Axe()  # ships its own axe.min.js: nothing is fetched


def blocking_violations(page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_survey_page_form_errors_and_thank_you_page_pass_axe(page, language):
    survey, questions = translated_survey()
    invitation = invitation_in(survey, language)

    opened = page.goto(f"/s/{invitation.token}/")
    assert blocking_violations(page) == []

    assert_chromium_can_post(opened)
    page.locator("button.survey-submit").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert blocking_violations(page) == []

    choose_scale(page, questions["nps"], 10)
    page.locator(f"input[name='q_{questions['choice'].pk}']").first.check()
    page.locator("button.survey-submit").click()
    expect(page.locator(".survey-thank-you")).to_be_visible()
    assert blocking_violations(page) == []


def test_invalid_link_page_passes_axe(page):
    response = page.goto("/s/not-a-real-token-at-all/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey link not valid")
    assert blocking_violations(page) == []
