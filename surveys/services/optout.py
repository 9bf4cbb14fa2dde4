"""Opting out of survey invitations from a link in any survey email (no login)."""

from django.db import transaction
from django.utils import timezone

from customers.models import Contact

from ..constants import InvitationStatus, SkipReason
from ..models import Invitation

MAX_TOKEN_LENGTH = 64


def invitation_for_optout(*, token: str) -> Invitation | None:
    """The invitation a personal link belongs to, whatever its state: a contact may opt out
    from an old, answered or expired email too. None for unknown tokens."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return Invitation.objects.select_related("contact", "survey").filter(token=token).first()


@transaction.atomic
def contact_opt_out(*, contact: Contact) -> int:
    """Opt the contact out of every future invitation; returns how many waiting links were
    skipped. Safe to repeat. Links already in a worker's hands are caught by the send-time
    check in `invitation_send`."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk, opted_out=False).update(opted_out=True, opted_out_at=now)
    contact.refresh_from_db(fields=["opted_out", "opted_out_at"])
    return Invitation.objects.filter(contact=contact, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT, leased_until=None
    )
