"""The respondent-facing text of a survey in one language, falling back per key to the source.

Keys are shared with SurveyTranslation rows: `title`, `intro`, `thank_you`,
`question:<id>:<field>` and `choice:<id>:label`. Language switching and translation export
build on `survey_source_texts` and `survey_texts`, so keep every key defined here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Question, Survey, SurveyTranslation

SURVEY_FIELDS = ("title", "intro", "thank_you")
QUESTION_FIELDS = ("text", "help_text", "min_label", "max_label")


def question_key(question_id: int, field: str) -> str:
    return f"question:{question_id}:{field}"


def choice_key(choice_id: int) -> str:
    return f"choice:{choice_id}:label"


@dataclass(frozen=True)
class SurveyTexts:
    language: str
    texts: dict[str, str]

    def __getitem__(self, key: str) -> str:
        # KeyError on unknown keys lets templates fall back to attributes (`texts.language`).
        return self.texts[key]

    def question(self, question: Question, field: str) -> str:
        return self.texts.get(question_key(question.pk, field), "")

    def choice(self, choice) -> str:
        return self.texts.get(choice_key(choice.pk), "")


def survey_source_texts(*, survey: Survey, questions: Iterable[Question]) -> dict[str, str]:
    """Every translatable key with the survey's own text (questions need choices prefetched)."""
    texts = {field: getattr(survey, field) for field in SURVEY_FIELDS}
    for question in questions:
        for field in QUESTION_FIELDS:
            texts[question_key(question.pk, field)] = getattr(question, field)
        for choice in question.choices.all():
            texts[choice_key(choice.pk)] = choice.label
    return texts


def survey_texts(*, survey: Survey, questions: Iterable[Question], language: str) -> SurveyTexts:
    texts = survey_source_texts(survey=survey, questions=questions)
    translated = SurveyTranslation.objects.filter(
        survey=survey, language=language, key__in=list(texts)
    ).exclude(text="")
    texts.update(translated.values_list("key", "text"))
    return SurveyTexts(language=language, texts=texts)
