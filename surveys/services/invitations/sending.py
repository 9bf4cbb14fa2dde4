"""Chunked sending: up to SEND_CHUNK_SIZE invitations over one SMTP connection.

One query reads the chunk's rows, one SMTP connection carries all of its messages, survey
texts are computed once per survey and language. Each row is still claimed on its own just
before its message and marked SENT right after the server's "250", so a crash mid-chunk leaves
at most the one message in flight unrecorded, exactly as a one-message task would. A single
send (`surveys.tasks.invitation_send_task`) is a chunk of one.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from ...models import Invitation
from . import ledger
from .emails import invitation_email_build
from .rules import SendTimeRules

logger = logging.getLogger(__name__)

# Errors worth retrying: the mail server or the network, not the message itself.
# (smtplib.SMTPException is an OSError; a 5xx reply among them fails the row: `_is_permanent`.)
TRANSIENT_SEND_ERRORS: tuple[type[Exception], ...] = (
    SMTPException,
    ConnectionError,
    OSError,
    TimeoutError,
)
# A chunk takes about a second against a healthy server; past this many seconds the rest of a
# slow chunk is handed to a new task, far below visibility_timeout and the task time limit.
CHUNK_TIME_BUDGET = 60
# A connection that breaks this many times in a row ends the chunk: the server is down.
MAX_CONNECTION_FAILURES = 2


class InvitationUndeliverable(Exception):
    """The invitation cannot be mailed and is FAILED: the server refused it for good (5xx),
    the message is bad, or the last attempt failed. Retrying cannot help."""


def _is_permanent(exc: Exception) -> bool:
    """A 5xx reply (RFC 5321: permanent) for the message or for every recipient."""
    if isinstance(exc, SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _connection_lost(exc: Exception) -> bool:
    """True if the SMTP session cannot carry another message: the network, a timeout, a 421
    (closing). A reply about one message (4xx to RCPT or DATA) leaves the session usable:
    smtplib sends RSET after it."""
    if isinstance(exc, SMTPRecipientsRefused):
        return False
    if isinstance(exc, SMTPResponseException):
        return exc.smtp_code == 421
    return True


class _SmtpSession:
    """One SMTP connection for a whole chunk, opened on first use, reopened after it broke."""

    def __init__(self) -> None:
        self.connection = None
        self.opened = 0
        self.failures = 0  # connection failures in a row
        self.error = ""

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            connection = get_connection()
            connection.open()
            self.connection = connection
            self.opened += 1
        if not self.connection.send_messages([message]):
            raise InvitationUndeliverable("The message has no recipient.")

    def failed(self, exc: Exception) -> None:
        if _connection_lost(exc):
            self.failures += 1
            self.error = ledger.error_text(exc)
            self.close()

    def succeeded(self) -> None:
        self.failures = 0

    def close(self) -> None:
        if self.connection is None:
            return
        connection, self.connection = self.connection, None
        try:
            connection.close()
        except Exception:  # noqa: BLE001 (every message is recorded; QUIT failing changes nothing)
            logger.debug("Closing the SMTP connection failed", exc_info=True)


class _SentMarks:
    """Records the SENT of the message the server has just accepted.

    The mark is written in the same transaction as the claim of the chunk's next row, so a
    message costs one commit instead of two; it is never later than the next SMTP conversation
    (the claim comes first) and it is flushed on its own before anything else (the end of the
    chunk, a hand-over, QUIT). A crash between the "250" and that commit resends the one
    message in flight, as before.
    """

    def __init__(self) -> None:
        self.accepted: tuple[Invitation, datetime] | None = None

    def hold(self, invitation: Invitation, sent_at: datetime) -> None:
        self.flush()
        self.accepted = (invitation, sent_at)

    def flush(self) -> None:
        if self.accepted is None:
            return
        (invitation, sent_at), self.accepted = self.accepted, None
        ledger.invitation_mark_sent(invitation=invitation, sent_at=sent_at)

    def claim(self, invitation: Invitation, now: datetime) -> bool:
        """The ledger's claim (PENDING -> SENDING), with the SENT mark of the previous
        message in the same transaction."""
        if self.accepted is None:
            return ledger.invitation_claim(invitation_id=invitation.pk, now=now)
        with transaction.atomic():
            self.flush()
            return ledger.invitation_claim(invitation_id=invitation.pk, now=now)


def _chunk_send_one(
    invitation: Invitation,
    smtp: _SmtpSession,
    rules: SendTimeRules,
    marks: _SentMarks,
    texts_cache: dict,
) -> str:
    """Claim, check, build, send and record one row of a chunk; returns the outcome."""
    now = timezone.now()
    claimed = marks.claim(invitation, now)
    if not claimed:
        return "taken"  # sent, skipped or being sent by another task meanwhile
    attempts = invitation.attempts + 1
    reason = rules.skip_reason(invitation, now)
    if reason:
        ledger.invitation_mark_skipped(invitation_id=invitation.pk, reason=reason)
        return "skipped"
    try:
        message = invitation_email_build(invitation=invitation, texts_cache=texts_cache)
        smtp.send(message)
    except SoftTimeLimitExceeded:
        # Not the message's fault: back to PENDING for a retry, then stop the chunk.
        smtp.close()
        ledger.invitation_put_back(
            invitation_id=invitation.pk,
            attempts=attempts,
            now=now,
            error="The send task ran out of time.",
        )
        raise
    except TRANSIENT_SEND_ERRORS as exc:
        error = ledger.error_text(exc)
        if _is_permanent(exc):
            ledger.invitation_mark_failed(invitation_id=invitation.pk, error=error)
            return "failed"
        smtp.failed(exc)
        return ledger.invitation_retry_or_fail(
            invitation_id=invitation.pk, attempts=attempts, error=error, claimed=True
        )
    except Exception as exc:  # noqa: BLE001 (a bad address or template fails every time)
        ledger.invitation_mark_failed(invitation_id=invitation.pk, error=ledger.error_text(exc))
        return "failed"
    # Recorded right after the server's "250": with the next claim, before the next message,
    # before QUIT.
    sent_at = timezone.now()
    marks.hold(invitation, sent_at)
    smtp.succeeded()
    rules.sent(invitation, sent_at)
    return "sent"


def invitations_send_chunk(*, invitation_ids: Iterable[int]) -> dict[str, int]:
    """Send up to SEND_CHUNK_SIZE invitations over one SMTP connection; returns how many were
    sent, skipped, failed, put back for a retry, taken (not claimable: already sent, being
    sent elsewhere, not due) and handed on (to a new chunk task, when time ran short).

    Safe to run twice, concurrently or after a crash: every row is claimed on its own with
    a conditional UPDATE (PENDING -> SENDING) just before its message, and marked SENT just
    after the server accepted it (in the transaction of the next claim: `_SentMarks`). A
    failure belongs to its row: a 5xx or a bad message fails that row, a 4xx puts it back to
    PENDING with a backoff lease; the chunk goes on. When the connection cannot be (re)opened
    MAX_CONNECTION_FAILURES times in a row, the rows not yet tried are put back with a backoff
    too.

    The rows are read in one query; the send-time rules (survey live, opt-out, contact
    fatigue) in one query each (`SendTimeRules`); texts once per survey and language.
    """
    ids = list(dict.fromkeys(invitation_ids))
    outcome: Counter[str] = Counter()
    if not ids:
        return {}
    started = time.monotonic()
    now = timezone.now()
    rows = list(
        Invitation.objects.filter(ledger.claimable(now), pk__in=ids)
        .select_related("survey", "contact__account", "event__touch_point")
        .order_by("pk")
    )
    outcome["taken"] = len(ids) - len(rows)
    rules = SendTimeRules(rows, now)
    smtp = _SmtpSession()
    marks = _SentMarks()
    texts_cache: dict = {}
    try:
        for index, invitation in enumerate(rows):
            rest = rows[index:]
            if smtp.failures >= MAX_CONNECTION_FAILURES:
                marks.flush()
                for row in rest:
                    outcome[
                        ledger.invitation_retry_or_fail(
                            invitation_id=row.pk,
                            attempts=row.attempts,
                            error=smtp.error,
                            claimed=False,
                        )
                    ] += 1
                break
            if time.monotonic() - started > CHUNK_TIME_BUDGET:
                marks.flush()
                ledger.invitations_enqueue(invitation_ids=[row.pk for row in rest])
                outcome["handed_on"] = len(rest)
                break
            outcome[_chunk_send_one(invitation, smtp, rules, marks, texts_cache)] += 1
    finally:
        try:
            marks.flush()
        finally:
            smtp.close()
    result = {key: count for key, count in outcome.items() if count}
    logger.info(
        "Sent a chunk of %s invitations over %s SMTP connection(s) in %.2f s: %s",
        len(ids), smtp.opened, time.monotonic() - started, result,
    )  # fmt: skip
    return result
