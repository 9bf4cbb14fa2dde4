"""Send progress: how far a send (or all sends of a survey) has got, from the ledger."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from customers.models import Account, Contact, VerticalMarket

from ..constants import InvitationStatus
from ..models import Distribution, Invitation, Survey
from ..rates import rate_counts, response_rate


def progress_counts(prefix: str = "") -> dict[str, Count]:
    """Count expressions per status plus `total` and `delivered`, for aggregate() or annotate().

    `prefix` is the path to the invitations, e.g. "invitations__" when annotating sends.
    `delivered` and `completed` are the response rate's (`surveys.rates`).
    """
    pk = f"{prefix}pk"
    return {
        "total": Count(pk),
        **{
            status.value: Count(pk, filter=Q(**{f"{prefix}status": status}))
            for status in InvitationStatus
        },
        **rate_counts(prefix),
    }


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
