"""What the surveys app adds to customers' read-only event list: a CSV import for source systems
without the API. Each row turns into invitations exactly like an event posted to /api/v1/events/."""

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from cem_project.admin_tools import AdminExtension, ChangeListTool, admin_extend
from customers.models import TouchPointEvent

from ..services.events import CSV_MAX_BYTES, events_import_csv

IMPORT_PERMISSION = "customers.add_touchpointevent"


class EventCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, comma-separated, with a header row: contact_email, account_external_id,"
            " touch_point, external_id, occurred_at (ISO 8601); any other column becomes an"
            " attribute of the event. At most 5 MB and 10,000 rows."
        ),
    )


def import_csv_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request) or not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    report = None
    form = EventCsvForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            report = events_import_csv(data=upload.read(), user=request.user)
            if not report.error:
                model_admin.message_user(
                    request,
                    _(
                        "%(created)s events stored, %(duplicates)s duplicates, %(errors)s rows"
                        " refused."
                    )  # fmt: skip
                    % {
                        "created": report.count("created"),
                        "duplicates": report.count("duplicate"),
                        "errors": report.count("error"),
                    },
                    messages.WARNING if report.count("error") else messages.SUCCESS,
                )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Import touch-point events from CSV"),
        "form": form,
        "report": report,
        "created": report.count("created") if report else 0,
        "duplicates": report.count("duplicate") if report else 0,
        "errors": report.count("error") if report else 0,
        "problems": [row for row in report.rows if row.status != "created"] if report else [],
    }
    return TemplateResponse(request, "admin/customers/touchpointevent/import_csv.html", context)


def import_csv_urls(model_admin: ModelAdmin) -> list[URLPattern]:
    def view(request: HttpRequest) -> HttpResponse:
        return import_csv_view(model_admin, request)

    return [
        path(
            "import-csv/",
            model_admin.admin_site.admin_view(view),
            name="customers_touchpointevent_import_csv",
        )
    ]


admin_extend(
    TouchPointEvent,
    AdminExtension(
        urls=import_csv_urls,
        tools=(
            ChangeListTool(
                url_name="admin:customers_touchpointevent_import_csv",
                label=_("Import CSV"),
                permission=IMPORT_PERMISSION,
            ),
        ),
    ),
)
