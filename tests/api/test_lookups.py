"""The events API, the events CSV import and the contacts API match accounts, contacts and
touch points with the same rules (`customers.selectors`)."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from cem_project.roles import ACCOUNT_TEAM_MEMBER
from customers.models import TouchPointEvent
from surveys.services.events import events_import_csv
from tests.factories import AccountFactory, ContactFactory, TouchPointFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(superuser=True)


CSV_HEADER = "contact_email,account_external_id,touch_point,external_id,occurred_at\r\n"


@pytest.fixture
def world():
    account = AccountFactory(external_id="ACC-W")
    contact = ContactFactory(account=account, email="ann@alpha.example")
    touch_point = TouchPointFactory(code="repair")
    return account, contact, touch_point


def _keys(world, kind):
    account, contact, touch_point = world
    keys = {"account": account.external_id, "contact": contact.email, "touch_point": "repair"}
    keys.update(
        {
            "account_id": {"account": str(account.pk)},
            "contact_id": {"contact": str(contact.pk)},
            "contact_case": {"contact": "ANN@Alpha.example"},
            "touch_point_id": {"touch_point": str(touch_point.pk)},
            "unknown_account": {"account": "ACC-NOPE"},
            "unknown_contact": {"contact": "ghost@alpha.example"},
            "unknown_touch_point": {"touch_point": "teleport"},
        }[kind]
    )
    return keys


@pytest.mark.parametrize(
    "kind",
    [
        "account_id",
        "contact_id",
        "contact_case",
        "touch_point_id",
        "unknown_account",
        "unknown_contact",
        "unknown_touch_point",
    ],
)
def test_the_events_api_and_the_csv_import_match_keys_the_same_way(world, admin, kind):
    keys = _keys(world, kind)
    api = APIClient()
    api.force_authenticate(admin)
    occurred_at = timezone.now().isoformat()
    posted = api.post(
        "/api/v1/events/",
        {**keys, "external_id": "API-1", "occurred_at": occurred_at},
        format="json",
    )
    row = f"{keys['contact']},{keys['account']},{keys['touch_point']},CSV-1,{occurred_at}\r\n"
    report = events_import_csv(data=(CSV_HEADER + row).encode(), user=admin)

    stored = {e.external_id: e for e in TouchPointEvent.objects.all()}
    assert (posted.status_code == 201) == (report.rows[0].status == "created")
    if "unknown" in kind:
        assert stored == {}
        field = kind.removeprefix("unknown_")
        assert field in posted.json()
        assert (
            report.rows[0]
            .messages[0]
            .startswith(
                {"account": "account_external_id", "contact": "contact_email"}.get(field, field)
            )
        )
    else:
        api_event, csv_event = stored["API-1"], stored["CSV-1"]
        assert (api_event.account_id, api_event.contact_id, api_event.touch_point_id) == (
            csv_event.account_id,
            csv_event.contact_id,
            csv_event.touch_point_id,
        )


def test_the_contacts_api_takes_an_account_by_id_or_external_id_but_only_a_visible_one(world):
    account, _contact, _touch_point = world
    user = UserFactory(roles=[ACCOUNT_TEAM_MEMBER])
    user.user_permissions.add(Permission.objects.get(codename="add_contact"))
    account.account_team.add(user)
    hidden = AccountFactory(external_id="HIDDEN")
    api = APIClient()
    api.force_authenticate(user)

    by_id = api.post(
        "/api/v1/contacts/", {"account": account.pk, "name": "A", "email": "a@x.example"}
    )
    by_digits = api.post(
        "/api/v1/contacts/",
        {"account": str(account.pk), "name": "B", "email": "b@x.example"},
        format="json",
    )
    by_external = api.post(
        "/api/v1/contacts/",
        {"account": "ACC-W", "name": "C", "email": "c@x.example"},
        format="json",
    )
    refused = [
        api.post("/api/v1/contacts/", {"account": key, "name": "S", "email": "s@x.example"})
        for key in (hidden.pk, "HIDDEN", "ACC-NOPE", "9" * 30)
    ]

    assert [r.status_code for r in (by_id, by_digits, by_external)] == [201, 201, 201]
    assert {
        by_id.json()["account"],
        by_digits.json()["account"],
        by_external.json()["account"],
    } == {account.pk}
    assert [r.status_code for r in refused] == [400, 400, 400, 400]
    assert all(r.json()["account"] == ["Unknown account."] for r in refused)
    assert not hidden.contacts.exists()
