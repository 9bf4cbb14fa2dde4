"""The customer matrix: accounts placed by latest billed revenue and satisfaction (NPS).

Two grouped queries whatever the number of accounts: the NPS counts of `metric_aggregates()`
per account, over the same scoped answers as every other figure (`answers_in`), and the latest
billed revenue per account (`customers.selectors.latest_billed`). The formulas are
`metrics.nps` and `metrics.quadrant`, the one classification of the product.
"""

from datetime import date, timedelta

from django.utils import timezone

from customers.models import Account
from customers.selectors import latest_billed
from surveys.constants import QuestionType

from .. import metrics
from .aggregates import NPS_COUNTS, ResultFilter, answers_in, metric_aggregates, nps_from_aggregates

SATISFACTION_WINDOW = timedelta(days=365)


def account_quadrants(*, today: date | None = None) -> dict[int, str]:
    """{account id: Quadrant} for accounts with NPS answers in the last year (today included)."""
    today = today or timezone.localdate()
    aggregates = metric_aggregates()
    rows = (
        answers_in(ResultFilter(since=today - SATISFACTION_WINDOW))
        .filter(question_type=QuestionType.NPS, account__isnull=False)
        .order_by()
        .values("account_id")
        .annotate(**{key: aggregates[key] for key in NPS_COUNTS})
    )
    satisfaction = {row["account_id"]: nps_from_aggregates(row) for row in rows}
    billed = dict(
        Account.objects.filter(pk__in=list(satisfaction))
        .annotate(billed=latest_billed())
        .values_list("pk", "billed")
    )
    placed = {
        account_id: metrics.quadrant(float(billed.get(account_id) or 0), score)
        for account_id, score in satisfaction.items()
    }
    return {account_id: q for account_id, q in placed.items() if q is not None}
