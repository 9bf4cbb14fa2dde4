"""The server-side check of answers and the typed rows they are stored as.

Answers are keyed by question id (or Question) with the values `response_submit` takes: an
int for scales (strings of digits are accepted), a Choice.value for single choice, a list of
Choice.values for multiple choice, a string for free text. Errors are keyed by the form field
name (`field_name`), so that the respondent form can show them next to the question.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import logic
from ..constants import SCALE_TYPES, QuestionType
from ..models import Answer, Question, Response

TEXT_MAX_LENGTH = 5000


def field_name(question: Question) -> str:
    """The form field contract: other code posts `q_<question id>`."""
    return f"q_{question.pk}"


def _clean_value(question: Question, value: Any) -> list[dict]:
    """Server-side check of one answer; returns the typed columns of its Answer rows."""
    if question.type in SCALE_TYPES:
        low, high = question.scale
        if isinstance(value, bool):
            raise ValidationError(_("Choose a value on the scale."))
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose a value on the scale.")) from None
        if not low <= number <= high:
            raise ValidationError(_("Choose a value on the scale."))
        return [{"number": number}]

    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        by_value = {choice.value: choice for choice in question.choices.all()}
        values = [value] if isinstance(value, str) else list(value)
        if question.type == QuestionType.SINGLE_CHOICE and len(values) != 1:
            raise ValidationError(_("Choose one option."))
        if any(not isinstance(v, str) or v not in by_value for v in values):
            raise ValidationError(_("Choose one of the options shown."))
        return [{"choice": by_value[v]} for v in dict.fromkeys(values)]

    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("Keep your answer under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}
        )
    if "\x00" in value:
        raise ValidationError(_("The answer contains characters that are not allowed."))
    return [{"text": value}]


def answers_by_id(answers: Mapping) -> dict[int, Any]:
    """`answers` keyed by question id, whether keyed by id or by Question."""
    return {getattr(key, "pk", key): value for key, value in answers.items()}


def answers_validate(
    *, questions: list[Question], answers: dict, checked: list[Question], required: bool
) -> tuple[list[tuple[Question, dict]], dict[str, list]]:
    """Rows and errors for the `checked` questions that are shown, given all `answers`."""
    shown = {question.pk for question in logic.visible_questions(questions, answers)}
    rows, errors = [], {}
    for question in checked:
        if question.pk not in shown:
            continue  # skipped by its condition: a posted answer is ignored
        value = answers.get(question.pk)
        if logic.is_blank(value):
            if required and question.required:
                errors[field_name(question)] = [_("This question needs an answer.")]
            continue
        try:
            rows.extend((question, columns) for columns in _clean_value(question, value))
        except ValidationError as error:
            errors[field_name(question)] = error.messages
    return rows, errors


def answers_clean(*, questions: list[Question], answers: Mapping) -> list[tuple[Question, dict]]:
    """Validate a whole survey's answers keyed by question id; errors are keyed by form field
    name. Answers to questions skipped by their condition are dropped; shown required
    questions must be answered."""
    by_id = {question.pk: question for question in questions}
    answers = answers_by_id(answers)
    if set(answers) - set(by_id):
        raise ValidationError(_("An answer does not belong to this survey."))
    rows, errors = answers_validate(
        questions=questions, answers=answers, checked=questions, required=True
    )
    if errors:
        raise ValidationError(errors)
    return rows


def answer_rows(response: Response, rows, *, submitted_at) -> list[Answer]:
    """Answer rows of `rows` (from answers_clean), copying the response's survey, account,
    touch point and time so that reports aggregate one table."""
    return [
        Answer(
            response=response,
            question=question,
            question_type=question.type,
            survey_id=response.survey_id,
            account_id=response.account_id,
            touch_point_id=response.touch_point_id,
            submitted_at=submitted_at,
            **columns,
        )
        for question, columns in rows
    ]
