"""Every metric formula of the product, in one place.

Selectors aggregate counts and sums in the database; these pure functions turn the aggregates
into the published figures. Pages, the API, exports and PDFs all call them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from surveys.constants import Quadrant

# The response rate lives with the ledger it reads (surveys.rates), because the surveys admin
# shows it too and surveys may not import insights; it is registered below like the others.
from surveys.rates import response_rate

PROMOTER_MIN = 9
DETRACTOR_MAX = 6
CSAT_SATISFIED_MIN = 4
CSAT_SCALE = (1, 5)
CX_ITEM_SCALE = (1, 5)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def nps(promoters: int, passives: int, detractors: int) -> float | None:
    """% promoters (9-10) minus % detractors (0-6), -100..+100; None without answers."""
    total = promoters + passives + detractors
    if total == 0:
        return None
    return _round(100.0 * (promoters - detractors) / total)


def csat(satisfied: int, total: int) -> float | None:
    """Share of 4 and 5 answers on a 1-5 scale, in percent."""
    if total == 0:
        return None
    return _round(100.0 * satisfied / total)


def mean(value: float | None) -> float | None:
    return _round(value, 2)


def cx_index(item_mean: float | None) -> float | None:
    """Mean of the three CX items (needs met, ease, emotion; 1-5) mapped onto 0-100."""
    if item_mean is None:
        return None
    low, high = CX_ITEM_SCALE
    return _round(100.0 * (float(item_mean) - low) / (high - low))


@dataclass(frozen=True)
class MetricDef:
    key: str
    label: str
    scale: tuple[float, float]
    higher_is_better: bool
    compute: Callable[..., float | None]


METRICS: dict[str, MetricDef] = {
    "nps": MetricDef("nps", _("Net Promoter Score"), (-100, 100), True, nps),
    "csat": MetricDef("csat", _("Customer satisfaction (% 4-5)"), (0, 100), True, csat),
    "csat_mean": MetricDef("csat_mean", _("Customer satisfaction (mean)"), CSAT_SCALE, True, mean),
    "ces": MetricDef("ces", _("Customer effort (mean, 1-7)"), (1, 7), True, mean),
    "cx_index": MetricDef("cx_index", _("CX index"), (0, 100), True, cx_index),
    "response_rate": MetricDef("response_rate", _("Response rate"), (0, 100), True, response_rate),
}


# ------------------------------------------------------------------ customer matrix

HIGH_BILLED_ABOVE = 10_000_000
HIGH_SATISFACTION_NPS_MIN = 0


def quadrant(billed: float | None, satisfaction: float | None) -> str | None:
    """The account's quadrant of the customer matrix, or None without a satisfaction score.

    High billing: latest billed revenue above 10 million (the HiTouch rule). Satisfaction is
    the account's NPS; high means at least 0, i.e. at least as many promoters as detractors.
    Model = high/high, At risk = high billing/low satisfaction, Growth = low billing/high
    satisfaction, Dangling = low/low.
    """
    if satisfaction is None:
        return None
    high_billing = (billed or 0) > HIGH_BILLED_ABOVE
    high_satisfaction = satisfaction >= HIGH_SATISFACTION_NPS_MIN
    if high_billing:
        return Quadrant.MODEL if high_satisfaction else Quadrant.AT_RISK
    return Quadrant.GROWTH if high_satisfaction else Quadrant.DANGLING
