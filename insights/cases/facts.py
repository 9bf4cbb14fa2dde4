"""From the database to the evaluator's plain data: response facts and active rule specs.

A handful of queries per batch of responses, whatever the number of rules or answers: the
responses, their answers, and (only when a rule needs them) the accounts' quadrants and
latest revenue.
"""

import threading
import time
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from customers.models import Account, AccountRevenue
from customers.selectors import latest_billed
from surveys.models import Answer, Response

from .evaluator import AnswerFact, ConditionSpec, ResponseFacts, RuleSpec, keywords_of
from .models import AlertCondition, AlertRule

# ------------------------------------------------------------------ value of the account

# Quadrants move with a year of answers and revenue with the billing import, not with one
# answer: both are read for every account at once and cached for CEM_CASES_VALUE_CACHE_SECONDS.
QUADRANTS_CACHE_KEY = "cases:account-quadrants"
REVENUE_CACHE_KEY = "cases:account-revenue"


def quadrant_map() -> dict[int, str]:
    """{account id: quadrant} from the customer matrix's one classification function."""
    quadrants = cache.get(QUADRANTS_CACHE_KEY)
    if quadrants is None:
        from insights.selectors.matrix import account_quadrants

        quadrants = {int(k): str(v) for k, v in account_quadrants().items()}
        cache.set(QUADRANTS_CACHE_KEY, quadrants, settings.CEM_CASES_VALUE_CACHE_SECONDS)
    return quadrants


def latest_forecast() -> Subquery:
    """The forecast revenue of an account's latest revenue period (0 without any)."""
    latest = AccountRevenue.objects.filter(account=OuterRef("pk")).order_by("-period_start")
    return Coalesce(
        Subquery(latest.values("forecast")[:1]),
        Decimal(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def revenue_map() -> dict[int, tuple[Decimal, Decimal]]:
    """{account id: (latest billed, latest forecast)} for every account, in one query."""
    revenue = cache.get(REVENUE_CACHE_KEY)
    if revenue is None:
        rows = Account.objects.annotate(billed=latest_billed(), forecast=latest_forecast())
        revenue = {pk: (b, f) for pk, b, f in rows.values_list("pk", "billed", "forecast")}
        cache.set(REVENUE_CACHE_KEY, revenue, settings.CEM_CASES_VALUE_CACHE_SECONDS)
    return revenue


def account_values_forget() -> None:
    cache.delete_many([QUADRANTS_CACHE_KEY, REVENUE_CACHE_KEY])


# ------------------------------------------------------------------ responses


def _answers_of(response_ids: list[int]) -> dict[int, list[AnswerFact]]:
    answers: dict[int, list[AnswerFact]] = {}
    rows = (
        Answer.objects.filter(response_id__in=response_ids)
        .order_by()
        .values_list(
            "response_id", "question_id", "question_type", "number", "choice__value", "text"
        )
    )
    for response_id, question_id, question_type, number, choice_value, text in rows:
        answers.setdefault(response_id, []).append(
            AnswerFact(question_id, question_type, number, choice_value, text or "")
        )
    return answers


def _facts(row: dict, answers: list[AnswerFact], *, quadrants: bool, revenue: bool):
    attributes = {}
    for source in (row["event__attributes"], row["attributes"]):
        if isinstance(source, dict):
            attributes.update(source)
    account_id = row["account_id"]
    quadrant = quadrant_map().get(account_id) if quadrants and account_id else None
    billed, forecast = (
        revenue_map().get(account_id, (None, None)) if revenue and account_id else (None, None)
    )
    return ResponseFacts(
        response_id=row["pk"],
        survey_id=row["survey_id"],
        survey_kind=row["survey__kind"],
        touch_point_id=row["touch_point_id"],
        account_id=account_id,
        answers=tuple(answers),
        attributes=attributes,
        quadrant=quadrant,
        billed=billed,
        forecast=forecast,
    )


def response_facts(
    response_ids: Iterable[int], *, quadrants: bool = False, revenue: bool = False
) -> dict[int, ResponseFacts]:
    """Facts of the completed responses among `response_ids`, keyed by id (two queries)."""
    rows = list(
        Response.objects.completed()
        .filter(pk__in=list(dict.fromkeys(response_ids)))
        .values(
            "pk", "survey_id", "survey__kind", "touch_point_id", "account_id", "attributes",
            "event__attributes",
        )
    )  # fmt: skip
    answers = _answers_of([row["pk"] for row in rows])
    return {
        row["pk"]: _facts(row, answers.get(row["pk"], []), quadrants=quadrants, revenue=revenue)
        for row in rows
    }


def response_facts_of(
    response: Response, *, quadrants: bool = False, revenue: bool = False
) -> ResponseFacts:
    """Facts of one response read with its survey and event (one query, for the answers)."""
    row = {
        "pk": response.pk,
        "survey_id": response.survey_id,
        "survey__kind": response.survey.kind,
        "touch_point_id": response.touch_point_id,
        "account_id": response.account_id,
        "attributes": response.attributes,
        "event__attributes": response.event.attributes if response.event_id else None,
    }
    answers = _answers_of([response.pk]).get(response.pk, [])
    return _facts(row, answers, quadrants=quadrants, revenue=revenue)


# ------------------------------------------------------------------ rules


def condition_spec(condition: AlertCondition) -> ConditionSpec:
    return ConditionSpec(
        kind=condition.kind,
        survey_id=condition.survey_id,
        survey_kind=condition.survey_kind,
        touch_point_id=condition.touch_point_id,
        question_id=condition.question_id,
        score_target=condition.score_target,
        number_operator=condition.number_operator,
        number=condition.number,
        choice_value=condition.choice_value,
        attribute=condition.attribute,
        text_operator=condition.text_operator,
        text=condition.text,
        keywords=keywords_of(condition.text),
        quadrants=frozenset(condition.quadrants or ()),
        amount=condition.amount,
    )


def rule_spec(rule: AlertRule) -> RuleSpec:
    """The rule's spec; reads `rule.conditions` (prefetch them for many rules)."""
    return RuleSpec(
        rule_id=rule.pk,
        match=rule.match,
        conditions=tuple(condition_spec(c) for c in rule.conditions.all()),
    )


RULES_RECHECK_SECONDS = 5.0


class _RuleCache:
    """The active rules, compiled once per process and rebuilt when any of them changes (a
    condition's save touches its rule's updated_at). Whether they changed is asked at most
    every RULES_RECHECK_SECONDS (one small query); a save in this process clears it at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature = None
        self._checked = 0.0
        self._rules: dict[int, AlertRule] = {}
        self._specs: list[RuleSpec] = []

    def get(self) -> tuple[list[RuleSpec], dict[int, AlertRule]]:
        with self._lock:
            if (
                self._signature is not None
                and time.monotonic() - self._checked < RULES_RECHECK_SECONDS
            ):
                return list(self._specs), dict(self._rules)
        signature = tuple(
            AlertRule.objects.filter(is_active=True)
            .aggregate(n=Count("id"), changed=Max("updated_at"), last=Max("id"))
            .values()
        )
        with self._lock:
            if signature != self._signature:
                rules = list(
                    AlertRule.objects.filter(is_active=True)
                    .select_related("route_user", "route_team", "override_user", "override_team")
                    .prefetch_related("conditions")
                    .order_by("id")
                )
                self._rules = {rule.pk: rule for rule in rules}
                self._specs = [rule_spec(rule) for rule in rules]
                self._signature = signature
            self._checked = time.monotonic()
            return list(self._specs), dict(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._signature = None


active_rules = _RuleCache()
