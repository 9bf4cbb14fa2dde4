"""What cases keep about a contact, for erasure and export (answering
`customers.signals.contact_erasing` and `contact_export_requested`, insights/cases/receivers.py).

Erasure, inside the contact's erasure transaction:
* the replies mailed to the contact from their cases are emptied (subject, text, the mail
  server's error, which may quote the address) and addressed to the contact's erased address;
  the rows stay, so the case still shows that a reply went out, when and by whom;
* the history's reply events, which repeat the subject and the address, are blanked alike;
* their name and address are replaced where staff wrote them in a note on the account's cases.
Replies mailed to other contacts are left as sent, even where they name this one: each is the
record of what its own recipient received.
The cases stay: they are the company's record, with their touch point, state, dates and root
cause, and keep pointing at the (now anonymous) contact. A case copies nothing of the answers:
it shows the response's, which the surveys' erasure empties.
"""

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace

from customers.models import Contact
from customers.privacy import ERASED_NAME, erased_email

from .constants import CaseEventKind
from .models import Case, CaseEvent, CaseReply


def _contact_cases(contact: Contact):
    return Case.objects.filter(Q(contact=contact) | Q(response__contact=contact))


@transaction.atomic
def contact_case_data_erase(*, contact: Contact) -> None:
    """Blank what cases hold about `contact` (module docstring). Call before the contact's own
    name and email are replaced: they are what is looked for in the notes."""
    case_ids = list(_contact_cases(contact).values_list("pk", flat=True))
    address = erased_email(contact.pk)
    CaseReply.objects.filter(case_id__in=case_ids).update(
        to_email=address, subject="", body="", error=""
    )
    for event in CaseEvent.objects.filter(case_id__in=case_ids, kind=CaseEventKind.REPLY):
        data = {**event.data, "to": address} if "to" in event.data else event.data
        CaseEvent.objects.filter(pk=event.pk).update(note="", data=data)
    account_cases = Q(case_id__in=case_ids)
    if contact.account_id is not None:
        account_cases |= Q(case__account_id=contact.account_id)
    for text, replacement in ((contact.email, address), (contact.name, ERASED_NAME)):
        if text:
            CaseEvent.objects.filter(account_cases, note__contains=text).update(
                note=Replace("note", Value(text), Value(replacement))
            )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def contact_case_data_export(*, contact: Contact) -> dict[str, list[dict]]:
    """The contact's cases and the replies mailed to them from those cases."""
    cases = list(
        _contact_cases(contact)
        .select_related("account", "touch_point")
        .prefetch_related("replies")
        .order_by("opened_at", "pk")
    )
    return {
        "cases": [
            {
                "reference": case.reference,
                "state": case.state,
                "touch_point": case.touch_point.code if case.touch_point_id else None,
                "account": (
                    {"id": case.account_id, "name": case.account.name} if case.account_id else None
                ),
                "response": case.response_id,
                "opened_at": _iso(case.opened_at),
                "resolved_at": _iso(case.resolved_at),
                "closed_at": _iso(case.closed_at),
                "root_cause": case.root_cause,
            }
            for case in cases
        ],
        "case_replies": [
            {
                "case": case.reference,
                "to": reply.to_email,
                "language": reply.language,
                "subject": reply.subject,
                "body": reply.body,
                "status": reply.status,
                "created_at": _iso(reply.created_at),
                "sent_at": _iso(reply.sent_at),
            }
            for case in cases
            for reply in case.replies.all()
        ],
    }
