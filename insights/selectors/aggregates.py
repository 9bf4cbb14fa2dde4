"""The aggregates behind every figure: a `ResultFilter` scopes the answers and responses
(survey, touch point, account, dates, the caller's visible accounts), `metric_aggregates()`
counts them in the database (from the daily rollup where it serves), and the formulas of
`insights.metrics` turn the counts into the published metrics. Every other selector module
reads through these."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from customers.selectors import visible_account_ids
from surveys.constants import CX_INDEX_TYPES, QuestionType
from surveys.models import Answer, Invitation, Question, Response
from surveys.rates import rate_counts

from .. import metrics, rollup
from ..models import AnswerDay, ResponseDay


@dataclass(frozen=True)
class ResultFilter:
    survey_id: int | None = None
    touch_point_id: int | None = None
    account_id: int | None = None
    since: date | None = None
    until: date | None = None
    account_ids: frozenset[int] | None = None  # visibility scope; None means every account


@dataclass(frozen=True)
class MetricSummary:
    n: int
    nps: float | None
    nps_n: int
    promoters: int
    passives: int
    detractors: int
    csat: float | None
    csat_mean: float | None
    csat_n: int
    ces: float | None
    ces_n: int
    cx_index: float | None
    cx_n: int

    def as_dict(self) -> dict:
        return asdict(self)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _scope(queryset: QuerySet, result_filter: ResultFilter, *, time_field: str) -> QuerySet:
    f = result_filter
    if f.survey_id is not None:
        queryset = queryset.filter(survey_id=f.survey_id)
    if f.touch_point_id is not None:
        queryset = queryset.filter(touch_point_id=f.touch_point_id)
    if f.account_id is not None:
        queryset = queryset.filter(account_id=f.account_id)
    if f.account_ids is not None:
        queryset = queryset.filter(account_id__in=f.account_ids)
    if f.since is not None:
        queryset = queryset.filter(**{f"{time_field}__gte": _day_start(f.since)})
    if f.until is not None:
        # `until` is inclusive of the whole day.
        queryset = queryset.filter(**{f"{time_field}__lt": _day_start(f.until) + timedelta(days=1)})
    return queryset


def answers_in(result_filter: ResultFilter) -> QuerySet[Answer]:
    return _scope(Answer.objects.submitted(), result_filter, time_field="submitted_at")


def responses_in(result_filter: ResultFilter) -> QuerySet[Response]:
    return _scope(Response.objects.completed(), result_filter, time_field="submitted_at")


# Rating questions on the CSAT 1-5 scale (no scale set means the default 1-5). An uncorrelated
# subquery over the few questions rather than a JOIN: the database evaluates it once (a hashed
# subplan) and the aggregate reads the answer rows alone, index-only where an index covers them.
CSAT_QUESTIONS = Question.objects.filter(
    Q(type=QuestionType.RATING)
    & (Q(scale_max__isnull=True) | Q(scale_max=metrics.CSAT_SCALE[1]))
    & (Q(scale_min__isnull=True) | Q(scale_min=metrics.CSAT_SCALE[0]))
).values("pk")
CSAT_FILTER = Q(question_type=QuestionType.RATING, question_id__in=CSAT_QUESTIONS)


def _metric_filters() -> dict[str, Q]:
    nps_q = Q(question_type=QuestionType.NPS)
    return {
        "promoters": nps_q & Q(number__gte=metrics.PROMOTER_MIN),
        "detractors": nps_q & Q(number__lte=metrics.DETRACTOR_MAX),
        "nps": nps_q,
        "csat": CSAT_FILTER,
        "csat_satisfied": CSAT_FILTER & Q(number__gte=metrics.CSAT_SATISFIED_MIN),
        "ces": Q(question_type=QuestionType.EFFORT),
        "cx": Q(question_type__in=CX_INDEX_TYPES),
    }


def metric_aggregates() -> dict:
    """The conditional aggregates behind every metric; usable with .aggregate() or .annotate()."""
    q = _metric_filters()
    # Rows are counted on question_type, never null like id (Django refuses COUNT(*) with a
    # filter), so that the covering surveys_ans_*_cov indexes (question_type, submitted_at,
    # question_id, number) answer index-only, without reading the table.
    return {
        "promoters": Count("question_type", filter=q["promoters"]),
        "detractors": Count("question_type", filter=q["detractors"]),
        "nps_n": Count("question_type", filter=q["nps"]),
        "csat_n": Count("question_type", filter=q["csat"]),
        "csat_satisfied": Count("question_type", filter=q["csat_satisfied"]),
        "csat_avg": Avg("number", filter=q["csat"]),
        "ces_n": Count("question_type", filter=q["ces"]),
        "ces_avg": Avg("number", filter=q["ces"]),
        "cx_n": Count("question_type", filter=q["cx"]),
        "cx_avg": Avg("number", filter=q["cx"]),
    }


_MEANS = ("csat", "ces", "cx")


def _additive_aggregates(*, rows, total, values) -> dict:
    """metric_aggregates() as sums that add up across sources: each mean as its total and
    number of values. rows(q): rows matching q; total(q): sum of number; values(q): numbers."""
    q = _metric_filters()
    aggregates = {
        "promoters": rows(q["promoters"]),
        "detractors": rows(q["detractors"]),
        "nps_n": rows(q["nps"]),
        "csat_n": rows(q["csat"]),
        "csat_satisfied": rows(q["csat_satisfied"]),
        "ces_n": rows(q["ces"]),
        "cx_n": rows(q["cx"]),
    }
    for key in _MEANS:
        aggregates[f"{key}_total"] = total(q[key])
        aggregates[f"{key}_values"] = values(q[key])
    return aggregates


def _rollup_metric_summary(result_filter: ResultFilter, through: datetime) -> MetricSummary:
    """metric_summary from the daily rollup for the days before `through` plus the raw rows
    from `through` on (today's). Same figures: counts add up, means are total / values."""
    f = result_filter
    last_rolled_day = timezone.localtime(through).date() - timedelta(days=1)
    until = min(f.until, last_rolled_day) if f.until is not None else last_rolled_day
    rolled_answers = AnswerDay.objects.filter(
        day__lte=until, question_type__in=METRIC_TYPES
    ).order_by()
    rolled_responses = ResponseDay.objects.filter(day__lte=until).order_by()
    for field, value in (
        ("day__gte", f.since),
        ("survey_id", f.survey_id),
        ("touch_point_id", f.touch_point_id),
    ):
        if value is not None:
            rolled_answers = rolled_answers.filter(**{field: value})
            rolled_responses = rolled_responses.filter(**{field: value})
    rolled = rolled_answers.aggregate(
        **_additive_aggregates(
            rows=lambda q: Sum("count", filter=q),
            total=lambda q: Sum(F("number") * F("count"), filter=q),
            values=lambda q: Sum("count", filter=q & Q(number__isnull=False)),
        )
    )
    n = rolled_responses.aggregate(n=Sum("count"))["n"] or 0
    if f.until is None or f.until > last_rolled_day:
        raw = (
            answers_in(f)
            .filter(question_type__in=METRIC_TYPES, submitted_at__gte=through)
            .aggregate(
                **_additive_aggregates(
                    rows=lambda q: Count("question_type", filter=q),
                    total=lambda q: Sum("number", filter=q),
                    values=lambda q: Count("number", filter=q),
                )
            )
        )
        n += responses_in(f).filter(submitted_at__gte=through).count()
    else:
        raw = {}
    row = {key: int(rolled[key] or 0) + int(raw.get(key) or 0) for key in rolled}
    for key in _MEANS:
        values = row.pop(f"{key}_values")
        total = row.pop(f"{key}_total")
        # As exact as AVG() over the rows: PostgreSQL divides the same integers as numerics.
        row[f"{key}_avg"] = Decimal(total) / Decimal(values) if values else None
    return summary_from_aggregates(row, n=int(n))


# The aggregates of metric_aggregates() that NPS needs; passives are the rest of nps_n.
NPS_COUNTS = ("promoters", "detractors", "nps_n")


def nps_from_aggregates(row) -> float | None:
    """`metrics.nps` over the NPS_COUNTS of a metric_aggregates() row."""
    promoters, detractors = row["promoters"], row["detractors"]
    return metrics.nps(promoters, row["nps_n"] - promoters - detractors, detractors)


# Per satisfaction metric of the customer matrix: the question types it reads and the
# aggregates of metric_aggregates() it needs.
SATISFACTION_TYPES = {
    "nps": (QuestionType.NPS,),
    "csat": (QuestionType.RATING,),
    "cx_index": CX_INDEX_TYPES,
}
SATISFACTION_AGGREGATES = {
    "nps": NPS_COUNTS,
    "csat": ("csat_n", "csat_satisfied"),
    "cx_index": ("cx_n", "cx_avg"),
}


def satisfaction_aggregates(metric: str) -> dict:
    """The part of metric_aggregates() that `metric` needs, for .annotate() per group."""
    aggregates = metric_aggregates()
    return {key: aggregates[key] for key in SATISFACTION_AGGREGATES[metric]}


def satisfaction_from_aggregates(metric: str, row) -> tuple[float | None, int]:
    """(score, answers behind it) of a satisfaction metric from a metric_aggregates() row."""
    if metric == "nps":
        return nps_from_aggregates(row), row["nps_n"]
    if metric == "csat":
        return metrics.csat(row["csat_satisfied"], row["csat_n"]), row["csat_n"]
    if metric == "cx_index":
        return metrics.cx_index(row["cx_avg"]), row["cx_n"]
    raise ValueError(f"Not a satisfaction metric: {metric!r}")


def summary_from_aggregates(row: dict, *, n: int) -> MetricSummary:
    promoters, detractors = row["promoters"], row["detractors"]
    passives = row["nps_n"] - promoters - detractors
    return MetricSummary(
        n=n,
        nps=nps_from_aggregates(row),
        nps_n=row["nps_n"],
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        csat=metrics.csat(row["csat_satisfied"], row["csat_n"]),
        csat_mean=metrics.mean(row["csat_avg"]),
        csat_n=row["csat_n"],
        ces=metrics.mean(row["ces_avg"]),
        ces_n=row["ces_n"],
        cx_index=metrics.cx_index(row["cx_avg"]),
        cx_n=row["cx_n"],
    )


# Every question type some metric aggregates; other answers (comments, choices) never count.
METRIC_TYPES = (
    QuestionType.NPS,
    QuestionType.RATING,
    QuestionType.EFFORT,
    *CX_INDEX_TYPES,
)


def metric_summary(result_filter: ResultFilter) -> MetricSummary:
    f = result_filter
    # Accounts are no rollup dimension (the account indexes serve those); a range that starts
    # after the rolled-up days reads the raw rows anyway.
    if f.account_id is None and f.account_ids is None:
        state = rollup.state()
        if state is not None and (
            f.since is None or f.since < timezone.localtime(state.through).date()
        ):
            return _rollup_metric_summary(f, state.through)
    answers = answers_in(result_filter).filter(question_type__in=METRIC_TYPES)
    row = answers.aggregate(**metric_aggregates())
    return summary_from_aggregates(row, n=responses_in(result_filter).count())


def result_filter_for(user, **filters) -> ResultFilter:
    """A ResultFilter limited to the accounts `user` may see."""
    return ResultFilter(account_ids=visible_account_ids(user), **filters)


@dataclass(frozen=True)
class ResponseRate:
    sent: int
    completed: int
    rate: float | None


def response_rate(result_filter: ResultFilter) -> ResponseRate:
    """Completed / delivered invitations (`surveys.rates`), in one aggregate over the ledger.

    The date range applies to when the invitation was sent; account and touch point to the
    invited contact's account and the event (or, without an event, the survey's touch point).
    """
    f = result_filter
    invitations = Invitation.objects.delivered()
    if f.survey_id is not None:
        invitations = invitations.filter(survey_id=f.survey_id)
    if f.account_id is not None:
        invitations = invitations.filter(contact__account_id=f.account_id)
    if f.account_ids is not None:
        invitations = invitations.filter(contact__account_id__in=f.account_ids)
    if f.touch_point_id is not None:
        invitations = invitations.filter(
            Q(event__touch_point_id=f.touch_point_id)
            | Q(event__isnull=True, survey__touch_point_id=f.touch_point_id)
        )
    if f.since is not None:
        invitations = invitations.filter(sent_at__gte=_day_start(f.since))
    if f.until is not None:
        invitations = invitations.filter(sent_at__lt=_day_start(f.until) + timedelta(days=1))
    row = invitations.aggregate(**rate_counts())
    return ResponseRate(
        sent=row["delivered"],
        completed=row["completed"],
        rate=metrics.response_rate(row["completed"], row["delivered"]),
    )
