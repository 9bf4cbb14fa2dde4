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

from .constants import SatisfactionMetric

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


# ------------------------------------------------------------------ low scores

LOW_CSAT_MAX = 2  # 1-2 on the 1-5 CSAT scale
LOW_CES_MAX = 3  # 1-3 on the 1-7 effort scale: below its neutral middle


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, one decimal; None when there is nothing to share."""
    if not whole:
        return None
    return _round(100.0 * part / whole)


def low_score_share(low: int, scored: int) -> float | None:
    """Share of low scores among scored answers, in percent: NPS detractors (0-6), CSAT 1-2
    and CES 1-3 count as low, so that touch points measured differently compare."""
    return share(low, scored)


# ------------------------------------------------------------------ customer matrix

INSUFFICIENT = "insufficient"
# The satisfaction axes a viewer may choose (and predictions are made in), in menu order.
MATRIX_METRICS = tuple(SatisfactionMetric.values)
# Answers that make one "answer" toward CEM_MATRIX_MIN_ANSWERS: the CX index asks three items.
MATRIX_ANSWERS_PER_RESPONSE = {"nps": 1, "cx_index": 3, "csat": 1}
PLACEMENT_LABELS = {
    **dict(Quadrant.choices),
    INSUFFICIENT: _("Too few answers"),
}
PLACEMENTS = (*Quadrant.values, INSUFFICIENT)


@dataclass(frozen=True)
class MatrixRule:
    """The thresholds that place an account: billed above `revenue_threshold` is high billing,
    satisfaction at or above `satisfaction_threshold` is high, fewer than `min_answers` answers
    is too few to place."""

    metric: str
    revenue_threshold: float
    satisfaction_threshold: float
    min_answers: int


def matrix_rule(metric: str = "nps") -> MatrixRule:
    """The matrix thresholds for `metric` (one of MATRIX_METRICS), from the settings."""
    from django.conf import settings

    if metric not in MATRIX_METRICS:
        raise ValueError(f"Not a matrix metric: {metric!r}")
    thresholds = {
        "nps": settings.CEM_MATRIX_NPS_THRESHOLD,
        "cx_index": settings.CEM_MATRIX_CX_INDEX_THRESHOLD,
        "csat": settings.CEM_MATRIX_CSAT_THRESHOLD,
    }
    return MatrixRule(
        metric=metric,
        revenue_threshold=float(settings.CEM_MATRIX_REVENUE_THRESHOLD),
        satisfaction_threshold=float(thresholds[metric]),
        min_answers=int(settings.CEM_MATRIX_MIN_ANSWERS),
    )


def matrix_answers(metric: str, answers: int) -> int:
    """Answers behind an account's score as counted against the minimum: for the CX index a
    set of its three items counts once (rounded down: a partial set does not count)."""
    return answers // MATRIX_ANSWERS_PER_RESPONSE[metric]


def high_satisfaction(satisfaction: float, rule: MatrixRule) -> bool:
    return satisfaction >= rule.satisfaction_threshold


def high_billing(billed: float | None, rule: MatrixRule) -> bool:
    return float(billed or 0) > rule.revenue_threshold


def quadrant(*, billed: float | None, satisfaction: float | None, n: int, rule: MatrixRule) -> str:
    """The account's place in the customer matrix: a Quadrant value, or INSUFFICIENT.

    The one classification of the product (pages, API, exports, pulse segments, PDFs and
    alert rules call it). High billing: latest billed revenue strictly above the revenue
    threshold (HiTouch: customers billed above 10 million are high-value). High satisfaction:
    the score at or above the metric's threshold (NPS 0: at least as many promoters as
    detractors). Fewer than `rule.min_answers` answers, or no score, is too few to place.
    Model = high/high, At risk = high billing/low satisfaction, Growth = low billing/high
    satisfaction, Dangling = low/low.
    """
    if satisfaction is None or n < rule.min_answers:
        return INSUFFICIENT
    satisfied = high_satisfaction(satisfaction, rule)
    if high_billing(billed, rule):
        return Quadrant.MODEL if satisfied else Quadrant.AT_RISK
    return Quadrant.GROWTH if satisfied else Quadrant.DANGLING


# ------------------------------------------------------------------ headline metric, bands

# The metric each scale question type feeds; a RATING question counts as CSAT on 1-5 only.
QUESTION_METRIC = {
    "nps": "nps",
    "effort": "ces",
    "rating": "csat",
    "cx_needs": "cx_index",
    "cx_ease": "cx_index",
    "cx_emotion": "cx_index",
}


def headline_metric(question_types) -> str | None:
    """A survey's headline metric: the metric of its first scale question (the question the
    survey is built around), so an effort survey reads CES, not a blank NPS. None without
    a scale question. `question_types` in the survey's order (page, position)."""
    for question_type in question_types:
        if question_type in QUESTION_METRIC:
            return QUESTION_METRIC[question_type]
    return None


def measured_metrics(question_types) -> list[str]:
    """The metrics a survey measures, in METRICS order (for its metric cards)."""
    measured = {QUESTION_METRIC[t] for t in question_types if t in QUESTION_METRIC}
    return [key for key in METRICS if key in measured]


# Bands of one answer, low / middle / high, per metric: NPS detractors, passives and
# promoters; CSAT 1-2 / 3 / 4-5; CES 1-3 / 4-5 / 6-7 (the low bands are the corridor's).
ANSWER_BANDS: dict[str, dict[str, tuple[int, int]]] = {
    "nps": {"low": (0, DETRACTOR_MAX), "middle": (DETRACTOR_MAX + 1, PROMOTER_MIN - 1),
            "high": (PROMOTER_MIN, 10)},
    "csat": {"low": (1, LOW_CSAT_MAX), "middle": (LOW_CSAT_MAX + 1, CSAT_SATISFIED_MIN - 1),
             "high": (CSAT_SATISFIED_MIN, 5)},
    "ces": {"low": (1, LOW_CES_MAX), "middle": (LOW_CES_MAX + 1, 5), "high": (6, 7)},
    "cx_index": {"low": (1, 2), "middle": (3, 3), "high": (4, 5)},
}  # fmt: skip
BAND_LABELS = {"low": _("Low"), "middle": _("Middle"), "high": _("High")}


def answer_band(metric: str, score: int | None) -> str | None:
    """ "low", "middle" or "high" for one answer's score on `metric`'s scale."""
    if score is None or metric not in ANSWER_BANDS:
        return None
    for band, (low, high) in ANSWER_BANDS[metric].items():
        if low <= score <= high:
            return band
    return None


# Bands of an account's relationship score for loyalty outcomes: NPS below 0 (more
# detractors than promoters), 0 to 49, 50 and above; other metrics by their matrix threshold.
ACCOUNT_NPS_BANDS = (("low", -100.0), ("middle", 0.0), ("high", 50.0))
ACCOUNT_BAND_LABELS = {
    "low": _("NPS below 0"),
    "middle": _("NPS 0 to 49"),
    "high": _("NPS 50 and above"),
}


def account_band(nps_score: float | None) -> str | None:
    """The loyalty band of an account's NPS; None without one."""
    if nps_score is None:
        return None
    band = None
    for key, floor in ACCOUNT_NPS_BANDS:
        if nps_score >= floor:
            band = key
    return band


def change_share(before: float, after: float) -> float | None:
    """after against before in percent (billed revenue growth); None when before is 0."""
    if not before:
        return None
    return _round(100.0 * (after - before) / before)
