"""Staff pages of files: exports of plans and actions (small ones at once, large ones as a
task with its progress and a download link) and the monthly operations review packs."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..constants import ReportStatus
from ..forms import ExportForm
from ..models import Report
from ..services.exports import ExportFile, export_request, export_visible_to
from ..services.reports import report_retry
from .plans import can_read_plans, require_perm

can_read_reviews = permission_required("plans.view_report", raise_exception=True)


def _download(report: Report) -> HttpResponse:
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type=report.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
@can_read_plans
def export_view(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = export_request(
            user=request.user,
            kind=data["kind"],
            since=data["since"],
            until=data["until"],
            team_member_id=data["team_member"].pk if data["team_member"] else None,
        )
        if isinstance(result, ExportFile):
            response = HttpResponse(result.content, content_type=result.content_type)
            response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
            response["Cache-Control"] = "private, no-store"
            return response
        return redirect("plans:export_status", report_id=result.pk)
    exports = Report.objects.filter(requested_by=request.user).exclude(kind="monthly_pack")[:20]
    return render(request, "plans/export.html", {"form": form, "exports": exports})


@staff_member_required
@can_read_plans
def export_status_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = export_visible_to(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    running = report.status in (ReportStatus.PENDING, ReportStatus.RUNNING)
    return render(request, "plans/export_status.html", {"report": report, "running": running})


@staff_member_required
@can_read_plans
def export_download_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = export_visible_to(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    return _download(report)


@staff_member_required
@can_read_reviews
def review_list_view(request: HttpRequest) -> HttpResponse:
    packs = (
        Report.objects.packs_visible_to(request.user)
        .select_related("vertical_market")
        .order_by("-period_start", "vertical_market__name")
    )
    return render(
        request,
        "plans/review_list.html",
        {"packs": packs[:100], "can_retry": request.user.has_perm("plans.change_report")},
    )


def _pack_or_404(user, report_id: int) -> Report:
    report = Report.objects.packs_visible_to(user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


@staff_member_required
@can_read_reviews
def review_download_view(request: HttpRequest, report_id: int) -> HttpResponse:
    return _download(_pack_or_404(request.user, report_id))


@staff_member_required
@can_read_reviews
@require_POST
def review_retry_view(request: HttpRequest, report_id: int) -> HttpResponse:
    require_perm(request.user, "plans.change_report")
    report_retry(report=_pack_or_404(request.user, report_id))
    messages.success(request, _("The pack is being generated again."))
    return redirect("plans:reviews")
