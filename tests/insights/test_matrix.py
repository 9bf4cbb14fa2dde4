from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.constants import AccountStatus
from insights import metrics
from insights.metrics import INSUFFICIENT, MatrixRule, matrix_answers, matrix_rule, quadrant
from insights.receivers import connect, quadrant_account_ids
from insights.selectors import ResultFilter, metric_summary
from insights.selectors.matrix import (
    SATISFACTION_WINDOW,
    MatrixScope,
    account_quadrants,
    customer_matrix,
    matrix_movement,
    matrix_scope_for,
    quadrant_changes,
    wave_previous,
)
from surveys.constants import Quadrant, QuestionType
from surveys.models import PulseSegment
from surveys.services.pulse import segment_contacts
from surveys.signals import quadrant_accounts_requested
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    ContactFactory,
    QuestionFactory,
    SurveyFactory,
    UserFactory,
    VerticalMarketFactory,
)

from .builders import Programme, local, nps_answers, scored_responses

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
RULE = MatrixRule(
    metric="nps", revenue_threshold=10_000_000, satisfaction_threshold=0, min_answers=3
)


# ------------------------------------------------------------------ the one classification


@pytest.mark.parametrize(
    ("billed", "satisfaction", "n", "expected"),
    [
        # Exactly at both thresholds: billing is not above 10 million, satisfaction is at 0.
        (Decimal("10000000.00"), 0.0, 3, Quadrant.GROWTH),
        (Decimal("10000000.01"), 0.0, 3, Quadrant.MODEL),
        (Decimal("10000000.01"), -0.1, 3, Quadrant.AT_RISK),
        (Decimal("10000000.00"), -0.1, 3, Quadrant.DANGLING),
        (None, 100.0, 3, Quadrant.GROWTH),
        (Decimal("25000000"), 80.0, 2, INSUFFICIENT),  # one answer short of the minimum
        (Decimal("25000000"), None, 10, INSUFFICIENT),
    ],
)
def test_quadrant_places_at_the_edges_of_the_thresholds(billed, satisfaction, n, expected):
    assert quadrant(billed=billed, satisfaction=satisfaction, n=n, rule=RULE) == expected


def test_matrix_rule_takes_its_thresholds_from_the_settings(settings):
    settings.CEM_MATRIX_REVENUE_THRESHOLD = 5_000_000
    settings.CEM_MATRIX_CX_INDEX_THRESHOLD = 72.5
    settings.CEM_MATRIX_MIN_ANSWERS = 7

    rule = matrix_rule("cx_index")

    assert rule == MatrixRule("cx_index", 5_000_000.0, 72.5, 7)
    assert matrix_rule("nps").satisfaction_threshold == 0.0
    assert matrix_rule("csat").satisfaction_threshold == 70.0
    with pytest.raises(ValueError):
        matrix_rule("ces")


def test_a_set_of_the_three_cx_items_counts_as_one_answer_toward_the_minimum():
    assert matrix_answers("cx_index", 9) == 3
    assert matrix_answers("cx_index", 8) == 2  # a partial set does not count
    assert matrix_answers("nps", 8) == 8


# ------------------------------------------------------------------ the matrix of a date range


def test_account_quadrants_places_accounts_by_latest_billed_and_the_same_nps_as_the_metrics():
    model = AccountFactory()
    AccountRevenueFactory(account=model, billed=12_000_000)
    nps_answers(model, [10, 9, 8, 6], submitted_at=local(TODAY))  # 2-1 of 4: +25
    at_risk = AccountFactory()
    AccountRevenueFactory(account=at_risk, billed=10_000_001)
    nps_answers(at_risk, [9, 6, 0], submitted_at=local(TODAY))  # 1-2 of 3: -33.3
    dangling = AccountFactory()  # no revenue row: billed 0
    nps_answers(dangling, [7, 5, 5], submitted_at=local(TODAY))  # 0-2 of 3: -66.7
    few = AccountFactory()
    nps_answers(few, [10, 10], submitted_at=local(TODAY))  # two answers: too few
    AccountFactory()  # no answers: too few

    quadrants = account_quadrants(today=TODAY)

    assert quadrants == {
        model.pk: Quadrant.MODEL,
        at_risk.pk: Quadrant.AT_RISK,
        dangling.pk: Quadrant.DANGLING,
    }
    since = TODAY - SATISFACTION_WINDOW
    nps = {
        account.pk: metric_summary(ResultFilter(account_id=account.pk, since=since)).nps
        for account in (model, at_risk, dangling)
    }
    assert nps == {model.pk: 25.0, at_risk.pk: -33.3, dangling.pk: -66.7}


def test_account_quadrants_counts_the_last_year_from_the_start_of_its_first_day(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    first_day = local(TODAY - SATISFACTION_WINDOW, time.min)
    inside = AccountFactory()
    nps_answers(inside, [10], submitted_at=first_day)
    outside = AccountFactory()
    nps_answers(outside, [10], submitted_at=first_day - timedelta(seconds=1))

    assert account_quadrants(today=TODAY) == {inside.pk: Quadrant.GROWTH}


def test_the_matrix_lists_too_few_answers_and_only_the_asked_metric():
    survey = SurveyFactory()
    rating = QuestionFactory(survey=survey, type=QuestionType.RATING)
    effort = QuestionFactory(survey=survey, type=QuestionType.EFFORT)
    rated = AccountFactory(name="Rated")
    AccountRevenueFactory(account=rated, billed=15_000_000, forecast=2_000_000)
    scored_responses(rated, rating, [5, 4, 4, 2, 1], submitted_at=local(TODAY))  # 3 of 5: 60%
    effort_only = AccountFactory(name="Effort only")
    scored_responses(effort_only, effort, [7, 7, 7], submitted_at=local(TODAY))
    lost = AccountFactory(name="Lost, silent", status=AccountStatus.LOST)
    lost_answering = AccountFactory(name="Lost, answered", status=AccountStatus.LOST)
    scored_responses(lost_answering, rating, [5, 5, 5], submitted_at=local(TODAY))

    matrix = customer_matrix(scope=matrix_scope_for(UserFactory(superuser=True), today=TODAY),
                             metric="csat")  # fmt: skip

    rows = {a.name: (a.satisfaction, a.n, a.quadrant) for a in matrix.accounts}
    assert rows == {
        "Rated": (60.0, 5, Quadrant.AT_RISK),  # 60 < 70
        "Effort only": (None, 0, INSUFFICIENT),  # CES is not a matrix metric
        "Lost, answered": (100.0, 3, Quadrant.GROWTH),
    }
    assert lost.pk not in {a.id for a in matrix.accounts}
    assert matrix.rule.satisfaction_threshold == 70.0
    rated_row = matrix.account(rated.pk)
    assert (rated_row.billed_revenue, rated_row.forecast_revenue) == (
        Decimal("15000000.00"),
        Decimal("2000000.00"),
    )
    assert [a.name for a in matrix.by_quadrant()[INSUFFICIENT]] == ["Effort only"]


def test_the_cx_index_matrix_needs_complete_sets_of_the_three_items(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 2
    relationship = Programme()
    wave = relationship.wave(date(2026, 1, 1))
    two = AccountFactory(name="Two sets")
    relationship.answer(wave, two, cx=(5, 4, 3))  # mean 4: 75
    relationship.answer(wave, two, cx=(2, 2, 2))  # mean 2: 25 -> mean of six items 3: 50
    partial = AccountFactory(name="One set and a half")
    relationship.answer(wave, partial, cx=(5, 5, 5))
    relationship.answer(wave, partial, cx=(5,))

    matrix = customer_matrix(scope=MatrixScope(wave=wave), metric="cx_index")

    rows = {a.name: (a.satisfaction, a.n, a.quadrant) for a in matrix.accounts}
    assert rows == {
        "Two sets": (50.0, 2, Quadrant.DANGLING),  # 50 < 60
        "One set and a half": (100.0, 1, INSUFFICIENT),
    }


def test_the_matrix_of_a_wave_reads_its_answers_and_the_revenue_as_the_wave_closed(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    relationship = Programme()
    spring = relationship.wave(date(2026, 3, 1))
    account = AccountFactory()
    AccountRevenueFactory(
        account=account, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
        billed=8_000_000, forecast=1_000_000,
    )  # fmt: skip
    AccountRevenueFactory(
        account=account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        billed=11_000_000, forecast=3_000_000,
    )  # fmt: skip
    AccountRevenueFactory(
        account=account, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        billed=1, forecast=1,
    )  # fmt: skip
    relationship.answer(spring, account, nps=3)
    nps_answers(account, [10, 10, 10], submitted_at=spring.opens_at)  # another survey

    row = customer_matrix(scope=MatrixScope(wave=spring)).account(account.pk)

    assert (row.satisfaction, row.n, row.quadrant) == (-100.0, 1, Quadrant.AT_RISK)
    assert row.billed_revenue == Decimal("11000000.00")


def test_the_matrix_is_scoped_to_the_users_accounts_and_a_vertical_market(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    energy, health = VerticalMarketFactory(name="Energy"), VerticalMarketFactory(name="Health")
    mine = AccountFactory(name="Mine", vertical_market=energy)
    mine_health = AccountFactory(name="Mine too", vertical_market=health)
    theirs = AccountFactory(name="Theirs", vertical_market=energy)
    member = UserFactory()
    mine.account_team.add(member)
    mine_health.account_team.add(member)
    for account in (mine, mine_health, theirs):
        nps_answers(account, [9], submitted_at=local(TODAY))

    scoped = customer_matrix(scope=matrix_scope_for(member, today=TODAY))
    energy_only = customer_matrix(
        scope=matrix_scope_for(member, today=TODAY, vertical_market_id=energy.pk)
    )

    assert [a.name for a in scoped.accounts] == ["Mine", "Mine too"]
    assert [a.name for a in energy_only.accounts] == ["Mine"]


def test_the_matrix_takes_two_queries_whatever_the_number_of_accounts(
    django_assert_num_queries,
):
    for billed, scores in ((20e6, [9]), (1_000, [3, 1, 2]), (15e6, [2, 10]), (0, [9, 9])):
        account = AccountFactory()
        AccountRevenueFactory(account=account, billed=billed)
        nps_answers(account, scores, submitted_at=local(TODAY))
    scope = MatrixScope(since=TODAY - SATISFACTION_WINDOW, until=TODAY)

    with django_assert_num_queries(2):
        assert len(customer_matrix(scope=scope).accounts) == 4
    for _ in range(6):
        nps_answers(AccountFactory(), [9, 9, 9], submitted_at=local(TODAY))
    with django_assert_num_queries(2):
        assert len(customer_matrix(scope=scope).accounts) == 10


# ------------------------------------------------------------------ movement between waves


def test_movement_between_two_waves_names_the_accounts_that_changed_quadrant(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 2
    relationship = Programme()
    autumn = relationship.wave(date(2025, 9, 1))
    spring = relationship.wave(date(2026, 3, 1))
    big = AccountFactory(name="Big")
    AccountRevenueFactory(account=big, billed=20_000_000, period_start=date(2025, 1, 1))
    small = AccountFactory(name="Small")
    steady = AccountFactory(name="Steady")
    newcomer = AccountFactory(name="Newcomer")
    for score in (3, 6):  # NPS -100: at risk
        relationship.answer(autumn, big, nps=score)
    for score in (9, 10):  # +100: model
        relationship.answer(spring, big, nps=score)
    for score in (9, 9):  # growth, then dangling (0-6 twice: -100)
        relationship.answer(autumn, small, nps=score)
    for score in (0, 6):
        relationship.answer(spring, small, nps=score)
    for wave in (autumn, spring):  # growth both times
        relationship.answer(wave, steady, nps=10)
        relationship.answer(wave, steady, nps=7)
    relationship.answer(autumn, newcomer, nps=10)  # one answer: too few, then growth
    relationship.answer(spring, newcomer, nps=10)
    relationship.answer(spring, newcomer, nps=10)

    assert wave_previous(wave=spring) == autumn
    assert wave_previous(wave=autumn) is None
    moves = matrix_movement(
        before=customer_matrix(scope=MatrixScope(wave=autumn)),
        after=customer_matrix(scope=MatrixScope(wave=spring)),
    )

    changed = {
        m.after.name: (m.before.quadrant, m.after.quadrant, m.placed_in_both)
        for m in quadrant_changes(moves)
    }
    assert changed == {
        "Big": (Quadrant.AT_RISK, Quadrant.MODEL, True),
        "Small": (Quadrant.GROWTH, Quadrant.DANGLING, True),
        "Newcomer": (INSUFFICIENT, Quadrant.GROWTH, False),
    }
    assert {m.after.name for m in moves} == {"Big", "Small", "Steady", "Newcomer"}


def test_movement_refuses_matrices_of_different_metrics():
    relationship = Programme()
    wave = relationship.wave(date(2026, 1, 1))
    with pytest.raises(ValueError):
        matrix_movement(
            before=customer_matrix(scope=MatrixScope(wave=wave), metric="nps"),
            after=customer_matrix(scope=MatrixScope(wave=wave), metric="csat"),
        )


# ------------------------------------------------------------------ pulse segments


def test_the_receiver_answers_with_the_accounts_of_the_asked_quadrants():
    growth = AccountFactory()
    nps_answers(growth, [9, 9, 9], submitted_at=timezone.now())
    dangling = AccountFactory()
    nps_answers(dangling, [1, 1, 1], submitted_at=timezone.now())
    too_few = AccountFactory()
    nps_answers(too_few, [9], submitted_at=timezone.now())

    replies = quadrant_accounts_requested.send(sender=PulseSegment, quadrants=(Quadrant.GROWTH,))

    assert replies == [(quadrant_account_ids, {growth.pk})]


def test_without_the_insights_receiver_a_quadrant_segment_is_refused():
    ContactFactory(account=AccountFactory())
    segment = PulseSegment.objects.create(name="Model", quadrants=[Quadrant.MODEL])
    assert quadrant_accounts_requested.disconnect(
        sender=PulseSegment, dispatch_uid="insights.quadrant_account_ids"
    )
    try:
        with pytest.raises(ValidationError) as refused:
            segment_contacts(segment=segment)
    finally:
        connect()

    assert refused.value.code == "no_quadrants"


def test_every_placement_has_a_label():
    assert set(metrics.PLACEMENT_LABELS) == {*Quadrant.values, INSUFFICIENT}
