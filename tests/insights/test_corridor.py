"""The touch-point corridor; every figure is computed by hand in the comments."""

from datetime import date

import pytest

from insights import rollup
from insights.selectors.corridor import (
    CorridorScope,
    corridor,
    corridor_periods,
    corridor_scope_for,
)
from surveys.constants import QuestionType
from tests.factories import (
    AccountFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)

from .builders import local, scored_responses

pytestmark = pytest.mark.django_db

Q1, Q2 = date(2026, 1, 1), date(2026, 4, 1)
HALF_YEAR = {"since": date(2026, 1, 1), "until": date(2026, 6, 30), "period": "quarter"}


@pytest.fixture
def world(settings):
    settings.CEM_CORRIDOR_MIN_ANSWERS = 4
    account = AccountFactory()
    points = {
        code: TouchPointFactory(code=code, name=code.title(), corridor_position=position)
        for code, position in (("ordering", 1), ("installation", 3), ("call-center", 6))
    }
    question = {
        "ordering": QuestionType.RATING,
        "installation": QuestionType.NPS,
        "call-center": QuestionType.EFFORT,
    }
    questions = {
        code: QuestionFactory(
            survey=SurveyFactory(transaction=True, touch_point=point), type=question[code]
        )
        for code, point in points.items()
    }

    def scores(code, when, numbers, **attributes):
        scored_responses(
            account, questions[code], numbers, submitted_at=local(when), attributes=attributes
        )

    # Installation NPS: Q1 2 promoters, 1 detractor of 4 (+25, 25% low); Q2 1 and 3 (-50, 75%).
    scores("installation", date(2026, 2, 10), [3, 7], technician="R. Nowak")
    scores("installation", date(2026, 3, 31), [9, 10], technician="K. Adams")
    scores("installation", date(2026, 5, 5), [2, 3, 6], technician="R. Nowak")
    scores("installation", date(2026, 6, 30), [9], technician="K. Adams")
    # Call-center effort: Q1 mean 5.0 with one 1-3 of 4 (25%); Q2 mean 6.0, none low.
    scores("call-center", date(2026, 1, 1), [6, 7, 2, 5], agent="Amy")
    scores("call-center", date(2026, 4, 20), [7, 6, 6, 5], agent="Amy")
    # Ordering CSAT, Q2 only: 4-5 twice of 5 (40%), 1-2 twice (40% low).
    scores("ordering", date(2026, 6, 1), [5, 4, 1, 2, 3])
    # Outside the range: not counted.
    scores("installation", date(2025, 12, 31), [0, 0, 0, 0])
    scores("installation", date(2026, 7, 1), [0, 0, 0, 0])
    return {"account": account, "points": points}


def _line(result, code, value=None):
    return next(
        line
        for line in result.lines
        if line.touch_point.code == code
        and line.value == value
        and line.is_total == (value is None)
    )


def test_the_corridor_lists_touch_points_in_order_with_hand_computed_figures(world):
    result = corridor(scope=CorridorScope(**HALF_YEAR))

    assert result.periods == [Q1, Q2]
    assert [line.touch_point.code for line in result.lines] == [
        "ordering", "installation", "call-center"
    ]  # fmt: skip
    q1, q2 = _line(result, "installation").cells
    assert (q1.responses, q1.nps, q1.nps_n, q1.low_share, q1.scored) == (4, 25.0, 4, 25.0, 4)
    assert (q2.responses, q2.nps, q2.low_share) == (4, -50.0, 75.0)
    assert q2.change == {"nps": -75.0, "csat": None, "ces": None, "low_share": 50.0}
    assert q1.change == {"nps": None, "csat": None, "ces": None, "low_share": None}
    calls_q1, calls_q2 = _line(result, "call-center").cells
    assert (calls_q1.ces, calls_q1.low_share, calls_q2.ces, calls_q2.low_share) == (
        5.0, 25.0, 6.0, 0.0
    )  # fmt: skip
    assert calls_q2.change["ces"] == 1.0 and calls_q2.change["low_share"] == -25.0
    ordering_q1, ordering_q2 = _line(result, "ordering").cells
    assert (ordering_q1.responses, ordering_q1.csat, ordering_q1.low_share) == (0, None, None)
    assert (ordering_q2.csat, ordering_q2.csat_n, ordering_q2.low_share) == (40.0, 5, 40.0)
    assert ordering_q2.change["csat"] is None  # nothing to compare with in Q1


def test_the_weakest_step_is_the_highest_share_of_low_scores_of_each_period(world):
    result = corridor(scope=CorridorScope(**HALF_YEAR))

    weakest = {
        period: [line.touch_point.code for line in result.lines if line.cells[i].weakest]
        for i, period in enumerate(result.periods)
    }
    # Q1: installation and the call center tie at 25%; the earlier step in the corridor wins.
    assert weakest == {Q1: ["installation"], Q2: ["installation"]}
    assert result.weakest_step.line.touch_point.code == "installation"
    assert result.weakest_step.cell.period == Q2
    assert result.weakest_step.cell.low_share == 75.0
    # Installation's low scores rose 50 points from Q1 to Q2; the call center's fell.
    assert result.biggest_rise.line.touch_point.code == "installation"
    assert (result.biggest_rise.cell.period, result.biggest_rise.cell.change["low_share"]) == (
        Q2,
        50.0,
    )


def test_cells_with_fewer_scored_answers_than_the_minimum_are_never_the_weakest(world, settings):
    settings.CEM_CORRIDOR_MIN_ANSWERS = 5  # only ordering's Q2 (5 answers) qualifies

    result = corridor(scope=CorridorScope(**HALF_YEAR))

    assert result.weakest_step.line.touch_point.code == "ordering"
    assert not any(line.cells[0].weakest for line in result.lines)


def test_a_cut_by_technician_splits_each_touch_point_by_the_events_attribute(world, settings):
    settings.CEM_CORRIDOR_MIN_ANSWERS = 1

    result = corridor(scope=CorridorScope(**HALF_YEAR, attribute="technician"))

    installation = [
        (line.value, line.is_total) for line in result.lines
        if line.touch_point.code == "installation"
    ]  # fmt: skip
    assert installation == [(None, True), ("K. Adams", False), ("R. Nowak", False)]
    nowak_q1, nowak_q2 = _line(result, "installation", "R. Nowak").cells
    adams_q1, adams_q2 = _line(result, "installation", "K. Adams").cells
    assert (nowak_q1.nps, nowak_q1.low_share, nowak_q2.nps, nowak_q2.low_share) == (
        -50.0, 50.0, -100.0, 100.0
    )  # fmt: skip
    assert (adams_q1.nps, adams_q2.nps, adams_q2.responses) == (100.0, 100.0, 1)
    assert nowak_q2.weakest and not adams_q2.weakest
    # The call center's events carried no technician: its total alone, no line repeating it.
    assert [line.is_total for line in result.lines if line.touch_point.code == "call-center"] == [
        True
    ]


def test_responses_whose_event_lacked_the_attribute_get_a_line_of_their_own(world, settings):
    installation = world["points"]["installation"]
    question = QuestionFactory(survey=SurveyFactory(transaction=True, touch_point=installation))
    scored_responses(world["account"], question, [10, 10], submitted_at=local(date(2026, 2, 1)))

    result = corridor(scope=CorridorScope(**HALF_YEAR, attribute="technician"))

    not_recorded = next(
        line for line in result.lines
        if line.touch_point.code == "installation" and not line.is_total and line.value is None
    )  # fmt: skip
    assert (not_recorded.cells[0].responses, not_recorded.cells[0].nps) == (2, 100.0)
    assert _line(result, "installation").cells[0].responses == 6


def test_monthly_periods_run_from_the_first_to_the_last_month_of_the_range():
    scope = CorridorScope(since=date(2025, 11, 20), until=date(2026, 2, 3))
    assert corridor_periods(scope) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)
    ]  # fmt: skip


def test_the_default_scope_is_twelve_months_or_four_quarters_complete_from_the_first_day():
    user = UserFactory(superuser=True)
    months = corridor_scope_for(user, today=date(2026, 6, 15))
    quarters = corridor_scope_for(user, period="quarter", today=date(2026, 6, 15))

    assert (months.since, months.until) == (date(2025, 7, 1), date(2026, 6, 15))
    assert (quarters.since, len(corridor_periods(quarters))) == (date(2025, 7, 1), 4)


def test_an_attribute_name_with_json_path_syntax_is_refused():
    with pytest.raises(ValueError):
        CorridorScope(**HALF_YEAR, attribute="technician'); DROP TABLE x; --")


def test_the_corridor_counts_only_the_users_accounts(world):
    member = UserFactory()
    mine = AccountFactory()
    mine.account_team.add(member)
    question = QuestionFactory(
        survey=SurveyFactory(transaction=True, touch_point=world["points"]["installation"])
    )
    scored_responses(mine, question, [10], submitted_at=local(date(2026, 2, 1)))

    result = corridor(scope=corridor_scope_for(member, **HALF_YEAR))

    q1, q2 = _line(result, "installation").cells
    assert (q1.responses, q1.nps, q2.responses) == (1, 100.0, 0)


def test_the_corridor_takes_three_queries_or_five_with_a_cut(world, django_assert_num_queries):
    state = 1 if rollup.enabled() else 0  # PostgreSQL looks up the rollup's extent
    with django_assert_num_queries(3 + state):
        corridor(scope=CorridorScope(**HALF_YEAR))
    with django_assert_num_queries(5 + state):
        corridor(scope=CorridorScope(**HALF_YEAR, attribute="technician"))
