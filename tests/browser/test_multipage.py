"""Multi-page surveys in a browser: resuming on another device, skip logic both ways, and
the language switcher. Contract (surveys/views/respond.py): a page posts `page` and `nav`; GET
without `?page=` opens the page where the respondent left off; `?lang=` switches language."""

import pytest
from playwright.sync_api import expect

from surveys.constants import ConditionOperator, QuestionType, ResponseStatus
from surveys.models import Answer, Response
from tests.factories import QuestionFactory, SurveyFactory

from .conftest import PHONE
from .survey_data import assert_chromium_can_post, choose_scale, invitation_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT_WENT_WRONG = "What went wrong?"
ANYTHING_ELSE = "Anything else you would like to tell us?"


@pytest.fixture
def nps_survey():
    """Page 1: NPS. Page 2: "what went wrong?" for detractors only. Page 3: a last word."""
    survey = SurveyFactory(title="After your installation")
    nps = QuestionFactory(survey=survey, page=1, type=QuestionType.NPS, text="Recommend us?")
    wrong = QuestionFactory(
        survey=survey,
        page=2,
        type=QuestionType.TEXT,
        text=WHAT_WENT_WRONG,
        condition_question=nps,
        condition_operator=ConditionOperator.LTE,
        condition_value="6",
    )
    last = QuestionFactory(
        survey=survey, page=3, type=QuestionType.TEXT, text=ANYTHING_ELSE, required=True
    )
    return survey, {"nps": nps, "wrong": wrong, "last": last}


def progress(page):
    return page.locator("#survey-progress-label")


def test_a_detractor_is_asked_what_went_wrong(page, nps_survey):
    survey, questions = nps_survey
    invitation = invitation_in(survey, "en")

    opened = page.goto(f"/s/{invitation.token}/")
    assert_chromium_can_post(opened)
    choose_scale(page, questions["nps"], 3)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_label(WHAT_WENT_WRONG)).to_be_visible()
    expect(progress(page)).to_have_text("Page 2 of 3")
    page.get_by_label(WHAT_WENT_WRONG).fill("The engineer came a day late.")
    page.get_by_role("button", name="Next").click()
    page.get_by_label(ANYTHING_ELSE).fill("No.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    answer = Answer.objects.get(question=questions["wrong"])
    assert answer.text == "The engineer came a day late."


def test_a_promoter_skips_what_went_wrong(page, nps_survey):
    survey, questions = nps_survey
    invitation = invitation_in(survey, "en")

    opened = page.goto(f"/s/{invitation.token}/")
    assert_chromium_can_post(opened)
    choose_scale(page, questions["nps"], 10)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_label(ANYTHING_ELSE)).to_be_visible()
    expect(page.get_by_text(WHAT_WENT_WRONG)).to_have_count(0)
    expect(progress(page)).to_have_text("Page 2 of 2")
    page.get_by_label(ANYTHING_ELSE).fill("Keep it up.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert not Answer.objects.filter(question=questions["wrong"]).exists()


def test_a_half_finished_survey_resumes_on_another_device(new_context, nps_survey):
    survey, questions = nps_survey
    invitation = invitation_in(survey, "en")

    laptop = new_context().new_page()
    opened = laptop.goto(f"/s/{invitation.token}/")
    assert_chromium_can_post(opened)
    choose_scale(laptop, questions["nps"], 4)
    laptop.get_by_role("button", name="Next").click()
    expect(progress(laptop)).to_have_text("Page 2 of 3")
    laptop.context.close()  # the respondent walks away

    phone = new_context(viewport=PHONE).new_page()  # no cookies: another device
    phone.goto(f"/s/{invitation.token}/")

    expect(progress(phone)).to_have_text("Page 2 of 3")
    expect(phone.get_by_label(WHAT_WENT_WRONG)).to_be_visible()
    phone.get_by_role("button", name="Back").click()
    expect(progress(phone)).to_have_text("Page 1 of 3")
    expect(phone.locator(f"input[name='q_{questions['nps'].pk}'][value='4']")).to_be_checked()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label(WHAT_WENT_WRONG).fill("Too long on hold.")
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label(ANYTHING_ELSE).fill("That is all.")
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    response = Response.objects.get(invitation=invitation)
    assert response.status == ResponseStatus.COMPLETED
    assert Answer.objects.get(response=response, question=questions["nps"]).number == 4


def test_the_respondent_switches_to_persian(page, nps_survey):
    survey, _questions = nps_survey
    survey.languages = ["en", "fa"]
    survey.save()
    invitation = invitation_in(survey, "en")

    page.goto(f"/s/{invitation.token}/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.locator("a.survey-language[hreflang='fa']").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_role("button", name="بعدی")).to_be_visible()
    page.goto(f"/s/{invitation.token}/")  # remembered for this link
    expect(page.locator("html")).to_have_attribute("lang", "fa")
