"""The response rate of the invitation ledger, defined once.

What counts as delivered and as completed (as query conditions), and the formula. The surveys
admin shows the rate beside a send's progress; `insights.metrics` registers this same
function with the other formulas, and insights' selectors count with these same conditions.
It lives here, not in insights, because surveys may not import insights.
"""

from django.db.models import Count, Q

from .constants import InvitationStatus


def delivered_q(prefix: str = "") -> Q:
    """A link that reached its mailbox: the mail server accepted it (`sent_at`), or the
    contact answered it, which proves it arrived even if the send was never recorded.

    `prefix` is the path to the invitations, e.g. "invitations__" from a Distribution.
    """
    return Q(**{f"{prefix}sent_at__isnull": False}) | completed_q(prefix)


def completed_q(prefix: str = "") -> Q:
    """A link answered in full: the ledger's COMPLETED, written in the transaction that
    stores the response."""
    return Q(**{f"{prefix}status": InvitationStatus.COMPLETED})


def rate_counts(prefix: str = "") -> dict[str, Count]:
    """`delivered` and `completed` as Count expressions for aggregate() or annotate()."""
    pk = f"{prefix}pk"
    return {
        "delivered": Count(pk, filter=delivered_q(prefix)),
        "completed": Count(pk, filter=completed_q(prefix)),
    }


def response_rate(completed: int, delivered: int) -> float | None:
    """Completed per delivered link, in percent (one decimal); None before any delivery."""
    if not delivered:
        return None
    return round(100.0 * completed / delivered, 1)
