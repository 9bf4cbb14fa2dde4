"""Key drivers on data with a known answer.

Questions: 32 responses, a full factorial of Q1 in {1, 5} (variance 4) and Q2 in {2, 4}
(variance 1), orthogonal, with the recommendation exactly Q1 + Q2. Then var(y) = 5,
r(Q1, y) = 4 / (2 * sqrt 5) = 0.8944, r(Q2, y) = 1 / sqrt 5 = 0.4472, R² = 1, and for
orthogonal drivers beta = r and the relative weights are r² = 0.8 and 0.2 (80% and 20%).
Each vertical market holds 16 of them: fewer than 30, too small to trust.
"""

from datetime import date, datetime, time
from itertools import product

import pytest
from django.utils import timezone

from insights.selectors.drivers import DriverScope, driver_scope_for, key_driver_report
from surveys.constants import CX_INDEX_TYPES, QuestionType, SurveyKind
from tests.factories import (
    AccountFactory,
    AnswerFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
    VerticalMarketFactory,
)
from tests.insights.builders import scored_responses

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.combine(date(2026, 3, 10), time(12)))
SCOPE = {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}


def answered(survey, account, values: dict) -> None:
    response = ResponseFactory(
        survey=survey, contact=ContactFactory(account=account), submitted_at=WHEN
    )
    for question, number in values.items():
        AnswerFactory(response=response, question=question, number=number)


@pytest.fixture
def factorial():
    survey = SurveyFactory(kind=SurveyKind.RELATIONSHIP)
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS, position=0)
    q1 = QuestionFactory(survey=survey, type=QuestionType.RATING, text="Product quality?")
    q2 = QuestionFactory(survey=survey, type=QuestionType.RATING, text="Price?")
    q3 = QuestionFactory(survey=survey, type=QuestionType.RATING, text="Always three")
    markets = [VerticalMarketFactory(name="Health"), VerticalMarketFactory(name="Retail")]
    accounts = [AccountFactory(vertical_market=m) for m in markets]
    cells = [cell for _ in range(8) for cell in product([1, 5], [2, 4])]
    for index, (a, b) in enumerate(cells):
        answered(survey, accounts[index % 2], {nps: a + b, q1: a, q2: b, q3: 3})
    return survey, q1, q2, q3


def test_question_drivers_match_the_hand_computed_weights(factorial):
    survey, q1, q2, q3 = factorial

    report = key_driver_report(
        scope=DriverScope(analysis="questions", survey_id=survey.pk, **SCOPE)
    )

    overall = report.overall
    assert (overall.n, overall.analysis.too_small) == (32, False)
    assert overall.analysis.r_squared == pytest.approx(1.0)
    drivers = {d.name: d for d in overall.analysis.drivers}
    assert drivers[str(q1.pk)].correlation == pytest.approx(0.8944, abs=1e-4)
    assert drivers[str(q2.pk)].correlation == pytest.approx(0.4472, abs=1e-4)
    assert drivers[str(q1.pk)].beta == pytest.approx(0.8944, abs=1e-4)
    assert drivers[str(q1.pk)].share == pytest.approx(80.0)
    assert drivers[str(q2.pk)].share == pytest.approx(20.0)
    assert [d.name for d in overall.analysis.ranked()] == [str(q1.pk), str(q2.pk)]
    assert overall.analysis.dropped == {str(q3.pk): "constant"}
    assert report.labels[str(q1.pk)] == "Product quality?"


def test_each_vertical_market_gets_its_own_analysis_noted_too_small(factorial):
    survey, *_ = factorial

    report = key_driver_report(
        scope=DriverScope(analysis="questions", survey_id=survey.pk, **SCOPE)
    )

    assert [(g.label, g.n, g.analysis.too_small) for g in report.groups[1:]] == [
        ("Health", 16, True),
        ("Retail", 16, True),
    ]


def test_the_cx_index_outcome_is_the_mean_of_its_three_items():
    """Items (needs, ease, emotion) = (a, a, b): their mean (2a + b) / 3 against a driver x = a
    and an unrelated z; r(x, mean) = 2 sd(a) / sd(2a + b) = 2 / sqrt 5 for equal spreads."""
    survey = SurveyFactory(kind=SurveyKind.RELATIONSHIP)
    items = [QuestionFactory(survey=survey, type=t) for t in CX_INDEX_TYPES]
    x = QuestionFactory(survey=survey, type=QuestionType.RATING)
    account = AccountFactory()
    for a, b in [cell for _ in range(8) for cell in product([1, 5], [1, 5])]:
        answered(survey, account, {items[0]: a, items[1]: a, items[2]: b, x: a})

    report = key_driver_report(
        scope=DriverScope(analysis="questions", outcome="cx_index", survey_id=survey.pk, **SCOPE)
    )

    (driver,) = report.overall.analysis.drivers
    assert driver.name == str(x.pk)
    assert driver.correlation == pytest.approx(2 / 5**0.5)


def test_touch_point_drivers_relate_account_means_and_leave_sparse_touch_points_out():
    """Four accounts: installation NPS means 2, 4, 6, 8 (the first from 1 and 3), relationship
    NPS 3, 5, 7, 9: r = 1. Repair was answered by one account of four: left out."""
    installation, repair = TouchPointFactory(name="Installation"), TouchPointFactory(name="Repair")
    transaction = SurveyFactory(kind=SurveyKind.TRANSACTION, touch_point=installation)
    on_install = QuestionFactory(survey=transaction, type=QuestionType.NPS)
    repair_survey = SurveyFactory(kind=SurveyKind.TRANSACTION, touch_point=repair)
    on_repair = QuestionFactory(survey=repair_survey, type=QuestionType.EFFORT)
    relationship = QuestionFactory(
        survey=SurveyFactory(kind=SurveyKind.RELATIONSHIP), type=QuestionType.NPS
    )
    accounts = [AccountFactory() for _ in range(4)]
    for account, install, outcome in zip(
        accounts, ([1, 3], [4], [6], [8]), (3, 5, 7, 9), strict=True
    ):
        scored_responses(account, on_install, install, submitted_at=WHEN)
        scored_responses(account, relationship, [outcome], submitted_at=WHEN)
    scored_responses(accounts[0], on_repair, [2], submitted_at=WHEN)

    report = key_driver_report(scope=DriverScope(**SCOPE))

    overall = report.overall
    assert overall.n == 4 and overall.analysis.too_small
    (driver,) = overall.analysis.drivers
    assert report.labels[driver.name].startswith("Installation")
    assert driver.correlation == pytest.approx(1.0)
    assert report.sparse == ["Repair · Customer effort (mean, 1-7)"]


def test_an_account_team_member_analyses_only_its_accounts(factorial):
    survey, *_ = factorial
    member = UserFactory()
    member.team_accounts.add(AccountFactory())  # an account without answers

    report = key_driver_report(
        scope=driver_scope_for(member, analysis="questions", survey_id=survey.pk, **SCOPE)
    )

    assert report.overall.n == 0 and report.overall.analysis is None
