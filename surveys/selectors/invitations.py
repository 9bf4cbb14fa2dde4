"""Send progress: how far a send (or all sends of a survey) has got, from the ledger."""

from django.db.models import Count, Q, QuerySet

from ..constants import InvitationStatus
from ..models import Distribution, Invitation, Survey


def _progress(invitations: QuerySet[Invitation]) -> dict:
    """Counts per status, delivered and response rate, in one aggregate query.

    `delivered` counts every link that reached a mailbox (it has a `sent_at`), whatever happened
    next; the response rate is completed / delivered, in percent, None before the first send.
    """
    row = invitations.aggregate(
        total=Count("pk"),
        delivered=Count("pk", filter=Q(sent_at__isnull=False)),
        **{status.value: Count("pk", filter=Q(status=status)) for status in InvitationStatus},
    )
    delivered = row["delivered"]
    row["response_rate"] = (
        round(100 * row[InvitationStatus.COMPLETED] / delivered, 1) if delivered else None
    )
    return row


def distribution_progress(*, distribution: Distribution) -> dict:
    return _progress(Invitation.objects.filter(distribution=distribution))


def survey_send_progress(*, survey: Survey) -> dict:
    return _progress(Invitation.objects.filter(survey=survey))
