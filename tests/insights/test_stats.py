"""insights.stats against hand-computed values, raw-row computations and published answers."""

import csv
from math import sqrt
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from insights.stats import (
    DropReason,
    MeanSums,
    NpsCounts,
    Proportion,
    key_drivers,
    mean_change,
    mean_interval,
    nps_change,
    nps_interval,
    product_matrix,
    proportion_change,
    proportion_interval,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SUDZILLA = DATA / "preppin_sudzilla_event_survey.csv"
AIRLINE = DATA / "airline_passenger_satisfaction_test.csv"
Z95 = 1.959963984540054


def sums_of(rows: np.ndarray) -> dict:
    """What the SQL of a driver analysis returns: n, Σx_i, Σx_i·x_j."""
    return {"n": len(rows), "sums": rows.sum(axis=0), "products": rows.T @ rows}


def nps_scores(promoters: int, passives: int, detractors: int) -> np.ndarray:
    return np.repeat([100.0, 0.0, -100.0], [promoters, passives, detractors])


# ------------------------------------------------------------------ NPS interval


def test_nps_margin_of_error_matches_the_hand_computed_closed_form():
    # 50 promoters, 30 passives, 20 detractors: NPS 30, variance per answer
    # 0.5 + 0.2 - 0.3² = 0.61, margin 1.96 * 100 * sqrt(0.61 / 100) = 15.31 points.
    interval = nps_interval(promoters=50, passives=30, detractors=20)

    assert interval.value == pytest.approx(30.0)
    assert interval.margin == pytest.approx(15.3078, abs=1e-4)
    assert (interval.low, interval.high) == pytest.approx((14.6922, 45.3078), abs=1e-4)
    assert (interval.n, interval.too_few) == (100, False)


def test_nps_interval_agrees_with_a_bootstrap_of_the_raw_answers():
    scores = nps_scores(180, 120, 100)
    rng = np.random.default_rng(20240601)
    means = rng.choice(scores, size=(20_000, scores.size), replace=True).mean(axis=1)
    boot_low, boot_high = np.percentile(means, [2.5, 97.5])
    closed_low = scores.mean() - Z95 * scores.std(ddof=0) / sqrt(scores.size)

    interval = nps_interval(promoters=180, passives=120, detractors=100)

    assert interval.value == pytest.approx(scores.mean())
    assert interval.low == pytest.approx(closed_low)
    assert interval.low == pytest.approx(boot_low, abs=0.6)
    assert interval.high == pytest.approx(boot_high, abs=0.6)


def test_nps_interval_of_the_sudzilla_survey_is_centred_on_the_published_nps():
    with SUDZILLA.open(encoding="utf-8", newline="") as handle:
        scores = [
            int(row["On a scale of 0-10, how would you rate Sudzilla?"])
            for row in csv.DictReader(handle)
        ]
    counts = NpsCounts(
        promoters=sum(s >= 9 for s in scores),
        passives=sum(7 <= s <= 8 for s in scores),
        detractors=sum(s <= 6 for s in scores),
    )

    interval = nps_interval(**counts._asdict())

    assert round(interval.value, 1) == -35.9
    assert interval.n == 39
    assert interval.low < -35.9 < interval.high
    assert interval.margin == pytest.approx(
        Z95 * nps_scores(*counts).std(ddof=0) / sqrt(39), rel=1e-9
    )


def test_nps_interval_is_clipped_to_the_scale_and_withheld_below_the_minimum():
    near_top = nps_interval(promoters=38, passives=1, detractors=1)
    too_few = nps_interval(promoters=9, passives=0, detractors=1)
    empty = nps_interval(promoters=0, passives=0, detractors=0)

    assert near_top.high == 100.0
    assert (too_few.value, too_few.low, too_few.high, too_few.too_few) == (80.0, None, None, True)
    assert (empty.value, empty.margin, empty.n) == (None, None, 0)


def test_nps_interval_rejects_negative_counts_and_a_confidence_outside_zero_to_one():
    with pytest.raises(ValueError, match="detractors"):
        nps_interval(promoters=1, passives=1, detractors=-1)
    with pytest.raises(ValueError, match="confidence"):
        nps_interval(promoters=1, passives=1, detractors=1, confidence=95)


# ------------------------------------------------------------------ mean and proportion intervals


def test_mean_interval_from_sums_matches_the_t_interval_by_hand():
    # 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445, margin 2.776445 * sqrt(2.5 / 5).
    interval = mean_interval(n=5, total=15, sum_squares=55, min_n=2)

    assert interval.value == 3.0
    assert interval.margin == pytest.approx(2.776445 * sqrt(0.5), abs=1e-6)


def test_mean_interval_from_sums_equals_the_interval_of_the_raw_rows():
    rng = np.random.default_rng(7)
    values = rng.integers(1, 8, size=500).astype(float)
    expected = sps.t.interval(0.9, df=499, loc=values.mean(), scale=sps.sem(values))

    interval = mean_interval(
        n=500, total=values.sum(), sum_squares=(values**2).sum(), confidence=0.9
    )

    assert (interval.low, interval.high) == pytest.approx(expected, rel=1e-10)


def test_mean_interval_survives_a_spread_lost_in_rounding():
    # 10^6 answers of 7: Σx² - (Σx)²/n is exactly 0 only in exact arithmetic.
    interval = mean_interval(n=1_000_000, total=7e6, sum_squares=49e6 * (1 + 1e-16))

    assert (interval.value, interval.low, interval.high) == pytest.approx((7.0, 7.0, 7.0))


def test_wilson_interval_of_a_csat_share_matches_the_formula():
    successes, n = 27, 30
    p, z2 = successes / n, Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n))

    interval = proportion_interval(successes=successes, n=n)

    assert interval.value == pytest.approx(90.0)
    assert (interval.low, interval.high) == pytest.approx(
        (100 * (centre - half), 100 * (centre + half)), rel=1e-9
    )


def test_wilson_interval_stays_inside_zero_to_hundred_at_the_edge():
    interval = proportion_interval(successes=40, n=40)

    assert interval.high == pytest.approx(100.0)
    assert 90 < interval.low < 100


def test_proportion_interval_rejects_more_successes_than_answers():
    with pytest.raises(ValueError, match="exceed"):
        proportion_interval(successes=11, n=10)


# ------------------------------------------------------------------ significance of a change


def test_a_large_nps_rise_is_flagged_significant():
    # NPS 10 (variance 0.4 + 0.3 - 0.1² = 0.69) to 45 (0.6 + 0.15 - 0.45² = 0.5475): z = 3.15.
    change = nps_change(before=NpsCounts(40, 30, 30), after=NpsCounts(60, 25, 15))
    se = 100 * sqrt(0.69 / 100 + (0.75 - 0.45**2) / 100)

    assert change.difference == pytest.approx(35.0)
    assert change.p_value == pytest.approx(2 * sps.norm.sf(35.0 / se))
    assert change.p_value == pytest.approx(0.00165, abs=1e-5)
    assert change.significant is True


def test_a_small_nps_rise_is_not_flagged():
    change = nps_change(before=NpsCounts(40, 30, 30), after=NpsCounts(45, 30, 25))

    assert change.difference == pytest.approx(10.0)
    assert change.p_value == pytest.approx(0.3895, abs=1e-3)
    assert change.significant is False


def test_significance_follows_the_alpha_given():
    before, after = NpsCounts(40, 30, 30), NpsCounts(53, 28, 19)  # z 2.11, p 0.035

    strict = nps_change(before=before, after=after, alpha=0.01)
    default = nps_change(before=before, after=after)

    assert 0.01 < default.p_value < 0.05
    assert (default.significant, strict.significant) == (True, False)


def test_a_change_with_too_few_answers_is_not_tested():
    change = nps_change(before=NpsCounts(40, 30, 30), after=NpsCounts(20, 0, 0))

    assert change.difference == pytest.approx(90.0)
    assert (change.p_value, change.significant, change.too_few) == (None, None, True)
    assert (change.n_before, change.n_after) == (100, 20)


def test_a_change_from_all_promoters_to_all_detractors_is_certain():
    change = nps_change(before=NpsCounts(50, 0, 0), after=NpsCounts(0, 0, 50))

    assert (change.difference, change.p_value, change.significant) == (-200.0, 0.0, True)


def test_welch_test_from_sums_equals_scipy_on_the_raw_rows():
    rng = np.random.default_rng(11)
    before = rng.normal(5.0, 1.0, size=80).round()
    after = rng.normal(5.5, 2.0, size=60).round()
    expected = sps.ttest_ind(after, before, equal_var=False)

    change = mean_change(
        before=MeanSums(80, before.sum(), (before**2).sum()),
        after=MeanSums(60, after.sum(), (after**2).sum()),
    )

    assert change.difference == pytest.approx(after.mean() - before.mean())
    assert change.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert change.significant is bool(expected.pvalue < 0.05)


def test_difference_of_proportions_matches_the_pooled_z_by_hand():
    # 60/100 to 75/100: pooled 0.675, se = sqrt(.675 * .325 * .02) = 0.066238, z = 2.2645.
    change = proportion_change(before=Proportion(60, 100), after=Proportion(75, 100))
    flat = proportion_change(before=Proportion(60, 100), after=Proportion(63, 100))

    assert change.difference == pytest.approx(15.0)
    assert change.p_value == pytest.approx(2 * sps.norm.sf(0.15 / sqrt(0.675 * 0.325 * 0.02)))
    assert change.p_value == pytest.approx(0.02354, abs=1e-4)
    assert (change.significant, flat.significant) == (True, False)


# ------------------------------------------------------------------ key drivers

# mtcars (R datasets, Motor Trend 1974): mpg, cyl, disp, hp, wt for the 32 cars.
MTCARS = """21 6 160 110 2.62|21 6 160 110 2.875|22.8 4 108 93 2.32|21.4 6 258 110 3.215|
18.7 8 360 175 3.44|18.1 6 225 105 3.46|14.3 8 360 245 3.57|24.4 4 146.7 62 3.19|
22.8 4 140.8 95 3.15|19.2 6 167.6 123 3.44|17.8 6 167.6 123 3.44|16.4 8 275.8 180 4.07|
17.3 8 275.8 180 3.73|15.2 8 275.8 180 3.78|10.4 8 472 205 5.25|10.4 8 460 215 5.424|
14.7 8 440 230 5.345|32.4 4 78.7 66 2.2|30.4 4 75.7 52 1.615|33.9 4 71.1 65 1.835|
21.5 4 120.1 97 2.465|15.5 8 318 150 3.52|15.2 8 304 150 3.435|13.3 8 350 245 3.84|
19.2 8 400 175 3.845|27.3 4 79 66 1.935|26 4 120.3 91 2.14|30.4 4 95.1 113 1.513|
15.8 8 351 264 3.17|19.7 6 145 175 2.77|15 8 301 335 3.57|21.4 4 121 109 2.78"""


def test_relative_weights_reproduce_the_published_mtcars_example():
    """rwa (R) documentation: mpg ~ cyl + disp + hp + wt gives raw relative weights
    0.2096904, 0.1883043, 0.1799590, 0.2706812 (rescaled 24.70914, 22.18908, 21.20570, 31.89607)."""
    rows = np.array([[float(v) for v in car.split()] for car in MTCARS.split("|")])
    assert rows.shape == (32, 5)

    analysis = key_drivers(
        variables=["mpg", "cyl", "disp", "hp", "wt"], outcome="mpg", **sums_of(rows)
    )

    weights = {d.name: d.relative_weight for d in analysis.drivers}
    shares = {d.name: d.share for d in analysis.drivers}
    assert weights == pytest.approx(
        {"cyl": 0.2096904, "disp": 0.1883043, "hp": 0.1799590, "wt": 0.2706812}, abs=1e-7
    )
    assert shares == pytest.approx(
        {"cyl": 24.70914, "disp": 22.18908, "hp": 21.20570, "wt": 31.89607}, abs=1e-5
    )
    assert analysis.r_squared == pytest.approx(sum(weights.values()))
    assert analysis.r_squared == pytest.approx(0.8486349, abs=5e-7)  # the published weights' sum
    assert [d.name for d in analysis.ranked()] == ["wt", "cyl", "disp", "hp"]
    # 32 cars for 4 drivers: fewer than 10 rows per driver, so the page would warn.
    assert (analysis.n, analysis.too_small) == (32, True)


def test_a_dominant_driver_of_a_known_linear_model_comes_first():
    rng = np.random.default_rng(2024)
    n = 3000
    base = rng.normal(size=n)
    x1 = base + rng.normal(size=n)  # x1 and x2 correlate (0.5), as survey items do
    x2 = base + rng.normal(size=n)
    x3 = rng.normal(size=n)
    y = 3.0 * x1 + 0.5 * x2 + 0.0 * x3 + rng.normal(scale=2.0, size=n)
    rows = np.column_stack([x1, x2, x3, y])
    raw_betas = np.linalg.lstsq(
        (rows[:, :3] - rows[:, :3].mean(0)) / rows[:, :3].std(0),
        (y - y.mean()) / y.std(),
        rcond=None,
    )[0]
    raw_r = [np.corrcoef(rows[:, i], y)[0, 1] for i in range(3)]

    analysis = key_drivers(variables=["x1", "x2", "x3", "y"], outcome="y", **sums_of(rows))

    x1d, x2d, x3d = analysis.drivers
    assert [d.name for d in analysis.ranked()] == ["x1", "x2", "x3"]
    assert x1d.share > 75
    assert x3d.share < 1
    assert [d.beta for d in analysis.drivers] == pytest.approx(raw_betas, rel=1e-8)
    assert [d.correlation for d in analysis.drivers] == pytest.approx(raw_r, rel=1e-10)
    assert sum(d.relative_weight for d in analysis.drivers) == pytest.approx(analysis.r_squared)
    assert x1d.correlation_p_value < 1e-100
    assert x3d.correlation_p_value > 0.001


def test_uncorrelated_drivers_have_relative_weights_equal_to_their_squared_correlations():
    # Columns of a Hadamard matrix are exactly orthogonal and centred.
    h = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    x = np.tile(h[:, 1:], (10, 1))
    noise = np.tile([0.5, -0.5, -0.5, 0.5], 10) * np.repeat([1, -1], 20)
    y = 2 * x[:, 0] + 1 * x[:, 1] + noise
    rows = np.column_stack([x, y])

    analysis = key_drivers(variables=["a", "b", "c", "y"], outcome="y", **sums_of(rows))

    for driver in analysis.drivers:
        assert driver.relative_weight == pytest.approx(driver.correlation**2, abs=1e-12)
        assert driver.beta == pytest.approx(driver.correlation, abs=1e-12)
    assert [d.correlation**2 for d in analysis.drivers] == pytest.approx([4 / 5.25, 1 / 5.25, 0])


def test_two_correlated_drivers_match_the_closed_form_square_root_of_their_matrix():
    rng = np.random.default_rng(5)
    x = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=400)
    y = x[:, 0] + 0.3 * x[:, 1] + rng.normal(size=400)
    rows = np.column_stack([x, y])
    corr = np.corrcoef(rows.T)
    rho, r = corr[0, 1], corr[:2, 2]
    # For [[1, ρ], [ρ, 1]] the symmetric square root is [[a, b], [b, a]] with
    a = (sqrt(1 + rho) + sqrt(1 - rho)) / 2
    b = (sqrt(1 + rho) - sqrt(1 - rho)) / 2
    beta_star = np.array([[a, b], [b, a]]) @ np.linalg.solve([[1, rho], [rho, 1]], r)
    expected = [
        a * a * beta_star[0] ** 2 + b * b * beta_star[1] ** 2,
        b * b * beta_star[0] ** 2 + a * a * beta_star[1] ** 2,
    ]

    analysis = key_drivers(variables=["x1", "x2", "y"], outcome="y", **sums_of(rows))

    assert [d.relative_weight for d in analysis.drivers] == pytest.approx(expected, rel=1e-9)


def test_constant_and_duplicated_drivers_are_dropped_and_reported():
    rng = np.random.default_rng(3)
    x1 = rng.integers(1, 6, size=200).astype(float)
    x2 = rng.integers(1, 6, size=200).astype(float)
    y = x1 + x2 + rng.normal(size=200)
    rows = np.column_stack([x1, np.full(200, 4.0), x2, 2 * x1 + 1, x1 - x2, y])

    analysis = key_drivers(
        variables=["x1", "always_four", "x2", "x1_again", "gap", "y"], outcome="y", **sums_of(rows)
    )

    assert [d.name for d in analysis.drivers] == ["x1", "x2"]
    assert analysis.dropped == {
        "always_four": DropReason.CONSTANT,
        "x1_again": DropReason.COLLINEAR,
        "gap": DropReason.COLLINEAR,
    }
    assert sum(d.relative_weight for d in analysis.drivers) == pytest.approx(analysis.r_squared)


def test_a_constant_outcome_explains_nothing():
    rows = np.column_stack([np.arange(40.0), np.full(40, 9.0)])

    analysis = key_drivers(variables=["x", "y"], outcome="y", **sums_of(rows))

    assert (analysis.drivers, analysis.r_squared) == ([], None)


def test_drivers_on_few_rows_are_marked_too_small():
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(40, 6))  # 40 rows, 5 drivers: fewer than 10 per driver

    few_per_driver = key_drivers(variables=list("abcdey"), outcome="y", **sums_of(rows))
    few_rows = key_drivers(variables=list("aby"), outcome="y", **sums_of(rows[:20, [0, 1, 5]]))
    enough = key_drivers(variables=list("aby"), outcome="y", **sums_of(rows[:, [0, 1, 5]]))

    assert (few_per_driver.too_small, few_rows.too_small, enough.too_small) == (True, True, False)
    assert few_rows.n == 20


def test_product_matrix_fills_the_lower_triangle_from_pairs_in_either_order():
    pairs = {
        ("a", "a"): 1.0,
        ("a", "b"): 2.0,
        ("b", "b"): 3.0,
        ("c", "a"): 4.0,
        ("b", "c"): 5.0,
        ("c", "c"): 6.0,
    }

    assert product_matrix(["a", "b", "c"], pairs) == [[1, 2, 4], [2, 3, 5], [4, 5, 6]]
    with pytest.raises(KeyError, match="'b', 'c'"):
        product_matrix(["a", "b", "c"], {k: v for k, v in pairs.items() if k != ("b", "c")})


def test_key_drivers_reject_an_outcome_that_is_not_a_variable():
    with pytest.raises(ValueError, match="outcome"):
        key_drivers(variables=["a", "b"], outcome="y", n=3, sums=[1, 1], products=[[1, 0], [0, 1]])


AIRLINE_RATINGS = [
    "Inflight wifi service", "Departure/Arrival time convenient", "Ease of Online booking",
    "Gate location", "Food and drink", "Online boarding", "Seat comfort",
    "Inflight entertainment", "On-board service", "Leg room service", "Baggage handling",
    "Checkin service", "Inflight service", "Cleanliness",
]  # fmt: skip


def test_airline_correlations_from_sums_equal_numpy_on_the_raw_rows():
    """25,976 passengers; 0 means 'not applicable', so complete rows are those rated 1-5."""
    with AIRLINE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        raw = np.array(
            [
                [float(row[c]) for c in AIRLINE_RATINGS] + [row["satisfaction"] == "satisfied"]
                for row in reader
            ]
        )
    assert raw.shape == (25_976, 15)
    assert raw[:, -1].sum() == 11_403  # the README's count of satisfied passengers
    rows = raw[(raw[:, :14] > 0).all(axis=1)]
    expected = np.corrcoef(rows.T)[:14, 14]

    analysis = key_drivers(
        variables=[*AIRLINE_RATINGS, "satisfied"], outcome="satisfied", **sums_of(rows)
    )

    assert analysis.n == len(rows) > 20_000
    assert [d.correlation for d in analysis.drivers] == pytest.approx(expected, abs=1e-10)
    assert analysis.ranked()[0].name == "Online boarding"
    assert sum(d.relative_weight for d in analysis.drivers) == pytest.approx(analysis.r_squared)
