"""Send and wave figures as a user may see them: counted over the invitations of the contacts of
their accounts only (customers.querysets), so that no figure of another team's account shows."""

from copy import copy

from django.db.models import Aggregate, Q, QuerySet

from customers.models import Contact
from customers.querysets import user_sees_all_accounts

from ..constants import InvitationStatus
from ..models import Invitation
from ..rates import response_rate
from .invitations import progress_counts


def _restricted(aggregate: Aggregate, scope: Q) -> Aggregate:
    aggregate = copy(aggregate)
    aggregate.filter = scope if aggregate.filter is None else aggregate.filter & scope
    return aggregate


def visible_progress_counts(*, user, prefix: str = "") -> dict[str, Aggregate]:
    """`progress_counts(prefix)` counting only the invitations of contacts `user` may see."""
    counts = progress_counts(prefix)
    if user_sees_all_accounts(user):
        return counts
    scope = Q(**{f"{prefix}contact__in": Contact.objects.visible_to(user).values("pk")})
    return {name: _restricted(aggregate, scope) for name, aggregate in counts.items()}


def visible_progress(*, user, invitations: QuerySet[Invitation]) -> dict:
    """Counts per status, delivered and response rate of `invitations`, over what `user` may
    see, in one aggregate query."""
    row = invitations.aggregate(**visible_progress_counts(user=user))
    row["response_rate"] = response_rate(
        completed=row[InvitationStatus.COMPLETED], delivered=row["delivered"]
    )
    return row


def annotated_progress(row) -> dict:
    """The progress dict of an object annotated with `visible_progress_counts(...)`."""
    progress = {
        "total": row.total,
        "delivered": row.delivered,
        **{status.value: getattr(row, status.value) for status in InvitationStatus},
    }
    progress["response_rate"] = response_rate(
        completed=progress[InvitationStatus.COMPLETED], delivered=progress["delivered"]
    )
    return progress
