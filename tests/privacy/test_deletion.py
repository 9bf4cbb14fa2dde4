"""Contacts and accounts with event invitations can be deleted (once a 500: nulling the event of
two invitations in one continuous send broke its partial unique constraint)."""

import pytest
from django.db.models.deletion import RestrictedError
from django.urls import reverse

from customers.models import Account, Contact, TouchPointEvent
from surveys.models import Answer, Invitation, Response
from tests.factories import (
    AnswerFactory,
    ContactFactory,
    DistributionFactory,
    InvitationFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
)

pytestmark = pytest.mark.django_db


def _contact_with_two_event_invitations():
    """Two events of one contact, each invited into the survey's one continuous send, and a
    response to the first: what 134 of the demo's 145 contacts look like."""
    survey = SurveyFactory(transaction=True)
    send = DistributionFactory(survey=survey, origin="transaction")
    contact = ContactFactory()
    for n in range(2):
        event = TouchPointEventFactory(contact=contact, touch_point=survey.touch_point)
        invitation = InvitationFactory(
            survey=survey, distribution=send, contact=contact, event=event
        )
        if n == 0:
            response = ResponseFactory(
                survey=survey, invitation=invitation, contact=contact, event=event
            )
            AnswerFactory(response=response)
    return contact


def test_deleting_a_contact_with_event_invitations_through_the_api_is_204(admin_api):
    contact = _contact_with_two_event_invitations()

    response = admin_api.delete(f"/api/v1/contacts/{contact.pk}/")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Invitation.objects.exists()
    assert not TouchPointEvent.objects.exists()
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_deleting_an_account_with_event_invitations_through_the_api_is_204(admin_api):
    account = _contact_with_two_event_invitations().account

    response = admin_api.delete(f"/api/v1/accounts/{account.pk}/")

    assert response.status_code == 204
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not Invitation.objects.exists()


def test_deleting_a_contact_in_the_admin_works(staff_client):
    contact = _contact_with_two_event_invitations()
    url = reverse("admin:customers_contact_delete", args=[contact.pk])

    response = staff_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_deleting_an_account_in_the_admin_works(staff_client):
    account = _contact_with_two_event_invitations().account
    url = reverse("admin:customers_account_delete", args=[account.pk])

    response = staff_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()


def test_an_event_alone_cannot_be_deleted_under_the_invitations_it_caused():
    contact = _contact_with_two_event_invitations()
    event = TouchPointEvent.objects.filter(contact=contact).first()

    with pytest.raises(RestrictedError):
        event.delete()

    assert Invitation.objects.filter(event=event).exists()
