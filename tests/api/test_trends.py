from datetime import date, datetime, time

import pytest
from django.utils import timezone

from surveys.constants import QuestionType
from tests.factories import QuestionFactory, SurveyFactory, VerticalMarketFactory
from tests.insights.builders import scored_responses

pytestmark = pytest.mark.django_db

URL = "/api/v1/trends/"
POINT_KEYS = {
    "period", "label", "value", "low", "high", "margin", "n", "too_few", "change", "p_value",
    "significant",
}  # fmt: skip


def on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def nps():
    return QuestionFactory(survey=SurveyFactory(), type=QuestionType.NPS)


def test_a_trend_has_the_documented_fields_and_hand_computed_figures(admin_api, account_a, nps):
    scored_responses(
        account_a, nps, [10] * 20 + [8] * 10 + [3] * 10, submitted_at=on(date(2026, 1, 9))
    )
    scored_responses(account_a, nps, [10] * 40, submitted_at=on(date(2026, 2, 9)))

    body = admin_api.get(
        URL, {"metric": "nps", "since": "2026-01-01", "until": "2026-02-28"}
    ).json()

    assert body.keys() == {
        "metric",
        "period",
        "since",
        "until",
        "confidence",
        "alpha",
        "min_n",
        "points",
    }
    assert (body["metric"], body["period"], body["confidence"], body["min_n"]) == (
        "nps",
        "month",
        0.95,
        30,
    )
    january, february = body["points"]
    assert january.keys() == POINT_KEYS
    assert (january["period"], january["value"], january["n"]) == ("2026-01-01", 25.0, 40)
    assert january["margin"] == pytest.approx(25.695, abs=1e-3)
    assert february["significant"] is True and february["change"] == pytest.approx(75.0)


def test_a_vertical_market_narrows_the_trend(admin_api, account_a, account_b, nps):
    market = VerticalMarketFactory(code="health")
    account_b.vertical_market = market
    account_b.save()
    scored_responses(account_a, nps, [0, 0], submitted_at=on(date(2026, 1, 9)))
    scored_responses(account_b, nps, [10], submitted_at=on(date(2026, 1, 9)))

    body = admin_api.get(
        URL, {"vertical_market": "health", "since": "2026-01-01", "until": "2026-01-31"}
    ).json()

    assert [(p["value"], p["n"]) for p in body["points"]] == [(100.0, 1)]


def test_an_account_team_member_sees_only_its_accounts_and_not_anothers(
    api_a, account_a, account_b, nps
):
    scored_responses(account_a, nps, [0, 0], submitted_at=on(date(2026, 1, 9)))
    scored_responses(account_b, nps, [10] * 5, submitted_at=on(date(2026, 1, 9)))
    window = {"since": "2026-01-01", "until": "2026-01-31"}

    mine = api_a.get(URL, window).json()
    theirs = api_a.get(URL, {**window, "account": account_b.pk})

    assert [(p["value"], p["n"]) for p in mine["points"]] == [(-100.0, 2)]
    assert theirs.status_code == 400 and "account" in theirs.json()


@pytest.mark.parametrize(
    "query, field",
    [
        ({"metric": "magic"}, "metric"),
        ({"period": "week"}, "period"),
        ({"vertical_market": "nowhere"}, "vertical_market"),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "since"),
    ],
)
def test_bad_parameters_get_a_clear_error(admin_api, query, field):
    response = admin_api.get(URL, query)

    assert response.status_code == 400 and field in response.json()
