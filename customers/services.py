"""Writes of customer data: accounts and contacts.

The API, the admin and the opt-out page call these; none of them saves a row on its own.
Keyword-only, atomic, validated with `full_clean()` (a `ValidationError` for bad input).
Opting out has one path, `contact_opt_out`, whatever asked for it.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .constants import AccountStatus, Language
from .models import Account, Contact, VerticalMarket
from .selectors import user_sees_all_accounts
from .signals import contact_opted_out

# What an update may change; everything else is set by the server.
ACCOUNT_FIELDS = ("name", "external_id", "vertical_market", "status", "general_manager")
CONTACT_FIELDS = ("account", "name", "email", "language", "role", "is_key_contact")


def _assign(instance, data: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set `data` on `instance`; returns the names set. An unknown name is a programming error."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))} here.")
    for name, value in data.items():
        setattr(instance, name, value)
    return list(data)


# ------------------------------------------------------------------ accounts


@transaction.atomic
def account_create(
    *,
    created_by,
    name: str,
    vertical_market: VerticalMarket,
    external_id: str | None = None,
    status: str = AccountStatus.ACTIVE,
    general_manager=None,
    account_team: Iterable = (),
) -> Account:
    """A new account. A creator who does not see every account joins its team, or they
    could not see what they made."""
    account = Account(
        name=name,
        vertical_market=vertical_market,
        external_id=external_id,
        status=status,
        general_manager=general_manager,
    )
    account.full_clean()
    account.save()
    team = list(account_team)
    if not user_sees_all_accounts(created_by):
        team.append(created_by)
    account.account_team.set(team)
    return account


@transaction.atomic
def account_update(*, account: Account, data: Mapping[str, Any]) -> Account:
    """Change the account's `data` (ACCOUNT_FIELDS and `account_team`, the whole team)."""
    data = dict(data)
    team = data.pop("account_team", None)
    fields = _assign(account, data, ACCOUNT_FIELDS)
    account.full_clean()
    if fields:
        account.save(update_fields=fields)
    if team is not None:
        account.account_team.set(team)
    return account


# ------------------------------------------------------------------ contacts


@transaction.atomic
def contact_create(
    *,
    account: Account,
    name: str,
    email: str,
    language: str = Language.ENGLISH,
    role: str = "",
    is_key_contact: bool = False,
    opted_out: bool = False,
) -> Contact:
    """A new contact of `account`; `opted_out` goes through `contact_opt_out`."""
    contact = Contact(
        account=account,
        name=name,
        email=email,
        language=language,
        role=role,
        is_key_contact=is_key_contact,
    )
    contact.full_clean()
    contact.save()
    if opted_out:
        contact_opt_out(contact=contact)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: Mapping[str, Any]) -> Contact:
    """Change the contact's `data` (CONTACT_FIELDS). `opted_out` in `data` opts the contact
    out (`contact_opt_out`) or back in (`contact_opt_in`), judged against the stored row."""
    data = dict(data)
    opted_out = data.pop("opted_out", None)
    fields = _assign(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    if fields:
        # Only what changed: the opt-out columns move through their own services.
        contact.save(update_fields=fields)
    if opted_out is True:
        contact_opt_out(contact=contact)
    elif opted_out is False:
        contact_opt_in(contact=contact)
    return contact


@transaction.atomic
def contact_opt_out(*, contact: Contact) -> Contact:
    """Opt the contact out of every future invitation. Safe to repeat: the first date stays.

    Receivers of `contact_opted_out` run in this transaction: surveys skips the contact's
    links still waiting to be mailed. Links already in a worker's hands are caught by the
    send-time rules.
    """
    Contact.objects.filter(pk=contact.pk, opted_out=False).update(
        opted_out=True, opted_out_at=timezone.now()
    )
    contact.refresh_from_db(fields=["opted_out", "opted_out_at"])
    contact_opted_out.send(sender=Contact, contact=contact)
    return contact


@transaction.atomic
def contact_opt_in(*, contact: Contact) -> Contact:
    """Undo an opt-out (the CRM says the contact agreed again). Links skipped meanwhile stay
    skipped: the ledger keeps what happened."""
    Contact.objects.filter(pk=contact.pk, opted_out=True).update(opted_out=False, opted_out_at=None)
    contact.refresh_from_db(fields=["opted_out", "opted_out_at"])
    return contact
