"""Screenshots of the survey page in every language, phone and desktop width.

Written to test-artifacts/screenshots/ (gitignored) for a person to look at; the test
also checks that nothing overflows sideways on a phone.
"""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .survey_data import LANGUAGES, SOURCE, TRANSLATED, invitation_in, translated_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_page_screenshots(new_context, screenshots_dir, language):
    survey, _questions = translated_survey()
    invitation = invitation_in(survey, language)
    title = TRANSLATED.get(language, SOURCE)["title"]

    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_context(viewport=viewport).new_page()
        page.goto(f"/s/{invitation.token}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{language} {name}: the page scrolls sideways by {overflow}px"
        page.screenshot(path=screenshots_dir / f"survey-{language}-{name}.png", full_page=True)
