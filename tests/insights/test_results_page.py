from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cem_project.roles import ACCOUNT_TEAM_MEMBER, EXECUTIVE
from surveys.constants import InvitationStatus, QuestionType
from tests.factories import (
    AccountFactory,
    AnswerFactory,
    ChoiceFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


@pytest.fixture
def survey():
    survey = SurveyFactory(
        title="Repair follow-up", transaction=True, touch_point=TouchPointFactory(code="repair")
    )
    QuestionFactory(survey=survey, type=QuestionType.NPS, position=1, text="Recommend us?")
    QuestionFactory(survey=survey, type=QuestionType.TEXT, position=2, text="Why?")
    pick = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, position=3)
    ChoiceFactory(question=pick, value="fast", label="Fast")
    return survey


def respond(survey, score, comment="", **response_kwargs):
    """A completed response to `survey` (with an invitation) scoring `score`."""
    invitation = InvitationFactory(
        survey=survey,
        contact=response_kwargs.pop("contact", None) or ContactFactory(),
        status=InvitationStatus.COMPLETED,
    )
    response = ResponseFactory(
        survey=survey, invitation=invitation, contact=invitation.contact, **response_kwargs
    )
    nps_q, text_q = survey.questions.order_by("position")[:2]
    AnswerFactory(response=response, question=nps_q, number=score)
    if comment:
        AnswerFactory(response=response, question=text_q, text=comment)
    return response


def results_url(survey, **params):
    url = reverse("insights:survey_results", args=[survey.pk])
    return url, params


def test_results_page_shows_metrics_response_rate_svg_chart_and_escaped_comment(
    staff_client, survey
):
    respond(survey, 10, comment=XSS)
    respond(survey, 3, comment="Slow repair")
    InvitationFactory.create_batch(2, survey=survey)

    response = staff_client.get(reverse("insights:survey_results", args=[survey.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    summary = response.context["summary"]
    assert (summary.nps, summary.promoters, summary.detractors, summary.n) == (0.0, 1, 1, 2)
    assert response.context["rate"].rate == 50.0
    assert "50.0%" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert XSS not in html
    assert "Slow repair" in html
    # Server-side SVG: the NPS bars coloured detractor (vermillion), passive, promoter (blue).
    assert 'id="question-' in html and 'role="img"' in html
    assert "#c4450c" in html.lower() and "#0072b2" in html.lower()
    assert "js/results.js" not in html
    nps_chart = response.context["chart_data"][0]
    assert nps_chart["labels"] == [str(v) for v in range(11)]
    assert nps_chart["counts"][10] == 1 and nps_chart["counts"][3] == 1
    assert response.context["chart_data"][1]["labels"] == ["Fast"]


def test_results_page_has_no_inline_script(staff_client, survey):
    respond(survey, 9, comment=XSS)

    html = staff_client.get(reverse("insights:survey_results", args=[survey.pk])).content.decode()

    scripts = html.split("<script")[1:]
    assert all(" src=" in s.split(">")[0] or "application/json" in s.split(">")[0] for s in scripts)


def test_results_page_filters_narrow_the_results(staff_client, survey):
    mine = AccountFactory(name="Mine")
    respond(survey, 10, comment="March praise", contact=ContactFactory(account=mine),
            submitted_at=timezone.make_aware(datetime(2026, 3, 10)))  # fmt: skip
    respond(survey, 0, comment="April gripe", contact=ContactFactory(account=mine),
            submitted_at=timezone.make_aware(datetime(2026, 4, 10)))  # fmt: skip
    respond(survey, 0, comment="Other account")
    url = reverse("insights:survey_results", args=[survey.pk])

    by_account = staff_client.get(url, {"account": mine.pk})
    by_dates = staff_client.get(
        url, {"account": mine.pk, "since": "2026-03-01", "until": "2026-03-31"}
    )
    by_other_touch_point = staff_client.get(url, {"touch_point": TouchPointFactory().code})

    assert by_account.context["summary"].n == 2
    assert by_dates.context["summary"].n == 1
    assert by_dates.context["summary"].nps == 100.0
    assert "March praise" in by_dates.content.decode()
    assert "April gripe" not in by_dates.content.decode()
    assert by_other_touch_point.context["summary"].n == 0


def test_results_page_reports_an_inverted_date_range(staff_client, survey):
    respond(survey, 10)
    url = reverse("insights:survey_results", args=[survey.pk])

    response = staff_client.get(url, {"since": "2026-05-02", "until": "2026-05-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["since"]
    assert response.context["summary"].n == 1


def test_comments_are_paginated(staff_client, survey):
    for i in range(25):
        respond(survey, 8, comment=f"Comment number {i:02d}")
    url = reverse("insights:survey_results", args=[survey.pk])

    first = staff_client.get(url)
    second = staff_client.get(url, {"page": 2})

    assert len(first.context["comments"].object_list) == 20
    assert len(second.context["comments"].object_list) == 5


def test_non_staff_users_are_redirected_to_login(client, survey):
    client.force_login(UserFactory(username="outsider", is_staff=False))

    response = client.get(reverse("insights:survey_results", args=[survey.pk]))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anonymous_users_are_redirected_from_the_index(client):
    assert client.get(reverse("insights:index")).status_code == 302


def test_team_user_sees_only_their_accounts_results(client, survey):
    user = UserFactory(username="team-user", roles=[ACCOUNT_TEAM_MEMBER])
    mine, theirs = AccountFactory(), AccountFactory()
    mine.account_team.add(user)
    respond(survey, 10, comment="Ours", contact=ContactFactory(account=mine))
    respond(survey, 0, comment="Not ours", contact=ContactFactory(account=theirs))
    client.force_login(user)
    url = reverse("insights:survey_results", args=[survey.pk])

    response = client.get(url)
    forced = client.get(url, {"account": theirs.pk})

    assert response.context["summary"].n == 1
    assert response.context["rate"].sent == 1
    assert "Ours" in response.content.decode()
    assert "Not ours" not in response.content.decode()
    assert list(response.context["form"].fields["account"].queryset) == [mine]
    assert forced.status_code == 404


def test_the_scoreboard_lists_surveys_with_n_and_their_headline_metric(
    client, survey, django_assert_max_num_queries
):
    user = UserFactory(username="index-user", superuser=True)
    respond(survey, 10)
    respond(survey, 9)
    respond(survey, 2)
    SurveyFactory(title="Quiet survey")
    client.force_login(user)

    # Session, user and the filter's two menus, then surveys, answers, responses, invitations
    # (and on PostgreSQL the rollup's state).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("insights:surveys"))

    scores = {s.survey.title: s for s in response.context["headlines"]}
    repair = scores["Repair follow-up"]
    assert (repair.n, repair.metric, repair.value) == (3, "nps", 33.3)
    assert (scores["Quiet survey"].n, scores["Quiet survey"].value) == (0, None)
    html = response.content.decode()
    assert reverse("insights:survey_results", args=[survey.pk]) in html


def test_metric_cards_show_only_the_metrics_the_survey_measures(staff_client, survey):
    respond(survey, 9)

    html = staff_client.get(reverse("insights:survey_results", args=[survey.pk])).content.decode()

    assert 'id="metric-nps"' in html
    assert 'id="metric-ces"' not in html and 'id="metric-cx-index"' not in html
    assert 'id="metric-csat"' not in html


def test_comments_carry_their_score_and_filter_by_score_band(staff_client, survey):
    respond(survey, 10, comment="Loved it")
    respond(survey, 7, comment="It was fine")
    respond(survey, 2, comment="Too slow")
    url = reverse("insights:survey_results", args=[survey.pk])

    everything = staff_client.get(url)
    low = staff_client.get(url, {"band": "low"})

    scored = {c.text: (c.score, c.band) for c in everything.context["comments"]}
    assert scored == {
        "Loved it": (10, "high"),
        "It was fine": (7, "middle"),
        "Too slow": (2, "low"),
    }
    assert [c.text for c in low.context["comments"]] == ["Too slow"]
    assert 'data-band="low"' in low.content.decode()


def test_an_executive_sees_the_results_figures_but_no_single_comment(client, survey):
    respond(survey, 10, comment="Ours")
    client.force_login(UserFactory(username="exec", roles=[EXECUTIVE]))

    response = client.get(reverse("insights:survey_results", args=[survey.pk]))

    assert response.status_code == 200
    assert response.context["summary"].n == 1
    assert "Ours" not in response.content.decode()
    assert 'id="comments-heading"' not in response.content.decode()
