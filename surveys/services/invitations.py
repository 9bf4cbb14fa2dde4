"""Sending survey invitations.

The Invitation row is the ledger and the broker is only a doorbell: a send is claimed with a
conditional UPDATE (PENDING -> SENDING), so a redelivered or duplicated task is a no-op, and a
lost message is found again by the dispatcher in `surveys.tasks`.

`send_after` is the row's schedule: the dispatcher enqueues PENDING rows whose `send_after` is
empty or past. While a send is in flight (or waiting for a Celery retry) `send_after` is pushed
to the end of a lease, so the dispatcher leaves the row to its task until the lease runs out
and only then treats it as lost.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr
from smtplib import SMTPException
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from customers.constants import RTL_LANGUAGES
from customers.models import Contact

from ..constants import DistributionOrigin, InvitationStatus, SkipReason
from ..models import Distribution, Invitation, Survey, SurveyTranslation, new_token

logger = logging.getLogger(__name__)

# Errors worth retrying: the mail server or the network, not the message itself.
TRANSIENT_SEND_ERRORS: tuple[type[Exception], ...] = (
    SMTPException,
    ConnectionError,
    OSError,
    TimeoutError,
)
# Longer than a task may run (CELERY_TASK_TIME_LIMIT) and than the longest retry backoff, so the
# dispatcher never races a live task or a scheduled retry.
SEND_LEASE = timedelta(minutes=11)
# A row claimed this many times (e.g. a message that kills the worker) is given up on.
MAX_SEND_ATTEMPTS = 10
BULK_BATCH_SIZE = 500


# ------------------------------------------------------------------ creating a send


def _skip_reasons(*, survey: Survey, contacts: list[Contact]) -> dict[int, str]:
    """{contact id: SkipReason} for contacts who must not be mailed.

    The single place for audience rules; contact fatigue and account-level limits belong here,
    as one query per rule for the whole batch.
    """
    return {c.pk: SkipReason.OPTED_OUT for c in contacts if c.opted_out}


@transaction.atomic
def distribution_create(
    *,
    survey: Survey,
    contacts: Iterable[Contact],
    name: str | None = None,
    created_by=None,
    origin: str = DistributionOrigin.MANUAL,
    send_after: datetime | None = None,
) -> Distribution:
    """One send of `survey`: an Invitation per contact, the mail queued after commit.

    Contacts who must not be mailed get a SKIPPED row with its reason, so the ledger accounts
    for every contact chosen. With `send_after` in the future nothing is queued now: the
    dispatcher picks the rows up when they fall due.
    """
    if not survey.is_live:
        raise ValidationError(_("Only a live survey can be sent."), code="survey_not_live")
    contacts = list({c.pk: c for c in contacts}.values())
    if not contacts:
        raise ValidationError(_("Choose at least one contact."), code="no_contacts")

    now = timezone.now()
    distribution = Distribution(
        survey=survey,
        name=name or f"{survey.title} · {timezone.localtime(now):%Y-%m-%d %H:%M}",
        origin=origin,
        created_by=created_by,
    )
    distribution.full_clean()
    distribution.save()

    send_now = send_after is None or send_after <= now
    skips = _skip_reasons(survey=survey, contacts=contacts)
    invitations = [
        Invitation(
            survey=survey,
            distribution=distribution,
            contact=contact,
            token=new_token(),  # explicit: every row gets its own CSPRNG token
            status=InvitationStatus.SKIPPED if contact.pk in skips else InvitationStatus.PENDING,
            skip_reason=skips.get(contact.pk, ""),
            # Queued right now, so the dispatcher waits a lease before treating it as lost.
            send_after=now + SEND_LEASE if send_now else send_after,
        )
        for contact in contacts
    ]
    Invitation.objects.bulk_create(invitations, batch_size=BULK_BATCH_SIZE)

    if send_now:
        pending_ids = list(
            distribution.invitations.filter(status=InvitationStatus.PENDING).values_list(
                "pk", flat=True
            )
        )
        transaction.on_commit(lambda: invitations_enqueue(invitation_ids=pending_ids))
    return distribution


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> None:
    """Publish one send task per invitation; call it after the rows are committed."""
    from ..tasks import invitation_send_task  # the tasks module imports this one

    for invitation_id in invitation_ids:
        invitation_send_task.delay(invitation_id)


# ------------------------------------------------------------------ sending one invitation


def _claimable(now: datetime) -> Q:
    stale_sending = Q(status=InvitationStatus.SENDING, send_after__lte=now)
    return Q(status=InvitationStatus.PENDING) | stale_sending


def _message_id(invitation: Invitation) -> str:
    """The same Message-ID for every attempt, so a duplicate delivery is detectable."""
    digest = salted_hmac("surveys.invitation.message-id", str(invitation.pk)).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<invitation.{digest}@{domain}>"


def _survey_title(survey: Survey, language: str) -> str:
    translated = (
        SurveyTranslation.objects.filter(survey=survey, language=language, key="title")
        .values_list("text", flat=True)
        .first()
    )
    return translated or survey.title


def invitation_email_build(*, invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation email (plain text and HTML) in the contact's language."""
    contact = invitation.contact
    language = contact.language or invitation.survey.default_language
    with translation.override(language):
        context = {
            "invitation": invitation,
            "contact": contact,
            "survey": invitation.survey,
            "title": _survey_title(invitation.survey, language),
            "url": invitation.url,
            "language": language,
            "rtl": language in RTL_LANGUAGES,
        }
        subject = render_to_string("surveys/email/invitation_subject.txt", context)
        text = render_to_string("surveys/email/invitation.txt", context)
        html = render_to_string("surveys/email/invitation.html", context)
    message = EmailMultiAlternatives(
        # A header is one line: collapse whatever whitespace a title carries.
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((contact.name, contact.email))],
        headers={"Message-ID": _message_id(invitation)},
    )
    message.attach_alternative(html, "text/html")
    return message


def invitation_send(*, invitation_id: int) -> bool:
    """Send one invitation at most once; True if an email went out.

    Not one atomic block on purpose: the claim must commit before the SMTP conversation so
    that a concurrent or redelivered task sees SENDING, and no lock is held while mailing.
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(_claimable(now), pk=invitation_id).update(
        status=InvitationStatus.SENDING,
        send_after=now + SEND_LEASE,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return False

    invitation = Invitation.objects.select_related("survey", "contact").get(pk=invitation_id)
    if not invitation.survey.is_live:
        Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENDING).update(
            status=InvitationStatus.SKIPPED, skip_reason=SkipReason.SURVEY_NOT_LIVE
        )
        return False

    try:
        invitation_email_build(invitation=invitation).send()
    except TRANSIENT_SEND_ERRORS as exc:
        # Back in the queue for the task's retry; the lease keeps the dispatcher away meanwhile.
        Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENDING).update(
            status=InvitationStatus.PENDING, error=_error_text(exc)
        )
        raise
    except Exception as exc:
        # A bad address or a template error will fail the same way every time.
        invitation_mark_failed(invitation_id=invitation_id, error=_error_text(exc))
        raise

    sent_at = timezone.now()
    Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENDING).update(
        status=InvitationStatus.SENT,
        sent_at=sent_at,
        expires_at=sent_at + timedelta(days=invitation.survey.field_period_days),
        error="",
    )
    return True


@transaction.atomic
def invitation_mark_failed(*, invitation_id: int, error: str) -> bool:
    """Give up on an invitation that was not sent; True if it was still open."""
    updated = Invitation.objects.filter(
        pk=invitation_id, status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING]
    ).update(status=InvitationStatus.FAILED, failed_at=timezone.now(), error=error[:2000])
    if updated:
        logger.warning("Invitation %s failed: %s", invitation_id, error[:200])
    return bool(updated)


# ------------------------------------------------------------------ housekeeping


@transaction.atomic
def invitations_claim_due(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Lease up to `limit` due rows for the dispatcher and return their ids.

    Due: PENDING past `send_after` (scheduled, or queued but lost by the broker) and SENDING past
    the lease (the worker died mid-send). Rows claimed too often are failed instead.
    """
    now = now or timezone.now()
    Invitation.objects.filter(_claimable(now), attempts__gte=MAX_SEND_ATTEMPTS).exclude(
        status=InvitationStatus.PENDING, send_after__gt=now
    ).update(
        status=InvitationStatus.FAILED,
        failed_at=now,
        error=f"Gave up after {MAX_SEND_ATTEMPTS} attempts.",
    )
    due = Invitation.objects.filter(
        Q(status=InvitationStatus.PENDING, send_after__isnull=True)
        | Q(status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING], send_after__lte=now)
    )
    ids = list(due.order_by("send_after", "pk").values_list("pk", flat=True)[:limit])
    # The lease: until it runs out the dispatcher leaves these rows to the tasks it queues now.
    # Re-filtering on `due` skips a row that a live task claimed in the meantime.
    due.filter(pk__in=ids).update(status=InvitationStatus.PENDING, send_after=now + SEND_LEASE)
    return ids


@transaction.atomic
def invitations_expire(*, now: datetime | None = None) -> int:
    """Close links whose field period is over; returns how many expired."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
