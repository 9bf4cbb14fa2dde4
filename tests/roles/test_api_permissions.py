"""What a role may do through the API, not only what it may see: every writable operation of
the OpenAPI schema (so a new endpoint is covered the day it is added) refuses a view-only user
with 403 and changes nothing; shared reference data is written only by the roles that own it;
events need `add_touchpointevent`."""

import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from cem_project.roles import (
    ACCOUNT_TEAM_MEMBER,
    ANALYST,
    EXECUTIVE,
    GENERAL_MANAGER,
    INTEGRATION,
    ROLES,
    SPECIALIST,
    SURVEY_DESIGNER,
)
from customers.models import TouchPoint, TouchPointEvent
from insights.cases.constants import RouteTarget
from insights.cases.models import AlertRule, Case
from insights.models import Prediction
from surveys.constants import WaveStatus
from surveys.models import Wave
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    ContactFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)
from tests.insights.builders import Programme

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")
# Logging in is no write of the product's data: every staff user may get a token.
NOT_PERMISSION_GATED = {("/api/v1/auth/token/", "post")}
# What a role's own work writes (cem_project/roles.py); each has its own tests
# (tests/api/test_predictions.py, tests/insights/cases/test_api.py,
# tests/insights/plans/test_pages.py), every other write stays
# refused.
ROLE_WRITES = {
    ACCOUNT_TEAM_MEMBER: {
        "/api/v1/predictions/",
        "/api/v1/predictions/{id}/",
        "/api/v1/cases/{id}/",
        "/api/v1/action-plans/",
    },
    GENERAL_MANAGER: {
        "/api/v1/predictions/",
        "/api/v1/predictions/{id}/",
        "/api/v1/cases/{id}/",
        "/api/v1/action-plans/",
    },
}


def writable_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITES and (path, method) not in NOT_PERMISSION_GATED
    )


def _digest() -> str:
    """Every row of the product's tables: changes if any write got through."""
    sha = hashlib.sha256()
    for app_label in ("customers", "surveys", "cases"):
        for model in apps.get_app_config(app_label).get_models():
            for row in model.objects.order_by("pk").values_list():
                sha.update(repr(row).encode())
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                sha.update(repr(list(through.objects.order_by("pk").values_list())).encode())
    return sha.hexdigest()


@pytest.fixture
def world():
    """An account of the team user's, with a contact, revenue, a response and a touch point."""
    team_user = UserFactory(username="am", roles=[ACCOUNT_TEAM_MEMBER])
    account = AccountFactory(external_id="ACC-1")
    account.account_team.add(team_user)
    AccountRevenueFactory(account=account)
    contact = ContactFactory(account=account, email="ann@example.com")
    touch_point = TouchPointFactory(code="repair")
    SurveyFactory(transaction=True, touch_point=touch_point)
    response = ResponseFactory(contact=contact)
    # A wave still open, with a prediction: the predictions' writes are real operations too.
    wave = Programme().wave(timezone.localdate(), opens=timezone.now() - timedelta(days=1))
    Wave.objects.filter(pk=wave.pk).update(status=WaveStatus.OPEN)
    Prediction.objects.create(account=account, wave=wave, metric="nps", score=10)
    # A case of the account: the cases' writes too.
    rule = AlertRule.objects.create(name="Detractors", route_to=RouteTarget.GENERAL_MANAGER)
    now = timezone.now()
    Case.objects.create(rule=rule, response=response, account=account, opened_at=now, due_at=now)
    return {"team_user": team_user, "account": account, "contact": contact}


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _first_id(admin: APIClient, path: str) -> str:
    """The id of an existing object at `path` (its list is the path without the id)."""
    listing = path.split("{id}")[0]
    results = admin.get(listing).json()
    results = results["results"] if isinstance(results, dict) else results
    return str(results[0]["id"])


def _body(admin: APIClient, path: str) -> dict:
    """What a real client would send: the representation of an existing object."""
    listing = path.split("{id}")[0]
    if "events" in listing:
        return {
            "contact": "ann@example.com",
            "account": "ACC-1",
            "touch_point": "repair",
            "external_id": "WO-9",
            "occurred_at": timezone.now().isoformat(),
        }
    body = admin.get(listing).json()
    rows = body.get("results") if isinstance(body, dict) else None
    body = rows[0] if rows else {}
    return {k: v for k, v in body.items() if k not in ("id", "created_at")}


def _requests(world):
    admin = _client(UserFactory(username="root", superuser=True))
    for path, method in writable_operations():
        url = path.replace("{id}", _first_id(admin, path)) if "{id}" in path else path
        yield path, method, url, _body(admin, path)


@pytest.mark.parametrize("role", [ANALYST, ACCOUNT_TEAM_MEMBER, GENERAL_MANAGER, EXECUTIVE])
def test_a_view_only_user_writes_nothing_through_any_endpoint(world, role):
    user = UserFactory(username=f"viewer-{role}", roles=[role])
    if role in (ACCOUNT_TEAM_MEMBER, GENERAL_MANAGER):
        world["account"].account_team.add(user)  # they see the objects they try to change
    client = _client(user)
    operations = [op for op in _requests(world) if op[0] not in ROLE_WRITES.get(role, ())]
    before = _digest()

    refused = {}
    for path, method, url, body in operations:
        refused[(path, method)] = getattr(client, method)(url, body, format="json").status_code

    assert {op for op, status in refused.items() if status != 403} == set()
    assert _digest() == before
    # The endpoints are all there: accounts, contacts, touch points, events.
    assert {path for path, _method in refused} >= {
        "/api/v1/accounts/",
        "/api/v1/accounts/{id}/",
        "/api/v1/contacts/{id}/",
        "/api/v1/touch-points/{id}/",
        "/api/v1/events/",
        "/api/v1/events/batch/",
    }


def test_the_same_writes_are_let_through_for_an_administrator(world):
    """The control: the requests above are refused for the role, not for their shape."""
    client = _client(UserFactory(username="boss", superuser=True))

    for path, method, url, body in list(_requests(world)):
        with transaction.atomic():  # each write on the same rows, undone after
            status = getattr(client, method)(url, body, format="json").status_code
            transaction.set_rollback(True)
        assert status not in (401, 403, 404, 405), (path, method, status)


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_touch_points_are_written_only_by_survey_designers(world, role):
    client = _client(UserFactory(username=f"u-{role}", roles=[role]))
    touch_point = TouchPoint.objects.get(code="repair")
    url = f"/api/v1/touch-points/{touch_point.pk}/"
    new = {"code": "billing", "name": "Billing", "channel": "mail", "owning_function": "finance"}
    before = _digest()

    created = client.post("/api/v1/touch-points/", new, format="json")
    deactivated = client.patch(url, {"is_active": False}, format="json")

    if role == SURVEY_DESIGNER:
        assert (created.status_code, deactivated.status_code) == (201, 200)
        assert not TouchPoint.objects.get(pk=touch_point.pk).is_active
        assert client.delete(f"/api/v1/touch-points/{created.json()['id']}/").status_code == 204
    else:
        assert (created.status_code, deactivated.status_code) == (403, 403)
        assert client.delete(url).status_code == 403
        assert _digest() == before


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_vertical_markets_are_written_by_no_role_through_the_api(world, role):
    client = _client(UserFactory(username=f"u-{role}", roles=[role]))

    response = client.post("/api/v1/vertical-markets/", {"code": "x", "name": "X"}, format="json")

    assert response.status_code in (403, 405)


def _event(**overrides) -> dict:
    return {
        "contact": "ann@example.com",
        "account": "ACC-1",
        "touch_point": "repair",
        "external_id": "WO-1",
        "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        **overrides,
    }


def test_an_integration_user_reports_events_for_any_account_and_reads_none(world):
    client = _client(UserFactory(username="crm", roles=[INTEGRATION]))

    posted = client.post("/api/v1/events/", _event(), format="json")

    assert posted.status_code == 201
    assert TouchPointEvent.objects.filter(external_id="WO-1").exists()
    for url in ("/api/v1/accounts/", "/api/v1/contacts/", "/api/v1/responses/"):
        assert client.get(url).status_code == 403, url
    metrics = client.get("/api/v1/metrics/", {"account": world["account"].pk})
    assert metrics.status_code == 400  # not one of its accounts


@pytest.mark.parametrize("role", [ANALYST, ACCOUNT_TEAM_MEMBER, SPECIALIST, EXECUTIVE])
def test_posting_an_event_needs_the_add_touchpointevent_permission(world, role):
    user = UserFactory(username=f"u-{role}", roles=[role])
    world["account"].account_team.add(user)
    client = _client(user)

    single = client.post("/api/v1/events/", _event(), format="json")
    batch = client.post("/api/v1/events/batch/", {"events": [_event()]}, format="json")

    assert (single.status_code, batch.status_code) == (403, 403)
    assert not TouchPointEvent.objects.exists()


def test_a_survey_designer_posts_events_for_any_account(world):
    client = _client(UserFactory(username="sofia", roles=[SURVEY_DESIGNER]))

    response = client.post("/api/v1/events/", _event(external_id="WO-2"), format="json")

    assert response.status_code == 201
