"""The customer matrix: accounts placed by billed revenue and satisfaction (NPS).

Also answers `surveys.services.pulse.quadrant_accounts_requested`, so that a pulse segment can
target quadrants while `surveys` knows nothing of metrics (connected in `insights.receivers`).
"""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone

from customers.models import Account
from customers.selectors import latest_billed
from surveys.constants import QuestionType
from surveys.models import Answer, PulseSegment
from surveys.services.pulse import quadrant_accounts_requested

from . import metrics

SATISFACTION_WINDOW = timedelta(days=365)


def account_quadrants(*, today: date | None = None) -> dict[int, str]:
    """{account id: Quadrant} for accounts with NPS answers in the last year.

    Two grouped queries (NPS counts per account, latest billed per account); the formulas
    are `metrics.nps` and `metrics.quadrant`.
    """
    today = today or timezone.localdate()
    since = today - SATISFACTION_WINDOW
    nps_rows = (
        Answer.objects.submitted()
        .filter(
            question_type=QuestionType.NPS, account__isnull=False, submitted_at__date__gte=since
        )
        .order_by()
        .values("account_id")
        .annotate(
            promoters=Count("id", filter=Q(number__gte=metrics.PROMOTER_MIN)),
            detractors=Count("id", filter=Q(number__lte=metrics.DETRACTOR_MAX)),
            nps_n=Count("id"),
        )
    )
    satisfaction = {
        row["account_id"]: metrics.nps(
            row["promoters"], row["nps_n"] - row["promoters"] - row["detractors"], row["detractors"]
        )
        for row in nps_rows
    }
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


@receiver(quadrant_accounts_requested, sender=PulseSegment, dispatch_uid="insights.matrix")
def quadrant_account_ids(sender, *, quadrants, **kwargs) -> set[int]:
    wanted = set(quadrants)
    return {pk for pk, q in account_quadrants().items() if q in wanted}
