"""The perception gap of a wave: what the account teams predicted beside what the customers
answered, per account, per account-team member and per vertical market, and the share of
accounts the company rated high against the share whose customers did (the survey where 80%
of companies believed they delivered a superior experience and 8% of their customers agreed).

"High" is the customer matrix's high satisfaction (`metrics.high_satisfaction`), the actual
score the matrix's (`customer_matrix` of the wave), so that the two views never disagree. Four
queries whatever the number of accounts; the group means are over the accounts already read
(one row per account), each account weighing the same.
"""

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from django.utils.translation import gettext_lazy as _

from customers.models import Account
from surveys.models import Wave

from .. import metrics
from ..models import Prediction
from .matrix import MatrixScope, customer_matrix


@dataclass(frozen=True)
class GapRow:
    account_id: int
    account: str
    vertical_market: str
    team: tuple[str, ...]
    predicted: float
    predicted_by: str
    actual: float | None  # None: too few answers to compare
    n: int
    predicted_high: bool
    actual_high: bool | None

    @property
    def gap(self) -> float | None:
        """Predicted minus actual: positive when the team was more optimistic."""
        return None if self.actual is None else round(self.predicted - self.actual, 1)

    @property
    def compared(self) -> bool:
        return self.actual is not None


@dataclass(frozen=True)
class GapSummary:
    """Accounts with a prediction and enough answers, and how the two sides rated them."""

    label: str
    accounts: int  # predicted (compared or not)
    compared: int
    predicted_mean: float | None
    actual_mean: float | None
    predicted_high_share: float | None  # percent of the compared accounts
    actual_high_share: float | None

    @property
    def gap(self) -> float | None:
        if self.predicted_mean is None or self.actual_mean is None:
            return None
        return round(self.predicted_mean - self.actual_mean, 1)


@dataclass(frozen=True)
class PerceptionGap:
    wave: Wave
    rule: metrics.MatrixRule
    rows: list[GapRow]
    overall: GapSummary
    by_team: list[GapSummary]
    by_vertical_market: list[GapSummary]


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 1) if values else None


def gap_summary(label: str, rows: list[GapRow]) -> GapSummary:
    compared = [row for row in rows if row.compared]
    return GapSummary(
        label=label,
        accounts=len(rows),
        compared=len(compared),
        predicted_mean=_mean([row.predicted for row in compared]),
        actual_mean=_mean([row.actual for row in compared]),
        predicted_high_share=metrics.share(
            sum(row.predicted_high for row in compared), len(compared)
        ),
        actual_high_share=metrics.share(
            sum(bool(row.actual_high) for row in compared), len(compared)
        ),
    )


def perception_gap(
    *, wave: Wave, metric: str = "nps", account_ids: frozenset[int] | None = None
) -> PerceptionGap:
    """The predictions of `wave` in `metric` beside the wave's actual scores, over the
    accounts in `account_ids` (the caller's visibility; None: every account)."""
    predictions = Prediction.objects.filter(wave=wave, metric=metric).select_related(
        "account__vertical_market", "predicted_by"
    )
    if account_ids is not None:
        predictions = predictions.filter(account_id__in=account_ids)
    predictions = list(predictions.order_by("account__name", "account_id"))
    predicted_ids = frozenset(p.account_id for p in predictions)
    matrix = customer_matrix(scope=MatrixScope(wave=wave, account_ids=predicted_ids), metric=metric)
    actual = {row.id: row for row in matrix.accounts}
    teams: dict[int, list[str]] = defaultdict(list)
    for membership in (
        Account.account_team.through.objects.filter(account_id__in=predicted_ids)
        .select_related("user")
        .order_by("user__username")
    ):
        user = membership.user
        teams[membership.account_id].append(user.get_full_name() or user.get_username())

    rule = matrix.rule
    rows = []
    for prediction in predictions:
        placed = actual.get(prediction.account_id)
        score = placed.satisfaction if placed is not None and placed.placed else None
        by = prediction.predicted_by
        rows.append(
            GapRow(
                account_id=prediction.account_id,
                account=prediction.account.name,
                vertical_market=prediction.account.vertical_market.name,
                team=tuple(teams[prediction.account_id]),
                predicted=float(prediction.score),
                predicted_by=(by.get_full_name() or by.get_username()) if by else "",
                actual=score,
                n=placed.n if placed is not None else 0,
                predicted_high=metrics.high_satisfaction(float(prediction.score), rule),
                actual_high=None if score is None else metrics.high_satisfaction(score, rule),
            )
        )

    by_team: dict[str, list[GapRow]] = defaultdict(list)
    by_market: dict[str, list[GapRow]] = defaultdict(list)
    for row in rows:
        for member in row.team or (str(_("No account team")),):
            by_team[member].append(row)
        by_market[row.vertical_market].append(row)
    return PerceptionGap(
        wave=wave,
        rule=rule,
        rows=rows,
        overall=gap_summary(str(_("All accounts")), rows),
        by_team=[gap_summary(label, by_team[label]) for label in sorted(by_team)],
        by_vertical_market=[gap_summary(label, by_market[label]) for label in sorted(by_market)],
    )


def waves_with_predictions():
    """Waves that have predictions, newest first: the perception gap's menu."""
    return (
        Wave.objects.filter(predictions__isnull=False)
        .distinct()
        .select_related("programme")
        .order_by("-period_start", "-pk")
    )
