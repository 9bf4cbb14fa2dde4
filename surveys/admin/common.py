"""What several survey admins share: the send-progress table, the confirmation step before a
send (who will be invited, who skipped and why) and the redirect after it."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from customers.models import Contact

from ..constants import InvitationStatus
from ..models import Distribution, Survey
from ..selectors.invitations import distribution_progress
from ..services.invitations import audience_preview

# The columns shown wherever send progress appears, in funnel order.
PROGRESS_COLUMNS = (
    InvitationStatus.PENDING,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.COMPLETED,
    InvitationStatus.FAILED,
    InvitationStatus.SKIPPED,
    InvitationStatus.EXPIRED,
)


def progress_table(progress: dict) -> str:
    if not progress["total"]:
        return _("Not sent yet.")
    rate = progress["response_rate"]
    cells = [(status.label, progress[status.value]) for status in PROGRESS_COLUMNS]
    cells.append((InvitationStatus.SENDING.label, progress[InvitationStatus.SENDING]))
    cells.append((_("Response rate"), "–" if rate is None else f"{rate}%"))
    return format_html(
        "<table><tr>{}</tr><tr>{}</tr></table>",
        format_html_join("", "<th>{}</th>", ((label,) for label, _v in cells)),
        format_html_join("", "<td>{}</td>", ((value,) for _l, value in cells)),
    )


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value}%"


def preview_url(survey: Survey) -> str | None:
    try:
        return reverse("surveys:preview", args=[survey.pk])
    except NoReverseMatch:  # the respondent pages may not be installed
        return None


def send_created(
    model_admin: ModelAdmin, request: HttpRequest, distribution: Distribution
) -> HttpResponseRedirect:
    """Every way of sending ends here: a message with the counts, then the send's page."""
    progress = distribution_progress(distribution=distribution)
    model_admin.message_user(
        request,
        _("Sending to %(count)s contacts (%(skipped)s skipped).")
        % {"count": progress["total"] - progress["skipped"], "skipped": progress["skipped"]},
        messages.SUCCESS,
    )
    return HttpResponseRedirect(
        reverse("admin:surveys_distribution_change", args=[distribution.pk])
    )


# The buttons of a send page: "apply" shows the preview, "confirm" sends, "back" edits the choice.
CONFIRM, BACK = "confirm", "back"
# Names listed per group on the preview; the counts are always complete.
PREVIEW_NAMES_SHOWN = 50


def send_step(request: HttpRequest) -> str:
    """Which step a send page's POST asks for: "choose" (show the form), "preview" or "send"."""
    if request.method != "POST" or BACK in request.POST:
        return "choose"
    return "send" if CONFIRM in request.POST else "preview"


def send_confirm(
    model_admin: ModelAdmin,
    request: HttpRequest,
    *,
    survey: Survey,
    contacts: Iterable[Contact],
    form: forms.Form,
    send: Callable[[], Distribution],
    context: dict,
    hidden: Iterable[tuple[str, str]] = (),
) -> HttpResponse:
    """The step between choosing and sending, for every way of sending by hand.

    Shows how many of `contacts` will be invited and how many skipped, by reason, with their
    names, computed by the rules the send applies (`audience_preview`). `send()` runs only
    on a confirmation of the same outcome: when the outcome changed since the preview (a
    link went out meanwhile, a contact opted out), the new preview is shown instead.
    `hidden` are extra (name, value) pairs the page must post again (an action's selection).
    """
    preview = audience_preview(survey=survey, contacts=contacts)
    changed, errors = False, []
    if send_step(request) == "send":
        if request.POST.get("preview_digest") == preview.digest and preview.invited:
            try:
                distribution = send()
            except ValidationError as exc:
                errors = exc.messages
            else:
                return send_created(model_admin, request, distribution)
        else:
            changed = True
    groups = [
        (reason, label, group[:PREVIEW_NAMES_SHOWN], len(group), len(group) - PREVIEW_NAMES_SHOWN)
        for reason, label, group in preview.skipped_groups()
    ]
    return TemplateResponse(
        request,
        "admin/surveys/send_confirm.html",
        {
            **context,
            "form": form,
            "preview": preview,
            "invited_shown": preview.invited[:PREVIEW_NAMES_SHOWN],
            "invited_more": len(preview.invited) - PREVIEW_NAMES_SHOWN,
            "skipped_groups": groups,
            "changed": changed,
            "errors": errors,
            "hidden": list(hidden),
        },
    )
