"""What several survey admins share: the send-progress table and the redirect after a send."""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..constants import InvitationStatus
from ..models import Distribution, Survey
from ..selectors.invitations import distribution_progress

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
