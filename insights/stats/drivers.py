"""Key-driver analysis from SQL sums of products: correlations, betas, relative weights."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from math import isfinite, sqrt
from typing import TYPE_CHECKING

from .intervals import scipy_stats

if TYPE_CHECKING:
    import numpy as np

# A correlation matrix needs enough rows overall and per driver to be stable.
DRIVERS_MIN_N = 30
DRIVERS_MIN_N_PER_DRIVER = 10


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
    return float(2 * scipy_stats().t.sf(abs(t), df=n - 2))


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
