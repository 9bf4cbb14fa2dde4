"""Skip logic: which questions and pages a respondent sees, given the answers so far.

Pure functions over Question objects (no queries beyond prefetched choices), shared by the
respondent form, the services that store answers and the admin validation.

The rules, in one place:

* A question with `condition_question` is shown only when that question's answer meets the
  condition (`condition_operator`, `condition_value`). Otherwise it is skipped: it is not
  rendered, a posted answer to it is ignored and it is never required.
* The referenced question must come EARLIER in the survey's order (page, position, id): on an
  earlier page, or on the same page above it. Same-page conditions are re-evaluated by the
  server on every post and revealed progressively by survey.js; without JavaScript the
  question stays visible and its answer is simply ignored when the condition is not met.
  Referencing a later question, itself, a missing question or another survey's question is
  an error, so conditions can never loop.
* A skipped referenced question counts as unanswered, so skipping cascades down a chain.
* An unanswered question meets no condition except none at all: `answered` is false, and so
  are `eq`, `ne`, `lt`... ("is not 3" needs an answer that is not 3).
* Operators per type: scales (NPS, rating, effort, CX) take every operator with an integer
  value inside the scale; single choice takes `eq`/`ne` with one of its choice values;
  multiple choice takes `eq` ("includes") / `ne` ("does not include") with a choice value;
  free text takes `answered` only. `answered` takes no value.
* A page is shown when at least one of its questions is shown; a page whose questions are
  all skipped is skipped.

Answers are keyed by question id with the values `response_submit` takes: an int for scales
(strings of digits are accepted), a Choice.value for single choice, a list of Choice.values
for multiple choice, a string for text.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .constants import SCALE_TYPES, ConditionOperator, QuestionType

NUMERIC_OPERATORS = frozenset(
    {ConditionOperator.LT, ConditionOperator.LTE, ConditionOperator.GT, ConditionOperator.GTE}
)
EQUALITY_OPERATORS = frozenset({ConditionOperator.EQ, ConditionOperator.NE})


def ordered(questions: Iterable) -> list:
    return sorted(questions, key=lambda q: (q.page, q.position, q.pk or 0))


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def allowed_operators(question_type: str) -> frozenset[str]:
    """The operators a condition on a question of this type may use."""
    if question_type in SCALE_TYPES:
        return frozenset(ConditionOperator.values)
    if question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return EQUALITY_OPERATORS | {ConditionOperator.ANSWERED}
    return frozenset({ConditionOperator.ANSWERED})


def condition_met(operator: str, expected: str, value: Any) -> bool:
    """Whether an answer `value` meets `operator expected` (see the module rules)."""
    if is_blank(value):
        return False
    if operator == ConditionOperator.ANSWERED:
        return True
    if isinstance(value, list | tuple):  # multiple choice: eq = includes, ne = excludes
        values = [str(v) for v in value]
        if operator == ConditionOperator.EQ:
            return expected in values
        if operator == ConditionOperator.NE:
            return expected not in values
        return False
    number, target = _as_int(value), _as_int(expected)
    if number is not None and target is not None:
        return {
            ConditionOperator.LT: number < target,
            ConditionOperator.LTE: number <= target,
            ConditionOperator.EQ: number == target,
            ConditionOperator.NE: number != target,
            ConditionOperator.GTE: number >= target,
            ConditionOperator.GT: number > target,
        }.get(operator, False)
    if operator == ConditionOperator.EQ:
        return str(value) == expected
    if operator == ConditionOperator.NE:
        return str(value) != expected
    return False


def question_is_shown(question, answers: Mapping[int, Any]) -> bool:
    """Whether `question` is shown, given the answers of the questions before it.

    `answers` should hold only the answers of shown questions (`visible_questions` takes
    care of that); a missing answer counts as unanswered.
    """
    if question.condition_question_id is None:
        return True
    value = answers.get(question.condition_question_id)
    return condition_met(question.condition_operator, question.condition_value, value)


def visible_questions(questions: Iterable, answers: Mapping[int, Any]) -> list:
    """The shown questions, in order; answers of skipped questions are disregarded."""
    answers = {getattr(key, "pk", key): value for key, value in answers.items()}
    effective: dict[int, Any] = {}
    shown = []
    for question in ordered(questions):
        if question_is_shown(question, effective):
            shown.append(question)
            if question.pk in answers:
                effective[question.pk] = answers[question.pk]
    return shown


def renderable_questions(
    questions: Iterable, answers: Mapping[int, Any], *, page: int | None = None
) -> list:
    """The questions to put on `page` (all pages when None).

    Conditions on questions of an earlier page are decided with `answers`; conditions on a
    question of the same page are left to the respondent (the question is rendered and
    revealed by the browser, the server decides on post), as long as the question they
    depend on is itself rendered.
    """
    answers = {getattr(key, "pk", key): value for key, value in answers.items()}
    effective: dict[int, Any] = {}
    rendered: list = []
    open_ids: set[int] = set()
    for question in ordered(questions):
        on_open_page = page is None or question.page == page
        if on_open_page and question.condition_question_id in open_ids:
            rendered.append(question)
            open_ids.add(question.pk)
            continue
        if not question_is_shown(question, effective):
            continue
        if question.pk in answers and not on_open_page:
            effective[question.pk] = answers[question.pk]
        if on_open_page:
            rendered.append(question)
            open_ids.add(question.pk)
    return rendered


def visible_pages(questions: Iterable, answers: Mapping[int, Any]) -> list[int]:
    """Page numbers with at least one shown question, ascending."""
    return sorted({question.page for question in visible_questions(questions, answers)})


def expected_pages(questions: Iterable, answers: Mapping[int, Any]) -> list[int]:
    """Pages shown or still undecided (their condition waits on an unanswered question): the
    length of the survey as a progress bar should announce it."""
    answers = {getattr(key, "pk", key): value for key, value in answers.items()}
    state: dict[int, str] = {}  # question id -> "shown", "maybe" or "hidden"
    pages = set()
    for question in ordered(questions):
        ref = question.condition_question_id
        if ref is None:
            current = "shown"
        elif state.get(ref, "hidden") == "hidden":
            current = "hidden"
        elif state[ref] == "maybe" or is_blank(answers.get(ref)):
            current = "maybe"
        else:
            current = "shown" if question_is_shown(question, answers) else "hidden"
        state[question.pk] = current
        if current != "hidden":
            pages.add(question.page)
    return sorted(pages)


def page_after(questions: Iterable, answers: Mapping[int, Any], page: int) -> int | None:
    return next((p for p in visible_pages(questions, answers) if p > page), None)


def page_before(questions: Iterable, answers: Mapping[int, Any], page: int) -> int | None:
    earlier = [p for p in visible_pages(questions, answers) if p < page]
    return earlier[-1] if earlier else None


def resume_page(questions: Iterable, answers: Mapping[int, Any]) -> int | None:
    """Where a respondent continues: the first page with an unanswered required shown
    question; when there is none, the last shown page (the first one without answers)."""
    shown = visible_questions(questions, answers)
    if not shown:
        return None
    for question in shown:
        if question.required and is_blank(answers.get(question.pk)):
            return question.page
    return shown[0].page if not answers else shown[-1].page


# ------------------------------------------------------------------ validation of the design


def _order_key(question) -> tuple:
    # An unsaved question sorts after the saved ones of its page and position.
    return (question.page, question.position, question.pk if question.pk is not None else 1e18)


def _describe(question) -> str:
    text = " ".join((question.text or "").split())
    return "“" + (text[:40] + "…" if len(text) > 40 else text) + "”"


def _problems(questions: Sequence) -> list[tuple[Any, str]]:
    """(dependent question, message) for every broken condition among `questions`."""
    by_id = {q.pk: q for q in questions if q.pk is not None}
    problems = []
    for question in ordered(questions):
        ref_id = question.condition_question_id
        if ref_id is None:
            if question.condition_operator or question.condition_value:
                message = _("choose the question its condition depends on.")
            else:
                continue
        elif ref_id == question.pk:
            message = _("a question cannot depend on itself.")
        elif ref_id not in by_id:
            message = _("the condition refers to a question that is not in this survey.")
        elif _order_key(by_id[ref_id]) >= _order_key(question):
            message = _(
                "the condition must refer to an earlier question (on an earlier page, "
                "or above it on the same page)."
            )
            if _in_loop(question, by_id):
                message = _("the conditions form a loop.") + " " + message
        else:
            message = _operator_problem(question, by_id[ref_id])
            if not message:
                continue
        problems.append((question, f"{_describe(question)}: {message}"))
    return problems


def _in_loop(question, by_id: Mapping) -> bool:
    seen: set = set()
    current = question
    while current is not None and current.condition_question_id is not None:
        ref_id = current.condition_question_id
        if ref_id == question.pk:
            return True
        if ref_id in seen:
            return False
        seen.add(ref_id)
        current = by_id.get(ref_id)
    return False


def _operator_problem(question, referenced) -> str:
    operator, value = question.condition_operator, question.condition_value
    if operator not in ConditionOperator.values:
        return _("choose a condition.")
    if operator not in allowed_operators(referenced.type):
        return _("the condition “%(op)s” does not fit a question of type “%(type)s”.") % {
            "op": ConditionOperator(operator).label,
            "type": QuestionType(referenced.type).label,
        }
    if operator == ConditionOperator.ANSWERED:
        return ""
    if referenced.type in SCALE_TYPES:
        low, high = referenced.scale
        number = _as_int(value)
        if number is None or not low <= number <= high:
            return _("the condition value must be a whole number from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
        return ""
    choices = [choice.value for choice in referenced.choices.all()]
    if value not in choices:
        return _("the condition value must be one of the choice values: %(values)s.") % {
            "values": ", ".join(choices) or "—"
        }
    return ""


def logic_errors(questions: Sequence) -> list[str]:
    """Messages for every broken condition in one survey's questions (empty when sound)."""
    return [message for _question, message in _problems(list(questions))]


def question_logic_errors(question, questions: Sequence) -> list[str]:
    """Problems a change to `question` causes: its own condition, or the conditions of the
    questions that depend on it. `questions` are the survey's questions; `question` replaces
    its stored version (or is added when new)."""
    others = [q for q in questions if q.pk is None or q.pk != question.pk]
    problems = _problems([*others, question])
    return [
        message
        for dependent, message in problems
        if dependent is question
        or (question.pk is not None and dependent.condition_question_id == question.pk)
    ]


def survey_logic_validate(*, survey) -> None:
    """Raise ValidationError listing every broken condition of `survey`."""
    errors = logic_errors(list(survey.questions.prefetch_related("choices")))
    if errors:
        raise ValidationError(errors)
