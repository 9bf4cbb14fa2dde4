"""Public answering pages (no login) and the staff preview of the same form.

URL contract of `/s/<token>/` (the token is the credential):

* GET shows the page where the respondent left off (the first page with an unanswered
  required question); `?page=<n>` (a Question.page number) opens another shown page up to that
  one; `?lang=<code>` switches to one of the survey's languages and is remembered for this
  invitation in a signed cookie (no database session on these pages, see
  `_RespondentCookies`); `?score=<n>` preselects n on the survey's opening scale question (see
  `first_scale_question`) without storing anything. Invalid values are ignored.
* POST with `page` (a hidden field) saves that page and redirects (303) to the next page, or
  completes the response on the last page and shows the thank-you page (200). `nav=back`
  saves what is valid and goes to the previous page.
* POST without `page` is a whole-survey submission: every question's `q_<question id>` in one
  post, as single-page forms, scripts and the benchmark send it.
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import logic
from .decorators import (
    client_ip,
    public_page,
    public_page_headers,
    token_guess_record,
    token_guesses_exceeded,
)
from .forms import SurveyResponseForm
from .models import Invitation, Question, Survey
from .selectors.questions import first_scale_question, survey_questions
from .services.answers import answers_clean, field_name
from .services.responses import (
    InvitationNotAnswerable,
    LinkState,
    ResponseAlreadySubmitted,
    invitation_mark_opened,
    invitation_resolve,
    response_answers,
    response_for_invitation,
    response_page_save,
    response_submit,
    response_submit_locked,
)
from .services.texts import (
    SurveyTexts,
    invitation_piping,
    sample_piping,
    survey_language_codes,
    survey_texts,
)

security_logger = logging.getLogger("surveys.security")

ANSWERED_COOKIE = "cem_answered"
LANGUAGE_COOKIE = "cem_language"
COOKIE_MEMORY = 20  # invitations remembered per browser, the latest kept
TEMPLATES = "surveys/respond/"


def _page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    return public_page(request, TEMPLATES + template, context, status=status)


def _redirect(url: str) -> HttpResponse:
    # 303: the browser follows with a GET, so reloading the next page never re-posts.
    return HttpResponse(status=303, headers={"Location": url})


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


class _RespondentCookies:
    """What this browser did with personal links: the invitations it completed (they get
    "already answered" instead of the invalid-link page) and the language chosen per invitation.

    Signed cookies (httponly, SameSite=Lax, path limited to the answering pages) rather than
    the database session, so answering costs no session read or write. Values are invitation
    ids, never tokens; the signature stops a browser from claiming another invitation.
    """

    def __init__(self, request: HttpRequest):
        self.request = request
        self.pending: dict[str, str] = {}

    def _read(self, name: str) -> list[str]:
        value = self.request.get_signed_cookie(
            name, default="", salt=f"surveys.respond.{name}", max_age=self.max_age
        )
        return [item for item in value.split(".") if item]

    @property
    def max_age(self) -> int:
        return settings.SESSION_COOKIE_AGE

    def answered(self) -> set[str]:
        return set(self._read(ANSWERED_COOKIE))

    def remember_answered(self, invitation: Invitation) -> None:
        key = str(invitation.pk)
        kept = [item for item in self._read(ANSWERED_COOKIE) if item != key]
        self.pending[ANSWERED_COOKIE] = ".".join([*kept, key][-COOKIE_MEMORY:])

    def languages(self) -> dict[str, str]:
        pairs = (item.partition("-") for item in self._read(LANGUAGE_COOKIE))
        return {key: code for key, _sep, code in pairs if key and code}

    def remember_language(self, invitation: Invitation, code: str) -> None:
        key = str(invitation.pk)
        chosen = {k: v for k, v in self.languages().items() if k != key}
        chosen[key] = code
        items = [f"{k}-{v}" for k, v in chosen.items()][-COOKIE_MEMORY:]
        self.pending[LANGUAGE_COOKIE] = ".".join(items)

    def apply(self, response: HttpResponse, path: str) -> HttpResponse:
        for name, value in self.pending.items():
            response.set_signed_cookie(
                name,
                value,
                salt=f"surveys.respond.{name}",
                max_age=self.max_age,
                path=path,
                httponly=True,
                secure=self.request.is_secure(),
                samesite="Lax",
            )
        return response


def _cookies(request: HttpRequest) -> _RespondentCookies:
    if not hasattr(request, "_surveys_cookies"):
        request._surveys_cookies = _RespondentCookies(request)
    return request._surveys_cookies


def _answered_here(request: HttpRequest, invitation: Invitation) -> bool:
    return str(invitation.pk) in _cookies(request).answered()


def _remember_answered(request: HttpRequest, invitation: Invitation) -> None:
    _cookies(request).remember_answered(invitation)


def _offered_languages(invitation: Invitation) -> list[str]:
    """The survey's languages, plus the contact's own (texts fall back per key)."""
    codes = survey_language_codes(invitation.survey)
    contact_language = invitation.contact.language
    if contact_language not in codes and contact_language in dict(settings.LANGUAGES):
        codes.append(contact_language)
    return codes


def _respondent_language(request: HttpRequest, invitation: Invitation) -> str:
    """`?lang=` (remembered per invitation), else the remembered choice, else the contact's
    language; never a language outside the survey's languages and the contact's own."""
    offered = _offered_languages(invitation)
    cookies = _cookies(request)
    key = str(invitation.pk)
    requested = request.GET.get("lang")
    if requested in offered:
        if cookies.languages().get(key) != requested:
            cookies.remember_language(invitation, requested)
        return requested
    for candidate in (cookies.languages().get(key), invitation.contact.language):
        if candidate in offered:
            return candidate
    return invitation.survey.default_language


def _language_links(codes: list[str], current: str, param: str, extra: dict) -> list[dict]:
    if len(codes) < 2:
        return []
    links = []
    for code in codes:
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "bidi": info["bidi"],
                "url": "?" + urlencode({param: code, **extra}),
                "current": code == current,
            }
        )
    return links


def _int_param(raw: Any) -> int | None:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 4:
        return None
    return int(raw)


def _score_initial(request: HttpRequest, survey: Survey) -> tuple[Question | None, int | None]:
    """`?score=n` from the email's scale links; out-of-range or malformed scores are ignored."""
    raw = request.GET.get("score")
    score = _int_param(raw.strip() if isinstance(raw, str) else raw)
    if score is None:
        return None, None
    question = first_scale_question(survey)
    if question is None:
        return None, None
    low, high = question.scale
    return (question, score) if low <= score <= high else (None, None)


def _initial(questions: list[Question], answers: dict) -> dict[str, Any]:
    return {field_name(q): answers[q.pk] for q in questions if q.pk in answers}


class _Respondent:
    """What one request knows about an invitation's survey and its saved answers."""

    def __init__(self, invitation: Invitation, language: str, *, locked: bool = False):
        self.invitation = invitation
        self.locked = locked  # the invitation's row lock is held (a whole-survey submit)
        self.survey = invitation.survey
        self.language = language
        self.questions = survey_questions(survey=self.survey)
        self.texts: SurveyTexts = survey_texts(
            survey=self.survey,
            questions=self.questions,
            language=language,
            piping=invitation_piping(invitation),
        )
        self.response = response_for_invitation(invitation=invitation)
        self.saved = response_answers(response=self.response)
        self.url = reverse("surveys:respond", args=[invitation.token])

    @property
    def pages(self) -> list[int]:
        return logic.visible_pages(self.questions, self.saved) or [1]

    def resume_page(self) -> int:
        return logic.resume_page(self.questions, self.saved) or self.pages[0]

    def page_url(self, page: int) -> str:
        return f"{self.url}?{urlencode({'page': page})}"

    def form(self, page: int, data=None, initial=None) -> SurveyResponseForm:
        return SurveyResponseForm(
            data,
            questions=logic.renderable_questions(self.questions, self.saved, page=page),
            all_questions=self.questions,
            prior_answers={k: v for k, v in self.saved.items() if self._page_of(k) != page},
            texts=self.texts,
            initial=initial,
        )

    def whole_form(self, data) -> SurveyResponseForm:
        return SurveyResponseForm(
            data,
            questions=logic.renderable_questions(self.questions, self.saved),
            all_questions=self.questions,
            texts=self.texts,
        )

    def _page_of(self, question_id: int) -> int | None:
        return next((q.page for q in self.questions if q.pk == question_id), None)

    def render(self, request, form: SurveyResponseForm, page: int) -> HttpResponse:
        answers = {**self.saved}
        pages = logic.expected_pages(self.questions, answers) or [page]
        position = pages.index(page) + 1 if page in pages else 1
        context = {
            "form": form,
            "texts": self.texts,
            "page": page,
            "form_action": self.url,
            "first_page": position == 1,
            "has_back": logic.page_before(self.questions, answers, page) is not None,
            "is_last": logic.page_after(self.questions, answers, page) is None,
            "progress": {"position": position, "total": len(pages)} if len(pages) > 1 else None,
            "language_links": _language_links(
                _offered_languages(self.invitation),
                self.language,
                "lang",
                {"page": page} if len(pages) > 1 else {},
            ),
        }
        return _page(request, "form.html", context)


@csrf_exempt
@public_page_headers
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and "page" not in request.POST:
        # A whole-survey submit reads the link under its row lock, then the saved response,
        # and completes it in this one transaction: one read of each instead of two.
        with transaction.atomic():
            response = _respond(request, token, lock=True)
            if response.status_code != 200:
                transaction.set_rollback(True)  # nothing to keep from a refused submit
    else:
        response = _respond(request, token)
    cookies = getattr(request, "_surveys_cookies", None)
    if cookies is not None and cookies.pending:
        # Every personal link lives under the same prefix: /s/<token>/ -> /s/
        cookies.apply(response, path=reverse("surveys:respond", args=["x"])[: -len("x/")])
    return response


def _respond(request: HttpRequest, token: str, *, lock: bool = False) -> HttpResponse:
    if token_guesses_exceeded(request):
        security_logger.warning("Survey link lookups rate-limited for %s", client_ip(request))
        return _page(request, "rate_limited.html", status=429)
    invitation, state = invitation_resolve(token=token, lock=lock)
    if state == LinkState.ANSWERED and _answered_here(request, invitation):
        with translation.override(_respondent_language(request, invitation)):
            return _page(request, "answered.html", status=409)
    if state in (LinkState.INVALID, LinkState.ANSWERED):
        return _invalid_link(request)

    language = _respondent_language(request, invitation)
    with translation.override(language):
        if state == LinkState.CLOSED:
            return _page(request, "closed.html", status=410)
        respondent = _Respondent(invitation, language, locked=lock)
        if request.method == "GET":
            return _respond_get(request, respondent)
        try:
            return _respond_post(request, respondent)
        except ResponseAlreadySubmitted:
            return _page(request, "answered.html", status=409)
        except InvitationNotAnswerable:
            return _page(request, "closed.html", status=410)


def _respond_get(request: HttpRequest, respondent: _Respondent) -> HttpResponse:
    invitation_mark_opened(invitation=respondent.invitation)
    pages, resume = respondent.pages, respondent.resume_page()
    page = _int_param(request.GET.get("page"))
    if page not in pages or page > resume:
        page = resume  # no skipping ahead of an unanswered required question
    initial = _initial(respondent.questions, respondent.saved)
    question, score = _score_initial(request, respondent.survey)
    if question is not None and question.page in pages and question.pk not in respondent.saved:
        # The click only preselects: nothing is stored until the respondent sends the page.
        # A saved answer wins (the link is opened again, or by a mail scanner).
        page = question.page
        initial[field_name(question)] = score
    return respondent.render(request, respondent.form(page, initial=initial), page)


def _respond_post(request: HttpRequest, respondent: _Respondent) -> HttpResponse:
    invitation, language = respondent.invitation, respondent.language
    if "page" not in request.POST:
        return _submit_whole_survey(request, respondent)

    page = _int_param(request.POST.get("page"))
    if page not in respondent.pages:
        return _redirect(respondent.page_url(respondent.resume_page()))
    form = respondent.form(page, data=request.POST)

    if request.POST.get("nav") == "back":
        form.is_valid()  # keep what is valid; going back requires nothing
        response_page_save(
            invitation=invitation,
            page=page,
            answers=form.answers(),
            language=language,
            partial=True,
        )
        saved = response_answers(response=response_for_invitation(invitation=invitation))
        previous = logic.page_before(respondent.questions, saved, page)
        return _redirect(respondent.page_url(previous or page))

    if form.is_valid():
        answers = form.answers()
        merged = {**respondent.saved, **answers}
        following = logic.page_after(respondent.questions, merged, page)
        try:
            if following is not None:
                response_page_save(
                    invitation=invitation, page=page, answers=answers, language=language
                )
                return _redirect(respondent.page_url(following))
            response_submit(
                invitation=invitation,
                answers=answers,
                language=language,
                questions=respondent.questions,
            )
        except ValidationError as error:
            if not _errors_on_form(error, form):
                # An earlier page misses an answer (a changed condition): keep this page's
                # answers and send the respondent there.
                response_page_save(
                    invitation=invitation,
                    page=page,
                    answers=answers,
                    language=language,
                    partial=True,
                )
                saved = response_answers(response=response_for_invitation(invitation=invitation))
                resume = logic.resume_page(respondent.questions, saved) or page
                return _redirect(respondent.page_url(resume))
            form.add_service_errors(error)
        else:
            _remember_answered(request, invitation)
            return _page(request, "thank_you.html", {"texts": respondent.texts})
    return respondent.render(request, form, page)


def _errors_on_form(error: ValidationError, form: SurveyResponseForm) -> bool:
    if not hasattr(error, "error_dict"):
        return True
    return all(name in form.fields for name in error.error_dict)


def _submit_whole_survey(request: HttpRequest, respondent: _Respondent) -> HttpResponse:
    form = respondent.whole_form(request.POST)
    if form.is_valid():
        submit = response_submit_locked if respondent.locked else response_submit
        extra = {"response": respondent.response} if respondent.locked else {}
        try:
            submit(
                invitation=respondent.invitation,
                answers=form.answers(),
                language=respondent.language,
                questions=respondent.questions,
                **extra,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _remember_answered(request, respondent.invitation)
            return _page(request, "thank_you.html", {"texts": respondent.texts})
    page = respondent.pages[0]
    return respondent.render(request, form, page)


def _preview_language(request: HttpRequest, survey: Survey) -> str:
    requested = request.GET.get("language", "")
    if requested in dict(settings.LANGUAGES):
        return requested
    return survey.default_language


@staff_member_required
@public_page_headers(referrer_policy="same-origin")
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The respondent form for staff, every page at once, placeholders filled with sample
    values; posting validates like a respondent but stores nothing."""
    survey = get_object_or_404(Survey, pk=pk)
    language = _preview_language(request, survey)
    with translation.override(language):
        questions = survey_questions(survey=survey)
        texts = survey_texts(
            survey=survey, questions=questions, language=language, piping=sample_piping()
        )
        context = {
            "texts": texts,
            "preview": True,
            "first_page": True,
            "is_last": True,
            "form_action": "",
            "language_links": _language_links(
                survey_language_codes(survey), language, "language", {}
            ),
        }
        data = request.POST if request.method == "POST" else None
        form = SurveyResponseForm(
            data,
            questions=logic.renderable_questions(questions, {}),
            all_questions=questions,
            texts=texts,
        )
        if request.method == "POST" and form.is_valid():
            try:
                answers_clean(questions=questions, answers=form.answers())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _page(request, "thank_you.html", context)
        return _page(request, "form.html", {**context, "form": form})
