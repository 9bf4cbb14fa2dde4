"""From the database to the evaluator's plain data: response facts and active rule specs.

A handful of queries per batch of responses, whatever the number of rules or answers: the
responses, their answers, and (only when a rule needs them) the accounts' quadrants and
latest revenue.
"""

import threading
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from customers.models import Account, AccountRevenue
from surveys.models import Answer, Response
from surveys.selectors.waves import latest_billed

from .evaluator import AnswerFact, ConditionSpec, ResponseFacts, RuleSpec, keywords_of
from .models import AlertCondition, AlertRule

QUADRANTS_CACHE_KEY = "cases:account-quadrants"


# ------------------------------------------------------------------ value of the account


def quadrant_map() -> dict[int, str]:
    """{account id: quadrant} from the customer matrix's one classification function, cached
    for CEM_CASES_QUADRANT_CACHE_SECONDS: quadrants move with a year of answers, not with one."""
    quadrants = cache.get(QUADRANTS_CACHE_KEY)
    if quadrants is None:
        from insights.matrix import account_quadrants

        quadrants = {int(k): str(v) for k, v in account_quadrants().items()}
        cache.set(QUADRANTS_CACHE_KEY, quadrants, settings.CEM_CASES_QUADRANT_CACHE_SECONDS)
    return quadrants


def latest_forecast() -> Subquery:
    """The forecast revenue of an account's latest revenue period (0 without any)."""
    latest = AccountRevenue.objects.filter(account=OuterRef("pk")).order_by("-period_start")
    return Coalesce(
        Subquery(latest.values("forecast")[:1]),
        Decimal(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def account_revenue(account_ids: Collection[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """{account id: (latest billed, latest forecast)} in one query."""
    if not account_ids:
        return {}
    rows = (
        Account.objects.filter(pk__in=list(account_ids))
        .annotate(billed=latest_billed(), forecast=latest_forecast())
        .values_list("pk", "billed", "forecast")
    )
    return {pk: (billed, forecast) for pk, billed, forecast in rows}


# ------------------------------------------------------------------ responses


def response_facts(
    response_ids: Iterable[int], *, quadrants: bool = False, revenue: bool = False
) -> dict[int, ResponseFacts]:
    """Facts of the completed responses among `response_ids`, keyed by id."""
    ids = list(dict.fromkeys(response_ids))
    responses = list(
        Response.objects.completed()
        .filter(pk__in=ids)
        .values(
            "pk",
            "survey_id",
            "survey__kind",
            "touch_point_id",
            "account_id",
            "attributes",
            "event__attributes",
        )
    )
    answers: dict[int, list[AnswerFact]] = {}
    rows = (
        Answer.objects.filter(response_id__in=[r["pk"] for r in responses])
        .order_by()
        .values_list(
            "response_id", "question_id", "question_type", "number", "choice__value", "text"
        )
    )
    for response_id, question_id, question_type, number, choice_value, text in rows:
        answers.setdefault(response_id, []).append(
            AnswerFact(question_id, question_type, number, choice_value, text or "")
        )
    account_ids = {r["account_id"] for r in responses if r["account_id"]}
    quadrant_of = quadrant_map() if quadrants and account_ids else {}
    revenue_of = account_revenue(account_ids) if revenue else {}
    facts = {}
    for r in responses:
        attributes = {}
        for source in (r["event__attributes"], r["attributes"]):
            if isinstance(source, dict):
                attributes.update(source)
        billed, forecast = revenue_of.get(r["account_id"], (None, None))
        facts[r["pk"]] = ResponseFacts(
            response_id=r["pk"],
            survey_id=r["survey_id"],
            survey_kind=r["survey__kind"],
            touch_point_id=r["touch_point_id"],
            account_id=r["account_id"],
            answers=tuple(answers.get(r["pk"], ())),
            attributes=attributes,
            quadrant=quadrant_of.get(r["account_id"]),
            billed=billed,
            forecast=forecast,
        )
    return facts


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


class _RuleCache:
    """The active rules, compiled once per process and rebuilt when any of them changes
    (a condition's save touches its rule's updated_at): one small query per evaluation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature = None
        self._rules: dict[int, AlertRule] = {}
        self._specs: list[RuleSpec] = []

    def get(self) -> tuple[list[RuleSpec], dict[int, AlertRule]]:
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
            return list(self._specs), dict(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._signature = None


active_rules = _RuleCache()
