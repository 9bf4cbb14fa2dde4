"""The standard scales' end labels are product strings: every respondent reads them in their
language, in the form and in the invitation mail, and the translations page counts them."""

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.constants import SCALE_LABELS
from surveys.models import SurveyTranslation
from surveys.services.invitations import invitation_email_build
from surveys.services.templates import SURVEY_TEMPLATES, survey_create_from_template
from surveys.services.translations import translation_completeness, translations_save
from tests.factories import ContactFactory, InvitationFactory, TouchPointFactory

pytestmark = pytest.mark.django_db

ALL_LANGUAGES = ["en", "zh-hans", "pl", "fa"]
ENGLISH_LABELS = sorted({str(label) for pair in SCALE_LABELS.values() for label in pair})


def from_template(key: str, **fields):
    return survey_create_from_template(
        template=key,
        title=f"From {key}",
        touch_point=TouchPointFactory(),
        languages=ALL_LANGUAGES,
        status="live",
        **fields,
    )


def scale_questions(survey):
    return [q for q in survey.questions.order_by("position") if q.min_label or q.max_label]


def test_every_standard_scale_label_is_translated_in_every_catalog():
    labels = [label for pair in SCALE_LABELS.values() for label in pair]
    for language in ("zh-hans", "pl", "fa"):
        with translation.override(language):
            untranslated = [str(label) for label in labels if str(label) in ENGLISH_LABELS]
        assert untranslated == [], language


@pytest.mark.parametrize("key", sorted(SURVEY_TEMPLATES))
def test_a_survey_from_a_template_carries_its_scale_labels_in_all_four_languages(key):
    survey = from_template(key)

    for question in scale_questions(survey):
        assert {question.min_label, question.max_label} <= set(ENGLISH_LABELS)
        for language in ("zh-hans", "pl", "fa"):
            rows = dict(
                SurveyTranslation.objects.filter(
                    survey=survey,
                    language=language,
                    key__in=[
                        f"question:{question.pk}:min_label",
                        f"question:{question.pk}:max_label",
                    ],
                ).values_list("key", "text")
            )
            with translation.override(language):
                low, high = (
                    translation.pgettext("scale end label", question.min_label),
                    translation.pgettext("scale end label", question.max_label),
                )
            assert rows == {
                f"question:{question.pk}:min_label": low,
                f"question:{question.pk}:max_label": high,
            }


def test_a_survey_written_in_polish_has_polish_labels_and_english_translations():
    survey = from_template("effort", default_language="pl")

    question = scale_questions(survey)[0]
    assert (question.min_label, question.max_label) == ("Bardzo trudno", "Bardzo łatwo")
    english = SurveyTranslation.objects.get(
        survey=survey, language="en", key=f"question:{question.pk}:min_label"
    )
    assert english.text == "Very difficult"


@pytest.mark.parametrize("language", ["fa", "zh-hans"])
def test_persian_and_chinese_respondents_see_no_english_scale_label_in_form_or_mail(
    client, language
):
    for key in sorted(SURVEY_TEMPLATES):
        survey = from_template(key)
        invitation = InvitationFactory(survey=survey, contact=ContactFactory(language=language))

        page = client.get(reverse("surveys:respond", args=[invitation.token])).content.decode()
        message = invitation_email_build(invitation=invitation)
        mail_html = message.alternatives[0][0]

        for english in ENGLISH_LABELS:
            assert english not in page, (key, english)
            assert english not in message.body, (key, english)
            assert english not in mail_html, (key, english)
        first = scale_questions(survey)[0]
        low = SurveyTranslation.objects.get(
            survey=survey, language=language, key=f"question:{first.pk}:min_label"
        ).text
        assert low in page
        assert low in mail_html  # the one-click scale's legend


def test_the_translations_page_counts_the_scale_labels_as_translated(staff_client):
    survey = from_template("nps_transaction")
    label_keys = 2 * len(scale_questions(survey))

    completeness = {c.language: c for c in translation_completeness(survey=survey)}

    # The template's own texts come translated from the catalogs too; the title does not.
    for language in ("zh-hans", "pl", "fa"):
        assert label_keys <= completeness[language].translated < completeness[language].total
    url = reverse("surveys:translations:overview", args=[survey.pk])
    page = staff_client.get(url).content.decode()
    fa = completeness["fa"]
    assert f"{fa.translated}/{fa.total} texts" in page


def test_a_designers_own_label_is_translated_per_survey(client):
    survey = from_template("nps_transaction")
    question = scale_questions(survey)[0]
    question.min_label = "Never in a million years"
    question.save()
    translations_save(
        survey=survey,
        language="fa",
        texts={f"question:{question.pk}:min_label": "هرگز در یک میلیون سال"},
    )
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="fa"))

    page = client.get(reverse("surveys:respond", args=[invitation.token])).content.decode()

    assert "هرگز در یک میلیون سال" in page
    assert "Never in a million years" not in page
