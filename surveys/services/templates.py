"""Starting points for designers: a survey is created with its questions from a template.

Every text a template brings is a product string: its intro and thank-you text, its
questions and choices (context "survey template") and the scale end labels (`SCALE_LABELS`).
The survey gets them in its default language and, as SurveyTranslation rows, in every other
language of the site whose catalog translates them, so a respondent in any language sees
them in that language and a designer can reword them per survey on the translations page
like any other text. Choice values are slugs of the English texts, whatever the language.

The texts state no counts ("two quick questions"): a designer adds and removes questions,
and an intro must stay true when they do.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import TouchPoint

from ..constants import SCALE_LABELS, Driver, QuestionType, SurveyKind
from ..models import Choice, Question, Survey, SurveyTranslation
from ..receivers import survey_touch
from .texts import choice_key, question_key

Label = str | Promise  # a lazy product string, or a designer's own text


@dataclass(frozen=True)
class QuestionSpec:
    type: str
    text: Label
    required: bool = True
    driver: str = ""
    labels: tuple[Label, Label] = ("", "")
    choices: tuple[Label, ...] = ()


@dataclass(frozen=True)
class SurveyTemplate:
    key: str
    label: str
    kind: str
    intro: Label
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


THANK_YOU = pgettext_lazy(
    "survey template", "Thank you! Your answers go straight to the team that serves you."
)
_NPS = QuestionSpec(
    QuestionType.NPS,
    pgettext_lazy(
        "survey template", "How likely are you to recommend us to a friend or colleague?"
    ),
    driver=Driver.RELATIONSHIP,
    labels=SCALE_LABELS["likely"],
)
_WHY = QuestionSpec(
    QuestionType.TEXT,
    pgettext_lazy("survey template", "What is the main reason for your score?"),
    required=False,
)

SURVEY_TEMPLATES: dict[str, SurveyTemplate] = {
    t.key: t
    for t in (
        SurveyTemplate(
            key="nps_transaction",
            label=_("NPS transaction survey"),
            kind=SurveyKind.TRANSACTION,
            intro=pgettext_lazy(
                "survey template", "You recently dealt with us. Tell us how that experience went."
            ),
            questions=(
                _NPS,
                QuestionSpec(
                    QuestionType.RATING,
                    pgettext_lazy("survey template", "How satisfied are you with this experience?"),
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
            intro=pgettext_lazy(
                "survey template",
                "How is our relationship with your organisation going as a whole?",
            ),
            questions=(
                _NPS,
                QuestionSpec(
                    QuestionType.CX_NEEDS,
                    pgettext_lazy(
                        "survey template", "Did our products and services meet your needs?"
                    ),
                    driver=Driver.PRODUCT,
                    labels=SCALE_LABELS["needs_met"],
                ),
                QuestionSpec(
                    QuestionType.CX_EASE,
                    pgettext_lazy("survey template", "How easy was it to deal with us?"),
                    driver=Driver.CONVENIENCE,
                    labels=SCALE_LABELS["ease"],
                ),
                QuestionSpec(
                    QuestionType.CX_EMOTION,
                    pgettext_lazy("survey template", "How did dealing with us make you feel?"),
                    driver=Driver.BRAND,
                    labels=SCALE_LABELS["emotion"],
                ),
                # CSAT beside the CX index, so that the wave comparison's CSAT is measured.
                QuestionSpec(
                    QuestionType.RATING,
                    "Overall, how satisfied are you with us?",
                    driver=Driver.RELATIONSHIP,
                    labels=SCALE_LABELS["satisfied"],
                ),
                QuestionSpec(
                    QuestionType.MULTIPLE_CHOICE,
                    pgettext_lazy("survey template", "Which areas should we improve first?"),
                    required=False,
                    choices=(
                        pgettext_lazy("survey template", "Product quality"),
                        pgettext_lazy("survey template", "Delivery"),
                        pgettext_lazy("survey template", "Installation"),
                        pgettext_lazy("survey template", "Billing"),
                        pgettext_lazy("survey template", "Repair and support"),
                        pgettext_lazy("survey template", "Price"),
                    ),
                ),
                _WHY,
            ),
        ),
        SurveyTemplate(
            key="effort",
            label=_("Customer effort survey"),
            kind=SurveyKind.TRANSACTION,
            intro=pgettext_lazy(
                "survey template", "Tell us how easy it was to get what you needed."
            ),
            questions=(
                QuestionSpec(
                    QuestionType.EFFORT,
                    pgettext_lazy("survey template", "How easy was it to deal with us today?"),
                    driver=Driver.CONVENIENCE,
                    labels=SCALE_LABELS["effort"],
                ),
                QuestionSpec(
                    QuestionType.SINGLE_CHOICE,
                    pgettext_lazy("survey template", "Was your issue resolved?"),
                    choices=(
                        pgettext_lazy("survey template", "Yes"),
                        pgettext_lazy("survey template", "Partly"),
                        pgettext_lazy("survey template", "No"),
                    ),
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
    language = (
        survey_fields.get("default_language")
        or Survey._meta.get_field("default_language").get_default()
    )
    survey = Survey(
        kind=kind or spec.kind,
        title=title,
        slug=survey_fields.pop("slug", None) or _unique_slug(title),
        intro=_in_language(spec.intro, language),
        thank_you=_in_language(THANK_YOU, language),
        touch_point=touch_point,
        created_by=created_by,
        **survey_fields,
    )
    survey.full_clean()
    survey.save()
    # (key, product string, the text stored in the default language) of every template text
    texts: list[tuple[str, Label, str]] = [
        ("intro", spec.intro, survey.intro),
        ("thank_you", THANK_YOU, survey.thank_you),
    ]
    for position, q in enumerate(spec.questions, start=1):
        question = Question.objects.create(
            survey=survey,
            position=position,
            type=q.type,
            text=_in_language(q.text, language),
            required=q.required,
            driver=q.driver,
            min_label=_in_language(q.labels[0], language),
            max_label=_in_language(q.labels[1], language),
        )
        texts += [
            (question_key(question.pk, "text"), q.text, question.text),
            (question_key(question.pk, "min_label"), q.labels[0], question.min_label),
            (question_key(question.pk, "max_label"), q.labels[1], question.max_label),
        ]
        for i, label in enumerate(q.choices, start=1):
            choice = Choice.objects.create(
                question=question,
                position=i,
                value=slugify(_in_language(label, None)),  # the English text, in any language
                label=_in_language(label, language),
            )
            texts.append((choice_key(choice.pk), label, choice.label))
    SurveyTranslation.objects.bulk_create(_translations(survey, texts))
    survey_touch(survey.pk)  # bulk_create sends no signals: see surveys.receivers
    return survey


def _in_language(text: Label, language: str | None) -> str:
    """`text` in `language`; None: the source (English) text, whatever language is active."""
    with translation.override(language):
        return str(text)


def _translations(survey: Survey, texts: list[tuple[str, Label, str]]) -> list[SurveyTranslation]:
    """The template's texts in every other site language whose catalog has them."""
    rows = []
    for language, _name in settings.LANGUAGES:
        if language == survey.default_language:
            continue
        for key, text, source in texts:
            translated = _in_language(text, language)
            if translated and translated != source:  # the same: the catalog has no translation
                rows.append(
                    SurveyTranslation(survey=survey, language=language, key=key, text=translated)
                )
    return rows
