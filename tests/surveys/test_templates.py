import re

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from surveys.constants import QuestionType, SurveyKind
from surveys.services.templates import SURVEY_TEMPLATES, THANK_YOU, survey_create_from_template
from surveys.services.texts import choice_key, question_key
from tests.factories import TouchPointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", sorted(SURVEY_TEMPLATES))
def test_survey_create_from_template_copies_every_question(key):
    survey = survey_create_from_template(
        template=key, title=f"From {key}", touch_point=TouchPointFactory(code="repair")
    )
    spec = SURVEY_TEMPLATES[key]
    assert [q.type for q in survey.questions.all()] == [q.type for q in spec.questions]
    assert survey.kind == spec.kind


def test_relationship_template_carries_the_three_cx_items_and_choices():
    survey = survey_create_from_template(template="relationship_cx", title="Annual")
    types = set(survey.questions.values_list("type", flat=True))
    assert {QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION} <= types
    improve = survey.questions.get(type=QuestionType.MULTIPLE_CHOICE)
    assert improve.choices.count() == 6
    assert survey.kind == SurveyKind.RELATIONSHIP


def test_transaction_template_without_touch_point_is_rejected():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        survey_create_from_template(template="effort", title="No touch point")


# ------------------------------------------------------------------ the templates' texts

COUNT_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple|single|\d+)\b",
    re.IGNORECASE,
)


def _texts(spec) -> list[str]:
    with translation.override(None):
        return [str(spec.intro), str(THANK_YOU), *(str(q.text) for q in spec.questions)]


@pytest.mark.parametrize("key", sorted(SURVEY_TEMPLATES))
def test_no_template_text_states_how_many_questions_there_are(key):
    """A designer adds and removes questions; "Two quick questions" would then be wrong."""
    for text in _texts(SURVEY_TEMPLATES[key]):
        assert not COUNT_WORDS.search(text), text


def _catalog_adds(monkeypatch, language: str, texts: dict[str, str]) -> None:
    """Translations a catalog pass would add, for this test only."""
    catalog = trans_real.translation(language)._catalog._catalogs[0]
    for msgid, msgstr in texts.items():
        monkeypatch.setitem(catalog, f"survey template\x04{msgid}", msgstr)


def _catalog_drops(monkeypatch, language: str, msgids: list[str]) -> None:
    """Translations a catalog does not have yet, for this test only."""
    for catalog in trans_real.translation(language)._catalog._catalogs:
        for msgid in msgids:
            monkeypatch.delitem(catalog, f"survey template\x04{msgid}", raising=False)


def test_template_texts_reach_every_language_whose_catalog_translates_them(monkeypatch):
    intro = str(SURVEY_TEMPLATES["effort"].intro)
    with translation.override(None):
        _catalog_drops(monkeypatch, "pl", ["Partly", str(THANK_YOU)])
    _catalog_adds(
        monkeypatch,
        "pl",
        {intro: "Jak łatwo było?", "Yes": "Tak", "Was your issue resolved?": "Rozwiązane?"},
    )

    with translation.override("fa"):  # a Persian designer: the survey's default is English
        survey = survey_create_from_template(
            template="effort",
            title="Effort",
            touch_point=TouchPointFactory(),
            languages=["en", "pl", "fa"],
        )

    resolved = survey.questions.get(type=QuestionType.SINGLE_CHOICE)
    assert survey.intro == intro and resolved.text == "Was your issue resolved?"
    assert list(resolved.choices.values_list("value", "label")) == [
        ("yes", "Yes"),
        ("partly", "Partly"),
        ("no", "No"),
    ]
    polish = dict(survey.translations.filter(language="pl").values_list("key", "text"))
    yes = resolved.choices.get(value="yes")
    assert polish["intro"] == "Jak łatwo było?"
    assert polish[question_key(resolved.pk, "text")] == "Rozwiązane?"
    assert polish[choice_key(yes.pk)] == "Tak"
    # Untranslated texts get no row: the respondent page falls back to the source.
    assert choice_key(resolved.choices.get(value="partly").pk) not in polish
    assert "thank_you" not in polish
