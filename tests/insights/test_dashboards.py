"""The dashboards per audience and the analysis pages: figures, the headline metric, exports,
and an account-team member who sees only its accounts on every one of them."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cem_project.roles import ACCOUNT_TEAM_MEMBER, EXECUTIVE, GENERAL_MANAGER
from insights.cases.constants import CaseState, RootCause
from insights.cases.models import Case
from insights.metrics import headline_metric, measured_metrics
from insights.selectors.aggregates import ResultFilter
from insights.selectors.headlines import survey_headlines
from surveys.constants import QuestionType, SurveyKind
from surveys.models import Response
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)
from tests.insights.builders import Programme, scored_responses
from tests.insights.cases.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db

MINE, THEIRS = "Mine Health Ltd", "Theirs Retail plc"
PAGES = ["index", "surveys", "gm", "team", "analyst", "trends", "drivers", "loyalty"]


def test_a_surveys_headline_metric_follows_what_it_measures():
    assert headline_metric(["effort", "single_choice", "text"]) == "ces"
    assert headline_metric(["text", "nps", "rating"]) == "nps"
    assert headline_metric(["rating", "nps"]) == "csat"
    assert headline_metric(["cx_needs", "cx_ease"]) == "cx_index"
    assert headline_metric(["text", "single_choice"]) is None
    assert measured_metrics(["nps", "text", "cx_ease"]) == ["nps", "cx_index"]


@pytest.fixture
def world():
    return dashboard_story()


def dashboard_story() -> dict:
    """Two accounts with a relationship wave each answered, an effort survey at the call
    center and a comment each; `member` is on the first account's team only."""
    member = UserFactory(username="olivia", roles=[ACCOUNT_TEAM_MEMBER])
    mine = AccountFactory(name=MINE)
    mine.account_team.add(member)
    theirs = AccountFactory(name=THEIRS)
    for account, billed in ((mine, 12_000_000), (theirs, 20_000_000)):
        AccountRevenueFactory(account=account, period_start=date(2025, 1, 1), billed=billed)
    relationship = Programme()
    today = timezone.localdate()
    first = relationship.wave(today - timedelta(days=200))
    second = relationship.wave(today - timedelta(days=40))
    for wave, scores in ((first, {mine: [10, 10, 9], theirs: [9, 10, 10]}),
                         (second, {mine: [10, 9, 9], theirs: [0, 2, 3]})):  # fmt: skip
        for account, values in scores.items():
            for value in values:
                relationship.answer(wave, account, nps=value)
    calls = TouchPointFactory(code="call-center", name="Call center")
    effort = SurveyFactory(title="Call effort", kind=SurveyKind.TRANSACTION, touch_point=calls)
    ces = QuestionFactory(survey=effort, type=QuestionType.EFFORT, position=1)
    why = QuestionFactory(survey=effort, type=QuestionType.TEXT, position=2)
    for account, values, text in (
        (mine, [6, 7], "Mine was quick"),
        (theirs, [1, 2], "Theirs was slow"),
    ):
        responses = scored_responses(account, ces, values, submitted_at=timezone.now())
        AnswerFactory(response=responses[0], question=why, number=None, text=text)
    return {"member": member, "mine": mine, "theirs": theirs, "effort": effort}


def test_the_effort_survey_reads_ces_on_the_scoreboard_not_a_blank_nps(world):
    headlines = {h.survey.title: h for h in survey_headlines(ResultFilter())}

    effort = headlines["Call effort"]
    assert (effort.metric, effort.value, effort.metric_n, effort.n) == ("ces", 4.0, 4, 4)
    assert headlines["Relationship survey"].metric == "nps"


def test_the_executive_dashboard_shows_the_matrix_risk_movement_and_headlines(client, world):
    client.force_login(UserFactory(superuser=True))

    response = client.get(reverse("insights:index"))

    board = response.context["board"]
    assert response.status_code == 200
    # The latest wave: Theirs (20 M, NPS -100) is at risk, Mine (12 M, NPS 66.7) a model.
    assert board.revenue_now.at_risk.billed == 20_000_000
    assert [m.after.name for m in board.changes] == [THEIRS]
    assert board.changes[0].before.quadrant == "model"
    html = response.content.decode()
    assert 'id="executive-matrix-card"' in html and 'id="executive-trend"' in html
    assert "20,000,000" in html or "20.000.000" in html or "20 000 000" in html
    assert {h.survey.title: h.metric for h in board.headlines}["Call effort"] == "ces"


def test_the_executive_dashboard_makes_as_many_queries_for_more_accounts(client, world):
    client.force_login(UserFactory(superuser=True))
    client.get(reverse("insights:index"))  # the charts' cache and the session warm up

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("insights:index"))
    for index in range(5):
        account = AccountFactory(name=f"Extra {index}")
        AccountRevenueFactory(account=account, period_start=date(2025, 1, 1))
        scored_responses(account, world["effort"].questions.first(), [5, 6])
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("insights:index"))

    assert len(after) == len(before)


@pytest.mark.parametrize("name", PAGES)
def test_an_account_team_member_sees_only_its_accounts_on_every_page(client, world, name):
    client.force_login(world["member"])

    response = client.get(reverse(f"insights:{name}"))

    assert response.status_code == 200
    html = response.content.decode()
    assert THEIRS not in html and "Theirs was slow" not in html


@pytest.mark.parametrize(
    "name", ["surveys", "gm", "team", "analyst", "trends", "drivers", "loyalty"]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_scoped_to_the_members_accounts(client, world, name, fmt):
    client.force_login(world["member"])

    response = client.get(reverse(f"insights:{name}"), {"format": fmt})

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert THEIRS.encode() not in body and b"Theirs was slow" not in body
    if fmt == "csv" and name == "team":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert [row[0] for row in rows[1:]] == [MINE]


def test_the_analyst_drills_down_to_a_single_response_but_not_into_another_teams(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("insights:analyst"))
    mine = next(r for r in page.context["responses"] if r.comment == "Mine was quick")
    theirs = Response.objects.get(answers__text="Theirs was slow")

    detail = client.get(reverse("insights:response", args=[mine.pk]))
    forbidden = client.get(reverse("insights:response", args=[theirs.pk]))

    assert detail.status_code == 200 and "Mine was quick" in detail.content.decode()
    assert forbidden.status_code == 404


def test_the_team_dashboard_lists_each_account_with_its_quadrant_and_latest_comments(client, world):
    client.force_login(world["member"])

    response = client.get(reverse("insights:team"))

    (line,) = response.context["lines"]
    assert line.placement.name == MINE and line.placement.quadrant == "model"
    assert [c.text for c in line.comments] == ["Mine was quick"]


def test_the_analysis_pages_refuse_bad_filters_with_a_message_and_the_default(client, world):
    client.force_login(world["member"])

    response = client.get(
        reverse("insights:trends"), {"since": "2026-05-01", "until": "2026-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["since"]
    assert response.context["trend"].points  # the default scope is shown


def test_anonymous_and_non_staff_users_are_sent_to_log_in(client, world):
    client.force_login(UserFactory(is_staff=False))

    for name in PAGES:
        assert client.get(reverse(f"insights:{name}")).status_code == 302


def test_the_account_page_shows_quadrant_history_touch_points_and_scored_comments(client, world):
    client.force_login(world["member"])

    response = client.get(reverse("insights:account", args=[world["mine"].pk]))
    other = client.get(reverse("insights:account", args=[world["theirs"].pk]))

    history = response.context["history"]
    assert [place.quadrant for _wave, place in history.quadrants] == ["model", "model"]
    (call_center,) = history.touch_points
    assert (call_center.touch_point.code, call_center.summary.ces, call_center.measured) == (
        "call-center", 6.5, ["ces"]
    )  # fmt: skip
    assert [(c.text, c.score, band) for c, band in response.context["scored_comments"]] == [
        ("Mine was quick", 6, "high")
    ]
    assert 'id="account-trend"' in response.content.decode()
    assert other.status_code == 404


def test_an_executive_sees_every_account_in_aggregate_but_no_single_response(client, world):
    client.force_login(UserFactory(username="exec", roles=[EXECUTIVE]))
    theirs = Response.objects.get(answers__text="Theirs was slow")

    board = client.get(reverse("insights:index"))
    team = client.get(reverse("insights:team"))
    account = client.get(reverse("insights:account", args=[world["theirs"].pk]))

    assert board.status_code == team.status_code == account.status_code == 200
    assert board.context["board"].revenue_now.at_risk.billed == 20_000_000
    assert {line.placement.name for line in team.context["lines"]} == {MINE, THEIRS}
    for page in (board, team, account):
        html = page.content.decode()
        assert "Theirs was slow" not in html and "Mine was quick" not in html
        assert reverse("insights:analyst") not in html  # no link to the drill-down
    assert client.get(reverse("insights:analyst")).status_code == 403
    assert client.get(reverse("insights:analyst"), {"format": "csv"}).status_code == 403
    assert client.get(reverse("insights:response", args=[theirs.pk])).status_code == 403


@pytest.mark.parametrize("name", ["trends", "analyst"])
def test_analysis_pages_asked_for_another_teams_account_are_a_404(client, world, name):
    client.force_login(world["member"])

    mine = client.get(reverse(f"insights:{name}"), {"account": world["mine"].pk})
    theirs = client.get(reverse(f"insights:{name}"), {"account": world["theirs"].pk})
    export = client.get(
        reverse(f"insights:{name}"), {"account": world["theirs"].pk, "format": "csv"}
    )

    assert mine.status_code == 200
    assert theirs.status_code == export.status_code == 404


def _case(account, *, owner, opened, overdue=False, closed=False):
    """A case opened at `opened` to acknowledge within 4 hours; overdue: opened 9 hours
    earlier."""
    sla = timedelta(hours=4)
    opened = opened - timedelta(hours=9) if overdue else opened
    return Case.objects.create(
        rule=AlertRuleFactory(sla_hours=4),
        response=ResponseFactory(contact__account=account),
        account=account,
        owner=owner,
        opened_at=opened,
        due_at=opened + sla,
        state=CaseState.CLOSED if closed else CaseState.NEW,
        root_cause=RootCause.DELAY if closed else "",
        customer_contacted=True if closed else None,
        closed_at=opened if closed else None,
        resolved_at=opened if closed else None,
    )


def test_the_executive_and_manager_dashboards_count_the_open_cases_in_scope(client, world):
    now = timezone.now()
    gm = UserFactory(username="gm", roles=[GENERAL_MANAGER])
    world["mine"].general_manager = gm
    world["mine"].save()
    other = UserFactory(username="specialist")
    _case(world["mine"], owner=gm, opened=now)
    _case(world["mine"], owner=gm, opened=now, overdue=True)
    _case(world["mine"], owner=other, opened=now)
    _case(world["mine"], owner=gm, opened=now, closed=True)  # closed: not counted
    _case(world["theirs"], owner=other, opened=now, overdue=True)  # another GM's account

    client.force_login(UserFactory(username="exec", roles=[EXECUTIVE]))
    everything = client.get(reverse("insights:index")).context["board"].open_cases
    client.force_login(gm)
    manager = client.get(reverse("insights:gm"))

    assert (everything.all, everything.all_overdue) == (4, 2)
    cases = manager.context["board"].open_cases
    assert (cases.all, cases.all_overdue, cases.mine, cases.mine_overdue) == (3, 1, 2, 1)
    html = manager.content.decode()
    assert 'data-open="3" data-overdue="1"' in html and reverse("cases:queue") in html
