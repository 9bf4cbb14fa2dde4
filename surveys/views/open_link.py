"""The anonymous open link of a survey: /s/open/<slug>/ (pulse surveys, typically).

No token and no ledger row, so the guards are of another kind: once per browser (a signed
cookie plus a session flag; a cleared cookie jar can answer again, which is the nature of an
anonymous link) and a per-address limit in the shared cache against floods (429,
cem_project.ratelimits).
"""

import logging

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cem_project.ratelimits import OPEN_LINK_SUBMITS, limit_hit

from ..constants import SurveyStatus
from ..forms import SurveyResponseForm
from ..models import Survey
from ..selectors.questions import survey_questions
from ..services.responses import open_response_submit
from ..services.texts import survey_language_codes, survey_texts
from .public import client_ip, public_page, public_page_headers, refuse_file_uploads

security_logger = logging.getLogger("surveys.security")

TEMPLATES = "surveys/open/"
SESSION_KEY = "surveys_open_answered"
COOKIE_SALT = "surveys.open-link.answered"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    return public_page(request, TEMPLATES + template, context, status=status)


def _cookie_name(survey: Survey) -> str:
    return f"cem_open_{survey.pk}"


def _answered_here(request: HttpRequest, survey: Survey) -> bool:
    if survey.pk in request.session.get(SESSION_KEY, []):
        return True
    value = request.get_signed_cookie(
        _cookie_name(survey), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return value == str(survey.pk)


def _remember_answered(request: HttpRequest, response: HttpResponse, survey: Survey) -> None:
    answered = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*answered, survey.pk][-50:]
    response.set_signed_cookie(
        _cookie_name(survey),
        str(survey.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )


def _language(request: HttpRequest, survey: Survey) -> str:
    """`?lang=` if offered, else the browser's language if offered, else the default."""
    offered = survey_language_codes(survey)
    requested = request.GET.get("lang", "")
    if requested in offered:
        return requested
    browser = translation.get_language_from_request(request)
    return browser if browser in offered else survey.default_language


@csrf_exempt  # see public_page_headers; the once-per-browser guard is its own signed cookie
@public_page_headers
@require_http_methods(["GET", "POST"])
@refuse_file_uploads
def open_respond(request: HttpRequest, slug: str) -> HttpResponse:
    survey = Survey.objects.filter(slug=slug[:80], open_link_enabled=True).first()
    if survey is None or survey.status == SurveyStatus.DRAFT:
        return _page(request, "not_found.html", status=404)
    language = _language(request, survey)
    with translation.override(language):
        if survey.status != SurveyStatus.LIVE:
            return _page(request, "closed.html", status=410)
        if _answered_here(request, survey):
            return _page(request, "answered.html", status=409)
        if request.method == "POST" and limit_hit(request, OPEN_LINK_SUBMITS):
            security_logger.warning("Open-link submissions rate-limited for %s", client_ip(request))
            return _page(request, "rate_limited.html", status=429)

        questions = survey_questions(survey=survey)
        texts = survey_texts(survey=survey, questions=questions, language=language)
        context = {"texts": texts, "survey": survey}
        if request.method == "GET":
            form = SurveyResponseForm(questions=questions, texts=texts)
            return _page(request, "form.html", {**context, "form": form})

        form = SurveyResponseForm(request.POST, questions=questions, texts=texts)
        if form.is_valid():
            try:
                open_response_submit(survey=survey, answers=form.answers(), language=language)
            except ValidationError as error:
                if getattr(error, "code", None) == "not_open":
                    return _page(request, "closed.html", status=410)
                form.add_service_errors(error)
            else:
                response = _page(request, "thank_you.html", context)
                _remember_answered(request, response, survey)
                return response
        return _page(request, "form.html", {**context, "form": form})
