"""The personal survey link `/s/<token>/` (no login: the token is the credential).

The view reads the request (`?page=`, `?lang=`, `?score=`, the posted `page` and `nav`, the
browser's signed cookies), asks `surveys.services.respond` what comes next, and renders it.
Page flow, skip logic and the submit's transaction live in that service.

* GET shows the page where the respondent left off; `?page=<n>` (a Question.page number) opens
  another shown page up to that one; `?lang=<code>` switches to one of the survey's languages
  and is remembered for this invitation in a signed cookie (see `cookies.RespondentCookies`);
  `?score=<n>` preselects n on the survey's opening scale question without storing anything.
  Invalid values are ignored.
* POST with `page` (a hidden field) saves that page and redirects (303) to the next page, or
  completes the response on the last page and shows the thank-you page (200). `nav=back`
  saves what is valid and goes to the previous page.
* POST without `page` is a whole-survey submission: every question's `q_<question id>` in one
  post, as single-page forms, scripts and the benchmark send it.
"""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cem_project.ratelimits import LINK_FAILURES, limit_hit

from ..forms import SurveyResponseForm
from ..services.respond import (
    LanguageRequest,
    PostedPage,
    Step,
    StepKind,
    respond_open,
    respond_post,
    respondent_languages,
)
from .cookies import RespondentCookies
from .public import (
    client_ip,
    language_links,
    public_page,
    public_page_headers,
    refuse_file_uploads,
)

security_logger = logging.getLogger("surveys.security")

TEMPLATES = "surveys/respond/"


def _page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    return public_page(request, TEMPLATES + template, context, status=status)


def _redirect(url: str) -> HttpResponse:
    # 303: the browser follows with a GET, so reloading the next page never re-posts.
    return HttpResponse(status=303, headers={"Location": url})


def _int_param(raw: Any) -> int | None:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 4:
        return None
    return int(raw)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    """Unknown, used and expired links get the same page so a guesser learns nothing.

    Only these failed lookups count against the address (LINK_FAILURES), after the lookup: a
    valid link is served whatever was guessed from the same address."""
    if limit_hit(request, LINK_FAILURES):
        security_logger.warning("Survey link lookups rate-limited for %s", client_ip(request))
        return _page(request, "rate_limited.html", status=429)
    security_logger.warning(
        "Invalid survey link requested from %s (%s)", client_ip(request), request.method
    )
    return _page(request, "invalid.html", status=404)


@csrf_exempt
@public_page_headers
@require_http_methods(["GET", "POST"])
@refuse_file_uploads
def respond(request: HttpRequest, token: str) -> HttpResponse:
    cookies = RespondentCookies(request)
    wish = LanguageRequest(requested=request.GET.get("lang"), remembered=cookies.languages())
    if request.method == "GET":
        score = request.GET.get("score")
        step = respond_open(
            token=token,
            wish=wish,
            form_class=SurveyResponseForm,
            page=_int_param(request.GET.get("page")),
            score=_int_param(score.strip() if isinstance(score, str) else score),
        )
    else:
        posted = None  # without `page`: the whole survey
        if "page" in request.POST:
            posted = PostedPage(
                _int_param(request.POST.get("page")), back=request.POST.get("nav") == "back"
            )
        step = respond_post(
            token=token, wish=wish, form_class=SurveyResponseForm, data=request.POST, page=posted
        )
    return cookies.apply(_render(request, step, cookies))


def _render(request: HttpRequest, step: Step, cookies: RespondentCookies) -> HttpResponse:
    if step.kind == StepKind.INVALID:
        return _invalid_link(request)
    if step.kind == StepKind.ANSWERED and not cookies.answered_here(step.invitation):
        if request.method != "POST" or not step.answered_moments_ago:
            return _invalid_link(request)
        # A double click's (or a parallel retry's) losing posts: "already answered", not
        # "invalid link", and remembered like the winner's browser.
        cookies.remember_answered(step.invitation)
    if step.remember_language:
        cookies.remember_language(step.invitation, step.language)
    with translation.override(step.language):
        if step.kind in (StepKind.ANSWERED, StepKind.ALREADY_SUBMITTED):
            return _page(request, "answered.html", status=409)
        if step.kind == StepKind.CLOSED:
            return _page(request, "closed.html", status=410)
        if step.kind == StepKind.COMPLETED:
            cookies.remember_answered(step.invitation)
            return _page(request, "thank_you.html", {"texts": step.respondent.texts})
        url = reverse("surveys:respond", args=[step.invitation.token])
        if step.kind == StepKind.REDIRECT:
            return _redirect(f"{url}?{urlencode({'page': step.page})}")
        return _form_page(request, step, url)


def _form_page(request: HttpRequest, step: Step, url: str) -> HttpResponse:
    info = step.respondent.page_info(step.page)
    context = {
        "form": step.form,
        "texts": step.respondent.texts,
        "page": step.page,
        "form_action": url,
        "first_page": info.position == 1,
        "has_back": info.has_back,
        "is_last": info.is_last,
        "progress": {"position": info.position, "total": info.total} if info.total > 1 else None,
        "language_links": language_links(
            respondent_languages(step.invitation),
            step.language,
            "lang",
            {"page": step.page} if info.total > 1 else {},
        ),
    }
    return _page(request, "form.html", context)
