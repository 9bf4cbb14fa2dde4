"""The pure rule evaluator: no database, plain facts in, a decision out."""

from decimal import Decimal

import pytest

from insights.cases.constants import (
    ConditionKind,
    MatchMode,
    NumberOperator,
    ScoreTarget,
    TextOperator,
)
from insights.cases.evaluator import (
    AnswerFact,
    ConditionSpec,
    ResponseFacts,
    RuleSpec,
    condition_matches,
    keywords_of,
    rule_matches,
    rules_matching,
)


def facts(*answers: AnswerFact, **extra) -> ResponseFacts:
    defaults = {
        "response_id": 1,
        "survey_id": 10,
        "survey_kind": "transaction",
        "touch_point_id": 5,
    }
    return ResponseFacts(**{**defaults, **extra}, answers=answers)


def nps(score: int, question_id: int = 100) -> AnswerFact:
    return AnswerFact(question_id, "nps", number=score)


def text(value: str, question_id: int = 300) -> AnswerFact:
    return AnswerFact(question_id, "text", text=value)


def score(target: str, op: str, number: int, question_id: int | None = None) -> ConditionSpec:
    return ConditionSpec(
        kind=ConditionKind.ANSWER_NUMBER,
        score_target=target,
        number_operator=op,
        number=number,
        question_id=question_id,
    )


def words(*phrases: str) -> ConditionSpec:
    return ConditionSpec(kind=ConditionKind.TEXT_CONTAINS, keywords=keywords_of("\n".join(phrases)))


DETRACTOR = score(ScoreTarget.NPS, NumberOperator.LTE, 6)


@pytest.mark.parametrize(("answer", "expected"), [(0, True), (6, True), (7, False), (10, False)])
def test_a_detractor_condition_holds_for_nps_six_and_below(answer, expected):
    assert condition_matches(DETRACTOR, facts(nps(answer))) is expected


def test_a_score_condition_needs_an_answer_of_its_type():
    assert not condition_matches(DETRACTOR, facts(AnswerFact(200, "effort", number=1)))
    assert not condition_matches(DETRACTOR, facts())


@pytest.mark.parametrize(("effort", "expected"), [(1, True), (3, True), (4, False), (7, False)])
def test_a_poor_effort_score_is_three_or_below_on_the_seven_point_scale(effort, expected):
    poor = score(ScoreTarget.EFFORT, NumberOperator.LTE, 3)
    assert condition_matches(poor, facts(AnswerFact(200, "effort", number=effort))) is expected


def test_any_cx_item_reads_needs_ease_and_emotion():
    low_item = score(ScoreTarget.CX_ANY, NumberOperator.LTE, 2)
    answers = [AnswerFact(1, "cx_needs", number=4), AnswerFact(2, "cx_ease", number=5)]
    assert not condition_matches(low_item, facts(*answers, AnswerFact(3, "cx_emotion", number=3)))
    assert condition_matches(low_item, facts(*answers, AnswerFact(3, "cx_emotion", number=2)))


def test_a_score_condition_on_one_question_ignores_the_other_questions():
    on_question = score("", NumberOperator.LT, 3, question_id=101)
    assert not condition_matches(on_question, facts(nps(1, question_id=100), nps(8, 101)))
    assert condition_matches(on_question, facts(nps(9, question_id=100), nps(2, 101)))


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        (NumberOperator.LT, False),
        (NumberOperator.LTE, True),
        (NumberOperator.EQ, True),
        (NumberOperator.NE, False),
        (NumberOperator.GTE, True),
        (NumberOperator.GT, False),
    ],
)
def test_every_number_operator_compares_the_answer_with_the_figure(op, expected):
    assert condition_matches(score(ScoreTarget.NPS, op, 5), facts(nps(5))) is expected


def test_a_choice_condition_holds_for_the_choice_on_its_question_only():
    unresolved = ConditionSpec(kind=ConditionKind.ANSWER_CHOICE, choice_value="no", question_id=7)
    assert condition_matches(unresolved, facts(AnswerFact(7, "single_choice", choice_value="no")))
    assert not condition_matches(
        unresolved, facts(AnswerFact(7, "single_choice", choice_value="yes"))
    )
    assert not condition_matches(
        unresolved, facts(AnswerFact(8, "single_choice", choice_value="no"))
    )


def test_a_choice_condition_without_a_question_reads_every_choice_answer():
    anywhere = ConditionSpec(kind=ConditionKind.ANSWER_CHOICE, choice_value="billing")
    answer = AnswerFact(9, "multiple_choice", choice_value="billing")
    assert condition_matches(
        anywhere, facts(AnswerFact(9, "multiple_choice", choice_value="x"), answer)
    )


@pytest.mark.parametrize(
    ("phrase", "comment"),
    [
        ("transferred three times", "I was TRANSFERRED three times before anyone helped."),
        ("spóźniony", "Technik był SPÓŹNIONY o dwie godziny."),  # Polish, other case
        ("迟到", "安装师傅迟到了三个小时"),  # Chinese: no spaces around words
        ("تاخیر", "نصب با تاخیر زیاد انجام شد"),  # Persian, right to left
    ],
)
def test_a_phrase_matches_inside_free_text_in_any_of_the_four_languages(phrase, comment):
    assert condition_matches(words(phrase), facts(text(comment)))


def test_a_phrase_does_not_match_text_without_it():
    assert not condition_matches(words("迟到", "late"), facts(text("安装很顺利, on time")))
    assert not condition_matches(words("late"), facts())


def test_one_of_several_phrases_is_enough():
    condition = words("rude", "  ", "never again")
    assert condition.keywords == ("rude", "never again")
    assert condition_matches(condition, facts(text("Never again, honestly.")))


def attribute(name: str, op: str, value: str) -> ConditionSpec:
    return ConditionSpec(
        kind=ConditionKind.EVENT_ATTRIBUTE, attribute=name, text_operator=op, text=value
    )


def test_an_event_attribute_equals_its_value_ignoring_case_and_spaces():
    technician = attribute("technician", TextOperator.EQUALS, "k. adams")
    assert condition_matches(technician, facts(attributes={"technician": " K. Adams "}))
    assert not condition_matches(technician, facts(attributes={"technician": "R. Nowak"}))
    assert not condition_matches(technician, facts(attributes={}))


def test_is_not_holds_when_the_attribute_differs_or_is_missing():
    not_phone = attribute("channel", TextOperator.NOT_EQUALS, "phone")
    assert condition_matches(not_phone, facts(attributes={"channel": "web"}))
    assert condition_matches(not_phone, facts(attributes={}))
    assert not condition_matches(not_phone, facts(attributes={"channel": "Phone"}))


def test_contains_reads_numbers_as_text():
    order = attribute("order", TextOperator.CONTAINS, "2401")
    assert condition_matches(order, facts(attributes={"order": 240155}))


def test_the_account_quadrant_and_revenue_conditions_read_the_accounts_value():
    at_risk = ConditionSpec(kind=ConditionKind.ACCOUNT_QUADRANT, quadrants=frozenset({"at_risk"}))
    assert condition_matches(at_risk, facts(quadrant="at_risk"))
    assert not condition_matches(at_risk, facts(quadrant="model"))
    assert not condition_matches(at_risk, facts(quadrant=None))

    big = ConditionSpec(kind=ConditionKind.ACCOUNT_BILLED_ABOVE, amount=Decimal("10000000"))
    assert condition_matches(big, facts(billed=Decimal("10000000.01")))
    assert not condition_matches(big, facts(billed=Decimal("10000000")))
    assert not condition_matches(big, facts(billed=None))
    forecast = ConditionSpec(kind=ConditionKind.ACCOUNT_FORECAST_ABOVE, amount=Decimal(5))
    assert condition_matches(forecast, facts(forecast=Decimal(6)))


def test_survey_kind_and_touch_point_conditions():
    assert condition_matches(ConditionSpec(kind=ConditionKind.SURVEY, survey_id=10), facts())
    assert not condition_matches(ConditionSpec(kind=ConditionKind.SURVEY, survey_id=11), facts())
    kind = ConditionSpec(kind=ConditionKind.SURVEY_KIND, survey_kind="relationship")
    assert not condition_matches(kind, facts())
    touch_point = ConditionSpec(kind=ConditionKind.TOUCH_POINT, touch_point_id=5)
    assert condition_matches(touch_point, facts())
    assert not condition_matches(touch_point, facts(touch_point_id=None))


INSTALLATION = ConditionSpec(kind=ConditionKind.TOUCH_POINT, touch_point_id=5)


def test_all_needs_every_condition_and_any_needs_one():
    both = RuleSpec(1, MatchMode.ALL, (INSTALLATION, DETRACTOR))
    either = RuleSpec(2, MatchMode.ANY, (INSTALLATION, DETRACTOR))
    promoter_elsewhere = facts(nps(10), touch_point_id=6)
    detractor_elsewhere = facts(nps(3), touch_point_id=6)
    assert not rule_matches(both, detractor_elsewhere)
    assert rule_matches(both, facts(nps(3)))
    assert rule_matches(either, detractor_elsewhere)
    assert not rule_matches(either, promoter_elsewhere)


def test_a_rule_without_conditions_matches_nothing():
    assert not rule_matches(RuleSpec(3, MatchMode.ANY, ()), facts(nps(0)))
    assert not rule_matches(RuleSpec(3, MatchMode.ALL, ()), facts(nps(0)))


def test_rules_matching_keeps_the_rules_that_hold_in_order():
    rules = [
        RuleSpec(1, MatchMode.ALL, (DETRACTOR,)),
        RuleSpec(2, MatchMode.ALL, (words("late"),)),
        RuleSpec(3, MatchMode.ALL, (INSTALLATION,)),
    ]
    assert [r.rule_id for r in rules_matching(rules, facts(nps(2), text("on time")))] == [1, 3]


def test_a_rule_says_whether_it_needs_the_accounts_value():
    quadrant = ConditionSpec(kind=ConditionKind.ACCOUNT_QUADRANT, quadrants=frozenset({"model"}))
    billed = ConditionSpec(kind=ConditionKind.ACCOUNT_BILLED_ABOVE, amount=Decimal(1))
    assert RuleSpec(1, MatchMode.ALL, (quadrant,)).needs_quadrant
    assert not RuleSpec(1, MatchMode.ALL, (quadrant,)).needs_revenue
    assert RuleSpec(1, MatchMode.ALL, (billed, DETRACTOR)).needs_revenue
