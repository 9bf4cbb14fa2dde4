"""Mail to staff about cases: one mail per new case, or one daily digest when volume is high.

Every mail has a row in the `CaseNotice` ledger (one per causing event and recipient) that
goes PENDING -> SENDING (claimed with a lease by a conditional UPDATE) -> SENT, or waits as
DIGEST for the daily digest. Tasks are published after commit; a lost publish or a dead
worker is made good by the sweep (`notices_republish`), and a claimed row is never mailed
twice. Mails are written in the recipient's language (`StaffProfile.language`, else
LANGUAGE_CODE) and link to the case under SITE_URL.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .constants import NoticeKind, NoticeStatus
from .models import Case, CaseEvent, CaseNotice, StaffProfile

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
REPUBLISH_AFTER = timedelta(seconds=60)
DIGEST_MAX_CASES = 200
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def staff_language(user) -> str:
    language = StaffProfile.objects.filter(user=user).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def _held_for_digest(recipient_id: int, now: datetime) -> bool:
    """Past CEM_CASES_DIGEST_THRESHOLD case mails to this person in 24 hours, the rest of the
    day's new cases wait for the digest (a threshold of 0, or the person's choice: always the
    digest). One query."""
    threshold = settings.CEM_CASES_DIGEST_THRESHOLD
    if threshold <= 0:
        return True
    mailed = CaseNotice.objects.filter(
        recipient_id=OuterRef("pk"),
        kind=NoticeKind.ASSIGNED,
        created_at__gte=now - timedelta(hours=24),
        status__in=(NoticeStatus.PENDING, NoticeStatus.SENDING, NoticeStatus.SENT),
    )
    row = (
        get_user_model()
        .objects.filter(pk=recipient_id)
        .annotate(
            digest_only=Exists(StaffProfile.objects.filter(user=OuterRef("pk"), digest_only=True)),
            mailed=Subquery(
                mailed.order_by().values("recipient_id").annotate(n=Count("pk")).values("n")[:1]
            ),
        )
        .values("digest_only", "mailed")
        .first()
    )
    return bool(row) and (row["digest_only"] or (row["mailed"] or 0) >= threshold)


def recipients_of(case: Case) -> list:
    """The owner, or every active member of the case's team."""
    if case.owner_id:
        return [case.owner] if case.owner.is_active and case.owner.email else []
    if case.team_id:
        return list(
            get_user_model()
            .objects.filter(groups=case.team_id, is_active=True)
            .exclude(email="")
            .order_by("pk")
        )
    return []


def notices_create(
    *, case: Case, event: CaseEvent, recipients: list, kind: str, now: datetime
) -> list[CaseNotice]:
    """Ledger rows for the recipients of `event`; mails are published after commit."""
    notices = []
    for user in dict.fromkeys(recipients):
        digest = kind == NoticeKind.ASSIGNED and _held_for_digest(user.pk, now)
        notices.append(
            CaseNotice(
                case=case,
                event=event,
                recipient=user,
                kind=kind,
                status=NoticeStatus.DIGEST if digest else NoticeStatus.PENDING,
                created_at=now,
            )
        )
    CaseNotice.objects.bulk_create(notices)  # a new event: no row can exist yet
    pending = [n.pk for n in notices if n.status == NoticeStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: notices_publish(notice_ids=pending))
    return notices


def notices_publish(*, notice_ids: list[int]) -> None:
    """Publish one send task per notice; a broker outage is logged and left to the sweep."""
    from .tasks import case_notice_send_task

    for notice_id in notice_ids:
        try:
            case_notice_send_task.apply_async(args=[notice_id], retry=False)
        except Exception:  # the broker is down: the sweep republishes PENDING rows
            logger.warning("Could not publish case notice %s; the sweep will", notice_id)
            return


def notices_republish(*, now: datetime | None = None, limit: int = 500) -> int:
    """Publish again what waited too long: PENDING rows, and SENDING rows whose lease ran out."""
    now = now or timezone.now()
    stale = CaseNotice.objects.filter(
        Q(status=NoticeStatus.PENDING, created_at__lt=now - REPUBLISH_AFTER)
        & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        | Q(status=NoticeStatus.SENDING, leased_until__lt=now)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
    notices_publish(notice_ids=ids)
    return len(ids)


def _claim(notice_id: int, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.CEM_CASES_NOTICE_LEASE_SECONDS)
    claimable = Q(status=NoticeStatus.PENDING) | Q(
        status=NoticeStatus.SENDING, leased_until__lt=now
    )
    return bool(
        CaseNotice.objects.filter(claimable, pk=notice_id).update(
            status=NoticeStatus.SENDING, leased_until=lease, attempts=F("attempts") + 1
        )
    )


def case_url(case: Case) -> str:
    return f"{settings.SITE_URL}{case.get_absolute_url()}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:180]


def _message(user, template: str, context: dict, *, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        context = {**context, "recipient": user, "language": language}
        subject = _one_line(render_to_string(f"cases/email/{template}_subject.txt", context))
        text = render_to_string(f"cases/email/{template}.txt", context)
        html = render_to_string(f"cases/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def case_mail_context(case: Case) -> dict:
    from .selectors import case_answers

    return {"case": case, "case_url": case_url(case), "answers": case_answers(case=case)}


def case_notice_send(*, notice_id: int, now: datetime | None = None) -> bool:
    """Mail one notice; False when another task has it or it is done."""
    now = now or timezone.now()
    if not _claim(notice_id, now):
        return False
    notice = CaseNotice.objects.select_related(
        "recipient",
        "case__rule",
        "case__account",
        "case__contact",
        "case__touch_point",
        "case__owner",
        "case__escalated_to",
        "case__response__survey",
    ).get(pk=notice_id)
    template = "escalated" if notice.kind == NoticeKind.ESCALATED else "assigned"
    language = staff_language(notice.recipient)
    message = _message(
        notice.recipient, template, case_mail_context(notice.case), language=language
    )
    try:
        message.send()
    except TRANSIENT_ERRORS as exc:
        failed = notice.attempts >= MAX_ATTEMPTS
        CaseNotice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.FAILED if failed else NoticeStatus.PENDING,
            leased_until=now + REPUBLISH_AFTER,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Case notice %s not sent: %s", notice.pk, exc)
        return False
    CaseNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT, sent_at=timezone.now(), leased_until=None, error=""
    )
    return True


# ------------------------------------------------------------------ the daily digest


def _claim_digest(recipient_id: int, now: datetime) -> list[CaseNotice]:
    lease = now + timedelta(seconds=settings.CEM_CASES_NOTICE_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            CaseNotice.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=recipient_id, status=NoticeStatus.DIGEST)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:DIGEST_MAX_CASES]
        )
        CaseNotice.objects.filter(pk__in=rows, status=NoticeStatus.DIGEST).update(
            status=NoticeStatus.SENDING, leased_until=lease, attempts=F("attempts") + 1
        )
    return list(
        CaseNotice.objects.filter(pk__in=rows, status=NoticeStatus.SENDING)
        .select_related("case__rule", "case__account", "case__touch_point", "recipient")
        .order_by("case__due_at", "case_id")
    )


def digest_send(*, recipient_id: int, now: datetime | None = None) -> int:
    """One mail listing the recipient's held cases; returns how many it listed."""
    now = now or timezone.now()
    notices = _claim_digest(recipient_id, now)
    if not notices:
        return 0
    user = notices[0].recipient
    ids = [n.pk for n in notices]
    cases = list(dict.fromkeys(n.case for n in notices))
    context = {"cases": [(case, case_url(case)) for case in cases], "count": len(cases)}
    message = _message(user, "digest", context, language=staff_language(user))
    try:
        message.send()
    except TRANSIENT_ERRORS as exc:
        CaseNotice.objects.filter(pk__in=ids).update(
            status=NoticeStatus.DIGEST, leased_until=None, error=f"{type(exc).__name__}: {exc}"
        )
        logger.warning("Case digest for user %s not sent: %s", recipient_id, exc)
        return 0
    CaseNotice.objects.filter(pk__in=ids).update(
        status=NoticeStatus.SENT, sent_at=timezone.now(), leased_until=None
    )
    return len(cases)


def digests_send(*, now: datetime | None = None) -> int:
    """A digest for everyone with held cases; safe to run twice (rows are claimed)."""
    now = now or timezone.now()
    recipients = (
        CaseNotice.objects.filter(status=NoticeStatus.DIGEST)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        if digest_send(recipient_id=recipient_id, now=now):
            sent += 1
    return sent
