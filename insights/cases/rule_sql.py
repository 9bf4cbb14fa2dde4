"""A rule's conditions as one database filter over completed responses.

Serves the back catalogue: the dry run counts matches with one COUNT query, and the backfill
reads only the matching ids. It says in SQL what `evaluator.condition_matches` says in
Python; tests hold the two to the same answers. Text matching is the database's
case-insensitive LIKE (on SQLite, case is ignored for ASCII letters only).
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Trim
from django.db.models.lookups import IContains, IExact

from customers.models import Account
from customers.selectors import latest_billed
from surveys.models import Answer, Response

from .constants import ConditionKind, MatchMode, NumberOperator, TextOperator
from .evaluator import ConditionSpec, RuleSpec, score_types
from .facts import latest_forecast, quadrant_map

_NUMBER_LOOKUP = {
    NumberOperator.LT: "lt",
    NumberOperator.LTE: "lte",
    NumberOperator.EQ: "exact",
    NumberOperator.GTE: "gte",
    NumberOperator.GT: "gt",
}
NOTHING = Q(pk__in=[])


def _answers(condition: ConditionSpec) -> QuerySet:
    answers = Answer.objects.filter(response_id=OuterRef("pk"))
    if condition.question_id is not None:
        answers = answers.filter(question_id=condition.question_id)
    return answers


def _number_q(condition: ConditionSpec) -> Q:
    answers = _answers(condition)
    if condition.question_id is None:
        answers = answers.filter(question_type__in=sorted(score_types(condition.score_target)))
    if condition.number_operator == NumberOperator.NE:
        answers = answers.filter(number__isnull=False).exclude(number=condition.number)
    else:
        lookup = _NUMBER_LOOKUP[condition.number_operator]
        answers = answers.filter(**{f"number__{lookup}": condition.number})
    return Q(Exists(answers))


def _attribute_q(condition: ConditionSpec) -> Q:
    wanted = condition.text.strip()

    def test(source: str):
        # Absent keys read as "" (not NULL), so that "is not" holds for them, as in Python.
        value = Trim(
            Coalesce(
                KeyTextTransform(condition.attribute, source), Value(""), output_field=TextField()
            )
        )
        if condition.text_operator == TextOperator.CONTAINS:
            return Q(IContains(value, wanted))
        return Q(IExact(value, wanted))

    present = test("attributes") | test("event__attributes")
    if condition.text_operator == TextOperator.NOT_EQUALS:
        return ~present
    return present


def condition_q(condition: ConditionSpec) -> Q:  # noqa: C901 (one branch per kind)
    kind = condition.kind
    if kind == ConditionKind.SURVEY:
        return Q(survey_id=condition.survey_id)
    if kind == ConditionKind.SURVEY_KIND:
        return Q(survey__kind=condition.survey_kind)
    if kind == ConditionKind.TOUCH_POINT:
        return Q(touch_point_id=condition.touch_point_id)
    if kind == ConditionKind.ANSWER_NUMBER:
        return _number_q(condition)
    if kind == ConditionKind.ANSWER_CHOICE:
        return Q(Exists(_answers(condition).filter(choice__value=condition.choice_value)))
    if kind == ConditionKind.TEXT_CONTAINS:
        words = reduce(or_, (Q(text__icontains=word) for word in condition.keywords), NOTHING)
        return Q(Exists(_answers(condition).filter(words)))
    if kind == ConditionKind.EVENT_ATTRIBUTE:
        return _attribute_q(condition)
    if kind == ConditionKind.ACCOUNT_QUADRANT:
        ids = [pk for pk, q in quadrant_map().items() if q in condition.quadrants]
        return Q(account_id__in=ids)
    if kind == ConditionKind.ACCOUNT_BILLED_ABOVE:
        accounts = Account.objects.annotate(value=latest_billed()).filter(
            value__gt=condition.amount
        )
        return Q(account_id__in=accounts.values("pk"))
    if kind == ConditionKind.ACCOUNT_FORECAST_ABOVE:
        accounts = Account.objects.annotate(value=latest_forecast()).filter(
            value__gt=condition.amount
        )
        return Q(account_id__in=accounts.values("pk"))
    raise ValueError(f"unknown condition kind {kind!r}")


def rule_q(rule: RuleSpec) -> Q:
    if not rule.conditions:
        return NOTHING
    combine = and_ if rule.match == MatchMode.ALL else or_
    return reduce(combine, (condition_q(c) for c in rule.conditions))


def rule_responses(rule: RuleSpec) -> QuerySet[Response]:
    """The completed responses `rule` matches (current quadrants and revenue)."""
    return Response.objects.completed().filter(rule_q(rule))
