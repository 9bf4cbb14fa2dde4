from datetime import date

import pytest

from customers.models import Account, Contact, TouchPoint
from surveys.constants import InvitationStatus, SkipReason
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    ContactFactory,
    InvitationFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ accounts


def test_account_list_shows_the_latest_revenue_period(admin_api):
    account = AccountFactory(name="Acme", vertical_market=VerticalMarketFactory(code="health"))
    AccountRevenueFactory(account=account, period_start=date(2025, 1, 1), billed=1)
    AccountRevenueFactory(
        account=account,
        period_start=date(2026, 1, 1),
        billed="12000000.00",
        forecast="3000000.00",
        currency="EUR",
    )

    body = admin_api.get("/api/v1/accounts/").json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["name"] == "Acme"
    assert row["vertical_market"] == "health"
    assert row["latest_revenue"] == {
        "period_start": "2026-01-01",
        "billed": "12000000.00",
        "forecast": "3000000.00",
        "currency": "EUR",
    }


def test_account_list_is_a_fixed_number_of_queries(admin_api, django_assert_max_num_queries):
    for _ in range(15):
        account = AccountFactory()
        account.account_team.add(UserFactory())
        AccountRevenueFactory(account=account)

    with django_assert_max_num_queries(4):
        response = admin_api.get("/api/v1/accounts/")

    assert response.json()["count"] == 15


def test_account_revenues_are_listed_per_period_with_currency(admin_api):
    account = AccountFactory()
    AccountRevenueFactory(account=account, period_start=date(2025, 1, 1), currency="PLN")
    AccountRevenueFactory(account=account, period_start=date(2026, 1, 1))

    body = admin_api.get(f"/api/v1/accounts/{account.pk}/revenues/").json()

    assert [r["period_start"] for r in body["results"]] == ["2026-01-01", "2025-01-01"]
    assert body["results"][1]["currency"] == "PLN"


def test_account_crud(admin_api):
    market = VerticalMarketFactory(code="telecom")
    manager = UserFactory(username="gm")

    created = admin_api.post(
        "/api/v1/accounts/",
        {
            "name": "New Co",
            "external_id": "CRM-1",
            "vertical_market": "telecom",
            "status": "prospect",
            "general_manager": manager.pk,
            "account_team": [manager.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    account = Account.objects.get(pk=pk)
    assert account.vertical_market == market
    assert account.general_manager == manager

    updated = admin_api.patch(f"/api/v1/accounts/{pk}/", {"status": "active"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["status"] == "active"

    assert admin_api.get(f"/api/v1/accounts/{pk}/").json()["external_id"] == "CRM-1"
    assert admin_api.delete(f"/api/v1/accounts/{pk}/").status_code == 204
    assert not Account.objects.filter(pk=pk).exists()


def test_account_create_rejects_an_unknown_vertical_market(admin_api):
    response = admin_api.post(
        "/api/v1/accounts/", {"name": "X", "vertical_market": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert "vertical_market" in response.json()


def test_account_created_by_a_team_user_is_bound_to_their_team(api_a, user_a):
    VerticalMarketFactory(code="retail")

    response = api_a.post(
        "/api/v1/accounts/", {"name": "Mine", "vertical_market": "retail"}, format="json"
    )

    assert response.status_code == 201
    assert api_a.get(f"/api/v1/accounts/{response.json()['id']}/").status_code == 200
    assert user_a in Account.objects.get(pk=response.json()["id"]).account_team.all()


def test_mass_assignment_of_server_set_account_fields_is_ignored(admin_api):
    VerticalMarketFactory(code="retail")
    existing = AccountFactory()

    response = admin_api.post(
        "/api/v1/accounts/",
        {
            "id": existing.pk,
            "name": "Fresh",
            "vertical_market": "retail",
            "created_at": "2000-01-01T00:00:00Z",
            "latest_revenue": {"billed": "1"},
        },
        format="json",
    )

    assert response.status_code == 201
    account = Account.objects.get(pk=response.json()["id"])
    assert account.pk != existing.pk
    assert account.created_at.year != 2000
    assert Account.objects.get(pk=existing.pk).name == existing.name
    assert response.json()["latest_revenue"] is None


def test_malformed_json_is_400(admin_api):
    response = admin_api.generic(
        "POST", "/api/v1/accounts/", '{"name": "x",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_connector_and_unknown_query_parameters_are_ignored(admin_api):
    AccountFactory(name="One", status="active")
    AccountFactory(name="Two", status="lost")

    response = admin_api.get(
        "/api/v1/accounts/",
        {"_connector": "OR", "status": "active", "name__startswith": "T", "ordering": "-name"},
    )

    assert response.status_code == 200
    assert [a["name"] for a in response.json()["results"]] == ["One"]


# ------------------------------------------------------------------ contacts


def test_contact_crud_sets_opted_out_at_on_the_server(admin_api):
    account = AccountFactory()

    created = admin_api.post(
        "/api/v1/contacts/",
        {
            "account": account.pk,
            "name": "Dana",
            "email": "dana@example.com",
            "language": "pl",
            "role": "CIO",
            "is_key_contact": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["opted_out_at"] is None

    opted = admin_api.patch(f"/api/v1/contacts/{pk}/", {"opted_out": True}, format="json")
    assert opted.status_code == 200
    assert opted.json()["opted_out_at"] is not None
    assert Contact.objects.get(pk=pk).opted_out

    listed = admin_api.get("/api/v1/contacts/", {"account": account.pk}).json()
    assert [c["email"] for c in listed["results"]] == ["dana@example.com"]

    assert admin_api.delete(f"/api/v1/contacts/{pk}/").status_code == 204


def test_an_api_patch_opting_a_contact_out_skips_their_waiting_invitations(admin_api):
    waiting = InvitationFactory(pending=True)
    delivered = InvitationFactory(contact=waiting.contact)

    response = admin_api.patch(
        f"/api/v1/contacts/{waiting.contact_id}/", {"opted_out": True}, format="json"
    )

    assert response.status_code == 200
    waiting.refresh_from_db()
    delivered.refresh_from_db()
    assert waiting.status == InvitationStatus.SKIPPED
    assert waiting.skip_reason == SkipReason.OPTED_OUT
    assert waiting.leased_until is None
    assert delivered.status == InvitationStatus.SENT


def test_an_api_patch_opting_a_contact_back_in_clears_the_date_and_keeps_skipped_links(
    admin_api,
):
    waiting = InvitationFactory(pending=True)
    url = f"/api/v1/contacts/{waiting.contact_id}/"
    admin_api.patch(url, {"opted_out": True}, format="json")

    response = admin_api.patch(url, {"opted_out": False}, format="json")

    assert response.status_code == 200
    assert response.json()["opted_out"] is False
    assert response.json()["opted_out_at"] is None
    waiting.refresh_from_db()
    assert waiting.status == InvitationStatus.SKIPPED


def test_contact_with_a_duplicate_email_on_the_account_is_400(admin_api):
    contact = ContactFactory()

    response = admin_api.post(
        "/api/v1/contacts/",
        {"account": contact.account_id, "name": "Again", "email": contact.email},
        format="json",
    )

    assert response.status_code == 400


def test_contact_with_a_bad_language_is_400(admin_api):
    response = admin_api.post(
        "/api/v1/contacts/",
        {"account": AccountFactory().pk, "name": "X", "email": "x@example.com", "language": "xx"},
        format="json",
    )

    assert response.status_code == 400
    assert "language" in response.json()


# ------------------------------------------------------------------ touch points, markets


def test_touch_point_crud(admin_api):
    created = admin_api.post(
        "/api/v1/touch-points/",
        {
            "code": "install",
            "name": "Installation",
            "channel": "field",
            "owning_function": "service_operations",
            "corridor_position": 3,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    updated = admin_api.patch(
        f"/api/v1/touch-points/{pk}/", {"corridor_position": 4}, format="json"
    )
    assert updated.json()["corridor_position"] == 4
    assert admin_api.get("/api/v1/touch-points/", {"channel": "field"}).json()["count"] == 1
    assert admin_api.delete(f"/api/v1/touch-points/{pk}/").status_code == 204
    assert not TouchPoint.objects.filter(pk=pk).exists()


def test_deleting_a_touch_point_in_use_is_409(admin_api):
    survey = SurveyFactory(transaction=True, touch_point=TouchPointFactory(code="repair"))

    response = admin_api.delete(f"/api/v1/touch-points/{survey.touch_point_id}/")

    assert response.status_code == 409
    assert TouchPoint.objects.filter(pk=survey.touch_point_id).exists()


def test_vertical_markets_are_read_only(admin_api):
    VerticalMarketFactory(code="energy", name="Energy")

    assert admin_api.get("/api/v1/vertical-markets/").json()["results"][0]["code"] == "energy"
    response = admin_api.post("/api/v1/vertical-markets/", {"code": "x", "name": "X"})
    assert response.status_code == 405


# ------------------------------------------------------------------ cross-tenant


def test_team_user_sees_only_their_accounts(api_a, account_a, account_b):
    body = api_a.get("/api/v1/accounts/").json()

    assert [a["id"] for a in body["results"]] == [account_a.pk]


def test_general_manager_sees_their_account(api_client, account_b):
    api_client.force_authenticate(account_b.general_manager)

    assert api_client.get(f"/api/v1/accounts/{account_b.pk}/").status_code == 200


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_other_teams_account_is_404(api_a, account_b, method):
    response = getattr(api_a, method)(f"/api/v1/accounts/{account_b.pk}/", {}, format="json")

    assert response.status_code == 404
    assert Account.objects.filter(pk=account_b.pk).exists()


def test_other_teams_account_revenues_are_404(api_a, account_b):
    AccountRevenueFactory(account=account_b)

    assert api_a.get(f"/api/v1/accounts/{account_b.pk}/revenues/").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_other_teams_contact_is_404(api_a, account_b, method):
    contact = ContactFactory(account=account_b)

    response = getattr(api_a, method)(f"/api/v1/contacts/{contact.pk}/", {}, format="json")

    assert response.status_code == 404


def test_other_teams_contacts_are_not_listed(api_a, account_a, account_b):
    mine = ContactFactory(account=account_a)
    ContactFactory(account=account_b)

    body = api_a.get("/api/v1/contacts/", {"account": account_b.pk}).json()
    assert body["count"] == 0
    body = api_a.get("/api/v1/contacts/").json()
    assert [c["id"] for c in body["results"]] == [mine.pk]


def test_contact_cannot_be_created_on_or_moved_to_another_teams_account(
    api_a, account_a, account_b
):
    created = api_a.post(
        "/api/v1/contacts/",
        {"account": account_b.pk, "name": "Spy", "email": "spy@example.com"},
        format="json",
    )
    assert created.status_code == 400
    assert "account" in created.json()

    mine = ContactFactory(account=account_a)
    moved = api_a.patch(f"/api/v1/contacts/{mine.pk}/", {"account": account_b.pk}, format="json")
    assert moved.status_code == 400
    mine.refresh_from_db()
    assert mine.account_id == account_a.pk


def test_cross_tenant_lookups_are_logged(api_a, account_b, caplog):
    with caplog.at_level("WARNING", logger="cem.security"):
        assert api_a.get(f"/api/v1/accounts/{account_b.pk}/").status_code == 404
        assert api_a.get("/api/v1/accounts/999999/").status_code == 404

    messages = [r.getMessage() for r in caplog.records if r.name == "cem.security"]
    assert messages == [f"Out-of-scope customers.Account {account_b.pk} requested by user "
                        f"{api_a.handler._force_user.pk}"]  # fmt: skip
