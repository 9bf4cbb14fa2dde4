"""Answering a survey in a real browser, in English and in Persian (right to left)."""

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Answer, Response

from .survey_data import (
    TRANSLATED,
    assert_chromium_can_post,
    choose_scale,
    invitation_in,
    translated_survey,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_answers_in_english(page):
    survey, questions = translated_survey()
    invitation = invitation_in(survey, "en")

    opened = page.goto(f"/s/{invitation.token}/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your repair visit")
    choose_scale(page, questions["nps"], 9)
    page.get_by_label("The technician's skill").check()
    page.get_by_label("What could we do better?").fill("Call before you come.")
    assert_chromium_can_post(opened)
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.locator(".survey-thank-you")).to_contain_text("straight to the service team")
    response = Response.objects.get(invitation=invitation)
    assert response.language == "en"
    assert Answer.objects.get(response=response, question=questions["nps"]).number == 9
    assert Answer.objects.get(response=response, question=questions["text"]).text == (
        "Call before you come."
    )


def test_a_customer_answers_in_persian_right_to_left(page):
    survey, questions = translated_survey()
    invitation = invitation_in(survey, "fa")
    fa = TRANSLATED["fa"]

    opened = page.goto(f"/s/{invitation.token}/")

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "fa")
    expect(page.get_by_role("heading", level=1)).to_have_text(fa["title"])
    expect(page.get_by_text(fa["nps"])).to_be_visible()
    submit = page.get_by_role("button", name="ارسال پاسخ‌ها")
    expect(submit).to_be_visible()
    # Bootstrap's RTL sheet puts the low end of the scale on the right.
    low, high = (page.locator(f"label[for$='q_{questions['nps'].pk}_{i}']") for i in (0, 10))
    assert low.bounding_box()["x"] > high.bounding_box()["x"]

    assert_chromium_can_post(opened)
    submit.click()  # nothing answered: the errors come back in Persian
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("لطفاً پاسخ‌های خود را بررسی کنید")
    expect(summary).to_contain_text("لطفاً به این پرسش پاسخ دهید.")

    choose_scale(page, questions["nps"], 3)
    page.get_by_label(fa["choices"][0]).check()
    page.get_by_label(fa["text"]).fill("زودتر تماس بگیرید.")
    page.get_by_role("button", name="ارسال پاسخ‌ها").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("سپاسگزاریم")
    expect(page.locator(".survey-thank-you")).to_contain_text(fa["thank_you"])
    expect(page).to_have_title(re.compile("سپاسگزاریم"))
    response = Response.objects.get(invitation=invitation)
    assert response.language == "fa"
    assert Answer.objects.get(response=response, question=questions["nps"]).number == 3
