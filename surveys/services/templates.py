"""Starting points for designers: a survey is created with its questions from a template.

The scale end labels are product strings (`SCALE_LABELS`): the survey gets them in its
default language and, as SurveyTranslation rows, in every other language of the site whose
catalog translates them, so a respondent in any language sees them in that language and a
designer can reword them per survey on the translations page like any other text.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from customers.models import TouchPoint

from ..constants import SCALE_LABELS, Driver, QuestionType, SurveyKind
from ..models import Choice, Question, Survey, SurveyTranslation
from ..receivers import survey_touch
from .texts import question_key

Label = str | Promise  # a lazy product string, or a designer's own text


@dataclass(frozen=True)
class QuestionSpec:
    type: str
    text: str
    required: bool = True
    driver: str = ""
    labels: tuple[Label, Label] = ("", "")
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyTemplate:
    key: str
    label: str
    kind: str
    intro: str
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


_NPS = QuestionSpec(
    QuestionType.NPS,
    "How likely are you to recommend us to a friend or colleague?",
    driver=Driver.RELATIONSHIP,
    labels=SCALE_LABELS["likely"],
)
_WHY = QuestionSpec(QuestionType.TEXT, "What is the main reason for your score?", required=False)

SURVEY_TEMPLATES: dict[str, SurveyTemplate] = {
    t.key: t
    for t in (
        SurveyTemplate(
            key="nps_transaction",
            label=_("NPS transaction survey"),
            kind=SurveyKind.TRANSACTION,
            intro="You recently dealt with us. Two quick questions about that experience.",
            questions=(
                _NPS,
                QuestionSpec(
                    QuestionType.RATING,
                    "How satisfied are you with this experience?",
                    driver=Driver.SERVICE,
                    labels=SCALE_LABELS["satisfied"],
                ),
                _WHY,
            ),
        ),
        SurveyTemplate(
            key="relationship_cx",
            label=_("Relationship survey with CX index"),
            kind=SurveyKind.RELATIONSHIP,
            intro="How is our relationship with your organisation going as a whole?",
            questions=(
                _NPS,
                QuestionSpec(
                    QuestionType.CX_NEEDS,
                    "Did our products and services meet your needs?",
                    driver=Driver.PRODUCT,
                    labels=SCALE_LABELS["needs_met"],
                ),
                QuestionSpec(
                    QuestionType.CX_EASE,
                    "How easy was it to deal with us?",
                    driver=Driver.CONVENIENCE,
                    labels=SCALE_LABELS["ease"],
                ),
                QuestionSpec(
                    QuestionType.CX_EMOTION,
                    "How did dealing with us make you feel?",
                    driver=Driver.BRAND,
                    labels=SCALE_LABELS["emotion"],
                ),
                QuestionSpec(
                    QuestionType.MULTIPLE_CHOICE,
                    "Which areas should we improve first?",
                    required=False,
                    choices=(
                        "Product quality",
                        "Delivery",
                        "Installation",
                        "Billing",
                        "Repair and support",
                        "Price",
                    ),
                ),
                _WHY,
            ),
        ),
        SurveyTemplate(
            key="effort",
            label=_("Customer effort survey"),
            kind=SurveyKind.TRANSACTION,
            intro="One question about how easy it was to get what you needed.",
            questions=(
                QuestionSpec(
                    QuestionType.EFFORT,
                    "How easy was it to deal with us today?",
                    driver=Driver.CONVENIENCE,
                    labels=SCALE_LABELS["effort"],
                ),
                QuestionSpec(
                    QuestionType.SINGLE_CHOICE,
                    "Was your issue resolved?",
                    choices=("Yes", "Partly", "No"),
                ),
                _WHY,
            ),
        ),
    )
}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "survey"
    slug, n = base, 1
    while Survey.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def survey_create_from_template(
    *,
    template: str,
    title: str,
    touch_point: TouchPoint | None = None,
    kind: str | None = None,
    created_by=None,
    **survey_fields,
) -> Survey:
    spec = SURVEY_TEMPLATES[template]
    survey = Survey(
        kind=kind or spec.kind,
        title=title,
        slug=survey_fields.pop("slug", None) or _unique_slug(title),
        intro=spec.intro,
        thank_you="Thank you! Your answers go straight to the team that serves you.",
        touch_point=touch_point,
        created_by=created_by,
        **survey_fields,
    )
    survey.full_clean()
    survey.save()
    translations: list[SurveyTranslation] = []
    for position, q in enumerate(spec.questions, start=1):
        min_label, max_label = _in_language(q.labels, survey.default_language)
        question = Question.objects.create(
            survey=survey,
            position=position,
            type=q.type,
            text=q.text,
            required=q.required,
            driver=q.driver,
            min_label=min_label,
            max_label=max_label,
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, value=slugify(label), label=label)
            for i, label in enumerate(q.choices, start=1)
        )
        translations += _label_translations(survey, question, q.labels)
    SurveyTranslation.objects.bulk_create(translations)
    survey_touch(survey.pk)  # bulk_create sends no signals: see surveys.receivers
    return survey


def _in_language(labels: tuple[Label, Label], language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(labels[0]), str(labels[1])


def _label_translations(
    survey: Survey, question: Question, labels: tuple[Label, Label]
) -> list[SurveyTranslation]:
    """The scale's end labels in every other site language whose catalog has them."""
    rows = []
    for language, _name in settings.LANGUAGES:
        if language == survey.default_language:
            continue
        translated = _in_language(labels, language)
        for field_name, text, source in zip(
            ("min_label", "max_label"),
            translated,
            (question.min_label, question.max_label),
            strict=True,
        ):
            if text and text != source:  # the same text: the catalog has no translation
                rows.append(
                    SurveyTranslation(
                        survey=survey,
                        language=language,
                        key=question_key(question.pk, field_name),
                        text=text,
                    )
                )
    return rows
