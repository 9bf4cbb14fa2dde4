"""Reads of cases for the queues, the case page, the API and the reports.

Every read starts from `Case.objects.visible_to(user)` (the accounts the user may see, plus
what is routed to them). Reports are database aggregates (GROUP BY, conditional counts,
averages of durations): a fixed number of queries whatever the number of cases.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from surveys.models import Answer
from surveys.selectors.responses import day_start

from .constants import OPEN_STATES, CaseState, RootCause
from .models import AlertRule, Case, CaseEvent, CaseReply


class Scope:
    MINE = "mine"
    TEAM = "team"
    ALL = "all"


@dataclass(frozen=True)
class CaseFilter:
    scope: str = Scope.ALL
    states: tuple[str, ...] = ()
    owner_id: int | None = None
    team_id: int | None = None
    account_id: int | None = None
    rule_id: int | None = None
    touch_point_id: int | None = None
    priority: int | None = None
    overdue: bool = False
    since: date | None = None
    until: date | None = None


ORDERINGS = {
    "due": (F("next_due_at").asc(nulls_last=True), "-priority", "opened_at", "pk"),
    "-due": (F("next_due_at").desc(nulls_last=True), "-priority", "pk"),
    "priority": ("-priority", F("next_due_at").asc(nulls_last=True), "pk"),
    "opened": ("opened_at", "pk"),
    "-opened": ("-opened_at", "-pk"),
}


def _filtered(queryset: QuerySet[Case], user, f: CaseFilter, now: datetime) -> QuerySet[Case]:
    if f.scope == Scope.MINE:
        queryset = queryset.filter(Q(owner=user) | Q(escalated_to=user))
    elif f.scope == Scope.TEAM:
        queryset = queryset.filter(team__in=user.groups.values("pk"))
    if f.states:
        queryset = queryset.filter(state__in=f.states)
    for field, value in (
        ("owner_id", f.owner_id),
        ("team_id", f.team_id),
        ("account_id", f.account_id),
        ("rule_id", f.rule_id),
        ("touch_point_id", f.touch_point_id),
        ("priority", f.priority),
    ):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if f.overdue:
        queryset = queryset.overdue(now)
    if f.since is not None:
        queryset = queryset.filter(opened_at__gte=day_start(f.since))
    if f.until is not None:
        queryset = queryset.filter(opened_at__lt=day_start(f.until, days_after=1))
    return queryset


def case_list(
    *,
    user,
    filters: CaseFilter | None = None,
    ordering: str = "due",
    now: datetime | None = None,
) -> QuerySet[Case]:
    """The cases `user` may see, filtered, with `next_due_at` and `is_overdue`."""
    now = now or timezone.now()
    queryset = (
        Case.objects.visible_to(user)
        .select_related("rule", "account", "contact", "touch_point", "owner", "team")
        .with_next_due()
        .with_overdue(now)
    )
    queryset = _filtered(queryset, user, filters or CaseFilter(), now)
    return queryset.order_by(*ORDERINGS.get(ordering, ORDERINGS["due"]))


def case_detail_queryset(*, user, now: datetime | None = None) -> QuerySet[Case]:
    """For one case's page or API detail: look the id up in this (another team's is a 404)."""
    return _with_details(Case.objects.visible_to(user), now)


def case_after_change(*, case: Case) -> Case:
    """The case as its last editor left it: who just gave it away may no longer see it, but
    is answered with what they changed."""
    return _with_details(Case.objects.filter(pk=case.pk), None).get()


def _with_details(queryset: QuerySet[Case], now: datetime | None) -> QuerySet[Case]:
    return (
        queryset.select_related(
            "rule",
            "account__general_manager",
            "contact",
            "touch_point",
            "owner",
            "team",
            "escalated_to",
            "response__survey",
            "response__event",
        )  # fmt: skip
        .with_next_due()
        .with_overdue(now or timezone.now())
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch("replies", queryset=CaseReply.objects.select_related("sent_by")),
        )
    )


def case_can_work(*, user, case: Case) -> bool:
    return Case.objects.workable_by(user).filter(pk=case.pk).exists()


@dataclass(frozen=True)
class AnswerLine:
    question: str
    question_type: str
    value: str
    number: int | None


def case_answers(*, case: Case) -> list[AnswerLine]:
    """The response's answers in question order, choices by label (one query)."""
    rows = (
        Answer.objects.filter(response_id=case.response_id)
        .select_related("question", "choice")
        .order_by("question__page", "question__position", "question_id", "choice__position")
    )
    lines: dict[int, AnswerLine] = {}
    for answer in rows:
        if answer.choice_id:
            value = answer.choice.label
        elif answer.number is not None:
            value = str(answer.number)
        else:
            value = answer.text
        known = lines.get(answer.question_id)
        if known is not None:  # multiple choice: one line, labels joined
            value = f"{known.value}, {value}"
        lines[answer.question_id] = AnswerLine(
            answer.question.text, answer.question_type, value, answer.number
        )
    return list(lines.values())


def alert_rule_list() -> QuerySet[AlertRule]:
    return (
        AlertRule.objects.select_related(
            "route_user", "route_team", "override_user", "override_team"
        )
        .prefetch_related("conditions", "reply_templates")
        .order_by("name", "id")
    )


def queue_counts(*, user, now: datetime | None = None) -> dict[str, int]:
    """Open cases in the user's queues and how many are overdue (one query)."""
    from .constants import OPEN_STATES
    from .querysets import overdue_q

    now = now or timezone.now()
    mine = Q(owner=user) | Q(escalated_to=user)
    team = Q(team__in=user.groups.values("pk"))
    row = (
        Case.objects.visible_to(user)
        .filter(state__in=OPEN_STATES)
        .aggregate(
            n_mine=Count("pk", filter=mine),
            n_mine_overdue=Count("pk", filter=mine & overdue_q(now)),
            n_team=Count("pk", filter=team),
            n_team_overdue=Count("pk", filter=team & overdue_q(now)),
            n_all=Count("pk"),
            n_all_overdue=Count("pk", filter=overdue_q(now)),
        )
    )
    # Named n_* in SQL: "team" would clash with the field of that name.
    return {key.removeprefix("n_"): value for key, value in row.items()}


# ------------------------------------------------------------------ reports

PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def _report_cases(user, since: date | None, until: date | None, filters: CaseFilter | None):
    """Cases opened in [since, until] that `user` may see, narrowed by `filters`."""
    f = replace(filters or CaseFilter(), since=since, until=until)
    return _filtered(Case.objects.visible_to(user), user, f, timezone.now())


def cases_per_period(
    *,
    user,
    since: date | None = None,
    until: date | None = None,
    period: str = "month",
    filters: CaseFilter | None = None,
) -> list[dict]:
    """[{"period", "opened", "closed"}]: cases opened in each period and cases closed in it
    (two GROUP BY queries)."""
    trunc = PERIODS[period]
    visible = _report_cases(user, None, None, filters)
    bounds = {}
    if since:
        bounds["gte"] = day_start(since)
    if until:
        bounds["lt"] = day_start(until, days_after=1)

    def grouped(field: str) -> dict:
        rows = (
            visible.filter(**{f"{field}__{lookup}": v for lookup, v in bounds.items()})
            .exclude(**{field: None})
            .annotate(bucket=trunc(field))
            .order_by()
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        return {row["bucket"]: row["n"] for row in rows}

    opened, closed = grouped("opened_at"), grouped("closed_at")
    return [
        {"period": bucket, "opened": opened.get(bucket, 0), "closed": closed.get(bucket, 0)}
        for bucket in sorted(set(opened) | set(closed))
    ]


def _duration(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


@dataclass(frozen=True)
class SlaSummary:
    opened: int
    acknowledged: int
    acknowledged_in_time: int
    unacknowledged_late: int
    mean_time_to_acknowledge: timedelta | None
    resolved: int
    resolved_with_target: int
    resolved_in_time: int
    mean_time_to_resolve: timedelta | None
    escalated: int
    closed: int
    customer_contacted: int

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return round(100.0 * part / whole, 1) if whole else None

    @property
    def acknowledged_in_time_pct(self) -> float | None:
        return self.share(self.acknowledged_in_time, self.acknowledged)

    @property
    def resolved_in_time_pct(self) -> float | None:
        return self.share(self.resolved_in_time, self.resolved_with_target)

    @property
    def customer_contacted_pct(self) -> float | None:
        return self.share(self.customer_contacted, self.closed)


def case_sla_summary(
    *,
    user,
    since: date | None = None,
    until: date | None = None,
    filters: CaseFilter | None = None,
    now: datetime | None = None,
) -> SlaSummary:
    """Time to acknowledge and to resolve against each case's targets (one aggregate)."""
    now = now or timezone.now()
    acked = Q(acknowledged_at__isnull=False)
    resolved = Q(resolved_at__isnull=False)
    with_target = resolved & Q(resolve_due_at__isnull=False)
    row = _report_cases(user, since, until, filters).aggregate(
        opened=Count("pk"),
        acknowledged=Count("pk", filter=acked),
        acknowledged_in_time=Count("pk", filter=acked & Q(acknowledged_at__lte=F("due_at"))),
        unacknowledged_late=Count("pk", filter=Q(acknowledged_at__isnull=True, due_at__lt=now)),
        mean_time_to_acknowledge=Avg(_duration("acknowledged_at", "opened_at"), filter=acked),
        resolved=Count("pk", filter=resolved),
        resolved_with_target=Count("pk", filter=with_target),
        resolved_in_time=Count("pk", filter=with_target & Q(resolved_at__lte=F("resolve_due_at"))),
        mean_time_to_resolve=Avg(_duration("resolved_at", "opened_at"), filter=resolved),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
        customer_contacted=Count("pk", filter=Q(state=CaseState.CLOSED, customer_contacted=True)),
    )
    return SlaSummary(**row)


def root_causes_by_touch_point(
    *, user, since: date | None = None, until: date | None = None, filters=None
) -> list[dict]:
    """[{"touch_point", "root_cause", "root_cause_label", "n"}] of closed cases."""
    rows = (
        _report_cases(user, since, until, filters)
        .filter(state=CaseState.CLOSED)
        .order_by()
        .values("touch_point_id", "touch_point__name", "root_cause")
        .annotate(n=Count("pk"))
        .order_by("touch_point__name", "-n", "root_cause")
    )
    labels = dict(RootCause.choices)
    return [
        {
            "touch_point_id": row["touch_point_id"],
            "touch_point": row["touch_point__name"],
            "root_cause": row["root_cause"],
            "root_cause_label": labels.get(row["root_cause"], row["root_cause"]),
            "n": row["n"],
        }
        for row in rows
    ]


def repeat_problem_accounts(
    *,
    user,
    since: date | None = None,
    until: date | None = None,
    min_cases: int = 2,
    limit: int = 20,
    filters=None,
) -> list[dict]:
    """Accounts with at least `min_cases` cases in the period, most first, with how many
    rules and touch points they spread over and how many are still open."""
    from .constants import OPEN_STATES

    return list(
        _report_cases(user, since, until, filters)
        .filter(account__isnull=False)
        .order_by()
        .values("account_id", "account__name")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            rules=Count("rule", distinct=True),
            touch_points=Count("touch_point", distinct=True),
        )
        .filter(n__gte=min_cases)
        .order_by("-n", "account__name")[:limit]
    )


@dataclass(frozen=True)
class TouchPointCases:
    """One account's cases at one touch point, as the user may see them."""

    latest: Case  # the one opened last
    count: int
    open: int


def account_cases_by_touch_point(*, user, account_id: int) -> dict[int, TouchPointCases]:
    """The account page's link from each touch point to the cases opened for it there: per
    touch point id, how many the user may see, how many are open and the latest. Two queries."""
    cases = Case.objects.visible_to(user).filter(account_id=account_id, touch_point__isnull=False)
    latest_pk = (
        cases.filter(touch_point_id=OuterRef("touch_point_id"))
        .order_by("-opened_at", "-pk")
        .values("pk")[:1]
    )
    rows = list(
        cases.order_by()
        .values("touch_point_id")
        .annotate(
            n=Count("pk"),
            open_n=Count("pk", filter=Q(state__in=OPEN_STATES)),
            latest_pk=Subquery(latest_pk),
        )
    )
    latest = Case.objects.select_related("rule").in_bulk([row["latest_pk"] for row in rows])
    return {
        row["touch_point_id"]: TouchPointCases(
            latest=latest[row["latest_pk"]], count=row["n"], open=row["open_n"]
        )
        for row in rows
    }
