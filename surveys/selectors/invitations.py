"""Send progress: how far a send (or all sends of a survey) has got, from the ledger."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from customers.models import Account, Contact, VerticalMarket

from ..constants import InvitationStatus
from ..models import Distribution, Invitation, Survey


def progress_counts(prefix: str = "") -> dict[str, Count]:
    """Count expressions per status plus `total` and `delivered`, for aggregate() or annotate().

    `prefix` is the path to the invitations, e.g. "invitations__" when annotating sends.
    `delivered` counts every link that reached a mailbox (it has a `sent_at`).
    """
    pk = f"{prefix}pk"
    return {
        "total": Count(pk),
        "delivered": Count(pk, filter=Q(**{f"{prefix}sent_at__isnull": False})),
        **{
            status.value: Count(pk, filter=Q(**{f"{prefix}status": status}))
            for status in InvitationStatus
        },
    }


def response_rate(*, completed: int, delivered: int) -> float | None:
    """Completed / delivered in percent; None before the first link went out."""
    return round(100 * completed / delivered, 1) if delivered else None


def _progress(invitations: QuerySet[Invitation]) -> dict:
    """Counts per status, delivered and response rate, in one aggregate query."""
    row = invitations.aggregate(**progress_counts())
    row["response_rate"] = response_rate(
        completed=row[InvitationStatus.COMPLETED], delivered=row["delivered"]
    )
    return row


def distribution_progress(*, distribution: Distribution) -> dict:
    return _progress(Invitation.objects.filter(distribution=distribution))


def survey_send_progress(*, survey: Survey) -> dict:
    return _progress(Invitation.objects.filter(survey=survey))


def send_audience(
    *,
    user,
    vertical_markets: Iterable[VerticalMarket] = (),
    accounts: Iterable[Account] = (),
    contacts: Iterable[Contact] = (),
    key_contacts_only: bool = False,
) -> QuerySet[Contact]:
    """Contacts the user may reach: those of the chosen markets and accounts, plus the chosen
    contacts. Opted-out contacts stay in: the send records them as skipped."""
    from_groups = Q(account__vertical_market__in=list(vertical_markets)) | Q(
        account__in=list(accounts)
    )
    if key_contacts_only:
        from_groups &= Q(is_key_contact=True)
    return (
        Contact.objects.visible_to(user)
        .filter(from_groups | Q(pk__in=[c.pk for c in contacts]))
        .select_related("account")
        .distinct()
    )
