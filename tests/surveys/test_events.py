"""Past patterns: a touch-point event becomes one invitation after the survey's delay."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from customers.models import TouchPointEvent
from surveys.constants import DistributionOrigin, InvitationStatus, SkipReason
from surveys.models import Distribution, Invitation
from surveys.services.events import EventConflict, event_attributes_clean, event_record
from surveys.services.invitations import invitations_claim_due
from surveys.services.responses import response_submit
from surveys.tasks import invitation_send_task, invitations_dispatch_due_task
from tests.factories import (
    AccountFactory,
    ContactFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def repair():
    return TouchPointFactory(code="repair")


@pytest.fixture
def survey(repair):
    return SurveyFactory(
        transaction=True, touch_point=repair, title="Repair", send_delay=timedelta(hours=2)
    )


@pytest.fixture
def contact():
    return ContactFactory()


def _record(contact, touch_point, external_id="WO-1", occurred_at=None, **extra):
    return event_record(
        account=contact.account,
        contact=contact,
        touch_point=touch_point,
        external_id=external_id,
        occurred_at=occurred_at or timezone.now(),
        **extra,
    )


def test_an_event_becomes_one_invitation_scheduled_after_the_surveys_delay(survey, repair, contact):
    occurred = timezone.now() - timedelta(minutes=30)

    event, created = _record(
        contact, repair, occurred_at=occurred, attributes={"technician": "Kim"}
    )

    assert created is True
    invitation = Invitation.objects.get(event=event)
    assert invitation.survey == survey
    assert invitation.contact == contact
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.send_after == occurred + timedelta(hours=2)
    assert invitation.leased_until is None  # scheduled in the database, not in the broker
    assert invitation.distribution.origin == DistributionOrigin.TRANSACTION
    assert invitation.distribution.name == "Continuous: Repair"
    assert mail.outbox == []


def test_the_dispatcher_sends_it_once_the_delay_has_passed_through_a_real_smtp_server(
    survey, repair, contact, smtp_email
):
    occurred = timezone.now() - timedelta(hours=2, minutes=1)
    # Received when it happened (time frozen through `now`), sent when it falls due.
    event, _created = _record(contact, repair, occurred_at=occurred, now=occurred)
    invitation = Invitation.objects.get(event=event)
    assert invitation.send_after == occurred + timedelta(hours=2)

    # Time frozen an hour after the event: not due yet.
    assert invitations_claim_due(now=occurred + timedelta(hours=1)) == []
    assert invitations_claim_due() == [invitation.pk]
    assert invitation_send_task(invitation.pk) is True
    assert invitation_send_task(invitation.pk) is False

    (message,) = smtp_email.messages
    assert contact.email in message["X-Envelope-To"]
    assert invitation.token in message.get_body(("plain",)).get_content()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_an_event_past_its_delay_is_queued_at_once_and_leased(
    survey, repair, contact, django_capture_on_commit_callbacks
):
    occurred = timezone.now() - timedelta(hours=3)

    with django_capture_on_commit_callbacks(execute=True):
        event, _created = _record(contact, repair, occurred_at=occurred)

    invitation = Invitation.objects.get(event=event)
    assert invitation.send_after is None
    assert invitation.status == InvitationStatus.SENT
    assert len(mail.outbox) == 1
    assert invitations_dispatch_due_task() == 0


def test_without_delay_the_invitation_is_queued_after_commit(
    repair, contact, django_capture_on_commit_callbacks
):
    SurveyFactory(transaction=True, touch_point=repair)

    with django_capture_on_commit_callbacks(execute=True):
        event, _created = _record(contact, repair)

    assert len(mail.outbox) == 1
    assert Invitation.objects.get(event=event).status == InvitationStatus.SENT


def test_a_replayed_event_creates_nothing_and_returns_the_first(survey, repair, contact):
    first, created = _record(contact, repair)

    for _ in range(4):
        again, created_again = _record(contact, repair, attributes={"changed": True})
        assert again.pk == first.pk
        assert created_again is False

    assert TouchPointEvent.objects.filter(external_id="WO-1").count() == 1
    assert Invitation.objects.filter(event=first).count() == 1
    assert Distribution.objects.filter(survey=survey).count() == 1


def test_the_same_external_id_for_another_account_is_a_conflict(survey, repair, contact):
    _record(contact, repair)
    stranger = ContactFactory()

    with pytest.raises(ValidationError) as error:
        _record(stranger, repair)

    assert isinstance(error.value, EventConflict)
    assert "external_id" in error.value.message_dict


def test_each_live_transaction_survey_on_the_touch_point_invites_once(repair, contact):
    first = SurveyFactory(transaction=True, touch_point=repair, fatigue_window_days=0)
    second = SurveyFactory(transaction=True, touch_point=repair, fatigue_window_days=0)
    SurveyFactory(transaction=True, touch_point=repair, draft=True)
    SurveyFactory(transaction=True)  # another touch point
    SurveyFactory()  # a relationship survey

    event, _created = _record(contact, repair)

    assert sorted(event.invitations.values_list("survey_id", flat=True)) == [first.pk, second.pk]


def test_a_contact_gets_one_invitation_per_event_in_the_one_continuous_send(repair, contact):
    survey = SurveyFactory(transaction=True, touch_point=repair, fatigue_window_days=0)

    for number in range(3):
        _record(contact, repair, external_id=f"WO-{number}")

    invitations = Invitation.objects.filter(survey=survey, contact=contact)
    assert invitations.count() == 3
    assert invitations.values("distribution").distinct().count() == 1
    assert set(invitations.values_list("status", flat=True)) == {InvitationStatus.PENDING}


def test_a_second_event_within_the_fatigue_window_is_recorded_as_skipped(repair, contact):
    SurveyFactory(transaction=True, touch_point=repair, fatigue_window_days=7)

    _record(contact, repair, external_id="WO-1")
    second, _created = _record(contact, repair, external_id="WO-2")

    invitation = second.invitations.get()
    assert invitation.status == InvitationStatus.SKIPPED
    assert invitation.skip_reason == SkipReason.CONTACT_FATIGUE


def test_an_event_of_an_opted_out_contact_is_recorded_as_skipped(survey, repair):
    contact = ContactFactory(opted_out=True)

    event, _created = _record(contact, repair)

    invitation = event.invitations.get()
    assert invitation.status == InvitationStatus.SKIPPED
    assert invitation.skip_reason == SkipReason.OPTED_OUT


def test_the_response_keeps_the_events_attributes(repair, contact):
    survey = SurveyFactory(transaction=True, touch_point=repair)
    question = QuestionFactory(survey=survey)
    event, _created = _record(
        contact, repair, attributes={"technician": "Kim", "order_number": "SO-1"}
    )
    invitation = event.invitations.get()
    invitation_send_task(invitation.pk)
    invitation.refresh_from_db()

    response = response_submit(invitation=invitation, answers={question.pk: 9}, language="en")

    assert response.event == event
    assert response.attributes == {"technician": "Kim", "order_number": "SO-1"}


def test_a_contact_of_another_account_is_refused(survey, repair, contact):
    with pytest.raises(ValidationError) as error:
        event_record(
            account=AccountFactory(),
            contact=contact,
            touch_point=repair,
            external_id="WO-9",
            occurred_at=timezone.now(),
        )
    assert "contact" in error.value.message_dict


def test_an_event_in_the_future_is_refused(survey, repair, contact):
    with pytest.raises(ValidationError) as error:
        _record(contact, repair, occurred_at=timezone.now() + timedelta(days=2))
    assert "occurred_at" in error.value.message_dict


@pytest.mark.parametrize(
    "attributes",
    [
        ["not", "an", "object"],
        {f"k{i}": i for i in range(51)},
        {"a": {"b": {"c": {"d": 1}}}},
        {"big": "x" * 9000},
        {"nul": "a\x00b"},
        {"": 1},
    ],
)
def test_attributes_are_capped_in_size_and_depth(attributes):
    with pytest.raises(ValidationError):
        event_attributes_clean(attributes)


def test_attributes_within_the_caps_are_kept():
    value = {"technician": "Kim", "tags": ["a", "b"], "visit": {"n": 2, "ok": True}}
    assert event_attributes_clean(value) == value


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; run on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_store_one_event_and_one_invitation(repair):
    survey = SurveyFactory(transaction=True, touch_point=repair)
    contact = ContactFactory()
    barrier = threading.Barrier(8)
    results, errors = [], []

    def post():
        try:
            barrier.wait()
            results.append(_record(contact, repair, external_id="WO-RACE"))
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(created for _event, created in results) == 1
    assert len({event.pk for event, _created in results}) == 1
    assert TouchPointEvent.objects.filter(external_id="WO-RACE").count() == 1
    assert Invitation.objects.filter(survey=survey).count() == 1
    assert Distribution.objects.filter(survey=survey).count() == 1
