from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import AccountFactory, AccountRevenueFactory, VerticalMarketFactory
from tests.insights.builders import Programme, nps_answers
from tests.openapi import schema_errors

pytestmark = pytest.mark.django_db

URL = "/api/v1/customer-matrix/"
ACCOUNT_KEYS = {
    "id", "name", "vertical_market", "billed_revenue", "forecast_revenue", "satisfaction", "n",
    "quadrant",
}  # fmt: skip


def test_the_matrix_has_exactly_the_contract_fields_and_hand_computed_figures(admin_api):
    energy = VerticalMarketFactory(code="energy")
    at_risk = AccountFactory(name="Northbridge", vertical_market=energy)
    AccountRevenueFactory(account=at_risk, billed=22_500_000, forecast=9_000_000)
    nps_answers(at_risk, [10, 6, 5, 3])  # 1 promoter, 3 detractors of 4: -50
    AccountFactory(name="Quiet", vertical_market=energy)

    body = admin_api.get(URL).json()

    assert body.keys() == {
        "metric", "revenue_threshold", "satisfaction_threshold", "min_answers", "accounts"
    }  # fmt: skip
    assert (body["metric"], body["revenue_threshold"], body["satisfaction_threshold"]) == (
        "nps",
        10_000_000.0,
        0.0,
    )
    assert body["min_answers"] == 3
    rows = {row["name"]: row for row in body["accounts"]}
    assert all(row.keys() == ACCOUNT_KEYS for row in body["accounts"])
    assert rows["Northbridge"] == {
        "id": at_risk.pk,
        "name": "Northbridge",
        "vertical_market": "energy",
        "billed_revenue": 22_500_000.0,
        "forecast_revenue": 9_000_000.0,
        "satisfaction": -50.0,
        "n": 4,
        "quadrant": "at_risk",
    }
    assert rows["Quiet"]["quadrant"] == "insufficient"
    assert rows["Quiet"]["satisfaction"] is None and rows["Quiet"]["n"] == 0
    assert schema_errors(admin_api, "CustomerMatrixOutput", body) == []


def test_the_matrix_of_a_wave_by_cx_index_in_one_vertical_market(admin_api, settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    relationship = Programme()
    wave = relationship.wave(date(2026, 3, 1))
    health = VerticalMarketFactory(code="health")
    clinic = AccountFactory(name="Clinic", vertical_market=health)
    relationship.answer(wave, clinic, cx=(5, 5, 4))  # mean 14/3: (14/3 - 1) / 4 = 91.7
    other = AccountFactory(name="Elsewhere")
    relationship.answer(wave, other, cx=(1, 1, 1))

    body = admin_api.get(
        URL, {"wave": wave.pk, "metric": "cx_index", "vertical_market": "health"}
    ).json()

    assert body["metric"] == "cx_index" and body["satisfaction_threshold"] == 60.0
    assert [(r["name"], r["satisfaction"], r["n"], r["quadrant"]) for r in body["accounts"]] == [
        ("Clinic", 91.7, 1, "growth")
    ]


def test_the_date_range_limits_the_answers(admin_api, settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    account = AccountFactory()
    nps_answers(account, [0], submitted_at=timezone.now() - timedelta(days=40))
    nps_answers(account, [10])
    since = (timezone.localdate() - timedelta(days=7)).isoformat()

    (row,) = admin_api.get(URL, {"since": since}).json()["accounts"]

    assert (row["satisfaction"], row["n"]) == (100.0, 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "ces"}, "metric"),
        ({"wave": 999_999}, "wave"),
        ({"wave": "x"}, "wave"),
        ({"since": "2026-02-30"}, "since"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "since"),
        ({"vertical_market": "nowhere"}, "vertical_market"),
        ({"wave": 2**63}, "wave"),
    ],
)
def test_bad_parameters_are_a_400_that_names_the_field(admin_api, params, field):
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_a_wave_and_a_date_range_together_are_refused(admin_api):
    wave = Programme().wave(date(2026, 3, 1))

    response = admin_api.get(URL, {"wave": wave.pk, "since": "2026-01-01"})

    assert response.status_code == 400
    assert "wave" in response.json()


def test_an_account_team_member_sees_only_their_accounts(api_a, account_a, account_b):
    nps_answers(account_a, [9, 9, 9])
    nps_answers(account_b, [0, 0, 0])

    body = api_a.get(URL).json()

    assert [row["id"] for row in body["accounts"]] == [account_a.pk]


def test_the_matrix_needs_a_staff_login(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_matrix_endpoint_is_in_the_openapi_schema(admin_api):
    schema = admin_api.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "wave", "since", "until", "metric", "vertical_market"
    }  # fmt: skip
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/CustomerMatrixOutput")
