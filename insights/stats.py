"""Statistics over aggregates: confidence intervals, significance of changes, key drivers.

Pure functions of the counts and sums that SQL returns (n, Σx, Σx², Σx·y), so that a report
over a million answers never brings rows into Python. The distributions come from scipy, the
matrix algebra from numpy; the metric definitions themselves stay in `insights.metrics`.

Every result carries the n behind it and a `too_few` flag: below `min_n` an interval or a test
is not computed (its bounds, p-value and `significant` are None), so a page can say "too few
answers" instead of showing a figure nobody should trust. Values are on the scale of the
published metric: NPS in points (-100..100), shares in percent (0..100), means in scale units.
Nothing is rounded here; pages round for display. numpy and scipy are imported on first use,
so that Django's start-up does not pay for them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from math import isfinite, sqrt
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import numpy as np

DEFAULT_CONFIDENCE = 0.95
DEFAULT_ALPHA = 0.05
# Normal approximations (NPS, two-proportion z) want about 30 answers per group; the t and
# Wilson intervals are valid with fewer, but one rule for every figure is easier to read.
DEFAULT_MIN_N = 30
# Key drivers: a correlation matrix needs enough rows overall and per driver to be stable.
DRIVERS_MIN_N = 30
DRIVERS_MIN_N_PER_DRIVER = 10


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
def _sps() -> Any:
    from scipy import stats

    return stats


def _critical_z(confidence: float) -> float:
    return float(_sps().norm.ppf(0.5 + confidence / 2))


def _check_level(name: str, level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {level!r}")


def _check_counts(**counts: float) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value!r}")


def _p_two_sided_z(z: float) -> float:
    return float(2 * _sps().norm.sf(abs(z)))


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
    margin = float(_sps().t.ppf(0.5 + confidence / 2, df=n - 1)) * sqrt(variance / n)
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
            result = _sps().ttest_ind_from_stats(
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
    ci = _sps().binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
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


# ------------------------------------------------------------------ key drivers


class DropReason(StrEnum):
    CONSTANT = "constant"  # every row gave the same answer: no variance to explain with
    COLLINEAR = "collinear"  # a linear combination of drivers kept before it


@dataclass(frozen=True)
class Driver:
    name: str
    correlation: float  # Pearson r with the outcome
    correlation_p_value: float | None  # H0: r = 0 (t test, n - 2 df); None when n < 3
    beta: float  # standardised regression weight (all kept drivers together)
    relative_weight: float  # Johnson's epsilon: its share of R², the weights sum to R²
    share: float | None  # relative_weight / R² in percent (None when R² is 0)


@dataclass(frozen=True)
class DriverAnalysis:
    outcome: str
    n: int  # rows behind every figure (the sums must come from the same, complete rows)
    r_squared: float | None
    drivers: list[Driver]  # kept drivers, in the order given
    dropped: dict[str, DropReason]
    too_small: bool  # n below min_n, or below min_n_per_driver per kept driver
    min_n: int

    def ranked(self) -> list[Driver]:
        """Drivers by relative weight, largest first."""
        return sorted(self.drivers, key=lambda d: d.relative_weight, reverse=True)


def product_matrix(
    variables: Sequence[str], pair_sums: Mapping[tuple[str, str], float]
) -> list[list[float]]:
    """The symmetric Σx_i·x_j matrix from sums keyed by pairs in either order (i <= j suffices)."""
    size = len(variables)
    matrix = [[0.0] * size for _ in range(size)]
    for i, a in enumerate(variables):
        for j in range(i, size):
            b = variables[j]
            if (a, b) in pair_sums:
                value = pair_sums[(a, b)]
            elif (b, a) in pair_sums:
                value = pair_sums[(b, a)]
            else:
                raise KeyError(f"no sum of products for ({a!r}, {b!r})")
            matrix[i][j] = matrix[j][i] = float(value)
    return matrix


def correlation_matrix(
    *, n: int, sums: Sequence[float], products: Sequence[Sequence[float]]
) -> "np.ndarray":
    """Pearson correlations from n, Σx_i and Σx_i·x_j; NaN rows/columns for constant variables."""
    import numpy as np

    if n < 2:
        raise ValueError("a correlation needs at least two rows")
    s = np.asarray(sums, dtype=float)
    p = np.asarray(products, dtype=float)
    if p.shape != (s.size, s.size):
        raise ValueError(f"products must be {s.size}x{s.size}, got {p.shape}")
    if not np.allclose(p, p.T, rtol=1e-12, atol=0):
        raise ValueError("products must be symmetric")
    covariance = (p - np.outer(s, s) / n) / (n - 1)
    scale = np.sqrt(np.clip(np.diag(covariance), 0, None))
    # A variance that is rounding noise against the size of the sums counts as none.
    noise = 1e-12 * np.maximum(np.abs(np.diag(p)) / n, 1.0)
    constant = np.diag(covariance) <= noise
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = covariance / np.outer(scale, scale)
    corr[constant, :] = np.nan
    corr[:, constant] = np.nan
    np.fill_diagonal(corr, np.where(constant, np.nan, 1.0))
    return np.clip(corr, -1.0, 1.0)


def _correlation_p_value(r: float, n: int) -> float | None:
    if n < 3:
        return None
    if abs(r) >= 1:
        return 0.0
    t = r * sqrt((n - 2) / (1 - r * r))
    return float(2 * _sps().t.sf(abs(t), df=n - 2))


def _independent_columns(rxx: "np.ndarray", tolerance: float = 1e-8) -> list[int]:
    """Indexes of drivers kept in order, skipping any that the earlier ones already span."""
    import numpy as np

    kept: list[int] = []
    for index in range(rxx.shape[0]):
        trial = [*kept, index]
        if np.linalg.eigvalsh(rxx[np.ix_(trial, trial)])[0] > tolerance:
            kept = trial
    return kept


def key_drivers(
    *,
    variables: Sequence[str],
    outcome: str,
    n: int,
    sums: Sequence[float],
    products: Sequence[Sequence[float]],
    min_n: int = DRIVERS_MIN_N,
    min_n_per_driver: int = DRIVERS_MIN_N_PER_DRIVER,
) -> DriverAnalysis:
    """Correlation, standardised beta and Johnson's relative weight of each driver.

    `variables` names the columns of `sums` (Σx_i) and `products` (Σx_i·x_j, see
    `product_matrix`), outcome included; all sums must be over the same n complete rows
    (listwise), or the correlation matrix need not be a correlation matrix at all.

    Relative weights (Johnson 2000): with R_xx = V Λ Vᵀ, the orthogonal counterparts of the
    drivers are Z = X V Λ^-½ Vᵀ; Λ* = V Λ^½ Vᵀ maps them back, β* = Λ*⁻¹ r_xy regresses the
    outcome on them, and ε_j = Σ_k Λ*_jk² β*_k², which sum to R².
    Constant drivers and drivers that are linear combinations of earlier ones are dropped and
    reported in `dropped`; with a constant outcome nothing can be explained (r_squared None).
    """
    import numpy as np

    names = list(variables)
    if outcome not in names:
        raise ValueError(f"outcome {outcome!r} is not among the variables")
    if len(set(names)) != len(names):
        raise ValueError("variable names must be unique")
    corr = correlation_matrix(n=n, sums=sums, products=products)
    y = names.index(outcome)
    candidates = [i for i in range(len(names)) if i != y]
    dropped = {names[i]: DropReason.CONSTANT for i in candidates if np.isnan(corr[i, i])}
    varying = [i for i in candidates if names[i] not in dropped]

    def result(drivers: list[Driver], r_squared: float | None) -> DriverAnalysis:
        too_small = n < min_n or n < min_n_per_driver * max(len(drivers), 1)
        return DriverAnalysis(outcome, n, r_squared, drivers, dropped, too_small, min_n)

    if np.isnan(corr[y, y]) or not varying:
        return result([], None)
    kept_local = _independent_columns(corr[np.ix_(varying, varying)])
    for position, index in enumerate(varying):
        if position not in kept_local:
            dropped[names[index]] = DropReason.COLLINEAR
    kept = [varying[position] for position in kept_local]

    rxx = corr[np.ix_(kept, kept)]
    rxy = corr[kept, y]
    beta = np.linalg.solve(rxx, rxy)
    r_squared = float(rxy @ beta)
    eigenvalues, vectors = np.linalg.eigh(rxx)
    lambda_star = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
    beta_star = np.linalg.solve(lambda_star, rxy)
    weights = (lambda_star**2) @ (beta_star**2)
    drivers = [
        Driver(
            name=names[index],
            correlation=float(rxy[k]),
            correlation_p_value=_correlation_p_value(float(rxy[k]), n),
            beta=float(beta[k]),
            relative_weight=float(weights[k]),
            share=100 * float(weights[k]) / r_squared if r_squared > 0 else None,
        )
        for k, index in enumerate(kept)
    ]
    return result(drivers, r_squared if isfinite(r_squared) else None)
