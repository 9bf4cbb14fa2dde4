"""POST /api/v1/events/ and /api/v1/events/batch/: validation, scope, idempotence, per-row
results, and GET /api/v1/responses/ with event attributes."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import TouchPointEvent
from surveys.constants import InvitationStatus
from surveys.models import Invitation
from tests.factories import (
    ContactFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
    TouchPointFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BATCH_URL = "/api/v1/events/batch/"


@pytest.fixture
def repair():
    return TouchPointFactory(code="repair")


@pytest.fixture
def survey(repair):
    return SurveyFactory(transaction=True, touch_point=repair, send_delay=timedelta(hours=1))


@pytest.fixture
def contact_a(account_a):
    return ContactFactory(account=account_a, email="ann@alpha.example")


def _payload(who, **overrides):
    payload = {
        "contact": who.email,
        "account": who.account.external_id,
        "touch_point": "repair",
        "external_id": "WO-1",
        "occurred_at": timezone.now().isoformat(),
        "attributes": {"technician": "Kim", "channel": "field"},
    }
    payload.update(overrides)
    return payload


def test_an_event_is_created_with_its_invitation(api_a, survey, contact_a):
    response = api_a.post(URL, _payload(contact_a), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["external_id"] == "WO-1"
    assert body["account"] == contact_a.account_id
    assert body["contact"] == contact_a.pk
    assert body["touch_point"] == "repair"
    assert body["attributes"] == {"technician": "Kim", "channel": "field"}
    (invitation,) = body["invitations"]
    assert invitation["survey"] == survey.pk
    assert invitation["status"] == InvitationStatus.PENDING
    assert invitation["send_after"] is not None
    assert set(invitation) == {"id", "survey", "status", "skip_reason", "send_after", "sent_at"}


def test_the_contact_and_account_may_be_given_by_id(api_a, survey, contact_a):
    payload = _payload(contact_a, contact=str(contact_a.pk), account=str(contact_a.account_id))

    assert api_a.post(URL, payload, format="json").status_code == 201


def test_the_same_event_again_answers_200_with_the_first_event(api_a, survey, contact_a):
    first = api_a.post(URL, _payload(contact_a), format="json")

    replays = [api_a.post(URL, _payload(contact_a), format="json") for _ in range(5)]

    assert {r.status_code for r in replays} == {200}
    assert {r.json()["id"] for r in replays} == {first.json()["id"]}
    assert TouchPointEvent.objects.count() == 1
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"contact": "nobody@alpha.example"}, "contact"),
        ({"contact": "999999"}, "contact"),
        ({"touch_point": "teleport"}, "touch_point"),
        ({"account": "ACC-NOPE"}, "account"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 121}, "external_id"),
        ({"external_id": "a\x00b"}, "external_id"),
        ({"attributes": ["a", "list"]}, "attributes"),
        ({"attributes": {"deep": {"deeper": {"deepest": {"x": 1}}}}}, "attributes"),
        ({"attributes": {"k": "x" * 9000}}, "attributes"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_a, survey, contact_a, override, field):
    response = api_a.post(URL, _payload(contact_a, **override), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert TouchPointEvent.objects.count() == 0


def test_missing_fields_are_400_naming_each(api_a):
    response = api_a.post(URL, {}, format="json")

    assert response.status_code == 400
    assert {"contact", "account", "touch_point", "external_id", "occurred_at"} <= set(
        response.json()
    )


def test_a_contact_of_another_account_is_an_unknown_contact(api_a, survey, contact_a):
    other = ContactFactory(account=contact_a.account.__class__.objects.create(
        name="Other", vertical_market=contact_a.account.vertical_market, external_id="ACC-O"
    ))  # fmt: skip

    response = api_a.post(URL, _payload(contact_a, contact=other.email), format="json")

    assert response.status_code == 400
    assert response.json()["contact"] == ["Unknown contact."]


def test_another_teams_account_is_refused_like_an_unknown_one_and_logged(
    api_a, survey, account_b, caplog
):
    contact_b = ContactFactory(account=account_b)

    response = api_a.post(URL, _payload(contact_b), format="json")
    unknown = api_a.post(URL, _payload(contact_b, account="ACC-NOPE"), format="json")

    assert response.status_code == unknown.status_code == 400
    assert response.json()["account"] == unknown.json()["account"] == ["Unknown account."]
    assert "Out-of-scope account" in caplog.text
    assert TouchPointEvent.objects.count() == 0


def test_extra_fields_cannot_set_status_survey_tenant_or_dates(api_a, survey, contact_a, account_b):
    other_survey = SurveyFactory(transaction=True)
    payload = _payload(
        contact_a,
        status="sent",
        survey_id=other_survey.pk,
        survey=other_survey.pk,
        account_id=account_b.pk,
        created_at="2001-01-01T00:00:00Z",
        received_at="2001-01-01T00:00:00Z",
        id=424242,
        invitations=[{"status": "completed"}],
    )

    response = api_a.post(URL, payload, format="json")

    assert response.status_code == 201
    event = TouchPointEvent.objects.get()
    assert event.pk != 424242
    assert event.account == contact_a.account
    assert event.received_at.year == timezone.now().year
    invitation = Invitation.objects.get()
    assert invitation.survey == survey
    assert invitation.status == InvitationStatus.PENDING


def test_an_external_id_of_another_account_is_a_409_that_shows_nothing(
    api_a, admin_api, survey, contact_a, account_b
):
    contact_b = ContactFactory(account=account_b)
    admin_api.post(URL, _payload(contact_b, external_id="SHARED"), format="json")

    response = api_a.post(URL, _payload(contact_a, external_id="SHARED"), format="json")

    assert response.status_code == 409
    assert contact_b.email not in response.content.decode()
    assert TouchPointEvent.objects.count() == 1


def test_the_api_needs_a_staff_token(survey, contact_a):
    assert APIClient().post(URL, _payload(contact_a), format="json").status_code in (401, 403)


def test_malformed_json_and_huge_bodies_are_refused_without_a_500(api_a, survey, contact_a):
    bad = api_a.post(URL, "{not json", content_type="application/json")
    huge = api_a.post(
        URL, json.dumps({"attributes": {"x": "y" * 100_000}}), content_type="application/json"
    )

    assert bad.status_code == 400
    assert huge.status_code == 413


# ------------------------------------------------------------------ batch


def test_a_batch_reports_each_row_and_stores_the_good_ones(api_a, survey, contact_a):
    TouchPointEventFactory(external_id="OLD-1", contact=contact_a, touch_point=survey.touch_point)
    rows = [
        _payload(contact_a, external_id="B-1"),
        _payload(contact_a, external_id="B-2", contact="ghost@alpha.example"),
        _payload(contact_a, external_id="OLD-1"),
        _payload(contact_a, external_id="B-1"),  # twice in one batch
        "not an object",
        _payload(contact_a, external_id="B-3", touch_point="nope"),
    ]

    response = api_a.post(BATCH_URL, {"events": rows}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["errors"]) == (1, 2, 3)
    results = body["results"]
    assert [r["index"] for r in results] == list(range(6))
    assert [r["status"] for r in results] == [
        "created",
        "error",
        "duplicate",
        "duplicate",
        "error",
        "error",
    ]
    assert results[0]["id"] == results[3]["id"]
    assert "contact" in results[1]["errors"]
    assert "non_field_errors" in results[4]["errors"]
    assert "touch_point" in results[5]["errors"]
    assert set(TouchPointEvent.objects.values_list("external_id", flat=True)) == {"OLD-1", "B-1"}


def test_a_batch_of_1000_is_accepted_and_1001_is_413(api_a, survey, contact_a):
    SurveyFactory  # noqa: B018
    rows = [_payload(contact_a, external_id=f"N-{i}", attributes={}) for i in range(1001)]

    too_many = api_a.post(BATCH_URL, {"events": rows}, format="json")
    just_right = api_a.post(BATCH_URL, {"events": rows[:1000]}, format="json")

    assert too_many.status_code == 413
    assert just_right.status_code == 200
    assert just_right.json()["created"] == 1000
    assert TouchPointEvent.objects.count() == 1000


@pytest.mark.parametrize("body", [[], {"events": "no"}, {"rows": []}])
def test_a_batch_that_is_not_an_events_list_is_400(api_a, body):
    assert api_a.post(BATCH_URL, body, format="json").status_code == 400


# ------------------------------------------------------------------ responses keep attributes


def test_responses_expose_attributes_and_filter_on_them(api_a, contact_a):
    kim = ResponseFactory(contact=contact_a, attributes={"technician": "Kim", "channel": "web"})
    ResponseFactory(contact=contact_a, attributes={"technician": "Lee", "channel": "web"})

    listed = api_a.get("/api/v1/responses/").json()["results"]
    by_kim = api_a.get("/api/v1/responses/", {"attr.technician": "Kim"}).json()["results"]
    both = api_a.get("/api/v1/responses/", {"attr.technician": "Kim", "attr.channel": "web"})

    assert {tuple(sorted(r["attributes"].items())) for r in listed} == {
        (("channel", "web"), ("technician", "Kim")),
        (("channel", "web"), ("technician", "Lee")),
    }
    assert [r["id"] for r in by_kim] == [kim.pk]
    assert [r["id"] for r in both.json()["results"]] == [kim.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"attr.technician__contains": "K"},
        {"attr.": "x"},
        {"attr.a b": "x"},
        {f"attr.k{i}": "x" for i in range(6)},
    ],
)
def test_bad_attribute_filters_are_400(api_a, query):
    assert api_a.get("/api/v1/responses/", query).status_code == 400


def test_the_schema_documents_the_event_endpoints(admin_api):
    schema = admin_api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/v1/events/" in schema
    assert "/api/v1/events/batch/" in schema
    assert "EventInput" in schema
    assert "EventBatchOutput" in schema
