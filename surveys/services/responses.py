"""Storing answers: a personal link's response (resolve the token, mark it opened, save pages,
submit) and, at the end, the anonymous open link's.

A response is stored as soon as the respondent finishes the first page of a multi-page survey:
status `in_progress`, answers with `submitted_at` NULL (metrics count submitted answers only).
It is keyed by the invitation (the OneToOne index), so the same link resumes on any device.
Completion sets the status, stamps `submitted_at` on the response and all its answers,
completes the invitation and sends `response_completed` after commit, exactly once.
"""

import enum
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import TouchPointEvent

from .. import logic
from ..constants import SCALE_TYPES, InvitationStatus, QuestionType, ResponseStatus, SurveyStatus
from ..models import Answer, Invitation, Question, Response, Survey
from ..selectors.questions import survey_questions
from ..signals import response_completed
from .answers import answer_rows, answers_by_id, answers_clean, answers_validate

TOKEN_MAX_LENGTH = 64
ANSWERABLE_STATUSES = (
    InvitationStatus.PENDING,
    InvitationStatus.SENDING,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
)


class ResponseAlreadySubmitted(Exception):
    """The invitation already has its one response."""


class InvitationNotAnswerable(Exception):
    """The link expired, failed, was skipped, or its survey is not live."""


class LinkState(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"  # unknown, expired, failed, skipped, draft survey: all look alike
    ANSWERED = "answered"
    CLOSED = "closed"


def invitation_state(invitation: Invitation, *, now=None) -> LinkState:
    now = now or timezone.now()
    survey = invitation.survey
    if survey.status == SurveyStatus.DRAFT:
        return LinkState.INVALID
    if invitation.status == InvitationStatus.COMPLETED:
        return LinkState.ANSWERED
    if invitation.status not in ANSWERABLE_STATUSES:
        return LinkState.INVALID
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return LinkState.INVALID
    closes_at = invitation.distribution.closes_at if invitation.distribution else None
    if survey.status != SurveyStatus.LIVE or (closes_at is not None and closes_at <= now):
        return LinkState.CLOSED
    return LinkState.VALID


def invitation_resolve(*, token: str, lock: bool = False) -> tuple[Invitation | None, LinkState]:
    """The invitation of a link and its state. `lock` (inside the caller's transaction) takes
    the invitation's row lock with the same read, for `response_submit_locked`."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None, LinkState.INVALID
    # Every join costs PostgreSQL planning time on each request (the statements are not
    # prepared): join what every link needs, and the event only for invitations that have one.
    # The account only matters to texts that pipe `{account.name}` (`invitation_piping` loads
    # it then); responses take the contact's account_id.
    queryset = Invitation.objects.select_related("survey", "contact", "distribution")
    if lock:
        # `of=self`: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
        queryset = queryset.select_for_update(of=("self",))
    # The token is unique: no ORDER BY (first() would add one).
    invitation = next(iter(queryset.filter(token=token).order_by()[:1]), None)
    if invitation is None:
        return None, LinkState.INVALID
    if invitation.event_id is not None:
        invitation.event = TouchPointEvent.objects.select_related("touch_point").get(
            pk=invitation.event_id
        )
    return invitation, invitation_state(invitation)


def invitation_mark_opened(*, invitation: Invitation) -> bool:
    """First open of a sent link; a conditional UPDATE so it happens once, even under races."""
    now = timezone.now()
    updated = Invitation.objects.filter(
        pk=invitation.pk, status=InvitationStatus.SENT, opened_at__isnull=True
    ).update(status=InvitationStatus.OPENED, opened_at=now)
    if updated:
        invitation.status, invitation.opened_at = InvitationStatus.OPENED, now
    return bool(updated)


def response_answers(*, response: Response | None) -> dict[int, Any]:
    """The stored answers of a response in the shape `response_submit` takes."""
    if response is None:
        return {}
    answers: dict[int, Any] = {}
    rows = response.answers.values_list(
        "question_id", "question_type", "number", "choice__value", "text"
    )
    for question_id, question_type, number, choice_value, text in rows.order_by(
        "choice__position", "id"
    ):
        if question_type in SCALE_TYPES:
            answers[question_id] = number
        elif question_type == QuestionType.MULTIPLE_CHOICE:
            answers.setdefault(question_id, []).append(choice_value)
        elif question_type == QuestionType.SINGLE_CHOICE:
            answers[question_id] = choice_value
        else:
            answers[question_id] = text
    return answers


def response_for_invitation(*, invitation: Invitation) -> Response | None:
    # One per invitation (a unique index): no ORDER BY (first() would add one).
    return next(iter(Response.objects.filter(invitation=invitation).order_by()[:1]), None)


_LOCK_RELATIONS = ("survey", "contact", "distribution", "event")


def _locked_invitation(invitation: Invitation) -> Invitation:
    # The row lock serialises concurrent saves and submits; the OneToOne index is the real guard.
    # `of=self`: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
    # The invitation's own row is read again under the lock; related rows the caller already
    # loaded (`invitation_resolve` does, moments earlier) are reused rather than joined again:
    # they are not locked either way, and joining them costs the planner more than the lock.
    loaded = {
        name: getattr(invitation, name)
        for name in _LOCK_RELATIONS
        if Invitation._meta.get_field(name).is_cached(invitation)
    }
    queryset = Invitation.objects.select_for_update(of=("self",)).order_by()
    missing = [name for name in _LOCK_RELATIONS if name not in loaded]
    if missing:
        queryset = queryset.select_related(*missing)
    locked = queryset.get(pk=invitation.pk)
    for name, related in loaded.items():
        if getattr(locked, f"{name}_id") == (related.pk if related is not None else None):
            setattr(locked, name, related)
    invitation = locked
    state = invitation_state(invitation)
    if state == LinkState.ANSWERED:
        raise ResponseAlreadySubmitted
    if state != LinkState.VALID:
        raise InvitationNotAnswerable
    return invitation


# Set from loaded, trusted objects: `full_clean` would check each with a SELECT, and the
# database's foreign keys guard them anyway.
_RESPONSE_FOREIGN_KEYS = (
    "survey",
    "invitation",
    "distribution",
    "contact",
    "account",
    "touch_point",
    "event",
)


def _new_response(invitation: Invitation, *, status: str, language: str, now=None) -> Response:
    survey = invitation.survey
    response = Response(
        survey=survey,
        invitation=invitation,
        distribution=invitation.distribution,
        contact=invitation.contact,
        account_id=invitation.contact.account_id,
        touch_point_id=survey.touch_point_id,
        event=invitation.event,
        attributes=dict(invitation.event.attributes) if invitation.event else {},
        status=status,
        language=language,
        submitted_at=now,
    )
    # Uniqueness is left to the database so that the race loser gets IntegrityError.
    response.full_clean(exclude=_RESPONSE_FOREIGN_KEYS, validate_unique=False)
    return response


@transaction.atomic
def response_page_save(
    *, invitation: Invitation, page: int, answers: Mapping, language: str, partial: bool = False
) -> Response:
    """Store the answers of one page of a multi-page survey in the in-progress response.

    `answers` holds the page's questions (blank values clear an answer). `partial` (going
    back) keeps whatever is valid and does not require answers. Answers of questions that the
    new answers skip, anywhere in the survey, are removed.
    """
    invitation = _locked_invitation(invitation)
    response = Response.objects.filter(invitation=invitation).first()
    if response is not None and response.status != ResponseStatus.IN_PROGRESS:
        raise ResponseAlreadySubmitted
    questions = survey_questions(survey=invitation.survey)
    on_page = [question for question in questions if question.page == page]
    posted = answers_by_id(answers)
    if set(posted) - {question.pk for question in on_page}:
        raise ValidationError(_("An answer does not belong to this page."))

    merged = {**response_answers(response=response), **posted}
    rows, errors = answers_validate(
        questions=questions, answers=merged, checked=on_page, required=not partial
    )
    if errors and not partial:
        raise ValidationError(errors)
    valid_ids = {question.pk for question, _columns in rows}
    merged.update({pk: None for pk in posted if pk not in valid_ids})
    shown = {question.pk for question in logic.visible_questions(questions, merged)}

    if response is None:
        response = _new_response(invitation, status=ResponseStatus.IN_PROGRESS, language=language)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError as error:  # completed meanwhile by another request
            raise ResponseAlreadySubmitted from error
    elif response.language != language:
        response.language = language
        response.save(update_fields=["language"])

    stale = response.answers.filter(question__in=on_page) | response.answers.exclude(
        question__in=shown
    )
    stale.delete()
    Answer.objects.bulk_create(answer_rows(response, rows, submitted_at=None))
    return response


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation,
    answers: Mapping,
    language: str,
    questions: list[Question] | None = None,
) -> Response:
    """Complete the invitation's response with `answers` and the saved in-progress answers.

    `answers` maps question ids to an int (scales), a Choice.value (single choice), a list of
    Choice.values (multiple choice) or a string (free text); they override saved answers of
    the same questions. The whole survey is validated: answers to skipped questions are
    dropped and every shown required question must be answered. A completed response is
    final: a second submit, or the loser of a concurrent one, raises ResponseAlreadySubmitted.
    `questions` is `survey_questions(survey=invitation.survey)` when the caller has it.
    """
    invitation = _locked_invitation(invitation)
    response = Response.objects.filter(invitation=invitation).first()
    return _complete(invitation, response, answers, language, questions)


def response_submit_locked(
    *,
    invitation: Invitation,
    response: Response | None,
    answers: Mapping,
    language: str,
    questions: list[Question],
) -> Response:
    """`response_submit` for a caller that holds the lock already: inside its transaction it
    resolved the link with `invitation_resolve(lock=True)` and then read `response` (the
    invitation's response or None) and `questions`. Saves the second lock and reads; the
    caller's transaction is the submit's (no savepoint): an exception must leave it."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("response_submit_locked needs a transaction")
    state = invitation_state(invitation)
    if state == LinkState.ANSWERED:
        raise ResponseAlreadySubmitted
    if state != LinkState.VALID:
        raise InvitationNotAnswerable
    return _complete(invitation, response, answers, language, questions)


def _complete(
    invitation: Invitation,
    response: Response | None,
    answers: Mapping,
    language: str,
    questions: list[Question] | None,
) -> Response:
    if response is not None and response.status != ResponseStatus.IN_PROGRESS:
        raise ResponseAlreadySubmitted

    if questions is None:
        questions = survey_questions(survey=invitation.survey)
    merged = {**response_answers(response=response), **answers_by_id(answers)}
    rows = answers_clean(questions=questions, answers=merged)
    now = timezone.now()
    if response is None:
        response = _new_response(
            invitation, status=ResponseStatus.COMPLETED, language=language, now=now
        )
        try:
            response.save(force_insert=True)
        except IntegrityError as error:
            # The race loser. No savepoint: save() marks the transaction for rollback and the
            # exception leaves the atomic block, which rolls the whole submit back (or back
            # to its savepoint, when nested).
            raise ResponseAlreadySubmitted from error
    else:
        # Conditional update: of two concurrent completions exactly one changes the row.
        completed = Response.objects.filter(
            pk=response.pk, status=ResponseStatus.IN_PROGRESS
        ).update(status=ResponseStatus.COMPLETED, submitted_at=now, language=language)
        if not completed:
            raise ResponseAlreadySubmitted
        response.status, response.submitted_at, response.language = (
            ResponseStatus.COMPLETED,
            now,
            language,
        )
        response.answers.all().delete()

    Answer.objects.bulk_create(answer_rows(response, rows, submitted_at=now))
    invitation.status = InvitationStatus.COMPLETED
    invitation.completed_at = now
    invitation.save(update_fields=["status", "completed_at"])
    transaction.on_commit(lambda: response_completed.send(sender=Response, response=response))
    return response


# ------------------------------------------------------------------ the anonymous open link


@transaction.atomic
def open_response_submit(*, survey: Survey, answers: Mapping, language: str) -> Response:
    """Store an anonymous response (no invitation, contact or account) to a live open link.

    The once-per-browser guard is the view's job: an open link has no ledger row to lock.
    """
    survey = Survey.objects.get(pk=survey.pk)  # the state now, not when the page was shown
    if not (survey.is_live and survey.open_link_enabled):
        raise ValidationError(_("This survey is not open."), code="not_open")
    rows = answers_clean(questions=survey_questions(survey=survey), answers=answers)
    now = timezone.now()
    response = Response(
        survey=survey,
        touch_point_id=survey.touch_point_id,
        status=ResponseStatus.COMPLETED,
        language=language,
        submitted_at=now,
        attributes={"channel": "open_link"},
    )
    response.full_clean()
    response.save()
    Answer.objects.bulk_create(answer_rows(response, rows, submitted_at=now))
    transaction.on_commit(lambda: response_completed.send(sender=Response, response=response))
    return response
