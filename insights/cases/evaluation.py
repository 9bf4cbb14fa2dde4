"""Running alert rules over stored responses: after each answer, in the sweep, and over a
rule's back catalogue (dry run and backfill).

Once per response: `ResponseEvaluation` is inserted before the rules run, in the same
transaction, so a redelivered task, the sweep and a concurrent worker find it and stop.
Once per response and rule: `Case` is unique on (rule, response), which also covers the
backfill of a rule over responses the live path already saw.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.models import Response
from surveys.selectors.responses import day_start

from .evaluator import RuleSpec, rule_matches, rules_matching
from .facts import active_rules, response_facts, response_facts_of, rule_spec
from .models import AlertRule, Case, ResponseEvaluation
from .rule_sql import rule_responses
from .services import case_open

logger = logging.getLogger(__name__)

BACKFILL_BATCH = 200


def _needs(specs: list[RuleSpec], rules: list[AlertRule]) -> tuple[bool, bool]:
    quadrants = any(s.needs_quadrant for s in specs) or any(r.override_quadrants for r in rules)
    revenue = any(s.needs_revenue for s in specs) or any(
        r.override_billed_above is not None for r in rules
    )
    return quadrants, revenue


def _response_for_case(response_id: int) -> Response | None:
    return (
        Response.objects.completed()
        .select_related("survey", "event", "account__general_manager", "touch_point__specialist")
        .filter(pk=response_id)
        .first()
    )


def _evaluate_once(response_id: int, now: datetime) -> list[Case]:
    specs, rules = active_rules.get()
    quadrants, revenue = _needs(specs, list(rules.values()))
    with transaction.atomic():
        response = _response_for_case(response_id)
        if response is None:
            return []
        facts = response_facts_of(response, quadrants=quadrants, revenue=revenue)
        matched = rules_matching(specs, facts)
        # The marker is the transaction's first write: a second evaluation of the response
        # (redelivered, swept, concurrent) fails here and its transaction rolls back.
        ResponseEvaluation.objects.create(
            response_id=response_id, evaluated_at=now, rules_checked=len(specs),
            cases_opened=len(matched),
        )  # fmt: skip
        if not matched:
            return []
        existing = set(
            Case.objects.filter(response_id=response_id).values_list("rule_id", flat=True)
        )
        return [
            case_open(
                rule=rules[spec.rule_id], response=response, facts=facts, now=now,
                guarded=False,
            )
            for spec in matched
            if spec.rule_id not in existing
        ]  # fmt: skip


def response_evaluate(*, response_id: int, now: datetime | None = None) -> list[Case]:
    """Run every active rule on one completed response and open a case per match; a no-op
    for a response evaluated before (or not completed, or gone)."""
    now = now or timezone.now()
    for attempt in (1, 2):
        try:
            return _evaluate_once(response_id, now)
        except IntegrityError:
            if ResponseEvaluation.objects.filter(response_id=response_id).exists():
                return []  # evaluated by someone else
            if attempt == 2:
                raise
            # A backfill opened one of these cases meanwhile: once more, seeing it.
    return []


def responses_unevaluated(*, now: datetime | None = None):
    """Completed responses of the last CEM_CASES_SWEEP_LOOKBACK_DAYS that no evaluation has
    marked, older than CEM_CASES_SWEEP_GRACE_SECONDS (younger ones are their task's)."""
    now = now or timezone.now()
    return (
        Response.objects.completed()
        .filter(
            submitted_at__gte=now - timedelta(days=settings.CEM_CASES_SWEEP_LOOKBACK_DAYS),
            submitted_at__lt=now - timedelta(seconds=settings.CEM_CASES_SWEEP_GRACE_SECONDS),
            case_evaluation__isnull=True,
        )
        .order_by("submitted_at", "pk")
    )


def responses_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Evaluate responses whose task never ran (the broker was down, the message was lost)."""
    ids = list(responses_unevaluated(now=now).values_list("pk", flat=True)[:limit])
    for response_id in ids:
        response_evaluate(response_id=response_id, now=now)
    if ids:
        logger.info("Alert sweep evaluated %d responses", len(ids))
    return len(ids)


# ------------------------------------------------------------------ the back catalogue


@dataclass(frozen=True)
class DryRun:
    matches: int  # responses the rule matches
    with_case: int  # of which already have this rule's case
    would_open: int  # cases a backfill would open now


def _catalogue(rule: AlertRule, since: date | None, until: date | None):
    responses = rule_responses(rule_spec(rule))
    if since is not None:
        responses = responses.filter(submitted_at__gte=day_start(since))
    if until is not None:
        responses = responses.filter(submitted_at__lt=day_start(until, days_after=1))
    return responses


def rule_dry_run(
    *, rule: AlertRule, since: date | None = None, until: date | None = None
) -> DryRun:
    """ "This rule would have opened N cases": two COUNT queries over the completed responses
    (accounts' quadrants and revenue as they are today)."""
    responses = _catalogue(rule, since, until)
    matches = responses.count()
    with_case = responses.filter(cases__rule=rule).count()
    return DryRun(matches=matches, with_case=with_case, would_open=matches - with_case)


def rule_backfill_chunk(
    *,
    rule: AlertRule,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
    notify: bool = True,
    limit: int | None = None,
) -> tuple[int, int]:
    """Open the cases `rule` finds among (at most `limit`) responses of the back catalogue
    without its case; returns (responses examined, cases opened). The database narrows the
    responses; the evaluator confirms each (the one definition)."""
    now = now or timezone.now()
    spec = rule_spec(rule)
    candidates = _catalogue(rule, since, until).exclude(cases__rule=rule).order_by("pk")
    ids = list(candidates.values_list("pk", flat=True)[:limit])
    quadrants, revenue = _needs([spec], [rule])
    opened = 0
    for start in range(0, len(ids), BACKFILL_BATCH):
        batch = ids[start : start + BACKFILL_BATCH]
        facts = response_facts(batch, quadrants=quadrants, revenue=revenue)
        responses = Response.objects.select_related(
            "account__general_manager", "touch_point__specialist", "survey"
        ).in_bulk(batch)
        with transaction.atomic():
            for response_id in batch:
                if response_id not in facts or not rule_matches(spec, facts[response_id]):
                    continue
                case = case_open(
                    rule=rule,
                    response=responses[response_id],
                    facts=facts[response_id],
                    now=now,
                    notify=notify,
                )
                opened += case is not None
    return len(ids), opened


def rule_backfill(
    *,
    rule: AlertRule,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> int:
    """Open every case `rule` finds in the back catalogue; returns how many it opened."""
    _examined, opened = rule_backfill_chunk(
        rule=rule, since=since, until=until, now=now, notify=notify
    )
    return opened
