"""A survey's questions as the answering pages read them: cached per process.

Every request to a personal link needs the survey's questions and choices; they change rarely,
so their rows are kept per process and read again when the survey's `updated_at` moves.
"""

from typing import Any

from ..constants import SCALE_TYPES
from ..models import Choice, Question, Survey

# Per process: a survey's question and choice rows, keyed by the survey's id and `updated_at`.
# Every save or delete of a Question or Choice bumps `Survey.updated_at` (surveys.receivers,
# and `survey_touch` after bulk writes), so a changed survey misses and is read again; the
# receivers also drop this process's entry at once. Rows (tuples), not instances, are kept:
# each request gets its own model instances and cannot leak state into the next.
_QUESTION_CACHE: dict[int, tuple[Any, list[tuple], list[tuple]]] = {}
_QUESTION_CACHE_MAX = 256
_QUESTION_FIELDS = [field.attname for field in Question._meta.concrete_fields]
_CHOICE_FIELDS = [field.attname for field in Choice._meta.concrete_fields]


def survey_questions_forget(survey_id: int | None = None) -> None:
    """Drop this process's cached questions of one survey (or of all)."""
    if survey_id is None:
        _QUESTION_CACHE.clear()
    else:
        _QUESTION_CACHE.pop(survey_id, None)


def _survey_question_rows(survey: Survey) -> tuple[list[tuple], list[tuple]]:
    cached = _QUESTION_CACHE.get(survey.pk)
    if cached is not None and survey.updated_at is not None and cached[0] == survey.updated_at:
        return cached[1], cached[2]
    question_rows = list(
        Question.objects.filter(survey_id=survey.pk)
        .order_by("page", "position", "id")
        .values_list(*_QUESTION_FIELDS)
    )
    choice_rows = []
    if question_rows:
        question_ids = [row[0] for row in question_rows]
        choice_rows = list(
            Choice.objects.filter(question_id__in=question_ids)
            .order_by("position", "id")
            .values_list(*_CHOICE_FIELDS)
        )
    if survey.updated_at is not None:
        if len(_QUESTION_CACHE) >= _QUESTION_CACHE_MAX:
            _QUESTION_CACHE.clear()
        _QUESTION_CACHE[survey.pk] = (survey.updated_at, question_rows, choice_rows)
    return question_rows, choice_rows


def survey_questions(*, survey: Survey) -> list[Question]:
    """The survey's questions in order, each with its choices loaded (`question.choices.all()`
    makes no query), as `prefetch_related("choices")` would give them.

    Fresh instances from this process's cached rows while the survey's `updated_at` is the
    cached one (see `_QUESTION_CACHE`); otherwise two plain queries, the choices by question
    id without a join (the generic prefetch machinery cost more CPU than the queries)."""
    question_rows, choice_rows = _survey_question_rows(survey)
    db = "default"
    questions = [Question.from_db(db, _QUESTION_FIELDS, row) for row in question_rows]
    choices: dict[int, list[Choice]] = {question.pk: [] for question in questions}
    for row in choice_rows:
        choice = Choice.from_db(db, _CHOICE_FIELDS, row)
        choices[choice.question_id].append(choice)
    manager = Question.choices.rel.get_accessor_name()  # "choices"
    for question in questions:
        related = question.choices.all()
        related._result_cache = choices[question.pk]
        related._prefetch_done = True
        for choice in related._result_cache:
            Choice.question.field.set_cached_value(choice, question)
        question._prefetched_objects_cache = {manager: related}
    return questions


def first_scale_question(survey: Survey) -> Question | None:
    """The scale question a survey opens with, for one-click answers from the email.

    The first question in order, when it is a scale (NPS, rating, effort, CX) without a
    condition; links to `<invitation.url>?score=<n>` open the form with n chosen.
    """
    question = survey.questions.order_by("page", "position", "id").first()
    if question is None or question.type not in SCALE_TYPES:
        return None
    if question.condition_question_id is not None:
        return None
    return question
