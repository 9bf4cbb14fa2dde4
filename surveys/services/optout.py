"""Opting out of survey invitations: the link in every survey email, and what an opt-out
means for the ledger.

The opt-out itself is a customers fact (`customers.services.contact_opt_out`), whichever path
asks for it: the unsubscribe page, a one-click POST, the API, the admin. Its consequence for
surveys lives here, once: `invitations_skip_opted_out`, answering `contact_opted_out`.
"""

import logging

from customers.models import Contact

from ..constants import InvitationStatus, SkipReason
from ..models import Invitation

logger = logging.getLogger(__name__)

MAX_TOKEN_LENGTH = 64


def invitation_for_optout(*, token: str) -> Invitation | None:
    """The invitation a personal link belongs to, whatever its state: a contact may opt out
    from an old, answered or expired email too. None for unknown tokens."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return Invitation.objects.select_related("contact", "survey").filter(token=token).first()


def invitations_skip_opted_out(*, contact: Contact) -> int:
    """Skip the contact's links still waiting to be mailed (PENDING) with the opted-out
    reason; returns how many. Runs in the opt-out's transaction (a receiver of
    `customers.signals.contact_opted_out`). Rows already claimed by a worker are caught by
    the send-time rules (`invitations.rules.SendTimeRules`)."""
    skipped = Invitation.objects.filter(contact=contact, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT, leased_until=None
    )
    logger.info("Contact %s opted out; %s waiting links skipped", contact.pk, skipped)
    return skipped
