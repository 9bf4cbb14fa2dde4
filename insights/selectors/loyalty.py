"""Loyalty outcomes: what accounts did after a relationship wave, by where the wave placed them.

For a wave, each account's quadrant and NPS come from the customer matrix of that wave
(`selectors.matrix.customer_matrix`, the one classification); what it did next is read from
the CRM facts: whether it was lost or defected after the wave closed (`Account.status` and
`status_changed_at`; a lost account without a date counts as lost after the wave), and its
billed revenue as of the next wave's close (or today) against the revenue as of this wave's
close (`customers.selectors.latest_revenue`). Grouped by quadrant and by NPS band
(`insights.metrics.account_band`). Revenue at risk: billed and forecast revenue per quadrant,
per wave. Three queries per wave whatever the number of accounts.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.constants import AccountStatus
from customers.models import Account
from customers.selectors import latest_revenue
from surveys.models import Wave

from .. import metrics
from .matrix import CustomerMatrix, MatrixScope, customer_matrix

LOST = (AccountStatus.LOST, AccountStatus.DEFECTED)
NO_BAND = "none"
BAND_LABELS = {**metrics.ACCOUNT_BAND_LABELS, NO_BAND: _("No NPS")}
ZERO = Decimal(0)


@dataclass(frozen=True)
class LoyaltyGroup:
    key: str
    label: str
    accounts: int
    defected: int
    billed_before: Decimal  # as of the wave's close
    billed_after: Decimal  # as of the next wave's close, or today
    forecast: Decimal  # as of the wave's close

    @property
    def defection_rate(self) -> float | None:
        return metrics.share(self.defected, self.accounts)

    @property
    def revenue_change(self) -> float | None:
        return metrics.change_share(float(self.billed_before), float(self.billed_after))


@dataclass(frozen=True)
class LoyaltyOutcomes:
    wave: Wave
    next_wave: Wave | None
    after: date  # the day "next" is read at
    by_quadrant: list[LoyaltyGroup]
    by_band: list[LoyaltyGroup]
    total: LoyaltyGroup


def wave_next(*, wave: Wave) -> Wave | None:
    """The programme's wave after `wave` that has a send, if any."""
    return (
        Wave.objects.filter(
            programme_id=wave.programme_id,
            period_start__gt=wave.period_start,
            distribution__isnull=False,
        )
        .order_by("period_start")
        .first()
    )


def _group(key: str, label: str, rows: list[dict]) -> LoyaltyGroup:
    return LoyaltyGroup(
        key=key,
        label=str(label),
        accounts=len(rows),
        defected=sum(1 for row in rows if row["defected"]),
        billed_before=sum((row["billed_before"] for row in rows), ZERO),
        billed_after=sum((row["billed_after"] for row in rows), ZERO),
        forecast=sum((row["forecast"] for row in rows), ZERO),
    )


def loyalty_outcomes(
    *, wave: Wave, account_ids: frozenset[int] | None = None, today: date | None = None
) -> LoyaltyOutcomes:
    """The accounts the wave placed (or found too few answers for), and what they did next."""
    following = wave_next(wave=wave)
    after = timezone.localdate(following.closes_at) if following else today or timezone.localdate()
    matrix = customer_matrix(scope=MatrixScope(wave=wave, account_ids=account_ids), metric="nps")
    facts = {
        row["pk"]: row
        for row in Account.objects.filter(pk__in=[a.id for a in matrix.accounts])
        .annotate(billed_after=latest_revenue("billed", as_of=after))
        .values("pk", "status", "status_changed_at", "billed_after")
    }
    rows = []
    for account in matrix.accounts:
        fact = facts[account.id]
        changed = fact["status_changed_at"]
        rows.append(
            {
                "quadrant": account.quadrant,
                "band": (metrics.account_band(account.satisfaction) if account.placed else None)
                or NO_BAND,
                "defected": fact["status"] in LOST
                and (changed is None or changed >= wave.closes_at),
                "billed_before": account.billed_revenue,
                "billed_after": fact["billed_after"],
                "forecast": account.forecast_revenue,
            }
        )
    by_quadrant = [
        _group(key, metrics.PLACEMENT_LABELS[key], [r for r in rows if r["quadrant"] == key])
        for key in metrics.PLACEMENTS
    ]
    by_band = [
        _group(key, BAND_LABELS[key], [r for r in rows if r["band"] == key])
        for key in (*metrics.ACCOUNT_BAND_LABELS, NO_BAND)
    ]
    return LoyaltyOutcomes(
        wave=wave,
        next_wave=following,
        after=after,
        by_quadrant=by_quadrant,
        by_band=by_band,
        total=_group("total", _("All accounts"), rows),
    )


# ------------------------------------------------------------------ revenue at risk


@dataclass(frozen=True)
class QuadrantRevenue:
    quadrant: str
    label: str
    accounts: int
    billed: Decimal
    forecast: Decimal


@dataclass(frozen=True)
class RevenueByQuadrant:
    """One matrix (a wave's or a date range's) summed per placement."""

    label: str
    quadrants: list[QuadrantRevenue]

    def of(self, quadrant: str) -> QuadrantRevenue:
        return next(q for q in self.quadrants if q.quadrant == quadrant)

    @property
    def at_risk(self) -> QuadrantRevenue:
        return self.of("at_risk")


def revenue_by_quadrant(matrix: CustomerMatrix, *, label: str = "") -> RevenueByQuadrant:
    """Billed and forecast revenue per quadrant of `matrix` (sums over its account rows)."""
    groups = matrix.by_quadrant()
    return RevenueByQuadrant(
        label=label,
        quadrants=[
            QuadrantRevenue(
                quadrant=key,
                label=str(metrics.PLACEMENT_LABELS[key]),
                accounts=len(accounts),
                billed=sum((a.billed_revenue for a in accounts), ZERO),
                forecast=sum((a.forecast_revenue for a in accounts), ZERO),
            )
            for key, accounts in groups.items()
        ],
    )


def revenue_at_risk_trend(
    *, waves: list[Wave], account_ids: frozenset[int] | None = None, metric: str = "nps"
) -> list[RevenueByQuadrant]:
    """Revenue per quadrant for each of `waves` (oldest first): two queries per wave."""
    return [
        revenue_by_quadrant(
            customer_matrix(scope=MatrixScope(wave=wave, account_ids=account_ids), metric=metric),
            label=wave.name,
        )
        for wave in waves
    ]
