"""The demo's four live surveys, one of each kind, in all four languages."""

from datetime import timedelta

from django.utils.text import slugify

from customers.demo import LANGUAGES
from customers.models import TouchPoint

from ..constants import QuestionType, SurveyKind, SurveyStatus
from ..models import Choice, Question, Survey, SurveyTranslation
from ..receivers import survey_touch
from ..services.templates import survey_create_from_template
from .texts import PULSE_CHOICES, PULSE_INTRO, PULSE_NEXT, PULSE_SATISFACTION, TRANSLATIONS

SLUG_INSTALLATION = "demo-installation-nps"
SLUG_CALL_CENTER = "demo-call-center-effort"
SLUG_RELATIONSHIP = "demo-relationship"
SLUG_PULSE = "demo-pulse-next-services"
DEMO_SLUGS = (SLUG_INSTALLATION, SLUG_CALL_CENTER, SLUG_RELATIONSHIP, SLUG_PULSE)


def _translations_for(survey: Survey) -> list[SurveyTranslation]:
    """The demo's own translations of what the template's catalog rows do not cover yet."""
    rows = []
    questions = list(survey.questions.prefetch_related("choices"))
    present = set(survey.translations.values_list("language", "key"))
    for language, table in TRANSLATIONS.items():

        def add(key: str, english: str, language=language, table=table) -> None:
            if english in table and (language, key) not in present:
                rows.append(
                    SurveyTranslation(
                        survey=survey, language=language, key=key, text=table[english]
                    )
                )

        add("title", survey.title)
        add("intro", survey.intro)
        add("thank_you", survey.thank_you)
        for question in questions:
            add(f"question:{question.id}:text", question.text)
            for choice in question.choices.all():
                add(f"choice:{choice.id}:label", choice.label)
    return rows


def demo_surveys_seed(*, touch_points: dict[str, TouchPoint], admin) -> dict[str, Survey]:
    """One live survey of each kind, in all four languages; existing ones are kept."""
    common = {
        "status": SurveyStatus.LIVE,
        "languages": [str(code) for code in LANGUAGES],
        "created_by": admin,
    }
    specs = (
        (SLUG_INSTALLATION, "nps_transaction", "Installation experience",
         {"touch_point": touch_points["installation"], "send_delay": timedelta(hours=24)}),
        (SLUG_CALL_CENTER, "effort", "Call center: customer effort",
         {"touch_point": touch_points["call-center"], "send_delay": timedelta(0),
          "fatigue_window_days": 7}),
        (SLUG_RELATIONSHIP, "relationship_cx", "Relationship survey", {}),
        (SLUG_PULSE, "nps_transaction", "Pulse: what should we offer next?",
         {"kind": SurveyKind.PULSE}),
    )  # fmt: skip
    surveys = {}
    for slug, template, title, extra in specs:
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            survey = survey_create_from_template(
                template=template, title=title, slug=slug, **common, **extra
            )
            if slug == SLUG_PULSE:
                _shape_pulse_survey(survey)
            SurveyTranslation.objects.bulk_create(_translations_for(survey))
        surveys[slug] = survey
    return surveys


def _shape_pulse_survey(survey: Survey) -> None:
    """A pulse asks about the future: reword the template and add what-next choices."""
    survey.intro = PULSE_INTRO
    survey.save(update_fields=["intro"])
    survey.questions.filter(type=QuestionType.RATING).update(text=PULSE_SATISFACTION)
    question = Question.objects.create(
        survey=survey,
        position=survey.questions.count() + 1,
        type=QuestionType.SINGLE_CHOICE,
        text=PULSE_NEXT,
        required=False,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, value=slugify(label), label=label)
        for i, label in enumerate(PULSE_CHOICES, start=1)
    )
    survey_touch(survey.pk)  # update() and bulk_create send no signals: see surveys.receivers
