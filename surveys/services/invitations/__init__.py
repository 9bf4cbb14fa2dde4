"""Sending survey invitations, and the rules every send obeys.

The Invitation row is the ledger and the broker is only a doorbell: a send is claimed with a
conditional UPDATE (PENDING -> SENDING), so a redelivered or duplicated task is a no-op, and a
lost message is found again by the dispatcher (`surveys.tasks.invitations_dispatch_due_task`).

By concern:
- `rules`: who may be mailed. The audience rules applied when a row is made (opt-out,
  contact fatigue, account fatigue: `skip_reasons`) and again just before its message
  (`SendTimeRules`).
- `create`: creating sends (`distribution_create`, `invitations_create`), with the
  PostgreSQL unnest() insert for large ones.
- `preview`: who a send would invite and skip, by reason, before it is made
  (`audience_preview`, on the same `skip_reasons`).
- `emails`: the invitation and reminder emails, the opt-out link and headers.
- `sending`: chunked sending over one SMTP connection (`invitations_send_chunk`).
- `ledger`: the row's state machine (claim, lease, SENT, SKIPPED, retry with backoff,
  FAILED), the dispatcher's claim of due rows, expiry, and publishing chunk tasks.

Other modules import from here; the names below are the package's public face.
"""

from .create import distribution_create, invitations_create
from .emails import (
    EmailTexts,
    invitation_email_build,
    invitation_email_texts,
    unsubscribe_headers,
    unsubscribe_url,
)
from .ledger import (
    MAX_SEND_ATTEMPTS,
    SEND_CHUNK_SIZE,
    invitation_mark_failed,
    invitations_claim_due,
    invitations_dispatch_due,
    invitations_enqueue,
    invitations_expire,
    send_lease,
)
from .preview import AudiencePreview, audience_contacts, audience_preview
from .rules import COUNTED_STATUSES, fatigue_window, skip_reasons
from .sending import TRANSIENT_SEND_ERRORS, InvitationUndeliverable, invitations_send_chunk

__all__ = [
    "AudiencePreview",
    "COUNTED_STATUSES",
    "MAX_SEND_ATTEMPTS",
    "SEND_CHUNK_SIZE",
    "TRANSIENT_SEND_ERRORS",
    "EmailTexts",
    "InvitationUndeliverable",
    "audience_contacts",
    "audience_preview",
    "distribution_create",
    "fatigue_window",
    "invitation_email_build",
    "invitation_email_texts",
    "invitation_mark_failed",
    "invitations_claim_due",
    "invitations_create",
    "invitations_dispatch_due",
    "invitations_enqueue",
    "invitations_expire",
    "invitations_send_chunk",
    "send_lease",
    "skip_reasons",
    "unsubscribe_headers",
    "unsubscribe_url",
]
