"""The evidence a plan opens with, gathered once into a JSON snapshot (`ActionPlan.evidence`).

For a plan on a relationship wave: the account's scores in the wave against the previous wave
and the vertical market's average in the same wave, its NPS over the programme's waves, its
place in the customer matrix in both waves (`insights.selectors.matrix`, the one
classification), its weakest touch points from transaction surveys since the previous wave,
and its open and recent cases. A plan on a period reads the relationship answers of that
period against the period of the same length before it.

Every figure is a database aggregate turned into a metric by `insights.metrics`; the number
of queries does not depend on the number of answers. Snapshots keep keys, never translated
labels: the pages and PDFs translate them in the reader's language.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from customers.models import Account
from surveys.constants import QuestionType, SurveyKind
from surveys.models import Answer, Response, Wave

from ... import metrics
from ...selectors.aggregates import (
    METRIC_TYPES,
    ResultFilter,
    answers_in,
    metric_aggregates,
    nps_from_aggregates,
    responses_in,
    summary_from_aggregates,
)
from ...selectors.corridor_counts import CORRIDOR_TYPES, corridor_aggregates
from ...selectors.matrix import MatrixScope, customer_matrix, wave_previous

# Without a previous wave, transactions of this long before the wave count as "since the last".
TRANSACTION_WINDOW = timedelta(days=365)
TREND_WAVES = 6
WEAKEST_TOUCH_POINTS = 5
RECENT_CASES = 10
SCORE_KEYS = ("n", "nps", "nps_n", "cx_index", "cx_n", "csat", "csat_n", "ces", "ces_n")


@dataclass(frozen=True)
class EvidenceScope:
    """Whose answers a plan's evidence reads."""

    account: Account
    wave: Wave | None
    previous_wave: Wave | None
    since: date  # the plan's period (the wave's field period for a wave)
    until: date
    previous_since: date | None
    previous_until: date | None
    transactions_since: date
    transactions_until: date


def evidence_scope(
    *,
    account: Account,
    wave: Wave | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
) -> EvidenceScope:
    today = today or timezone.localdate()
    if wave is not None:
        previous = wave_previous(wave=wave)
        since = timezone.localdate(wave.opens_at)
        until = timezone.localdate(wave.closes_at)
        transactions_since = (
            timezone.localdate(previous.closes_at)
            if previous is not None
            else since - TRANSACTION_WINDOW
        )
        return EvidenceScope(
            account=account,
            wave=wave,
            previous_wave=previous,
            since=since,
            until=until,
            previous_since=timezone.localdate(previous.opens_at) if previous else None,
            previous_until=timezone.localdate(previous.closes_at) if previous else None,
            transactions_since=transactions_since,
            transactions_until=max(today, until),
        )
    if period_start is None or period_end is None:
        raise ValueError("A plan needs a wave or a period.")
    length = period_end - period_start
    previous_until = period_start - timedelta(days=1)
    return EvidenceScope(
        account=account,
        wave=None,
        previous_wave=None,
        since=period_start,
        until=period_end,
        previous_since=previous_until - length,
        previous_until=previous_until,
        transactions_since=period_start,
        transactions_until=max(min(today, period_end), period_start),
    )


# ------------------------------------------------------------------ relationship scores


def _relationship_answers(*, wave: Wave | None, since: date, until: date) -> QuerySet[Answer]:
    if wave is not None:
        return Answer.objects.submitted().filter(response__distribution_id=wave.distribution_id)
    return answers_in(ResultFilter(since=since, until=until)).filter(
        survey__kind=SurveyKind.RELATIONSHIP
    )


def _relationship_responses(*, wave: Wave | None, since: date, until: date) -> QuerySet[Response]:
    if wave is not None:
        return Response.objects.completed().filter(distribution_id=wave.distribution_id)
    return responses_in(ResultFilter(since=since, until=until)).filter(
        survey__kind=SurveyKind.RELATIONSHIP
    )


def _scores(answers: QuerySet[Answer], responses: QuerySet[Response]) -> dict:
    row = answers.filter(question_type__in=METRIC_TYPES).aggregate(**metric_aggregates())
    counts = responses.aggregate(n=Count("pk"), accounts=Count("account_id", distinct=True))
    summary = summary_from_aggregates(row, n=counts["n"]).as_dict()
    return {**{key: summary[key] for key in SCORE_KEYS}, "accounts": counts["accounts"]}


def _scores_for(*, accounts: Q, wave: Wave | None, since: date, until: date) -> dict | None:
    if wave is not None and wave.distribution_id is None:
        return None
    answers = _relationship_answers(wave=wave, since=since, until=until).filter(accounts)
    responses = _relationship_responses(wave=wave, since=since, until=until).filter(accounts)
    return _scores(answers, responses)


def relationship_scores(scope: EvidenceScope) -> dict:
    """The account's relationship scores, the previous wave's (or period's) and the vertical
    market's in the same wave (all its accounts' answers pooled): six queries."""
    account = scope.account
    mine = Q(account_id=account.pk)
    market = Q(account__vertical_market_id=account.vertical_market_id)
    previous = None
    if scope.wave is not None and scope.previous_wave is not None:
        previous = _scores_for(
            accounts=mine, wave=scope.previous_wave, since=scope.since, until=scope.until
        )
    elif scope.wave is None and scope.previous_since is not None:
        previous = _scores_for(
            accounts=mine, wave=None, since=scope.previous_since, until=scope.previous_until
        )
    return {
        "account": _scores_for(
            accounts=mine, wave=scope.wave, since=scope.since, until=scope.until
        ),
        "previous": previous,
        "vertical": _scores_for(
            accounts=market, wave=scope.wave, since=scope.since, until=scope.until
        ),
    }


def relationship_trend(scope: EvidenceScope) -> list[dict]:
    """The account's NPS per wave of the programme (up to this wave), or per quarter of the
    year up to the period's end: two grouped queries."""
    account_id = scope.account.pk
    aggregates = metric_aggregates()
    nps_counts = {key: aggregates[key] for key in ("promoters", "detractors", "nps_n")}
    if scope.wave is not None:
        waves = list(
            Wave.objects.filter(
                programme_id=scope.wave.programme_id,
                period_start__lte=scope.wave.period_start,
                distribution__isnull=False,
            ).order_by("-period_start")[:TREND_WAVES]
        )[::-1]
        rows = {
            row["response__distribution_id"]: row
            for row in Answer.objects.submitted()
            .filter(
                account_id=account_id,
                question_type=QuestionType.NPS,
                response__distribution_id__in=[w.distribution_id for w in waves],
            )
            .order_by()
            .values("response__distribution_id")
            .annotate(**nps_counts)
        }
        return [
            {
                "label": wave.name,
                "period_start": wave.period_start.isoformat(),
                "nps": nps_from_aggregates(rows[wave.distribution_id])
                if wave.distribution_id in rows
                else None,
                "nps_n": rows.get(wave.distribution_id, {}).get("nps_n", 0),
            }
            for wave in waves
        ]
    start = date(scope.until.year - 1, scope.until.month, 1)
    rows = {
        row["quarter"]: row
        for row in answers_in(ResultFilter(account_id=account_id, since=start, until=scope.until))
        .filter(survey__kind=SurveyKind.RELATIONSHIP, question_type=QuestionType.NPS)
        .order_by()
        .annotate(quarter=TruncQuarter("submitted_at"))
        .values("quarter")
        .annotate(**nps_counts)
    }
    points = []
    for quarter in sorted(rows):
        day = quarter.date() if hasattr(quarter, "date") else quarter
        points.append(
            {
                "label": f"{day.year} Q{(day.month - 1) // 3 + 1}",
                "period_start": day.isoformat(),
                "nps": nps_from_aggregates(rows[quarter]),
                "nps_n": rows[quarter]["nps_n"],
            }
        )
    return points


# ------------------------------------------------------------------ customer matrix


def _placement(row) -> dict | None:
    if row is None:
        return None
    return {
        "quadrant": row.quadrant,
        "satisfaction": row.satisfaction,
        "billed": float(row.billed_revenue),
        "forecast": float(row.forecast_revenue),
        "n": row.n,
    }


def matrix_position(scope: EvidenceScope, *, metric: str = "nps") -> dict:
    """Where the account stands in the customer matrix now and stood before, by `metric`."""
    only = frozenset({scope.account.pk})
    rule = metrics.matrix_rule(metric)
    if scope.wave is not None:
        now = MatrixScope(wave=scope.wave, account_ids=only)
        before = (
            MatrixScope(wave=scope.previous_wave, account_ids=only)
            if scope.previous_wave is not None
            else None
        )
    else:
        now = MatrixScope(since=scope.since, until=scope.until, account_ids=only)
        before = MatrixScope(
            since=scope.previous_since, until=scope.previous_until, account_ids=only
        )
    current = _placement(customer_matrix(scope=now, metric=metric).account(scope.account.pk))
    previous = None
    if before is not None:
        previous = _placement(
            customer_matrix(scope=before, metric=metric).account(scope.account.pk)
        )
    return {
        "metric": metric,
        "revenue_threshold": rule.revenue_threshold,
        "satisfaction_threshold": rule.satisfaction_threshold,
        "min_answers": rule.min_answers,
        "current": current,
        "previous": previous,
        "moved": bool(current and previous and current["quadrant"] != previous["quadrant"]),
    }


# ------------------------------------------------------------------ touch points


def weakest_touch_points(scope: EvidenceScope, *, limit: int = WEAKEST_TOUCH_POINTS) -> list[dict]:
    """The account's touch points in transaction surveys since the previous wave, the highest
    share of low scores first (a tie: the lower NPS, then corridor order): two queries."""
    from customers.models import TouchPoint

    answers = (
        answers_in(
            ResultFilter(
                account_id=scope.account.pk,
                since=scope.transactions_since,
                until=scope.transactions_until,
            )
        )
        .filter(survey__kind=SurveyKind.TRANSACTION, touch_point__isnull=False)
        .filter(question_type__in=CORRIDOR_TYPES)
    )
    rows = list(answers.order_by().values("touch_point_id").annotate(**corridor_aggregates()))
    points = {
        tp.pk: tp for tp in TouchPoint.objects.filter(pk__in=[r["touch_point_id"] for r in rows])
    }
    result = []
    for row in rows:
        tp = points[row["touch_point_id"]]
        ces_values = row["ces_values"]
        result.append(
            {
                "id": tp.pk,
                "code": tp.code,
                "name": tp.name,
                "position": tp.corridor_position,
                "scored": row["scored"],
                "low": row["low"],
                "low_share": metrics.low_score_share(row["low"], row["scored"]),
                "nps": nps_from_aggregates(row),
                "nps_n": row["nps_n"],
                "csat": metrics.csat(row["csat_satisfied"], row["csat_n"]),
                "csat_n": row["csat_n"],
                "ces": metrics.mean(row["ces_total"] / ces_values) if ces_values else None,
                "ces_n": row["ces_n"],
            }
        )

    def weakness(item):
        share = item["low_share"] if item["low_share"] is not None else -1
        nps = item["nps"] if item["nps"] is not None else 101
        return (-share, nps, item["position"], item["code"])

    return sorted(result, key=weakness)[:limit]


# ------------------------------------------------------------------ cases (insights.cases)


def cases_installed() -> bool:
    return apps.is_installed("insights.cases")


def _case_row(case, today: date) -> dict:
    return {
        "id": case.pk,
        "state": case.state,
        "opened_at": case.opened_at.isoformat(),
        "touch_point": case.touch_point.name if case.touch_point_id else "",
        "rule": case.rule.name if case.rule_id else "",
        "overdue": bool(getattr(case, "is_overdue", False)),
    }


def account_cases(scope: EvidenceScope) -> dict:
    """The account's open cases and those closed since the transactions' window began; empty
    (and `available` false) without the cases app."""
    if not cases_installed():
        return {"available": False, "open": [], "recent": []}
    from insights.cases.models import Case

    today = timezone.localdate()
    cases = (
        Case.objects.filter(account_id=scope.account.pk)
        .select_related("touch_point", "rule")
        .with_overdue()
    )
    open_cases = cases.open().order_by("opened_at")
    recent = (
        cases.exclude(pk__in=open_cases.values("pk"))
        .filter(opened_at__date__gte=scope.transactions_since)
        .order_by("-opened_at")[:RECENT_CASES]
    )
    return {
        "available": True,
        "open": [_case_row(case, today) for case in open_cases],
        "recent": [_case_row(case, today) for case in recent],
    }


# ------------------------------------------------------------------ the snapshot


def plan_evidence(scope: EvidenceScope, *, matrix_metric: str = "nps") -> dict:
    """The whole evidence of a plan as JSON-ready data."""
    return {
        "gathered_at": timezone.now().isoformat(),
        "scope": {
            "wave": scope.wave.name if scope.wave else None,
            "wave_id": scope.wave.pk if scope.wave else None,
            "previous_wave": scope.previous_wave.name if scope.previous_wave else None,
            "previous_wave_id": scope.previous_wave.pk if scope.previous_wave else None,
            "since": scope.since.isoformat(),
            "until": scope.until.isoformat(),
            "previous_since": scope.previous_since.isoformat() if scope.previous_since else None,
            "previous_until": scope.previous_until.isoformat() if scope.previous_until else None,
            "transactions_since": scope.transactions_since.isoformat(),
            "transactions_until": scope.transactions_until.isoformat(),
            "vertical_market": scope.account.vertical_market.name,
        },
        "scores": relationship_scores(scope),
        "trend": relationship_trend(scope),
        "matrix": matrix_position(scope, metric=matrix_metric),
        "touch_points": weakest_touch_points(scope),
        "cases": account_cases(scope),
    }
