"""Answering a personal survey link: resolve the token, mark it opened, store the response."""

import enum
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import (
    SCALE_TYPES,
    InvitationStatus,
    QuestionType,
    ResponseStatus,
    SurveyStatus,
)
from ..models import Answer, Invitation, Question, Response, Survey
from ..signals import response_completed

TEXT_MAX_LENGTH = 5000
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


def field_name(question: Question) -> str:
    """The form field contract: other code posts `q_<question id>`."""
    return f"q_{question.pk}"


def survey_questions(*, survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("choices").order_by("page", "position", "id"))


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


def invitation_resolve(*, token: str) -> tuple[Invitation | None, LinkState]:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None, LinkState.INVALID
    invitation = (
        Invitation.objects.select_related(
            "survey", "contact", "contact__account", "distribution", "event"
        )
        .filter(token=token)
        .first()
    )
    if invitation is None:
        return None, LinkState.INVALID
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


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_value(question: Question, value: Any) -> list[dict]:
    """Server-side check of one answer; returns the typed columns of its Answer rows."""
    if question.type in SCALE_TYPES:
        low, high = question.scale
        if isinstance(value, bool):
            raise ValidationError(_("Choose a value on the scale."))
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose a value on the scale.")) from None
        if not low <= number <= high:
            raise ValidationError(_("Choose a value on the scale."))
        return [{"number": number}]

    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        by_value = {choice.value: choice for choice in question.choices.all()}
        values = [value] if isinstance(value, str) else list(value)
        if question.type == QuestionType.SINGLE_CHOICE and len(values) != 1:
            raise ValidationError(_("Choose one option."))
        if any(not isinstance(v, str) or v not in by_value for v in values):
            raise ValidationError(_("Choose one of the options shown."))
        return [{"choice": by_value[v]} for v in dict.fromkeys(values)]

    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("Keep your answer under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}
        )
    if "\x00" in value:
        raise ValidationError(_("The answer contains characters that are not allowed."))
    return [{"text": value}]


def answers_clean(*, questions: list[Question], answers: Mapping) -> list[tuple[Question, dict]]:
    """Validate answers keyed by question id; errors are keyed by form field name."""
    by_id = {question.pk: question for question in questions}
    answers = {getattr(key, "pk", key): value for key, value in answers.items()}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise ValidationError(_("An answer does not belong to this survey."))
    rows, errors = [], {}
    for question in questions:
        value = answers.get(question.pk)
        if _is_blank(value):
            if question.required:
                errors[field_name(question)] = [_("This question needs an answer.")]
            continue
        try:
            rows.extend((question, columns) for columns in _clean_value(question, value))
        except ValidationError as error:
            errors[field_name(question)] = error.messages
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def response_submit(*, invitation: Invitation, answers: Mapping, language: str) -> Response:
    """Store one completed response with its answers and complete the invitation.

    `answers` maps question ids to an int (scales), a Choice.value (single choice), a list of
    Choice.values (multiple choice) or a string (free text).
    """
    # The row lock serialises concurrent submits; the OneToOne index is the real guard.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("survey", "contact", "distribution", "event")
        .get(pk=invitation.pk)
    )
    state = invitation_state(invitation)
    if state == LinkState.ANSWERED:
        raise ResponseAlreadySubmitted
    if state != LinkState.VALID:
        raise InvitationNotAnswerable

    survey = invitation.survey
    rows = answers_clean(questions=survey_questions(survey=survey), answers=answers)
    now = timezone.now()
    response = Response(
        survey=survey,
        invitation=invitation,
        distribution=invitation.distribution,
        contact=invitation.contact,
        account_id=invitation.contact.account_id,
        touch_point_id=survey.touch_point_id,
        event=invitation.event,
        attributes=dict(invitation.event.attributes) if invitation.event else {},
        status=ResponseStatus.COMPLETED,
        language=language,
        submitted_at=now,
    )
    # Uniqueness is left to the database so that the race loser gets IntegrityError.
    response.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:
        raise ResponseAlreadySubmitted from error

    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            question_type=question.type,
            survey=survey,
            account_id=response.account_id,
            touch_point_id=response.touch_point_id,
            submitted_at=now,
            **columns,
        )
        for question, columns in rows
    )
    invitation.status = InvitationStatus.COMPLETED
    invitation.completed_at = now
    invitation.save(update_fields=["status", "completed_at"])
    transaction.on_commit(lambda: response_completed.send(sender=Response, response=response))
    return response
