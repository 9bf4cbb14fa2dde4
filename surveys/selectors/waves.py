"""Wave progress and coverage: how much of the audience, and of its billed revenue, answered."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from customers.models import Account
from customers.selectors import latest_billed

from ..constants import InvitationStatus
from ..models import Invitation, Wave
from ..rates import completed_q, response_rate
from .invitations import distribution_progress, progress_counts
from .progress import visible_progress_counts


@dataclass(frozen=True)
class Coverage:
    """Accounts invited and answering, and their latest billed revenue."""

    accounts: int
    accounts_answered: int
    billed: Decimal
    billed_answered: Decimal

    @property
    def accounts_share(self) -> float | None:
        return _share(self.accounts_answered, self.accounts)

    @property
    def billed_share(self) -> float | None:
        return _share(self.billed_answered, self.billed)

    def __add__(self, other: "Coverage") -> "Coverage":
        return Coverage(
            accounts=self.accounts + other.accounts,
            accounts_answered=self.accounts_answered + other.accounts_answered,
            billed=self.billed + other.billed,
            billed_answered=self.billed_answered + other.billed_answered,
        )


EMPTY_COVERAGE = Coverage(0, 0, Decimal(0), Decimal(0))


def _share(part, whole) -> float | None:
    """Percent with one decimal; None when there is nothing to cover."""
    return round(100 * float(part) / float(whole), 1) if whole else None


def _wave_accounts(wave: Wave, account_ids: Collection[int] | None) -> QuerySet[Account]:
    """Accounts with at least one contact invited by the wave (skipped ones included: the
    audience is who the wave was meant for), each marked `answered` and with `billed`."""
    invitations = Invitation.objects.filter(
        distribution_id=wave.distribution_id, contact__account_id=OuterRef("pk")
    )
    accounts = Account.objects.filter(Exists(invitations))
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    return accounts.annotate(
        answered=Exists(invitations.filter(completed_q())),
        billed=latest_billed(),
    )


def _coverage_aggregates() -> dict:
    zero = Decimal(0)
    money = DecimalField(max_digits=18, decimal_places=2)
    return {
        "accounts": Count("pk"),
        "accounts_answered": Count("pk", filter=Q(answered=True)),
        "billed_sum": Coalesce(Sum("billed"), zero, output_field=money),
        "billed_answered": Coalesce(
            Sum("billed", filter=Q(answered=True)), zero, output_field=money
        ),
    }


def _coverage(row: dict) -> Coverage:
    return Coverage(
        accounts=row["accounts"],
        accounts_answered=row["accounts_answered"],
        billed=Decimal(row["billed_sum"]),
        billed_answered=Decimal(row["billed_answered"]),
    )


def wave_coverage(*, wave: Wave, account_ids: Collection[int] | None = None) -> Coverage:
    """Share of the wave's accounts, and of their latest billed revenue, with an answer."""
    if wave.distribution_id is None:
        return EMPTY_COVERAGE
    return _coverage(_wave_accounts(wave, account_ids).aggregate(**_coverage_aggregates()))


def wave_coverage_by(
    *, wave: Wave, field: str, account_ids: Collection[int] | None = None
) -> dict[object, Coverage]:
    """Coverage per value of an account `field` (e.g. "vertical_market_id" or "pk"), one query."""
    if wave.distribution_id is None:
        return {}
    rows = (
        _wave_accounts(wave, account_ids)
        .order_by()
        .values(field)
        .annotate(**_coverage_aggregates())
    )
    return {row[field]: _coverage(row) for row in rows}


def wave_progress(*, wave: Wave) -> dict:
    """Invitation counts per status, delivered and response rate of the wave's send."""
    if wave.distribution is None:
        return {"total": 0, "delivered": 0, "response_rate": None}
    return distribution_progress(distribution=wave.distribution)


def wave_list(*, programme=None, user=None) -> QuerySet[Wave]:
    """Waves with their send's progress counts annotated (`total`, `delivered`, per status),
    counted over the invitations `user` may see; over every invitation without a user (code
    acting for the system, never a person's page)."""
    waves = Wave.objects.select_related("programme", "distribution")
    if programme is not None:
        waves = waves.filter(programme=programme)
    prefix = "distribution__invitations__"
    counts = (
        progress_counts(prefix)
        if user is None
        else visible_progress_counts(user=user, prefix=prefix)
    )
    return waves.annotate(**counts)


def wave_response_rate(wave: Wave) -> float | None:
    """Response rate of a wave from `wave_list` annotations."""
    return response_rate(
        completed=getattr(wave, InvitationStatus.COMPLETED), delivered=wave.delivered
    )


def programme_waves(*, programme) -> QuerySet[Wave]:
    """Started waves of a programme, oldest first (the order of a wave-to-wave comparison)."""
    return (
        Wave.objects.filter(programme=programme, distribution__isnull=False)
        .select_related("distribution")
        .order_by("period_start", "pk")
    )
