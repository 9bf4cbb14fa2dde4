"""Pages are bounded: `?limit=` is capped, huge offsets are refused, responses page by cursor."""

import pytest

from cem_project.pagination import MAX_LIMIT
from tests.factories import ContactFactory, ResponseFactory, TouchPointFactory

pytestmark = pytest.mark.django_db


def test_a_huge_limit_is_capped_at_the_maximum(admin_api):
    ContactFactory.create_batch(3)

    body = admin_api.get("/api/v1/contacts/?limit=100000000").json()

    assert len(body["results"]) == 3
    assert admin_api.get("/api/v1/contacts/?limit=1").json()["next"]


def test_a_limit_above_the_maximum_serves_the_maximum(admin_api):
    TouchPointFactory.create_batch(MAX_LIMIT + 2)

    body = admin_api.get(f"/api/v1/touch-points/?limit={MAX_LIMIT * 10}").json()

    assert body["count"] == MAX_LIMIT + 2
    assert len(body["results"]) == MAX_LIMIT
    assert body["next"]


@pytest.mark.parametrize("offset", ["99999999999999999999", "9223372036854775808"])
def test_an_offset_beyond_any_page_is_400_not_500(admin_api, offset):
    response = admin_api.get(f"/api/v1/contacts/?offset={offset}")

    assert response.status_code == 400
    assert "offset" in response.json()


def test_responses_page_by_cursor_with_results_next_and_previous(admin_api):
    for _ in range(5):
        ResponseFactory()

    first = admin_api.get("/api/v1/responses/?page_size=2").json()
    second = admin_api.get(first["next"]).json()
    third = admin_api.get(second["next"]).json()

    assert set(first) == {"results", "next", "previous"}
    assert "cursor=" in first["next"] and first["previous"] is None
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(ids) == len(set(ids)) == 5
    assert third["next"] is None
    assert admin_api.get(second["previous"]).json()["results"] == first["results"]


def test_responses_ignore_limit_and_cap_the_page_size(admin_api):
    ResponseFactory()

    assert len(admin_api.get("/api/v1/responses/?limit=100000000").json()["results"]) == 1
    assert admin_api.get("/api/v1/responses/?page_size=100000000").status_code == 200


def test_the_schema_states_the_bounds(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()
    contacts = schema["paths"]["/api/v1/contacts/"]["get"]["parameters"]
    responses = schema["paths"]["/api/v1/responses/"]["get"]["parameters"]

    limit = next(p for p in contacts if p["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_LIMIT
    assert {p["name"] for p in responses} >= {"cursor", "page_size"}


def test_a_garbled_cursor_is_400(admin_api):
    response = admin_api.get("/api/v1/responses/?cursor=not-a-cursor")

    assert response.status_code == 400
    assert "cursor" in response.json()
