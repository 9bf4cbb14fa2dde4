"""Wave-to-wave comparison: every figure below is computed by hand from the fixture."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.selectors.waves import programme_wave_comparison
from surveys.constants import DistributionOrigin, InvitationStatus, QuestionType, WaveStatus
from surveys.models import RelationshipProgramme, Wave
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ContactFactory,
    DistributionFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    UserFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    survey = SurveyFactory(title="Relationship survey")
    q = {
        "nps": QuestionFactory(survey=survey, type=QuestionType.NPS),
        "csat": QuestionFactory(survey=survey, type=QuestionType.RATING),
        "needs": QuestionFactory(survey=survey, type=QuestionType.CX_NEEDS),
        "ease": QuestionFactory(survey=survey, type=QuestionType.CX_EASE),
        "emotion": QuestionFactory(survey=survey, type=QuestionType.CX_EMOTION),
    }
    market_a = VerticalMarketFactory(name="Energy")
    market_b = VerticalMarketFactory(name="Health")
    a1 = AccountFactory(name="A1 Power", vertical_market=market_a)
    a2 = AccountFactory(name="A2 Grid", vertical_market=market_a)
    b1 = AccountFactory(name="B1 Clinic", vertical_market=market_b)
    AccountRevenueFactory(account=a1, billed=12_000_000)
    AccountRevenueFactory(account=a2, billed=3_000_000)
    AccountRevenueFactory(account=b1, billed=5_000_000)
    contacts = {account: ContactFactory(account=account) for account in (a1, a2, b1)}
    programme = RelationshipProgramme.objects.create(
        name="HiTouch", survey=survey, cadence_months=6, first_wave_on=date(2025, 7, 1)
    )

    def wave(number, period_start, answers):
        opens = timezone.now() - timedelta(days=400 - 180 * number)
        send = DistributionFactory(
            survey=survey, origin=DistributionOrigin.WAVE, closes_at=opens + timedelta(days=30)
        )
        created = Wave.objects.create(
            programme=programme,
            distribution=send,
            name=f"Wave {number}",
            period_start=period_start,
            opens_at=opens,
            closes_at=opens + timedelta(days=30),
            status=WaveStatus.CLOSED,
        )
        for account, contact in contacts.items():
            given = answers.get(account)
            invitation = InvitationFactory(
                survey=survey,
                distribution=send,
                contact=contact,
                status=InvitationStatus.COMPLETED if given else InvitationStatus.SENT,
            )
            if not given:
                continue
            response = ResponseFactory(
                survey=survey, invitation=invitation, distribution=send, contact=contact
            )
            for key, number_ in given.items():
                AnswerFactory(response=response, question=q[key], number=number_)
        return created

    wave(1, date(2025, 7, 1), {a1: {"nps": 10, "csat": 5, "needs": 5, "ease": 4, "emotion": 3},
                               b1: {"nps": 3, "csat": 2}})  # fmt: skip
    wave(2, date(2026, 1, 1), {a1: {"nps": 9, "csat": 4}, a2: {"nps": 9, "csat": 5},
                               b1: {"nps": 8}})  # fmt: skip
    return {"programme": programme, "a1": a1, "a2": a2, "b1": b1, "a": market_a, "b": market_b}


def _figures(cell) -> dict:
    return {name: value for name, value, _delta in cell.figures()}


def test_overall_figures_per_wave_with_deltas(world):
    comparison = programme_wave_comparison(programme=world["programme"])

    first, second = comparison.overall.cells
    assert [c.wave.name for c in comparison.overall.cells] == ["Wave 1", "Wave 2"]
    assert _figures(first) == {
        "n": 2,
        "response_rate": 66.7,
        "nps": 0.0,
        "cx_index": 75.0,
        "csat": 50.0,
        "coverage_accounts": 66.7,
        "coverage_billed": 85.0,
    }
    assert _figures(second) == {
        "n": 3,
        "response_rate": 100.0,
        "nps": 66.7,
        "cx_index": None,
        "csat": 100.0,
        "coverage_accounts": 100.0,
        "coverage_billed": 100.0,
    }
    assert first.delta == {}
    assert second.delta == {
        "n": 1.0,
        "response_rate": 33.3,
        "nps": 66.7,
        "cx_index": None,
        "csat": 50.0,
        "coverage_accounts": 33.3,
        "coverage_billed": 15.0,
    }


def test_figures_per_vertical_market(world):
    comparison = programme_wave_comparison(programme=world["programme"])

    energy, health = comparison.vertical_markets
    assert (energy.label, health.label) == ("Energy", "Health")
    assert _figures(energy.cells[0]) == {
        "n": 1,
        "response_rate": 50.0,
        "nps": 100.0,
        "cx_index": 75.0,
        "csat": 100.0,
        "coverage_accounts": 50.0,
        "coverage_billed": 80.0,
    }
    assert _figures(energy.cells[1])["n"] == 2
    assert energy.cells[1].delta["nps"] == 0.0
    assert _figures(health.cells[0])["nps"] == -100.0
    assert _figures(health.cells[1])["nps"] == 0.0
    assert health.cells[1].delta["nps"] == 100.0
    assert _figures(health.cells[1])["csat"] is None


def test_figures_per_account(world):
    comparison = programme_wave_comparison(programme=world["programme"])

    by_name = {group.label: group for group in comparison.accounts}
    assert list(by_name) == ["A1 Power", "A2 Grid", "B1 Clinic"]
    grid = by_name["A2 Grid"]
    assert _figures(grid.cells[0]) == {
        "n": 0,
        "response_rate": 0.0,
        "nps": None,
        "cx_index": None,
        "csat": None,
        "coverage_accounts": 0.0,
        "coverage_billed": 0.0,
    }
    assert _figures(grid.cells[1])["nps"] == 100.0
    assert grid.cells[1].delta["response_rate"] == 100.0


def test_the_comparison_is_limited_to_the_accounts_the_user_sees(client, world):
    member = UserFactory(username="team-a1")
    world["a1"].account_team.add(member)
    client.force_login(member)

    response = client.get(reverse("insights:programme_waves", args=[world["programme"].pk]))

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [g.label for g in comparison.accounts] == ["A1 Power"]
    assert [g.label for g in comparison.vertical_markets] == ["Energy"]
    assert [c.n for c in comparison.overall.cells] == [1, 1]
    assert comparison.overall.cells[0].coverage_billed == 100.0
    text = response.content.decode()
    assert "B1 Clinic" not in text and "A2 Grid" not in text


def test_the_page_renders_every_level_in_a_bounded_number_of_queries(
    staff_client, world, django_assert_max_num_queries
):
    url = reverse("insights:programme_waves", args=[world["programme"].pk])
    with django_assert_max_num_queries(40):
        response = staff_client.get(url)

    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("Wave 1", "Wave 2", "Energy", "Health", "A1 Power", "+66.7", "85.0%"):
        assert expected in text


def test_the_page_needs_staff(client, world):
    url = reverse("insights:programme_waves", args=[world["programme"].pk])
    assert client.get(url).status_code == 302


def test_a_programme_without_waves_says_so(staff_client):
    programme = RelationshipProgramme.objects.create(
        name="New", survey=SurveyFactory(), first_wave_on=date(2027, 1, 1)
    )
    response = staff_client.get(reverse("insights:programme_waves", args=[programme.pk]))
    assert response.status_code == 200
    assert "No wave has been started yet." in response.content.decode()
