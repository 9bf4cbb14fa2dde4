from datetime import date

import pytest

from surveys.constants import QuestionType
from tests.factories import QuestionFactory, SurveyFactory, TouchPointFactory
from tests.insights.builders import local, scored_responses

pytestmark = pytest.mark.django_db

URL = "/api/v1/corridor/"
RANGE = {"since": "2026-01-01", "until": "2026-06-30", "period": "quarter"}


@pytest.fixture
def installation():
    point = TouchPointFactory(code="installation", name="Installation", corridor_position=3)
    return QuestionFactory(
        survey=SurveyFactory(transaction=True, touch_point=point), type=QuestionType.NPS
    )


def test_the_corridor_reports_each_period_with_its_change(admin_api, installation, account_a):
    scored_responses(account_a, installation, [9, 10, 7, 3], submitted_at=local(date(2026, 2, 1)),
                     attributes={"technician": "R. Nowak"})  # fmt: skip
    scored_responses(account_a, installation, [9, 2, 3, 6], submitted_at=local(date(2026, 5, 1)),
                     attributes={"technician": "R. Nowak"})  # fmt: skip

    body = admin_api.get(URL, RANGE).json()

    assert body.keys() == {
        "since", "until", "period", "attribute", "min_answers", "periods", "lines", "weakest_step",
        "biggest_rise",
    }  # fmt: skip
    assert body["periods"] == ["2026-01-01", "2026-04-01"]
    (line,) = [line for line in body["lines"] if line["touch_point"]["code"] == "installation"]
    q1, q2 = line["cells"]
    assert (q1["responses"], q1["nps"], q1["low_share"]) == (4, 25.0, 25.0)
    assert q1["change"] == {"nps": None, "csat": None, "ces": None, "low_share": None}
    assert (q2["nps"], q2["low_share"], q2["change"]["nps"], q2["change"]["low_share"]) == (
        -50.0, 75.0, -75.0, 50.0
    )  # fmt: skip
    assert body["weakest_step"] is None  # 4 answers per quarter: fewer than the minimum of 10

    cut = admin_api.get(URL, {**RANGE, "attribute": "technician"}).json()
    assert [(x["value"], x["is_total"]) for x in cut["lines"]] == [
        (None, True), ("R. Nowak", False)
    ]  # fmt: skip


def test_the_weakest_step_names_the_touch_point(admin_api, installation, account_a, settings):
    settings.CEM_CORRIDOR_MIN_ANSWERS = 4
    scored_responses(account_a, installation, [9, 10, 7, 3], submitted_at=local(date(2026, 2, 1)))
    scored_responses(account_a, installation, [9, 2, 3, 6], submitted_at=local(date(2026, 5, 1)))

    step = admin_api.get(URL, RANGE).json()["weakest_step"]

    assert step == {
        "touch_point": {
            "id": installation.survey.touch_point_id,
            "code": "installation",
            "name": "Installation",
        },
        "period": "2026-04-01",
        "low_share": 75.0,
        "change": 50.0,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week"}, "period"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "since"),
        ({"attribute": "a'b"}, "attribute"),
        ({"attribute": "x" * 41}, "attribute"),
        ({"attribute": "tech\u0000nician"}, "attribute"),
    ],
)
def test_bad_parameters_are_a_400_that_names_the_field(admin_api, params, field):
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_an_account_team_member_sees_only_their_accounts_answers(
    api_a, installation, account_a, account_b
):
    scored_responses(account_a, installation, [10], submitted_at=local(date(2026, 2, 1)))
    scored_responses(account_b, installation, [0, 0, 0], submitted_at=local(date(2026, 2, 1)))

    body = api_a.get(URL, RANGE).json()

    (line,) = [line for line in body["lines"] if line["touch_point"]["code"] == "installation"]
    assert (line["cells"][0]["responses"], line["cells"][0]["nps"]) == (1, 100.0)


def test_the_corridor_needs_a_staff_login(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_corridor_endpoint_is_in_the_openapi_schema(admin_api):
    schema = admin_api.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "since", "until", "period", "attribute"
    }  # fmt: skip
