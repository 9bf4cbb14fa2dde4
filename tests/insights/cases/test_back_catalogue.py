"""The back catalogue: a rule's dry run and backfill use a database filter that must say
what the Python evaluator says, response by response."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from insights.cases.constants import (
    ConditionKind,
    MatchMode,
    NumberOperator,
    ScoreTarget,
    TextOperator,
)
from insights.cases.evaluation import rule_backfill, rule_dry_run
from insights.cases.evaluator import ConditionSpec, RuleSpec, keywords_of, rule_matches
from insights.cases.facts import response_facts
from insights.cases.models import AlertCondition, Case
from insights.cases.rule_sql import rule_responses
from surveys.constants import QuestionType
from surveys.models import Response
from tests.factories import (
    AccountRevenueFactory,
    AnswerFactory,
    ChoiceFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
)
from tests.insights.cases.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def catalogue(world):
    """Responses of two surveys with scores, choices, comments and event attributes."""
    effort_survey = SurveyFactory(transaction=True, kind="transaction")
    effort = QuestionFactory(survey=effort_survey, type=QuestionType.EFFORT)
    resolved = QuestionFactory(survey=effort_survey, type=QuestionType.SINGLE_CHOICE)
    choices = {v: ChoiceFactory(question=resolved, value=v) for v in ("yes", "partly", "no")}
    comment = QuestionFactory(survey=effort_survey, type=QuestionType.TEXT, required=False)
    AccountRevenueFactory(account=world.account_a, period_start=timezone.localdate(), billed=5)
    rows = [
        (1, "yes", "Quick and friendly", {"agent": "Amy", "channel": "phone"}),
        (2, "no", "I was transferred three times", {"agent": "Bartek", "channel": "phone"}),
        (6, "partly", "客服态度很好", {"agent": "Chen"}),
        (3, "no", "电话转接了三次", {"agent": "amy ", "channel": "web"}),
        (7, "yes", "", {}),
        (2, "partly", "Konsultant był spóźniony", {"channel": "Phone"}),
        (5, "no", "پشتیبانی خیلی کند بود", {"agent": "Darya", "queue": 12}),
    ]
    for index, (score, choice, text, attributes) in enumerate(rows):
        account = world.account_b if index % 3 == 0 else world.account_a
        event = TouchPointEventFactory(
            touch_point=effort_survey.touch_point, attributes=attributes,
            contact__account=account,
        )  # fmt: skip
        response = ResponseFactory(
            survey=effort_survey, contact=event.contact, event=event,
            submitted_at=timezone.now() - timedelta(days=index),
        )  # fmt: skip
        AnswerFactory(response=response, question=effort, number=score)
        AnswerFactory(response=response, question=resolved, choice=choices[choice])
        if text:
            AnswerFactory(response=response, question=comment, text=text)
    for score in (0, 8, 10):
        world.submit(nps=score, comment="late" if score == 0 else "")
    return {"effort": effort, "resolved": resolved, "survey": effort_survey}


def specs(world, catalogue) -> list[RuleSpec]:
    poor = ConditionSpec(
        kind=ConditionKind.ANSWER_NUMBER, score_target=ScoreTarget.EFFORT,
        number_operator=NumberOperator.LTE, number=3,
    )  # fmt: skip
    not_resolved = ConditionSpec(
        kind=ConditionKind.ANSWER_CHOICE, choice_value="no", question_id=catalogue["resolved"].pk
    )
    phrases = ConditionSpec(
        kind=ConditionKind.TEXT_CONTAINS, keywords=keywords_of("transferred\n转接\nکند\nspóźniony")
    )

    def attr(name, op, value):
        return ConditionSpec(
            kind=ConditionKind.EVENT_ATTRIBUTE, attribute=name, text_operator=op, text=value
        )

    at_risk = ConditionSpec(kind=ConditionKind.ACCOUNT_QUADRANT, quadrants=frozenset({"at_risk"}))
    billed = ConditionSpec(kind=ConditionKind.ACCOUNT_BILLED_ABOVE, amount=Decimal(10_000_000))
    effort_ne = ConditionSpec(
        kind=ConditionKind.ANSWER_NUMBER, question_id=catalogue["effort"].pk,
        number_operator=NumberOperator.NE, number=2,
    )  # fmt: skip
    on_survey = ConditionSpec(kind=ConditionKind.SURVEY, survey_id=catalogue["survey"].pk)
    detractor = ConditionSpec(
        kind=ConditionKind.ANSWER_NUMBER, score_target=ScoreTarget.NPS,
        number_operator=NumberOperator.LT, number=7,
    )  # fmt: skip
    installation = ConditionSpec(
        kind=ConditionKind.TOUCH_POINT, touch_point_id=world.installation.pk
    )
    kind = ConditionSpec(kind=ConditionKind.SURVEY_KIND, survey_kind="transaction")
    return [
        RuleSpec(1, MatchMode.ANY, (poor, not_resolved)),
        RuleSpec(2, MatchMode.ALL, (poor, not_resolved)),
        RuleSpec(3, MatchMode.ALL, (phrases,)),
        RuleSpec(4, MatchMode.ALL, (attr("agent", TextOperator.EQUALS, "AMY"),)),
        RuleSpec(5, MatchMode.ALL, (attr("channel", TextOperator.NOT_EQUALS, "phone"),)),
        RuleSpec(6, MatchMode.ALL, (attr("agent", TextOperator.CONTAINS, "art"),)),
        RuleSpec(7, MatchMode.ALL, (at_risk, poor)),
        RuleSpec(8, MatchMode.ANY, (billed, effort_ne)),
        RuleSpec(9, MatchMode.ALL, (on_survey, kind)),
        RuleSpec(10, MatchMode.ALL, (installation, detractor)),
        RuleSpec(11, MatchMode.ALL, (attr("queue", TextOperator.EQUALS, "12"),)),
        RuleSpec(12, MatchMode.ALL, ()),
    ]


def test_the_database_filter_matches_exactly_what_the_evaluator_matches(world, catalogue):
    everything = list(Response.objects.completed().values_list("pk", flat=True))
    facts = response_facts(everything, quadrants=True, revenue=True)
    assert len(facts) == 13  # 3 of the matrix history, 7 above, 3 installation answers
    for spec in specs(world, catalogue):
        in_python = {pk for pk, f in facts.items() if rule_matches(spec, f)}
        in_sql = set(rule_responses(spec).values_list("pk", flat=True))
        assert in_sql == in_python, f"rule {spec.rule_id}"
        if spec.conditions:
            assert in_python, f"rule {spec.rule_id} should match something in the catalogue"


@pytest.mark.skipif(not POSTGRES, reason="SQLite's LIKE ignores case for ASCII letters only")
def test_the_database_filter_ignores_case_of_polish_letters_too(world, catalogue):
    spec = RuleSpec(1, MatchMode.ALL, (ConditionSpec(
        kind=ConditionKind.TEXT_CONTAINS, keywords=keywords_of("SPÓŹNIONY")),))  # fmt: skip
    assert rule_responses(spec).count() == 1


def effort_rule(catalogue):
    rule = AlertRuleFactory(name="Poor effort or unresolved", match=MatchMode.ANY)
    AlertCondition.objects.create(
        rule=rule, kind=ConditionKind.ANSWER_NUMBER, score_target=ScoreTarget.EFFORT,
        number_operator=NumberOperator.LTE, number=3,
    )  # fmt: skip
    AlertCondition.objects.create(
        rule=rule, kind=ConditionKind.ANSWER_CHOICE, choice_value="no",
        question=catalogue["resolved"],
    )  # fmt: skip
    return rule


def test_a_dry_run_counts_the_cases_a_rule_would_have_opened_and_the_backfill_opens_them(
    world, catalogue, django_assert_max_num_queries
):
    rule = effort_rule(catalogue)
    with django_assert_max_num_queries(3):
        result = rule_dry_run(rule=rule)
    assert (result.matches, result.with_case, result.would_open) == (5, 0, 5)

    assert rule_backfill(rule=rule, notify=False) == 5
    assert rule_dry_run(rule=rule).would_open == 0
    assert rule_dry_run(rule=rule).with_case == 5
    assert rule_backfill(rule=rule) == 0  # a second run opens nothing
    assert Case.objects.filter(rule=rule).count() == 5


def test_a_dry_run_can_be_limited_to_a_period(world, catalogue):
    rule = effort_rule(catalogue)
    today = timezone.localdate()
    assert rule_dry_run(rule=rule, since=today - timedelta(days=2)).matches == 2
    assert rule_dry_run(rule=rule, until=today - timedelta(days=3)).matches == 3


def test_the_backfill_task_works_through_the_catalogue_in_chunks(world, catalogue, monkeypatch):
    from insights.cases import tasks

    rule = effort_rule(catalogue)
    monkeypatch.setattr(tasks, "BACKFILL_TASK_LIMIT", 2)
    calls = []
    original = tasks.rule_backfill_chunk

    def counting(**kwargs):
        calls.append(kwargs["limit"])
        return original(**kwargs)

    monkeypatch.setattr(tasks, "rule_backfill_chunk", counting)
    tasks.rule_backfill_task.delay(rule.pk)  # eager in tests: each chunk runs the next

    assert Case.objects.filter(rule=rule).count() == 5
    assert calls == [2, 2, 2]  # 2 + 2 + 1: the short chunk is the last
