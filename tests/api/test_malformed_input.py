"""Malformed input is a 4xx, never a 500 (security-and-faults.md, case 13 and 15)."""

import pytest
from django.urls import reverse

from tests.factories import SurveyFactory, VerticalMarketFactory

pytestmark = pytest.mark.django_db

BIG = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/metrics/?survey={BIG}",
        f"/api/v1/metrics/?account={BIG}",
        f"/api/v1/metrics/?touch_point={BIG}",
        "/api/v1/metrics/?touch_point=a%00b",
        f"/api/v1/responses/?survey={BIG}",
        f"/api/v1/responses/?account={BIG}",
        "/api/v1/responses/?survey=1.5",
        "/api/v1/responses/?survey=NaN",
        "/api/v1/responses/?account=-1",
        "/api/v1/responses/?touch_point=a%00b",
        f"/api/v1/contacts/?account={BIG}",
        "/api/v1/accounts/?name=a%00b",
    ],
)
def test_malformed_filter_values_are_400(admin_api, url):
    assert admin_api.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/responses/{BIG}/",
        f"/api/v1/accounts/{BIG}/",
        "/api/v1/contacts/abc/",
    ],
)
def test_malformed_ids_in_the_path_are_404(admin_api, url):
    assert admin_api.get(url).status_code == 404


def test_malformed_pagination_falls_back_to_defaults(admin_api):
    assert admin_api.get("/api/v1/responses/?limit=abc&offset=-3").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "a\u0000b", "vertical_market": "x"},
        {"name": "x" * 5000, "vertical_market": "x"},
        {"name": "ok", "vertical_market": "x", "account_team": [1] * 20_000},
        {"name": "ok", "vertical_market": "x", "general_manager": BIG},
        {"name": ["not", "a", "string"], "vertical_market": "x"},
        [1, 2],
    ],
)
def test_malformed_account_payloads_are_400(admin_api, payload, django_assert_max_num_queries):
    VerticalMarketFactory(code="x")

    with django_assert_max_num_queries(10):
        response = admin_api.post("/api/v1/accounts/", payload, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("query", ["touch_point=a%00b", "page=abc", "page=999", "since=x"])
def test_results_page_survives_malformed_filters(staff_client, query):
    survey = SurveyFactory()

    url = reverse("insights:survey_results", args=[survey.pk])
    assert staff_client.get(f"{url}?{query}").status_code == 200
    for name in ("index", "surveys", "trends", "drivers", "loyalty", "gm", "team"):
        assert staff_client.get(f"{reverse(f'insights:{name}')}?{query}").status_code == 200


@pytest.mark.parametrize("account", [str(BIG), "abc", "0"])
def test_results_pages_for_a_malformed_account_are_404(staff_client, account):
    survey = SurveyFactory()

    url = reverse("insights:survey_results", args=[survey.pk])
    assert staff_client.get(url, {"account": account}).status_code == 404
    for name in ("surveys", "trends"):
        response = staff_client.get(reverse(f"insights:{name}"), {"account": account})
        assert response.status_code == 404, name


def test_a_nul_in_the_vertical_market_code_is_400_naming_the_field(admin_api):
    # Found by schemathesis: the slug lookup reached PostgreSQL, which refuses NUL (500).
    from tests.factories import AccountFactory

    account = AccountFactory()

    response = admin_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"vertical_market": "a\x00b"}, format="json"
    )

    assert response.status_code == 400
    assert "vertical_market" in response.json()


def test_a_non_ascii_digit_id_in_the_path_is_404(admin_api):
    # Found by schemathesis: "²".isdigit() is True and int("²") fails (500).
    assert admin_api.get("/api/v1/responses/²/").status_code == 404
    assert admin_api.get("/api/v1/contacts/²/").status_code == 404


def test_an_overlong_username_for_a_token_is_400(api_client):
    # Found by schemathesis: the lockout's record of the failure held at most 255 characters.
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "u" * 1000, "password": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "username" in response.json()


def test_every_writable_code_field_refuses_a_nul():
    """A code looked up in PostgreSQL with a NUL in it is a 500; CodeRelatedField refuses it,
    so every writable lookup by code must be one."""
    from rest_framework import serializers

    from cem_project.urls import urlpatterns  # noqa: F401  (imports every API module)
    from customers.api.serializers import CodeRelatedField

    pending, plain = [serializers.Serializer], []
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.split(".")[0] not in {"surveys", "customers", "insights"}:
                continue
            for name, field in subclass._declared_fields.items():
                field = getattr(field, "child_relation", field)
                lookup = isinstance(field, serializers.SlugRelatedField) and not field.read_only
                if lookup and not isinstance(field, CodeRelatedField):
                    plain.append(f"{subclass.__qualname__}.{name}")
    assert plain == []
