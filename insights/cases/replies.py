"""The owner's reply to the respondent, from the case: the rule's template in the
respondent's language, edited before sending, mailed and recorded on the case."""

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .constants import CaseEventKind, ReplyStatus
from .models import Case, CaseEvent, CaseReply, ReplyTemplate
from .services import check_workable

logger = logging.getLogger(__name__)


PLACEHOLDER = re.compile(r"\{(contact\.name|contact\.first_name|account\.name|survey\.title|"
                         r"owner\.name|case\.reference)\}")  # fmt: skip


class ReplyNotSent(Exception):
    """The mail server refused or could not be reached; the draft is kept on the case."""


@dataclass(frozen=True)
class ReplyDraft:
    to_email: str
    language: str
    subject: str
    body: str


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def case_reply_draft(*, case: Case, user) -> ReplyDraft:
    """The rule's reply in the respondent's language (the one they answered in), with its
    placeholders filled; the built-in text when the rule has none in that language."""
    response, contact = case.response, case.contact
    if contact is None or not contact.email:
        raise ValidationError(_("This response has no contact to reply to."))
    language = response.language or contact.language
    owner = user if user is not None else case.owner
    values = {
        "contact.name": contact.name,
        "contact.first_name": contact.name.split(" ")[0],
        "account.name": case.account.name if case.account_id else "",
        "survey.title": response.survey.title,
        "owner.name": (owner.get_full_name() or owner.get_username()) if owner else "",
        "case.reference": case.reference,
    }
    template = ReplyTemplate.objects.filter(rule_id=case.rule_id, language=language).first()
    if template is not None:
        subject, body = template.subject, template.body
    else:
        with translation.override(language):
            subject = render_to_string("cases/email/reply_default_subject.txt").strip()
            body = render_to_string("cases/email/reply_default.txt")
    return ReplyDraft(contact.email, language, _fill(subject, values), _fill(body, values))


def case_reply_send(
    *, case: Case, user, subject: str, body: str, now: datetime | None = None
) -> CaseReply:
    """Mail the owner's (edited) reply to the respondent and record it on the case.

    Not one transaction: the row is stored before the mail server is asked, so that a mail
    that went out is never unrecorded and a refused one stays on the case as failed."""
    check_workable(case, user)
    draft = case_reply_draft(case=case, user=user)
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    errors = {}
    if not subject or len(subject) > 200:
        errors["subject"] = _("Write a subject of at most 200 characters.")
    if not body or len(body) > 10000:
        errors["body"] = _("Write a message of at most 10,000 characters.")
    if errors:
        raise ValidationError(errors)
    reply = CaseReply.objects.create(
        case=case, sent_by=user, to_email=draft.to_email, language=draft.language,
        subject=subject, body=body, created_at=now or timezone.now(),
    )  # fmt: skip
    reply_to = [user.email] if user is not None and user.email else []
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[draft.to_email], reply_to=reply_to,
    )  # fmt: skip
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        reply.status, reply.error = ReplyStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        reply.save(update_fields=["status", "error"])
        logger.warning("Reply on case %s not sent: %s", case.pk, exc)
        raise ReplyNotSent from exc
    with transaction.atomic():
        reply.status, reply.sent_at = ReplyStatus.SENT, timezone.now()
        reply.save(update_fields=["status", "sent_at"])
        CaseEvent.objects.create(
            case=case, kind=CaseEventKind.REPLY, actor=user, note=subject,
            data={"reply": reply.pk, "to": draft.to_email, "language": draft.language},
            created_at=reply.sent_at,
        )  # fmt: skip
    return reply
