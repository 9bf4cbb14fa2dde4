"""Public opt-out page: /s/<token>/unsubscribe/ from the link and header of every email.

GET shows a confirmation (link scanners prefetch GETs, so a GET changes nothing); any POST opts
the contact out, which also serves RFC 8058 one-click unsubscribes
(`List-Unsubscribe=One-Click`) that mail providers post without a CSRF token. The token is the
credential, so the view is CSRF-exempt: whoever can post it can read the email anyway.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cem_project.ratelimits import LINK_FAILURES, limit_hit
from customers.services import contact_opt_out

from ..services.optout import invitation_for_optout
from .public import client_ip, public_page, public_page_headers, refuse_file_uploads

security_logger = logging.getLogger("surveys.security")
logger = logging.getLogger(__name__)


@csrf_exempt
@public_page_headers
@require_http_methods(["GET", "POST"])
@refuse_file_uploads
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_optout(token=token)
    if invitation is None:
        # The same page, status and counter as the survey link's; never the token in the log.
        # A valid link is served whatever was guessed from the same address.
        if limit_hit(request, LINK_FAILURES):
            security_logger.warning("Opt-out lookups rate-limited for %s", client_ip(request))
            return public_page(request, "surveys/respond/rate_limited.html", status=429)
        security_logger.warning(
            "Invalid opt-out link requested from %s (%s)", client_ip(request), request.method
        )
        return public_page(request, "surveys/respond/invalid.html", status=404)

    contact = invitation.contact
    with translation.override(contact.language):
        if request.method == "POST":
            contact_opt_out(contact=contact)
            logger.info("Contact %s opted out from a survey email", contact.pk)
            return public_page(request, "surveys/optout/done.html")
        return public_page(
            request,
            "surveys/optout/confirm.html",
            {"already": contact.opted_out, "email": contact.email},
        )
