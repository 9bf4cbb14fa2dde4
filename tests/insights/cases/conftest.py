"""A small HiTouch: an installation touch point with its specialist, two accounts of two
teams (one of them At risk: billed above 10 million, unhappy), their general managers, a live
installation survey, and the rule "a detractor on installation goes to the specialist, an
At-risk account's to its general manager"."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cem_project.roles import ACCOUNT_TEAM_MEMBER, GENERAL_MANAGER, SPECIALIST
from insights.cases.constants import ConditionKind, NumberOperator, RouteTarget, ScoreTarget
from insights.cases.facts import active_rules
from insights.cases.models import AlertCondition, AlertRule, StaffProfile
from surveys.constants import QuestionType, SurveyKind
from surveys.selectors.questions import survey_questions
from surveys.services.responses import response_submit
from surveys.services.templates import survey_create_from_template
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ContactFactory,
    InvitationFactory,
    ResponseFactory,
    TouchPointEventFactory,
    TouchPointFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_rules():
    active_rules.clear()
    yield
    active_rules.clear()


@dataclass
class World:
    specialist: object
    gm_a: object
    gm_b: object
    member_a: object
    member_b: object
    account_a: object
    account_b: object  # At risk
    installation: object
    survey: object
    rule: AlertRule

    def question(self, qtype: str):
        return next(q for q in survey_questions(survey=self.survey) if q.type == qtype)

    def submit(self, *, account=None, nps: int = 3, comment: str = "", language: str = "en",
               contact=None, attributes=None):  # fmt: skip
        """A real answer through `response_submit` (after commit, as in production)."""
        contact = contact or ContactFactory(account=account or self.account_a, language=language)
        event = TouchPointEventFactory(
            contact=contact, touch_point=self.installation,
            attributes=attributes or {"technician": "K. Adams"},
        )  # fmt: skip
        invitation = InvitationFactory(survey=self.survey, contact=contact, event=event)
        answers = {
            self.question(QuestionType.NPS).pk: nps,
            self.question(QuestionType.RATING).pk: 3,
        }
        if comment:
            answers[self.question(QuestionType.TEXT).pk] = comment
        return response_submit(invitation=invitation, answers=answers, language=language)


def at_risk_history(account, *, detractors: int = 3) -> None:
    """A year of NPS answers that make `account` unhappy (NPS -100) in the customer matrix."""
    for _ in range(detractors):
        AnswerFactory(
            response=ResponseFactory(
                contact=ContactFactory(account=account),
                submitted_at=timezone.now() - timedelta(days=30),
            ),
            question__type=QuestionType.NPS,
            question_type=QuestionType.NPS,
            number=2,
        )


@pytest.fixture
def world(db) -> World:
    specialist = UserFactory(
        username="spec.installation", first_name="Ivo", email="ivo@hitouch.example",
        roles=[SPECIALIST],
    )  # fmt: skip
    StaffProfile.objects.create(user=specialist, language="pl")
    gm_a = UserFactory(username="gm.a", email="gm.a@hitouch.example", roles=[GENERAL_MANAGER])
    gm_b = UserFactory(username="gm.b", email="gm.b@hitouch.example", roles=[GENERAL_MANAGER])
    member_a = UserFactory(username="am.a", roles=[ACCOUNT_TEAM_MEMBER])
    member_b = UserFactory(username="am.b", roles=[ACCOUNT_TEAM_MEMBER])
    account_a = AccountFactory(name="Alpha Clinics", general_manager=gm_a)
    account_a.account_team.add(member_a)
    account_b = AccountFactory(name="Northbridge Health", general_manager=gm_b)
    account_b.account_team.add(member_b)
    AccountRevenueFactory(account=account_b, period_start=date(2026, 1, 1), billed=22_500_000)
    AccountRevenueFactory(account=account_a, period_start=date(2026, 1, 1), billed=2_000_000)
    at_risk_history(account_b)
    installation = TouchPointFactory(
        code="installation", name="Installation", specialist=specialist
    )
    survey = survey_create_from_template(
        template="nps_transaction", title="Installation", slug="installation",
        touch_point=installation, status="live", kind=SurveyKind.TRANSACTION,
    )  # fmt: skip
    rule = AlertRule.objects.create(
        name="Detractor on installation",
        route_to=RouteTarget.SPECIALIST,
        sla_hours=4,
        override_quadrants=["at_risk"],
        override_route_to=RouteTarget.GENERAL_MANAGER,
    )
    AlertCondition.objects.create(
        rule=rule, position=1, kind=ConditionKind.TOUCH_POINT, touch_point=installation
    )
    AlertCondition.objects.create(
        rule=rule, position=2, kind=ConditionKind.ANSWER_NUMBER, score_target=ScoreTarget.NPS,
        number_operator=NumberOperator.LTE, number=6,
    )  # fmt: skip
    return World(
        specialist, gm_a, gm_b, member_a, member_b, account_a, account_b, installation, survey,
        rule,
    )  # fmt: skip
