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

from .drivers import (
    DRIVERS_MIN_N,
    DRIVERS_MIN_N_PER_DRIVER,
    Driver,
    DriverAnalysis,
    DropReason,
    correlation_matrix,
    key_drivers,
    product_matrix,
)
from .intervals import (
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_N,
    Change,
    Interval,
    MeanSums,
    NpsCounts,
    Proportion,
    mean_change,
    mean_interval,
    nps_change,
    nps_interval,
    proportion_change,
    proportion_interval,
)

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_MIN_N",
    "DRIVERS_MIN_N",
    "DRIVERS_MIN_N_PER_DRIVER",
    "Change",
    "DriverAnalysis",
    "Driver",
    "DropReason",
    "Interval",
    "MeanSums",
    "NpsCounts",
    "Proportion",
    "correlation_matrix",
    "key_drivers",
    "mean_change",
    "mean_interval",
    "nps_change",
    "nps_interval",
    "product_matrix",
    "proportion_change",
    "proportion_interval",
]
