"""A small HiTouch story with hand-computable figures (see each number's comment), shared by
the plans tests and the browser test of the customer link."""

from dataclasses import dataclass
from datetime import date

from cem_project.roles import ACCOUNT_TEAM_MEMBER
from customers.models import Account, Contact, TouchPoint
from surveys.constants import QuestionType, SurveyKind
from surveys.models import Question, Survey, Wave
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
    VerticalMarketFactory,
)
from tests.insights.builders import Programme, local


@dataclass
class Story:
    northbridge: Account  # Healthcare, billed 15 million, our plan's account
    riverside: Account  # Healthcare, billed 2 million
    harbour: Account  # Retail: another team's account
    wave1: Wave
    wave2: Wave
    installation: TouchPoint
    call_center: TouchPoint
    installation_survey: Survey
    comment_question: Question
    effort_survey: Survey
    pulse: Survey
    key_contact: Contact  # Northbridge's key contact (Persian)
    other_contact: Contact  # a Northbridge contact in Chinese
    team_member: object  # on Northbridge's account team (the account team member role)
    other_team_member: object  # on Harbour's only (the same role)
    broken_comment: object  # Answer: a Northbridge comment on installation


def _transaction(account, survey, question, number, day, *, comment=None, comment_q=None):
    response = ResponseFactory(
        survey=survey,
        contact=ContactFactory(account=account),
        touch_point=survey.touch_point,
        submitted_at=local(day),
    )
    AnswerFactory(response=response, question=question, number=number)
    if comment is not None:
        return AnswerFactory(
            response=response,
            question=comment_q,
            question_type=QuestionType.TEXT,
            text=comment,
            number=None,
        )
    return response


def build_story() -> Story:
    """The story's rows; the `story` fixture (and the browser test) build it."""
    healthcare = VerticalMarketFactory(name="Healthcare", code="healthcare")
    retail = VerticalMarketFactory(name="Retail", code="retail")
    team_member = UserFactory(
        username="am.olivia",
        first_name="Olivia",
        last_name="Brooks",
        roles=[ACCOUNT_TEAM_MEMBER],
    )
    other = UserFactory(
        username="am.wei", first_name="Wei", last_name="Zhang", roles=[ACCOUNT_TEAM_MEMBER]
    )
    northbridge = AccountFactory(name="Northbridge Health System", vertical_market=healthcare)
    riverside = AccountFactory(name="Riverside Clinic", vertical_market=healthcare)
    harbour = AccountFactory(name="Harbour Retail", vertical_market=retail)
    northbridge.account_team.add(team_member)
    harbour.account_team.add(other)
    AccountRevenueFactory(account=northbridge, period_start=date(2025, 1, 1), billed=15_000_000)
    AccountRevenueFactory(account=riverside, period_start=date(2025, 1, 1), billed=2_000_000)
    AccountRevenueFactory(account=harbour, period_start=date(2025, 1, 1), billed=3_000_000)

    programme = Programme()
    wave1 = programme.wave(date(2025, 7, 1))  # open 1-31 July 2025
    wave2 = programme.wave(date(2026, 1, 1))  # open 1-31 January 2026
    for score in (9, 10, 9):  # wave 1: 3 promoters -> NPS 100, Model (15 M billed)
        programme.answer(wave1, northbridge, nps=score)
    # wave 2: 1 promoter, 3 detractors of 4 -> NPS -50, At risk; CSAT 1 of 2 satisfied: 50 %
    for score, csat in ((9, 2), (2, 4), (3, None), (5, None)):
        programme.answer(wave2, northbridge, nps=score, csat=csat)
    for score in (10, 10, 8, 7):  # Riverside: 2 promoters of 4 -> NPS 50
        programme.answer(wave2, riverside, nps=score)
    # Healthcare pooled in wave 2: 3 promoters, 3 detractors of 8 -> NPS 0
    for score in (0, 0, 0):  # Retail: not part of the Healthcare average
        programme.answer(wave2, harbour, nps=score)

    installation = TouchPointFactory(code="installation", name="Installation", corridor_position=3)
    call_center = TouchPointFactory(code="call-center", name="Call center", corridor_position=6)
    installation_survey = SurveyFactory(
        kind=SurveyKind.TRANSACTION, touch_point=installation, title="Installation"
    )
    install_nps = QuestionFactory(survey=installation_survey, type=QuestionType.NPS)
    comment_q = QuestionFactory(survey=installation_survey, type=QuestionType.TEXT, required=False)
    effort_survey = SurveyFactory(
        kind=SurveyKind.TRANSACTION, touch_point=call_center, title="Call center"
    )
    effort = QuestionFactory(survey=effort_survey, type=QuestionType.EFFORT)
    # Since wave 1 closed (31 July 2025): installation 2, 3, 9 -> 2 of 3 low (66.7 %), NPS -33.3
    broken = _transaction(
        northbridge,
        installation_survey,
        install_nps,
        2,
        date(2025, 9, 3),
        comment="The installer came twice and still left it broken.",
        comment_q=comment_q,
    )
    _transaction(northbridge, installation_survey, install_nps, 3, date(2025, 11, 20))
    _transaction(northbridge, installation_survey, install_nps, 9, date(2026, 2, 2))
    # ... call center effort 6, 7, 2 -> 1 of 3 low (33.3 %), CES 5.0
    for number, day in ((6, date(2025, 10, 1)), (7, date(2025, 12, 1)), (2, date(2026, 2, 10))):
        _transaction(northbridge, effort_survey, effort, number, day)
    # Before wave 1 closed: not "since the last wave".
    _transaction(northbridge, installation_survey, install_nps, 0, date(2025, 6, 1))
    # Another account's installation: never in Northbridge's evidence.
    _transaction(harbour, installation_survey, install_nps, 0, date(2025, 10, 1))

    pulse = SurveyFactory(kind=SurveyKind.PULSE, title="How are we doing now?")
    QuestionFactory(survey=pulse, type=QuestionType.NPS)
    key_contact = ContactFactory(
        account=northbridge, name="Sara Karimi", language="fa", is_key_contact=True, role="CIO"
    )
    other_contact = ContactFactory(account=northbridge, name="Wang Fang", language="zh-hans")
    return Story(
        northbridge=northbridge,
        riverside=riverside,
        harbour=harbour,
        wave1=wave1,
        wave2=wave2,
        installation=installation,
        call_center=call_center,
        installation_survey=installation_survey,
        comment_question=comment_q,
        effort_survey=effort_survey,
        pulse=pulse,
        key_contact=key_contact,
        other_contact=other_contact,
        team_member=team_member,
        other_team_member=other,
        broken_comment=broken,
    )
