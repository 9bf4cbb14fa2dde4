"""Opt-out: the link and headers in every email, the public page, and the send-time re-check."""

import logging
from email.utils import parseaddr

import pytest
from django.core import mail
from django.test import Client

from surveys.constants import InvitationStatus, SkipReason
from surveys.services.invitations import distribution_create
from surveys.tasks import invitation_send_task
from tests.factories import ContactFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db

UNKNOWN_TOKEN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"


def _url(token: str) -> str:
    return f"/s/{token}/unsubscribe/"


def test_every_invitation_email_carries_the_unsubscribe_link_and_one_click_headers():
    invitation = InvitationFactory(pending=True)

    invitation_send_task(invitation.pk)

    message = mail.outbox[0]
    url = f"http://testserver/s/{invitation.token}/unsubscribe/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    html, _mimetype = message.alternatives[0]
    assert f'href="{url}"' in html


def test_the_unsubscribe_link_and_headers_reach_a_real_smtp_server(smtp_email):
    invitation = InvitationFactory(pending=True)

    assert invitation_send_task(invitation.pk) is True

    (received,) = smtp_email.messages
    url = f"http://testserver/s/{invitation.token}/unsubscribe/"
    assert received["List-Unsubscribe"].strip() == f"<{url}>"  # folded: a long header
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parseaddr(received["To"])[1] == invitation.contact.email


def test_get_shows_a_confirmation_and_changes_nothing():
    invitation = InvitationFactory()

    response = Client().get(_url(invitation.token))

    assert response.status_code == 200
    assert b"Unsubscribe" in response.content
    assert b'<form method="post">' in response.content
    invitation.contact.refresh_from_db()
    assert invitation.contact.opted_out is False


def test_post_opts_the_contact_out_and_skips_their_waiting_links():
    invitation = InvitationFactory()
    waiting = InvitationFactory(pending=True, contact=invitation.contact)

    response = Client(enforce_csrf_checks=True).post(_url(invitation.token))

    assert response.status_code == 200
    invitation.contact.refresh_from_db()
    assert invitation.contact.opted_out is True
    assert invitation.contact.opted_out_at is not None
    waiting.refresh_from_db()
    assert waiting.status == InvitationStatus.SKIPPED
    assert waiting.skip_reason == SkipReason.OPTED_OUT


def test_rfc8058_one_click_post_opts_out_without_a_csrf_token():
    invitation = InvitationFactory()

    response = Client(enforce_csrf_checks=True).post(
        _url(invitation.token),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    invitation.contact.refresh_from_db()
    assert invitation.contact.opted_out is True


def test_opting_out_twice_is_harmless_and_keeps_the_first_date():
    invitation = InvitationFactory()
    Client().post(_url(invitation.token))
    invitation.contact.refresh_from_db()
    first = invitation.contact.opted_out_at

    response = Client().post(_url(invitation.token))
    page = Client().get(_url(invitation.token))

    assert response.status_code == 200
    invitation.contact.refresh_from_db()
    assert invitation.contact.opted_out_at == first
    assert b"already unsubscribed" in page.content


def test_answered_and_expired_links_still_let_the_contact_opt_out():
    expired = InvitationFactory(expired=True, status=InvitationStatus.EXPIRED)
    completed = InvitationFactory(status=InvitationStatus.COMPLETED)

    for invitation in (expired, completed):
        assert Client().post(_url(invitation.token)).status_code == 200
        invitation.contact.refresh_from_db()
        assert invitation.contact.opted_out is True


def test_unknown_tokens_get_the_same_404_as_the_survey_link_with_strict_headers():
    unknown = Client().get(_url(UNKNOWN_TOKEN))
    too_long = Client().post(_url("x" * 200))
    survey_link = Client().get(f"/s/{UNKNOWN_TOKEN}/")

    assert unknown.status_code == too_long.status_code == 404
    assert unknown.content == too_long.content == survey_link.content
    for response in (unknown, too_long):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_page_has_strict_headers_and_the_token_stays_out_of_the_logs(caplog):
    invitation = InvitationFactory()

    with caplog.at_level(logging.DEBUG):
        page = Client().get(_url(invitation.token))
        Client().post(_url(invitation.token))
        Client().get(_url(UNKNOWN_TOKEN))

    assert page["Referrer-Policy"] == "no-referrer"
    assert page["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert invitation.token not in caplog.text
    assert UNKNOWN_TOKEN not in caplog.text


def test_guessing_tokens_is_rate_limited_but_a_valid_link_still_opts_out(settings):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 3
    invitation = InvitationFactory()

    statuses = [Client().get(_url(f"{UNKNOWN_TOKEN}{i}")).status_code for i in range(4)]

    assert statuses == [404, 404, 404, 429]
    assert Client().get(_url(invitation.token)).status_code == 200
    assert Client().post(_url(invitation.token)).status_code == 200
    invitation.contact.refresh_from_db()
    assert invitation.contact.opted_out


def test_the_page_speaks_the_contacts_language():
    invitation = InvitationFactory(contact=ContactFactory(language="pl"))

    response = Client().get(_url(invitation.token))

    assert response["Content-Language"] == "pl"


def test_a_waiting_invitation_to_a_contact_who_opted_out_meanwhile_is_skipped_at_send_time():
    contact = ContactFactory()
    distribution = distribution_create(survey=SurveyFactory(), contacts=[contact])
    invitation = distribution.invitations.get()
    # Opted out through the CRM or the API, after the row was made and queued.
    type(contact).objects.filter(pk=contact.pk).update(opted_out=True)

    assert invitation_send_task(invitation.pk) is False

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SKIPPED
    assert invitation.skip_reason == SkipReason.OPTED_OUT
    assert invitation.leased_until is None
    assert mail.outbox == []


def test_an_opted_out_contact_is_recorded_as_skipped_in_a_new_send():
    contact = ContactFactory(opted_out=True)

    distribution = distribution_create(survey=SurveyFactory(), contacts=[contact])

    invitation = distribution.invitations.get()
    assert invitation.status == InvitationStatus.SKIPPED
    assert invitation.skip_reason == SkipReason.OPTED_OUT
    assert mail.outbox == []
