"""One account's figures for its page: its scores over the matrix's last year and its place
in the customer matrix by each satisfaction metric (history, touch points and comments are
for the pages that extend it)."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from customers.models import Account

from ..metrics import MATRIX_METRICS
from .aggregates import MetricSummary, ResultFilter, metric_summary
from .matrix import SATISFACTION_WINDOW, MatrixAccount, MatrixScope, customer_matrix


@dataclass(frozen=True)
class AccountOverview:
    account: Account
    since: date
    until: date
    summary: MetricSummary
    placements: dict[str, MatrixAccount]  # per metric of MATRIX_METRICS, in that order


def account_overview(*, account: Account, today: date | None = None) -> AccountOverview:
    """The account's metrics and matrix places over the last year; seven queries."""
    until = today or timezone.localdate()
    since = until - SATISFACTION_WINDOW
    scope = MatrixScope(since=since, until=until, account_ids=frozenset({account.pk}))
    placements = {}
    for metric in MATRIX_METRICS:
        row = customer_matrix(scope=scope, metric=metric).account(account.pk)
        if row is not None:  # None: an account no longer active, without answers
            placements[metric] = row
    summary = metric_summary(ResultFilter(account_id=account.pk, since=since, until=until))
    return AccountOverview(
        account=account, since=since, until=until, summary=summary, placements=placements
    )
