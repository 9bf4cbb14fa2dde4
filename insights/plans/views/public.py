"""The customer's view of a shared plan, `/p/<token>/`: no login, the link is the credential.

Read-only, in the contact's language (right to left for Persian), built from the published
version's frozen content: no internal notes, no cases, no other account, only the verbatims
the team picked. The contact may acknowledge the plan and comment on each action; each POST
redirects (303) back to the page. Unknown, revoked and expired links get one identical 404,
counted by the survey links' per-address limiter (429 past it). Every response carries the
survey links' headers: no-referrer, no-store, the strict CSP, no framing.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage

# The survey links' protections, reused as they are: one limiter for every public link.
from cem_project.ratelimits import LINK_FAILURES, client_ip, limit_hit
from surveys.views.public import public_page, public_page_headers, refuse_file_uploads

from ...reports import ReportRenderError
from ..models import ActionComment, PlanAcknowledgement, PlanShare
from ..rendering import document_context, plan_pdf
from ..services.sharing import (
    action_comment_create,
    comment_max_length,
    plan_acknowledge,
    plan_share_resolve,
    shared_version,
)

security_logger = logging.getLogger("surveys.security")
logger = logging.getLogger(__name__)
TEMPLATES = "plans/public/"


def _writes_per_minute() -> int:
    return settings.CEM_PLAN_CUSTOMER_POSTS_PER_MINUTE


def _not_found(request: HttpRequest) -> HttpResponse:
    """Unknown, revoked and expired links look alike, so a guesser learns nothing. Only these
    failed lookups count against the address (the survey links' LINK_FAILURES), after the
    lookup: a valid link is served whatever was guessed from the same address."""
    if limit_hit(request, LINK_FAILURES):
        security_logger.warning("Plan link lookups rate-limited for %s", client_ip(request))
        return public_page(request, TEMPLATES + "rate_limited.html", status=429)
    security_logger.warning(
        "Invalid plan link requested from %s (%s)", client_ip(request), request.method
    )
    return public_page(request, TEMPLATES + "not_found.html", status=404)


def _resolve(request: HttpRequest, token: str) -> tuple[PlanShare | None, HttpResponse | None]:
    share = plan_share_resolve(token=token, touch=request.method == "GET")
    if share is None:
        return None, _not_found(request)
    return share, None


def _language(share: PlanShare) -> str:
    return share.contact.language or settings.LANGUAGE_CODE


def _page(
    request: HttpRequest,
    share: PlanShare,
    *,
    status: int = 200,
    errors: dict | None = None,
    drafts: dict | None = None,
) -> HttpResponse:
    version = shared_version(share)
    errors, drafts = errors or {}, drafts or {}
    language = _language(share)
    with translation.override(language):
        context = document_context(version.content, language=language)
        own = ActionComment.objects.filter(share__contact=share.contact, action__plan=share.plan)
        comments: dict[int, list] = {}
        for comment in own.order_by("created_at", "pk"):
            comments.setdefault(comment.action_id, []).append(comment)
        for action in context["actions"]:
            action["my_comments"] = comments.get(action["id"], [])
            action["errors"] = errors.get(action["id"], [])
            action["draft"] = drafts.get(action["id"], "")
        context.update(
            share=share,
            contact=share.contact,
            version=version,
            acknowledged=PlanAcknowledgement.objects.filter(
                version=version, contact=share.contact
            ).first(),
            done=request.GET.get("done", ""),
            comment_max=comment_max_length(),
        )
        return public_page(request, TEMPLATES + "plan.html", context, status=status)


def _over_limit(request: HttpRequest, share: PlanShare, what: str, limit: int) -> bool:
    """Count one `what` for this link (django-ratelimit in the shared cache, per link and
    minute, as cem_project.ratelimits counts per address); True once over `limit`."""
    usage = get_usage(
        request,
        group=f"plan-link-{what}",
        key=lambda _group, _request: str(share.pk),
        rate=f"{limit}/60s",
        increment=True,
    )
    return bool(usage and usage["should_limit"])


def _too_many_writes(request: HttpRequest, share: PlanShare) -> bool:
    return _over_limit(request, share, "post", _writes_per_minute())


def _back(share: PlanShare, done: str, anchor: str = "") -> HttpResponse:
    location = f"/p/{share.token}/?done={done}" + (f"#{anchor}" if anchor else "")
    return HttpResponse(status=303, headers={"Location": location})


@public_page_headers
@require_GET
def plan_view(request: HttpRequest, token: str) -> HttpResponse:
    share, refused = _resolve(request, token)
    return refused or _page(request, share)


@csrf_exempt
@public_page_headers
@require_POST
@refuse_file_uploads
def plan_acknowledge_view(request: HttpRequest, token: str) -> HttpResponse:
    share, refused = _resolve(request, token)
    if refused:
        return refused
    if _too_many_writes(request, share):
        return public_page(request, TEMPLATES + "rate_limited.html", status=429)
    plan_acknowledge(share=share)
    return _back(share, "acknowledged", "acknowledge")


@csrf_exempt
@public_page_headers
@require_POST
@refuse_file_uploads
def plan_comment_view(request: HttpRequest, token: str, action_id: int) -> HttpResponse:
    share, refused = _resolve(request, token)
    if refused:
        return refused
    if _too_many_writes(request, share):
        return public_page(request, TEMPLATES + "rate_limited.html", status=429)
    text = request.POST.get("comment", "")
    try:
        action_comment_create(share=share, action_id=action_id, text=text)
    except ValidationError as error:
        with translation.override(_language(share)):
            return _page(
                request,
                share,
                status=400,
                errors={action_id: error.messages},
                drafts={action_id: text[:5000]},
            )
    return _back(share, "commented", f"action-{action_id}")


@public_page_headers
@require_GET
def plan_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    share, refused = _resolve(request, token)
    if refused:
        return refused
    # A PDF costs the server most of a second: a link may ask for only so many a minute.
    if _over_limit(request, share, "pdf", settings.CEM_PLAN_CUSTOMER_PDFS_PER_MINUTE):
        return public_page(request, TEMPLATES + "rate_limited.html", status=429)
    version = shared_version(share)
    try:
        pdf = plan_pdf(version.content, language=_language(share))
    except ReportRenderError:
        logger.exception("PDF of plan %s failed for a customer link", share.plan_id)
        with translation.override(_language(share)):
            return public_page(request, TEMPLATES + "pdf_failed.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="action-plan-{share.plan_id}-v{version.number}.pdf"'
    )
    return response
