"""Text of another direction on respondent pages and in mails is isolated and marked."""

import pytest
from django.urls import reverse

from surveys.constants import QuestionType
from surveys.services.invitations import invitation_email_build
from surveys.services.texts import survey_texts
from surveys.templatetags.survey_text import LEFT_TO_RIGHT_MARK
from tests.factories import (
    ChoiceFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_translated():
    """An English survey offered in Persian with its title and first question translated."""
    survey = SurveyFactory(title="Repair visit", intro="", languages=["en", "fa"])
    translated = QuestionFactory(survey=survey, position=1, text="Was the technician on time?")
    untranslated = QuestionFactory(
        survey=survey, position=2, type=QuestionType.SINGLE_CHOICE, text="What mattered most?"
    )
    choice = ChoiceFactory(question=untranslated, value="speed", label="Speed & <care>")
    survey.translations.create(language="fa", key="title", text="بازدید تعمیر")
    survey.translations.create(
        language="fa", key=f"question:{translated.pk}:text", text="آیا تکنسین به‌موقع آمد؟"
    )
    return survey, translated, untranslated, choice


def test_survey_texts_know_which_texts_fell_back_to_the_source_language(half_translated):
    survey, translated, untranslated, choice = half_translated

    texts = survey_texts(survey=survey, questions=survey.questions.all(), language="fa")

    assert texts.question_display(translated, "text") == "آیا تکنسین به‌موقع آمد؟"
    assert texts.question_display(untranslated, "text") == (
        '<span lang="en" dir="ltr">What mattered most?</span>'
    )
    assert texts.choice_display(choice) == (
        '<span lang="en" dir="ltr">Speed &amp; &lt;care&gt;</span>'
    )
    assert texts.title_attrs == ""
    # In the source language nothing is a fallback.
    english = survey_texts(survey=survey, questions=survey.questions.all(), language="en")
    assert english.question_display(untranslated, "text") == "What mattered most?"
    assert english.choice_display(choice) == "Speed &amp; &lt;care&gt;"


def test_a_persian_survey_shown_in_english_marks_its_fallback_right_to_left():
    survey = SurveyFactory(default_language="fa", languages=["fa", "en"], title="بازدید")
    question = QuestionFactory(survey=survey, text="چقدر راضی هستید؟")

    texts = survey_texts(survey=survey, questions=[question], language="en")

    assert texts.question_display(question, "text") == (
        '<span lang="fa" dir="rtl">چقدر راضی هستید؟</span>'
    )
    assert texts.title_attrs == ' lang="fa" dir="rtl"'


def test_the_persian_form_marks_only_the_untranslated_texts(client, half_translated):
    survey, translated, untranslated, _choice = half_translated
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="fa"))

    page = client.get(reverse("surveys:respond", args=[invitation.token])).content.decode()

    assert '<span lang="en" dir="ltr">What mattered most?</span>' in page
    assert '<span lang="en" dir="ltr">Speed &amp; &lt;care&gt;</span>' in page
    assert "آیا تکنسین به‌موقع آمد؟" in page
    assert page.count(' lang="en"') == 2 + 1  # the two fallbacks and the "English" link


def test_an_untranslated_title_on_a_persian_page_is_marked_english(client):
    survey = SurveyFactory(title="Repair visit", languages=["en", "fa"])
    QuestionFactory(survey=survey)
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="fa"))

    page = client.get(reverse("surveys:respond", args=[invitation.token])).content.decode()

    assert 'tabindex="-1" lang="en" dir="ltr">Repair visit</h1>' in page


def mail_for(language: str):
    survey = SurveyFactory(title="Installation survey")
    QuestionFactory(survey=survey, type=QuestionType.TEXT)
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language=language))
    return invitation, invitation_email_build(invitation=invitation)


def test_the_persian_mail_keeps_its_links_left_to_right_in_both_parts():
    invitation, message = mail_for("fa")
    html = message.alternatives[0][0]
    lines = message.body.splitlines()

    assert f"{invitation.url} {LEFT_TO_RIGHT_MARK}" in lines
    assert f"{invitation.url}unsubscribe/ {LEFT_TO_RIGHT_MARK}" in lines
    assert f'<a href="{invitation.url}" dir="ltr"' in html
    assert f">{invitation.url}</a>&lrm;" in html
    assert '<span dir="auto">Installation survey</span>' in html  # the untranslated title


def test_a_left_to_right_mail_carries_no_direction_marks_in_its_text():
    invitation, message = mail_for("pl")

    assert LEFT_TO_RIGHT_MARK not in message.body
    assert invitation.url in message.body.splitlines()
