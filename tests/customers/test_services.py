"""Writes of customer data go through customers.services, whichever page or API asked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contact
from customers.services import (
    account_create,
    account_update,
    contact_create,
    contact_opt_out,
    contact_update,
)
from customers.signals import contact_opted_out
from surveys.constants import InvitationStatus, SkipReason
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    UserFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


def test_account_create_puts_a_creator_who_sees_only_their_accounts_on_the_team():
    creator = UserFactory()

    account = account_create(
        created_by=creator, name="Mine", vertical_market=VerticalMarketFactory()
    )

    assert list(account.account_team.all()) == [creator]


def test_account_create_leaves_the_team_alone_for_a_creator_who_sees_every_account():
    creator, member = UserFactory(superuser=True), UserFactory()

    account = account_create(
        created_by=creator,
        name="Theirs",
        vertical_market=VerticalMarketFactory(),
        account_team=[member],
    )

    assert list(account.account_team.all()) == [member]


def test_account_create_refuses_a_taken_external_id_and_stores_nothing():
    existing = AccountFactory()

    with pytest.raises(ValidationError) as error:
        account_create(
            created_by=UserFactory(superuser=True),
            name="Copy",
            vertical_market=existing.vertical_market,
            external_id=existing.external_id,
        )

    assert "external_id" in error.value.message_dict
    assert not existing.vertical_market.accounts.filter(name="Copy").exists()


def test_account_update_changes_only_the_named_fields_and_the_team():
    account = AccountFactory(name="Old")
    member = UserFactory()

    account_update(account=account, data={"name": "New", "account_team": [member]})

    account.refresh_from_db()
    assert account.name == "New"
    assert list(account.account_team.all()) == [member]


def test_an_update_of_a_server_set_field_is_refused():
    with pytest.raises(TypeError):
        contact_update(contact=ContactFactory(), data={"opted_out_at": None})


def test_contact_create_refuses_a_second_contact_with_the_same_email_on_the_account():
    contact = ContactFactory()

    with pytest.raises(ValidationError):
        contact_create(account=contact.account, name="Again", email=contact.email)

    assert Contact.objects.filter(email=contact.email).count() == 1


def test_a_contact_created_opted_out_has_the_date_stamped():
    contact = contact_create(
        account=AccountFactory(), name="Dana", email="dana@example.com", opted_out=True
    )

    contact.refresh_from_db()
    assert contact.opted_out is True
    assert contact.opted_out_at is not None


def test_contact_opt_out_skips_only_the_contacts_waiting_links_and_keeps_the_first_date():
    waiting = InvitationFactory(pending=True)
    delivered = InvitationFactory(contact=waiting.contact)
    someone_else = InvitationFactory(pending=True)

    contact_opt_out(contact=waiting.contact)
    first = waiting.contact.opted_out_at
    contact_opt_out(contact=waiting.contact)

    waiting.refresh_from_db()
    delivered.refresh_from_db()
    someone_else.refresh_from_db()
    assert (waiting.status, waiting.skip_reason) == (
        InvitationStatus.SKIPPED,
        SkipReason.OPTED_OUT,
    )
    assert delivered.status == InvitationStatus.SENT
    assert someone_else.status == InvitationStatus.PENDING
    assert waiting.contact.opted_out_at == first


def test_a_failing_receiver_rolls_the_opt_out_back_with_it():
    contact = ContactFactory()

    def broken(**kwargs):
        raise RuntimeError("receiver failed")

    contact_opted_out.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError):
            contact_opt_out(contact=contact)
    finally:
        contact_opted_out.disconnect(dispatch_uid="test.broken")

    contact.refresh_from_db()
    assert contact.opted_out is False


def test_opting_out_in_the_admin_skips_the_contacts_waiting_links(admin_client):
    waiting = InvitationFactory(pending=True)
    contact = waiting.contact
    url = reverse("admin:customers_contact_change", args=[contact.pk])

    response = admin_client.post(
        url,
        {
            "account": contact.account_id,
            "name": contact.name,
            "email": contact.email,
            "language": contact.language,
            "role": contact.role,
            "opted_out": "on",
        },
    )

    assert response.status_code == 302, response.content
    contact.refresh_from_db()
    waiting.refresh_from_db()
    assert contact.opted_out is True
    assert contact.opted_out_at is not None
    assert waiting.status == InvitationStatus.SKIPPED
    assert waiting.skip_reason == SkipReason.OPTED_OUT


def test_a_contact_added_opted_out_in_the_admin_has_the_date_stamped(admin_client):
    account = AccountFactory()

    response = admin_client.post(
        reverse("admin:customers_contact_add"),
        {
            "account": account.pk,
            "name": "Eve",
            "email": "eve@example.com",
            "language": "en",
            "role": "",
            "opted_out": "on",
        },
    )

    assert response.status_code == 302, response.content
    contact = Contact.objects.get(email="eve@example.com")
    assert contact.opted_out is True
    assert contact.opted_out_at is not None
    assert response.url == reverse("admin:customers_contact_changelist")
