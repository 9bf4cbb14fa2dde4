"""A survey made from a template, answered in Chinese and Persian: its scale labels too."""

import pytest
from playwright.sync_api import expect

from surveys.constants import SCALE_LABELS
from surveys.services.templates import survey_create_from_template
from tests.factories import ContactFactory, InvitationFactory, TouchPointFactory

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = {str(label) for pair in SCALE_LABELS.values() for label in pair}


@pytest.mark.parametrize(
    ("language", "low", "high"),
    [("zh-hans", "完全不可能", "极有可能"), ("fa", "اصلاً احتمال ندارد", "به احتمال بسیار زیاد")],
)
def test_the_scale_labels_of_a_template_survey_are_in_the_respondents_language(
    new_context, screenshots_dir, language, low, high
):
    survey = survey_create_from_template(
        template="nps_transaction",
        title="Installation",
        touch_point=TouchPointFactory(),
        languages=["en", "zh-hans", "pl", "fa"],
        status="live",
    )
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language=language))
    page = new_context(viewport=PHONE).new_page()

    page.goto(f"/s/{invitation.token}/")

    labels = page.locator(".survey-scale-labels").first
    expect(labels.locator("span").first).to_have_text(low)
    expect(labels.locator("span").last).to_have_text(high)
    shown = page.locator("main").inner_text()
    assert [english for english in ENGLISH if english in shown] == []
    page.screenshot(path=screenshots_dir / f"template-survey-{language}-phone.png", full_page=True)
