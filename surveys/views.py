"""Public answering pages (no login) and the staff preview of the same form."""

import logging

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from .decorators import (
    client_ip,
    public_page_headers,
    token_guess_record,
    token_guesses_exceeded,
)
from .forms import SurveyResponseForm
from .models import Invitation, Survey
from .services.responses import (
    InvitationNotAnswerable,
    LinkState,
    ResponseAlreadySubmitted,
    answers_clean,
    invitation_mark_opened,
    invitation_resolve,
    response_submit,
    survey_questions,
)
from .services.texts import survey_texts

security_logger = logging.getLogger("surveys.security")

ANSWERED_SESSION_KEY = "surveys_answered_invitations"
TEMPLATES = "surveys/respond/"


def _page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    response = render(request, TEMPLATES + template, context or {}, status=status)
    response["Content-Language"] = translation.get_language()
    return response


def _invalid_link(request: HttpRequest) -> HttpResponse:
    """Unknown, used and expired links get the same page so a guesser learns nothing."""
    count = token_guess_record(request)
    security_logger.warning(
        "Invalid survey link requested from %s (%s, %d this minute)",
        client_ip(request),
        request.method,
        count,
    )
    return _page(request, "invalid.html", status=404)


def _answered_here(request: HttpRequest, invitation: Invitation) -> bool:
    return invitation.pk in request.session.get(ANSWERED_SESSION_KEY, [])


def _remember_answered(request: HttpRequest, invitation: Invitation) -> None:
    answered = request.session.get(ANSWERED_SESSION_KEY, [])
    request.session[ANSWERED_SESSION_KEY] = [*answered, invitation.pk][-20:]


@public_page_headers
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    if token_guesses_exceeded(request):
        security_logger.warning("Survey link lookups rate-limited for %s", client_ip(request))
        return _page(request, "rate_limited.html", status=429)
    invitation, state = invitation_resolve(token=token)
    if state == LinkState.ANSWERED and _answered_here(request, invitation):
        with translation.override(invitation.contact.language):
            return _page(request, "answered.html", status=409)
    if state in (LinkState.INVALID, LinkState.ANSWERED):
        return _invalid_link(request)

    language = invitation.contact.language
    with translation.override(language):
        if state == LinkState.CLOSED:
            return _page(request, "closed.html", status=410)
        survey = invitation.survey
        questions = survey_questions(survey=survey)
        texts = survey_texts(survey=survey, questions=questions, language=language)
        if request.method == "GET":
            invitation_mark_opened(invitation=invitation)
            form = SurveyResponseForm(questions=questions, texts=texts)
            return _page(request, "form.html", {"form": form, "texts": texts})

        form = SurveyResponseForm(request.POST, questions=questions, texts=texts)
        if form.is_valid():
            try:
                response_submit(invitation=invitation, answers=form.answers(), language=language)
            except ValidationError as error:
                form.add_service_errors(error)
            except ResponseAlreadySubmitted:
                return _page(request, "answered.html", status=409)
            except InvitationNotAnswerable:
                return _page(request, "closed.html", status=410)
            else:
                _remember_answered(request, invitation)
                return _page(request, "thank_you.html", {"texts": texts})
        return _page(request, "form.html", {"form": form, "texts": texts})


def _preview_language(request: HttpRequest, survey: Survey) -> str:
    requested = request.GET.get("language", "")
    if requested in dict(settings.LANGUAGES):
        return requested
    return survey.default_language


@staff_member_required
@public_page_headers
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The respondent form for staff: posting validates like a respondent but stores nothing."""
    survey = get_object_or_404(Survey, pk=pk)
    language = _preview_language(request, survey)
    with translation.override(language):
        questions = survey_questions(survey=survey)
        texts = survey_texts(survey=survey, questions=questions, language=language)
        context = {"texts": texts, "preview": True}
        if request.method == "GET":
            form = SurveyResponseForm(questions=questions, texts=texts)
            return _page(request, "form.html", {**context, "form": form})

        form = SurveyResponseForm(request.POST, questions=questions, texts=texts)
        if form.is_valid():
            try:
                answers_clean(questions=questions, answers=form.answers())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _page(request, "thank_you.html", context)
        return _page(request, "form.html", {**context, "form": form})
