"""The customer matrix: each account placed by billed revenue and satisfaction.

For a relationship wave (the answers to its send) or a date range (every answer submitted in
it), an account's satisfaction is its NPS, CX index or CSAT from `metric_aggregates()` per
account, its revenue the latest billed and forecast revenue as the scope ended
(`customers.selectors.latest_revenue`), and its place the one rule `insights.metrics.quadrant`
(thresholds and the minimum of answers from the settings). Two queries whatever the number of
accounts: the grouped answers and the accounts with their revenue.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Subquery
from django.utils import timezone

from customers.constants import AccountStatus
from customers.models import Account
from customers.selectors import latest_revenue, visible_account_ids
from surveys.models import Answer, Distribution, Wave

from .. import metrics
from .aggregates import (
    SATISFACTION_TYPES,
    ResultFilter,
    answers_in,
    satisfaction_aggregates,
    satisfaction_from_aggregates,
)

SATISFACTION_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class MatrixScope:
    """Whose answers place the accounts: a wave's, or those submitted between since and until
    (inclusive days); `account_ids` is the caller's visibility (None: every account)."""

    wave: Wave | None = None
    since: date | None = None
    until: date | None = None
    vertical_market_id: int | None = None
    account_ids: frozenset[int] | None = None

    @property
    def revenue_as_of(self) -> date | None:
        """The day whose revenue periods count: the wave's close, the range's end, or None
        (the latest period)."""
        if self.wave is not None:
            return timezone.localdate(self.wave.closes_at)
        return self.until


def matrix_scope_for(
    user,
    *,
    wave: Wave | None = None,
    since: date | None = None,
    until: date | None = None,
    vertical_market_id: int | None = None,
    today: date | None = None,
) -> MatrixScope:
    """The scope `user` may see; without a wave or dates, the last year up to today."""
    if wave is None and since is None and until is None:
        until = today or timezone.localdate()
        since = until - SATISFACTION_WINDOW
    return MatrixScope(
        wave=wave,
        since=since,
        until=until,
        vertical_market_id=vertical_market_id,
        account_ids=visible_account_ids(user),
    )


@dataclass(frozen=True)
class MatrixAccount:
    id: int
    name: str
    vertical_market_id: int
    vertical_market: str  # its name
    vertical_market_code: str
    billed_revenue: Decimal
    forecast_revenue: Decimal
    satisfaction: float | None
    n: int  # answers behind the score, as counted against the minimum
    quadrant: str  # a Quadrant value or metrics.INSUFFICIENT

    @property
    def placed(self) -> bool:
        return self.quadrant != metrics.INSUFFICIENT

    @property
    def quadrant_label(self) -> str:
        return metrics.PLACEMENT_LABELS[self.quadrant]


@dataclass(frozen=True)
class CustomerMatrix:
    rule: metrics.MatrixRule
    scope: MatrixScope
    accounts: list[MatrixAccount]

    def by_quadrant(self) -> dict[str, list[MatrixAccount]]:
        """Accounts per placement, in the order of metrics.PLACEMENTS (empty ones included)."""
        groups: dict[str, list[MatrixAccount]] = {key: [] for key in metrics.PLACEMENTS}
        for account in self.accounts:
            groups[account.quadrant].append(account)
        return groups

    def account(self, account_id: int) -> MatrixAccount | None:
        return next((a for a in self.accounts if a.id == account_id), None)


def _scoped_answers(scope: MatrixScope, metric: str):
    if scope.wave is not None:
        # The send's survey too, which its responses all answer: the survey's covering index
        # reads that survey's answers only, not every answer of that type.
        send = Distribution.objects.filter(pk=scope.wave.distribution_id)
        answers = Answer.objects.submitted().filter(
            survey_id=Subquery(send.values("survey_id")[:1]),
            response__distribution_id=scope.wave.distribution_id,
        )
        if scope.account_ids is not None:
            answers = answers.filter(account_id__in=scope.account_ids)
    else:
        answers = answers_in(
            ResultFilter(since=scope.since, until=scope.until, account_ids=scope.account_ids)
        )
    answers = answers.filter(question_type__in=SATISFACTION_TYPES[metric], account__isnull=False)
    if scope.vertical_market_id is not None:
        answers = answers.filter(account__vertical_market_id=scope.vertical_market_id)
    return answers


def customer_matrix(*, scope: MatrixScope, metric: str = "nps") -> CustomerMatrix:
    """Every account in scope with its revenue, satisfaction and placement, by name.

    The accounts are the active ones plus any other (a lost account, say) that answered in
    scope; an account without answers is listed as too few answers.
    """
    rule = metrics.matrix_rule(metric)
    rows = (
        _scoped_answers(scope, metric)
        .order_by()
        .values("account_id")
        .annotate(**satisfaction_aggregates(metric))
    )
    scores = {row["account_id"]: satisfaction_from_aggregates(metric, row) for row in rows}
    # Every account in scope is read (inactive ones are few) rather than naming the answering
    # ones in an IN list as long as the customer base; inactive ones without answers drop out.
    accounts = Account.objects.all()
    if scope.account_ids is not None:
        accounts = accounts.filter(pk__in=scope.account_ids)
    if scope.vertical_market_id is not None:
        accounts = accounts.filter(vertical_market_id=scope.vertical_market_id)
    as_of = scope.revenue_as_of
    accounts = (
        accounts.annotate(
            billed=latest_revenue("billed", as_of=as_of),
            forecast=latest_revenue("forecast", as_of=as_of),
        )
        .order_by("name", "pk")
        .values(
            "pk",
            "name",
            "vertical_market_id",
            "vertical_market__name",
            "vertical_market__code",
            "status",
            "billed",
            "forecast",
        )
    )
    placed = []
    for account in accounts:
        if account["status"] != AccountStatus.ACTIVE and account["pk"] not in scores:
            continue
        satisfaction, answers = scores.get(account["pk"], (None, 0))
        n = metrics.matrix_answers(metric, answers)
        placed.append(
            MatrixAccount(
                id=account["pk"],
                name=account["name"],
                vertical_market_id=account["vertical_market_id"],
                vertical_market=account["vertical_market__name"],
                vertical_market_code=account["vertical_market__code"],
                billed_revenue=account["billed"],
                forecast_revenue=account["forecast"],
                satisfaction=satisfaction,
                n=n,
                quadrant=metrics.quadrant(
                    billed=account["billed"], satisfaction=satisfaction, n=n, rule=rule
                ),
            )
        )
    return CustomerMatrix(rule=rule, scope=scope, accounts=placed)


def account_quadrants(*, today: date | None = None, metric: str = "nps") -> dict[int, str]:
    """{account id: Quadrant} of every account placed by its answers of the last year
    (today included); accounts with too few answers are left out. Pulse segments use it."""
    today = today or timezone.localdate()
    scope = MatrixScope(since=today - SATISFACTION_WINDOW, until=today)
    matrix = customer_matrix(scope=scope, metric=metric)
    return {a.id: a.quadrant for a in matrix.accounts if a.placed}


# ------------------------------------------------------------------ movement between waves


@dataclass(frozen=True)
class MatrixMove:
    """One account in two matrices: where it was (None: not in the earlier one) and is."""

    before: MatrixAccount | None
    after: MatrixAccount

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before.quadrant != self.after.quadrant

    @property
    def placed_in_both(self) -> bool:
        return self.before is not None and self.before.placed and self.after.placed


def matrix_movement(*, before: CustomerMatrix, after: CustomerMatrix) -> list[MatrixMove]:
    """Each account of `after` beside its place in `before` (same metric), in after's order."""
    if before.rule.metric != after.rule.metric:
        raise ValueError("Movement compares two matrices of the same metric.")
    earlier = {account.id: account for account in before.accounts}
    return [MatrixMove(before=earlier.get(a.id), after=a) for a in after.accounts]


def quadrant_changes(moves: Iterable[MatrixMove]) -> list[MatrixMove]:
    """The moves whose account changed quadrant (to or from too few answers included)."""
    return [move for move in moves if move.changed]


def wave_previous(*, wave: Wave) -> Wave | None:
    """The programme's wave before `wave` (the latest earlier period), if any."""
    return (
        Wave.objects.filter(programme_id=wave.programme_id, period_start__lt=wave.period_start)
        .order_by("-period_start")
        .first()
    )


def relationship_waves():
    """Waves that have a send, newest first, for the wave menus."""
    return (
        Wave.objects.filter(distribution__isnull=False)
        .select_related("programme")
        .order_by("-period_start", "-pk")
    )


def scope_with_wave(scope: MatrixScope, wave: Wave) -> MatrixScope:
    """The same scope (visibility, market) for another wave."""
    return replace(scope, wave=wave, since=None, until=None)
