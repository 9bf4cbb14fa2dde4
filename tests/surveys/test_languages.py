"""The respondent's language: the contact's by default, switchable among the survey's
languages (remembered per invitation in the session), texts falling back per key."""

import re

import pytest
from django.test import Client

from surveys.constants import QuestionType
from surveys.models import Response, SurveyTranslation
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(title="Repair survey", languages=["en", "pl", "fa"])
    question = QuestionFactory(survey=survey, type=QuestionType.NPS, text="Recommend us?")
    SurveyTranslation.objects.create(survey=survey, language="pl", key="title", text="Ankieta")
    SurveyTranslation.objects.create(
        survey=survey, language="fa", key=f"question:{question.pk}:text", text="ما را توصیه می‌کنید؟"
    )
    return survey


@pytest.fixture
def invitation(survey):
    return InvitationFactory(survey=survey, contact=ContactFactory(language="en"))


def _url(invitation, query=""):
    return f"/s/{invitation.token}/{query}"


def _lang(html):
    return re.search(r'<html lang="([^"]+)" dir="(\w+)"', html).groups()


def test_the_contacts_preferred_language_is_the_default(client, survey):
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="pl"))

    html = client.get(_url(invitation)).content.decode()

    assert _lang(html) == ("pl", "ltr")
    assert "<title>Ankieta</title>" in html


def test_missing_translations_fall_back_per_key_to_the_source_text(client, invitation):
    html = client.get(_url(invitation, "?lang=pl")).content.decode()

    assert "<h1" in html and "Ankieta</h1>" in html  # translated
    assert "Recommend us?" in html  # not translated: the survey's own text


def test_lang_switches_and_is_remembered_for_the_invitation(client, invitation):
    switched = client.get(_url(invitation, "?lang=pl")).content.decode()
    later = client.get(_url(invitation)).content.decode()
    other_device = Client().get(_url(invitation)).content.decode()

    assert _lang(switched)[0] == "pl"
    assert _lang(later)[0] == "pl"
    assert _lang(other_device)[0] == "en"


def test_the_remembered_language_belongs_to_one_invitation(client, survey, invitation):
    other = InvitationFactory(survey=survey, contact=ContactFactory(language="en"))

    client.get(_url(invitation, "?lang=pl"))

    assert _lang(client.get(_url(other)).content.decode())[0] == "en"


@pytest.mark.parametrize("requested", ["zh-hans", "de", "xx", "", "pl' onmouseover='x"])
def test_languages_outside_the_survey_are_ignored(client, invitation, requested):
    html = client.get(_url(invitation), {"lang": requested}).content.decode()

    assert _lang(html)[0] == "en"
    assert not client.session.get("surveys_invitation_languages")


def test_persian_is_right_to_left_with_the_rtl_stylesheet(client, invitation):
    html = client.get(_url(invitation, "?lang=fa")).content.decode()

    assert _lang(html) == ("fa", "rtl")
    assert "bootstrap.rtl.min.css" in html
    assert "ما را توصیه می‌کنید؟" in html


def test_the_switcher_lists_only_the_survey_languages(client, invitation):
    html = client.get(_url(invitation)).content.decode()

    nav = re.search(r'<nav class="survey-languages[^>]*>(.*?)</nav>', html, re.S)
    assert nav and 'aria-label="' in nav.group(0)
    codes = re.findall(r'hreflang="([^"]+)"', nav.group(1))
    assert codes == ["en", "pl", "fa"]
    assert re.search(r'hreflang="en"[^>]*aria-current="true"', nav.group(1))
    assert 'href="?lang=pl"' in nav.group(1)
    assert 'lang="fa"' in nav.group(1) and 'dir="rtl"' in nav.group(1)


def test_a_single_language_survey_has_no_switcher(client):
    invitation = InvitationFactory(survey=SurveyFactory(languages=["en"]))
    QuestionFactory(survey=invitation.survey)

    assert "survey-languages" not in client.get(_url(invitation)).content.decode()


def test_the_response_is_stored_in_the_chosen_language(client, invitation):
    question = invitation.survey.questions.get()
    client.get(_url(invitation, "?lang=pl"))

    thanks = client.post(_url(invitation), {f"q_{question.pk}": "9"})

    assert thanks.status_code == 200
    assert _lang(thanks.content.decode())[0] == "pl"
    assert Response.objects.get().language == "pl"


def test_a_contact_language_the_survey_lacks_still_shows_with_source_texts(client):
    invitation = InvitationFactory(
        survey=SurveyFactory(languages=["en"]), contact=ContactFactory(language="pl")
    )
    QuestionFactory(survey=invitation.survey, text="Recommend us?")

    html = client.get(_url(invitation)).content.decode()
    zh = client.get(_url(invitation, "?lang=zh-hans")).content.decode()

    assert _lang(html)[0] == "pl" and "Recommend us?" in html
    assert _lang(zh)[0] == "pl"
