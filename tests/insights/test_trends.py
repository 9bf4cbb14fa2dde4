"""Trends against hand-computed intervals and tests.

January: 20 promoters, 10 passives, 10 detractors of 40: NPS 25. Per answer scored
+100/0/-100 the variance is 10,000 * (0.5 + 0.25 - 0.25²) = 6,875, so the margin of error is
1.959964 * sqrt(6875 / 40) = 25.695: 25 ± 25.7 = [-0.695, 50.695].
February: 40 promoters (NPS 100, no spread): z = 75 / sqrt(6875/40) = 5.72, significant.
March: 39 promoters and a passive (NPS 97.5; variance 10,000 * (0.975 - 0.975²) = 243.75):
z = -2.5 / sqrt(243.75/40) = -1.01, p = 0.31: not significant.
April: 5 answers, fewer than 30: no interval, no test.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from insights import rollup
from insights.selectors.trends import TrendScope, metric_trend, metric_trends, trend_scope_for
from surveys.constants import QuestionType
from tests.factories import AccountFactory, QuestionFactory, SurveyFactory, UserFactory
from tests.insights.builders import scored_responses

pytestmark = pytest.mark.django_db


def on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def scores(**counts: int) -> list[int]:
    """scores(promoters=2, passives=1) -> [10, 10, 8]."""
    value = {"promoters": 10, "passives": 8, "detractors": 3}
    return [value[name] for name, count in counts.items() for _ in range(count)]


@pytest.fixture
def nps_question():
    return QuestionFactory(survey=SurveyFactory(), type=QuestionType.NPS)


@pytest.fixture
def four_months(nps_question):
    account = AccountFactory()
    for day, counts in (
        (date(2026, 1, 10), scores(promoters=20, passives=10, detractors=10)),
        (date(2026, 2, 10), scores(promoters=40)),
        (date(2026, 3, 10), scores(promoters=39, passives=1)),
        (date(2026, 4, 10), scores(promoters=5)),
    ):
        scored_responses(account, nps_question, counts, submitted_at=on(day))
    return account


SCOPE = TrendScope(since=date(2026, 1, 1), until=date(2026, 4, 30))


def test_the_nps_margin_of_error_matches_the_hand_computed_interval(four_months):
    january = metric_trend(scope=SCOPE, metric="nps").points[0]

    assert (january.period, january.value, january.n) == (date(2026, 1, 1), 25.0, 40)
    assert january.low == pytest.approx(-0.695, abs=1e-3)
    assert january.high == pytest.approx(50.695, abs=1e-3)
    assert january.margin == pytest.approx(25.695, abs=1e-3)
    assert january.significant is False  # the first period has nothing to change from


def test_a_large_rise_is_flagged_significant_and_a_small_dip_is_not(four_months):
    _jan, february, march, april = metric_trend(scope=SCOPE, metric="nps").points

    assert (february.value, february.change) == (100.0, pytest.approx(75.0))
    assert february.significant is True and february.p_value < 0.001
    assert (march.value, march.change) == (97.5, pytest.approx(-2.5))
    assert march.significant is False
    assert march.p_value == pytest.approx(0.312, abs=2e-3)
    assert april.too_few and april.low is None and april.p_value is None
    assert april.significant is False and april.n == 5


def test_a_mean_gets_a_t_interval_from_count_sum_and_sum_of_squares():
    """Fifteen 2s and fifteen 4s: mean 3, s² = 30/29, margin t(0.975, 29) * s / √30 = 0.3798."""
    effort = QuestionFactory(survey=SurveyFactory(), type=QuestionType.EFFORT)
    scored_responses(
        AccountFactory(), effort, [2] * 15 + [4] * 15, submitted_at=on(date(2026, 1, 5))
    )

    january = metric_trend(scope=SCOPE, metric="ces").points[0]

    assert (january.value, january.n) == (3.0, 30)
    assert january.low == pytest.approx(2.6202, abs=1e-4)
    assert january.high == pytest.approx(3.3798, abs=1e-4)


def test_periods_without_answers_are_listed_empty_and_quarters_group_months(four_months):
    scope = TrendScope(since=date(2025, 10, 1), until=date(2026, 6, 30), period="quarter")

    points = metric_trend(scope=scope, metric="nps").points

    assert [p.label for p in points] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    assert points[0].value is None and points[0].n == 0
    # Q1 = January + February + March: 99 promoters, 11 passives, 10 detractors of 120.
    assert points[1].value == 74.2 and points[1].n == 120
    assert points[1].significant is False  # no value before it to compare with


def test_every_metric_comes_from_one_grouped_query(four_months, django_assert_max_num_queries):
    # Plus, on PostgreSQL, the read of the rollup's state.
    with django_assert_max_num_queries(2):
        trends = metric_trends(scope=SCOPE)

    assert set(trends) == {"nps", "cx_index", "csat", "csat_mean", "ces"}
    assert trends["csat"].points[0].value is None


def test_an_account_team_member_trends_only_its_accounts(nps_question):
    member = UserFactory()
    mine, theirs = AccountFactory(), AccountFactory()
    mine.account_team.add(member)
    scored_responses(mine, nps_question, scores(detractors=3), submitted_at=on(date(2026, 1, 5)))
    scored_responses(theirs, nps_question, scores(promoters=7), submitted_at=on(date(2026, 1, 5)))

    scope = trend_scope_for(member, since=date(2026, 1, 1), until=date(2026, 1, 31))
    january = metric_trend(scope=scope, metric="nps").points[0]

    assert (january.value, january.n) == (-100.0, 3)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the rollup is PostgreSQL-only",
)
def test_the_rollup_gives_the_raw_rows_figures_and_today_is_added_raw(monkeypatch):
    """Answers in four months and today; rolled up to this morning, then one more today."""
    today = timezone.localdate()
    effort = QuestionFactory(survey=SurveyFactory(), type=QuestionType.EFFORT)
    nps = QuestionFactory(survey=SurveyFactory(), type=QuestionType.NPS)
    account = AccountFactory()
    for months_ago, values in enumerate(([1, 7, 7, 3] * 10, [2, 5] * 20, [6] * 35, [4] * 3)):
        day = today.replace(day=1) - timedelta(days=1 + 31 * months_ago)
        scored_responses(account, effort, values, submitted_at=on(day))
        scored_responses(account, nps, [v + 3 for v in values], submitted_at=on(day))
    rollup.refresh(rebuild=True)
    scored_responses(account, effort, [7, 7], submitted_at=timezone.now())
    scope = trend_scope_for(UserFactory(superuser=True), today=today)

    rolled = metric_trends(scope=scope)
    with monkeypatch.context() as m:
        m.setattr(rollup, "state", lambda: None)
        raw = metric_trends(scope=scope)

    assert rolled == raw
    assert rolled["ces"].points[-1].n == 2
    assert sum(p.n for p in rolled["nps"].points) == 40 + 40 + 35 + 3
