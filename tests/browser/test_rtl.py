"""Right-to-left pages and mails mixed with numbers, URLs and left-to-right text, as drawn.

Each test reads the characters in the order the browser drew them (tests/browser/bidi.py):
a Persian page that shows "-16.0" as "16.0-" fails here, whatever its HTML says.
"""

import html

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.constants import QuestionType
from surveys.services.invitations import invitation_email_build
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

from .bidi import visual_text
from .staff_data import NEGATIVE_NPS, staff_login, survey_with_negative_nps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FALLBACK_QUESTION = "How likely are you to recommend us to a colleague?"


def test_the_persian_results_page_shows_a_negative_nps_with_its_sign_on_the_left(
    new_context, live_server, screenshots_dir
):
    survey = survey_with_negative_nps()
    context = new_context()
    staff_login(context, live_server.url, "fa")
    page = context.new_page()

    page.goto(reverse("insights:survey_results", args=[survey.pk]))

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    nps = page.locator("#metric-nps .display-6")
    expect(nps).to_have_text(NEGATIVE_NPS)
    assert visual_text(nps, NEGATIVE_NPS) == NEGATIVE_NPS
    page.screenshot(path=screenshots_dir / "results-fa-desktop.png", full_page=True)

    page.goto(reverse("insights:index"))
    cell = page.locator("#scoreboard tbody td[data-figure='headline']").last
    assert visual_text(cell, NEGATIVE_NPS) == NEGATIVE_NPS


def test_the_persian_results_page_isolates_the_english_question_text(new_context, live_server):
    survey = survey_with_negative_nps()
    context = new_context()
    staff_login(context, live_server.url, "fa")
    page = context.new_page()

    page.goto(reverse("insights:survey_results", args=[survey.pk]))

    question = survey.questions.get(position=1).text
    caption = page.locator("figcaption bdi[lang='en']").first
    expect(caption).to_have_text(question)
    assert visual_text(caption, question) == question  # "?" at its end, not "?How..."


def test_an_untranslated_question_on_a_persian_page_is_marked_english_and_reads_in_order(
    new_context, live_server, screenshots_dir
):
    survey = SurveyFactory(title="Repair visit", languages=["en", "fa"])
    survey.translations.create(language="fa", key="title", text="بازدید تعمیر")
    question = QuestionFactory(survey=survey, text=FALLBACK_QUESTION)  # no Persian text
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="fa"))
    page = new_context().new_page()

    page.goto(f"/s/{invitation.token}/")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    fallback = page.locator(f"#div_id_q_{question.pk} legend span[lang]")
    expect(fallback).to_have_attribute("lang", "en")
    expect(fallback).to_have_attribute("dir", "ltr")
    expect(fallback).to_have_text(FALLBACK_QUESTION)
    assert visual_text(fallback, FALLBACK_QUESTION) == FALLBACK_QUESTION
    # The translated title is Persian: not marked as another language.
    expect(page.locator("#survey-heading")).not_to_have_attribute("lang", "en")
    page.screenshot(path=screenshots_dir / "survey-fa-fallback-question.png")


def test_the_persian_invitation_mail_shows_its_link_intact_in_both_parts(page):
    survey = SurveyFactory(title="Installation survey")
    survey.translations.create(language="fa", key="title", text="نظرسنجی نصب")
    # No scale question: no one-click links, so the first occurrence of the URL is its line.
    QuestionFactory(survey=survey, type=QuestionType.TEXT, text="What should we improve?")
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="fa"))
    url = invitation.url
    assert url.endswith("/")  # the neutral slash that a right-to-left line moved

    message = invitation_email_build(invitation=invitation)

    # The HTML part as a mail client shows it.
    page.set_content(message.alternatives[0][0])
    link = page.locator(f"a[href='{url}']", has_text=url)
    expect(link).to_have_count(1)
    assert visual_text(link, url) == url
    # The plain-text part as a client lays out a Persian mail: right to left.
    page.set_content(f'<pre dir="rtl" lang="fa" id="body">{html.escape(message.body)}</pre>')
    body = page.locator("#body")
    assert visual_text(body, url) == url
    assert visual_text(body, url + "unsubscribe/") == url + "unsubscribe/"
