"""Confidence intervals and the significance of a change, from COUNT / SUM / SUM of squares.

Every result carries the n behind it and a `too_few` flag: below `min_n` an interval or a test
is not computed (its bounds, p-value and `significant` are None), so a page can say "too few
answers" instead of showing a figure nobody should trust. Values are on the scale of the
published metric: NPS in points (-100..100), shares in percent (0..100), means in scale units.
"""

from dataclasses import dataclass
from functools import cache
from math import sqrt
from typing import Any, NamedTuple

DEFAULT_CONFIDENCE = 0.95
DEFAULT_ALPHA = 0.05
# Normal approximations (NPS, two-proportion z) want about 30 answers per group; the t and
# Wilson intervals are valid with fewer, but one rule for every figure is easier to read.
DEFAULT_MIN_N = 30


# ------------------------------------------------------------------ inputs


class NpsCounts(NamedTuple):
    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors


class MeanSums(NamedTuple):
    """What SQL returns for a numeric answer: COUNT(x), SUM(x), SUM(x*x)."""

    n: int
    total: float
    sum_squares: float


class Proportion(NamedTuple):
    successes: int
    n: int


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval (bounds None when `too_few`)."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    confidence: float
    too_few: bool

    @property
    def margin(self) -> float | None:
        """Half the width of the interval (the "margin of error")."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class Change:
    """A change from one period to the next: after - before, with a two-sided test."""

    before: float | None
    after: float | None
    difference: float | None
    p_value: float | None
    significant: bool | None
    n_before: int
    n_after: int
    alpha: float
    too_few: bool


@cache
def scipy_stats() -> Any:
    from scipy import stats

    return stats


def _critical_z(confidence: float) -> float:
    return float(scipy_stats().norm.ppf(0.5 + confidence / 2))


def _check_level(name: str, level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {level!r}")


def _check_counts(**counts: float) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value!r}")


def _p_two_sided_z(z: float) -> float:
    return float(2 * scipy_stats().norm.sf(abs(z)))


def _change(
    before: float | None,
    after: float | None,
    p_value: float | None,
    n_before: int,
    n_after: int,
    alpha: float,
    too_few: bool,
) -> Change:
    difference = None if before is None or after is None else after - before
    significant = None if p_value is None else bool(p_value < alpha)
    return Change(
        before, after, difference, p_value, significant, n_before, n_after, alpha, too_few
    )


def _z_test(difference: float, standard_error: float) -> float:
    # Both groups without spread (e.g. all promoters, then all detractors): any difference is
    # certain, none is no evidence of change.
    if standard_error == 0:
        return 1.0 if difference == 0 else 0.0
    return _p_two_sided_z(difference / standard_error)


# ------------------------------------------------------------------ NPS


def _nps_moments(counts: NpsCounts) -> tuple[float, float]:
    """NPS in points and the variance of one answer scored +100 / 0 / -100."""
    n = counts.n
    share_promoters = counts.promoters / n
    share_detractors = counts.detractors / n
    score = share_promoters - share_detractors
    variance = share_promoters + share_detractors - score**2
    return 100 * score, 100**2 * max(variance, 0.0)


def nps_interval(
    *,
    promoters: int,
    passives: int,
    detractors: int,
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> Interval:
    """NPS with its margin of error (normal approximation, clipped to -100..100).

    Each answer is scored +1 (promoter), 0 (passive) or -1 (detractor); NPS is the mean
    score, and its variance per answer is p + d - (p - d)² for shares p, d.
    """
    _check_level("confidence", confidence)
    _check_counts(promoters=promoters, passives=passives, detractors=detractors)
    counts = NpsCounts(promoters, passives, detractors)
    n = counts.n
    if n == 0:
        return Interval(None, None, None, 0, confidence, True)
    value, variance = _nps_moments(counts)
    if n < min_n:
        return Interval(value, None, None, n, confidence, True)
    margin = _critical_z(confidence) * sqrt(variance / n)
    return Interval(
        value, max(value - margin, -100.0), min(value + margin, 100.0), n, confidence, False
    )


def nps_change(
    *,
    before: NpsCounts,
    after: NpsCounts,
    alpha: float = DEFAULT_ALPHA,
    min_n: int = DEFAULT_MIN_N,
) -> Change:
    """Two-sided z test of the NPS difference between two independent samples."""
    _check_level("alpha", alpha)
    for counts in (before, after):
        _check_counts(**counts._asdict())
    values = [_nps_moments(c) if c.n else (None, None) for c in (before, after)]
    (value_before, var_before), (value_after, var_after) = values
    too_few = min(before.n, after.n) < min_n
    p_value = None
    if not too_few:
        standard_error = sqrt(var_before / before.n + var_after / after.n)
        p_value = _z_test(value_after - value_before, standard_error)
    return _change(value_before, value_after, p_value, before.n, after.n, alpha, too_few)


# ------------------------------------------------------------------ means


def _mean_moments(sums: MeanSums) -> tuple[float, float | None]:
    """Mean and sample variance (n - 1) from n, Σx, Σx²; variance None for one answer."""
    mean = sums.total / sums.n
    if sums.n < 2:
        return mean, None
    # Σx² - (Σx)²/n cancels badly when the spread is tiny against the mean: clamp at 0.
    squares = sums.sum_squares - sums.total * sums.total / sums.n
    return mean, max(squares, 0.0) / (sums.n - 1)


def mean_interval(
    *,
    n: int,
    total: float,
    sum_squares: float,
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> Interval:
    """Mean with its t-distribution confidence interval, from COUNT, SUM and SUM of squares."""
    _check_level("confidence", confidence)
    _check_counts(n=n, sum_squares=sum_squares)
    if n == 0:
        return Interval(None, None, None, 0, confidence, True)
    mean, variance = _mean_moments(MeanSums(n, total, sum_squares))
    if n < max(min_n, 2) or variance is None:
        return Interval(mean, None, None, n, confidence, True)
    margin = float(scipy_stats().t.ppf(0.5 + confidence / 2, df=n - 1)) * sqrt(variance / n)
    return Interval(mean, mean - margin, mean + margin, n, confidence, False)


def mean_change(
    *,
    before: MeanSums,
    after: MeanSums,
    alpha: float = DEFAULT_ALPHA,
    min_n: int = DEFAULT_MIN_N,
) -> Change:
    """Welch's t test (unequal variances) of the difference of two means, from sums."""
    _check_level("alpha", alpha)
    _check_counts(n_before=before.n, n_after=after.n)
    mean_before, var_before = _mean_moments(before) if before.n else (None, None)
    mean_after, var_after = _mean_moments(after) if after.n else (None, None)
    too_few = min(before.n, after.n) < max(min_n, 2)
    p_value = None
    if not too_few:
        if var_before == 0 and var_after == 0:
            p_value = _z_test(mean_after - mean_before, 0.0)
        else:
            result = scipy_stats().ttest_ind_from_stats(
                mean1=mean_after,
                std1=sqrt(var_after),
                nobs1=after.n,
                mean2=mean_before,
                std2=sqrt(var_before),
                nobs2=before.n,
                equal_var=False,
            )
            p_value = float(result.pvalue)
    return _change(mean_before, mean_after, p_value, before.n, after.n, alpha, too_few)


# ------------------------------------------------------------------ proportions (CSAT shares)


def proportion_interval(
    *,
    successes: int,
    n: int,
    confidence: float = DEFAULT_CONFIDENCE,
    min_n: int = DEFAULT_MIN_N,
) -> Interval:
    """A share in percent with its Wilson score interval (sound near 0% and 100%)."""
    _check_level("confidence", confidence)
    _check_counts(successes=successes, n=n)
    if successes > n:
        raise ValueError(f"successes ({successes}) exceed n ({n})")
    if n == 0:
        return Interval(None, None, None, 0, confidence, True)
    value = 100 * successes / n
    if n < min_n:
        return Interval(value, None, None, n, confidence, True)
    ci = (
        scipy_stats()
        .binomtest(successes, n)
        .proportion_ci(confidence_level=confidence, method="wilson")
    )
    return Interval(value, 100 * ci.low, 100 * ci.high, n, confidence, False)


def proportion_change(
    *,
    before: Proportion,
    after: Proportion,
    alpha: float = DEFAULT_ALPHA,
    min_n: int = DEFAULT_MIN_N,
) -> Change:
    """Two-proportion z test (pooled under the null) of a change in a share, in points."""
    _check_level("alpha", alpha)
    for sample in (before, after):
        _check_counts(successes=sample.successes, n=sample.n)
        if sample.successes > sample.n:
            raise ValueError(f"successes ({sample.successes}) exceed n ({sample.n})")
    share_before = 100 * before.successes / before.n if before.n else None
    share_after = 100 * after.successes / after.n if after.n else None
    too_few = min(before.n, after.n) < min_n
    p_value = None
    if not too_few:
        pooled = (before.successes + after.successes) / (before.n + after.n)
        standard_error = 100 * sqrt(pooled * (1 - pooled) * (1 / before.n + 1 / after.n))
        p_value = _z_test(share_after - share_before, standard_error)
    return _change(share_before, share_after, p_value, before.n, after.n, alpha, too_few)
