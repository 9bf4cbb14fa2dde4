"""Personal data of contacts: erasure, export, retention and the audit log.

`customers` knows only its own rows; each app above it answers the signals of
`customers.signals` for the personal data it keeps (surveys: invitations, responses, answers).

* `contact_erase`: the contact's name, email and role are replaced, it is opted out for good
  and stamped `erased_at`; receivers of `contact_erasing` blank free text and kill links. The
  row stays, as an anonymous tombstone, so that every response, answer and invitation keeps
  its account, touch point, time and scores: the figures do not move.
* `contact_export`: one JSON-ready dict of everything about the contact.
* `audit_log_record`: one AuditLogEntry per view, export or erasure of personal data.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from .constants import AuditAction
from .models import AuditLogEntry, Contact
from .signals import contact_erasing, contact_export_requested

ERASED_NAME = "Erased contact"


def erased_email(contact_id: int) -> str:
    # Unique per account (customers_contact_unique_email_per_account), and undeliverable:
    # .invalid is reserved (RFC 2606).
    return f"erased-{contact_id}@erased.invalid"


def audit_log_record(
    *,
    actor,
    action: str,
    subject: str,
    via: str,
    contact_id: int | None = None,
    object_id: int | None = None,
) -> AuditLogEntry:
    """One entry of the audit log; `actor` is a user, or None for the retention task."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLogEntry.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        action=action,
        subject=subject,
        object_id=object_id,
        contact_id=contact_id,
        via=via,
    )


@transaction.atomic
def contact_erase(*, contact: Contact, actor, via: str) -> Contact:
    """Erase the contact's personal data (module docstring); safe to repeat."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact_erasing.send(sender=Contact, contact=contact)
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        name=ERASED_NAME,
        email=erased_email(contact.pk),
        role="",
        is_key_contact=False,
        opted_out=True,
        opted_out_at=contact.opted_out_at or now,
        erased_at=contact.erased_at or now,
    )
    contact.refresh_from_db()
    audit_log_record(
        actor=actor,
        action=AuditAction.ERASED,
        subject="contact",
        object_id=contact.pk,
        contact_id=contact.pk,
        via=via,
    )
    return contact


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def contact_export(*, contact: Contact, actor, via: str) -> dict[str, Any]:
    """Everything the product holds about the contact, as JSON-ready data."""
    account = contact.account
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "language": contact.language,
            "role": contact.role,
            "is_key_contact": contact.is_key_contact,
            "opted_out": contact.opted_out,
            "opted_out_at": _iso(contact.opted_out_at),
            "erased_at": _iso(contact.erased_at),
            "created_at": _iso(contact.created_at),
        },
        "account": {"id": account.pk, "name": account.name, "external_id": account.external_id},
        "events": [
            {
                "id": event.pk,
                "external_id": event.external_id,
                "touch_point": event.touch_point.code,
                "occurred_at": _iso(event.occurred_at),
                "received_at": _iso(event.received_at),
                "attributes": event.attributes,
            }
            for event in contact.events.select_related("touch_point").order_by("occurred_at", "pk")
        ],
    }
    for _receiver, sections in contact_export_requested.send(sender=Contact, contact=contact):
        data.update(sections or {})
    audit_log_record(
        actor=actor,
        action=AuditAction.EXPORTED,
        subject="contact",
        object_id=contact.pk,
        contact_id=contact.pk,
        via=via,
    )
    return data
