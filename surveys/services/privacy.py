"""What surveys keeps about a contact, for erasure, export and retention.

Erasure (`contact_survey_data_erase`, answering `customers.signals.contact_erasing`):
* free-text answers are emptied: a comment may name people or say anything; the row stays,
  so the response still counts as answered where it did;
* scale and choice answers stay as they are, with the response's account, touch point, time
  and event attributes: metrics, rates and comparisons do not move;
* every link of the contact stops working (a fresh random token nobody holds), waiting sends
  are skipped (opted out), and stored delivery errors, which quote the address, are cleared.

Retention (`personal_data_purge`, daily from beat): with CEM_RETENTION_FREE_TEXT_DAYS, free
text submitted longer ago is emptied; with CEM_RETENTION_CONTACT_DAYS, contacts with no
activity (created, an event, an invitation or a response) for that long are erased through
`customers.privacy.contact_erase`. 0 (the default) keeps data until someone erases it.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from customers.models import Contact
from customers.privacy import contact_erase

from ..constants import CHOICE_TYPES, InvitationStatus, QuestionType, SkipReason
from ..models import Answer, Invitation, Response, new_token

logger = logging.getLogger(__name__)


def contact_survey_data_erase(*, contact: Contact) -> None:
    """Blank what surveys holds about `contact` (module docstring); inside the erasure."""
    Answer.objects.filter(response__contact=contact, question_type=QuestionType.TEXT).exclude(
        text=""
    ).update(text="")
    invitations = Invitation.objects.filter(contact=contact)
    invitations.filter(status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING]).update(
        status=InvitationStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT, leased_until=None
    )
    invitations.exclude(error="").update(error="")
    for invitation_id in invitations.values_list("pk", flat=True):
        Invitation.objects.filter(pk=invitation_id).update(token=new_token())


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _answer_value(answer: Answer) -> Any:
    if answer.question_type in CHOICE_TYPES:
        return answer.choice.value if answer.choice is not None else None
    if answer.question_type == QuestionType.TEXT:
        return answer.text
    return answer.number


def contact_survey_data_export(*, contact: Contact) -> dict[str, list[dict]]:
    """The contact's invitations and responses with their answers, for the export."""
    invitations = [
        {
            "id": invitation.pk,
            "survey": {"id": invitation.survey_id, "title": invitation.survey.title},
            "event": invitation.event_id,
            "status": invitation.status,
            "skip_reason": invitation.skip_reason,
            "created_at": _iso(invitation.created_at),
            "sent_at": _iso(invitation.sent_at),
            "opened_at": _iso(invitation.opened_at),
            "completed_at": _iso(invitation.completed_at),
            "expires_at": _iso(invitation.expires_at),
        }
        for invitation in Invitation.objects.filter(contact=contact)
        .select_related("survey")
        .order_by("created_at", "pk")
    ]
    responses = []
    queryset = (
        Response.objects.filter(contact=contact)
        .select_related("survey", "touch_point")
        .prefetch_related("answers__question", "answers__choice")
        .order_by("started_at", "pk")
    )
    for response in queryset:
        responses.append(
            {
                "id": response.pk,
                "survey": {"id": response.survey_id, "title": response.survey.title},
                "invitation": response.invitation_id,
                "event": response.event_id,
                "touch_point": response.touch_point.code if response.touch_point else None,
                "status": response.status,
                "language": response.language,
                "started_at": _iso(response.started_at),
                "submitted_at": _iso(response.submitted_at),
                "attributes": response.attributes,
                "answers": [
                    {
                        "question": answer.question_id,
                        "question_text": answer.question.text,
                        "question_type": answer.question_type,
                        "value": _answer_value(answer),
                    }
                    for answer in sorted(response.answers.all(), key=lambda a: a.pk)
                ],
            }
        )
    return {"invitations": invitations, "responses": responses}


# ------------------------------------------------------------------ retention


def _days(name: str) -> int:
    return max(0, int(getattr(settings, name, 0) or 0))


@transaction.atomic
def free_text_purge(*, before: datetime) -> int:
    """Empty free-text answers submitted before `before`; returns how many."""
    return (
        Answer.objects.filter(question_type=QuestionType.TEXT, submitted_at__lt=before)
        .exclude(text="")
        .update(text="")
    )


def contacts_inactive_since(*, before: datetime):
    """Contacts not yet erased whose last sign of life (created, an event, an invitation, a
    response) is older than `before`."""
    return (
        Contact.objects.filter(erased_at__isnull=True, created_at__lt=before)
        .annotate(
            last_event=Max("events__occurred_at"),
            last_invitation=Max("invitations__created_at"),
            last_response=Max("responses__started_at"),
        )
        .filter(
            Q(last_event__isnull=True) | Q(last_event__lt=before),
            Q(last_invitation__isnull=True) | Q(last_invitation__lt=before),
            Q(last_response__isnull=True) | Q(last_response__lt=before),
        )
    )


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """One run of the retention policy (module docstring); returns what it did."""
    now = now or timezone.now()
    done = {"free_text": 0, "contacts": 0}
    text_days = _days("CEM_RETENTION_FREE_TEXT_DAYS")
    if text_days:
        done["free_text"] = free_text_purge(before=now - timedelta(days=text_days))
    contact_days = _days("CEM_RETENTION_CONTACT_DAYS")
    if contact_days:
        stale = contacts_inactive_since(before=now - timedelta(days=contact_days))
        for contact in stale.order_by("pk").iterator(chunk_size=500):
            contact_erase(contact=contact, actor=None, via="retention")
            done["contacts"] += 1
    if any(done.values()):
        logger.info(
            "Retention: %s free-text answers emptied, %s contacts erased",
            done["free_text"],
            done["contacts"],
        )
    return done
