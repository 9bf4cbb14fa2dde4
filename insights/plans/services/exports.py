"""Exports of an account team's plans for a period: one ZIP of PDFs, or the actions as XLSX or
CSV (through insights.exports, formula-safe). Small exports are built in the request; larger ones go
to a Celery task that counts its progress on a `Report` row and leaves the file there."""

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ...exports import XLSX_TYPE, Table, csv_response, xlsx_bytes
from ..constants import EXPORT_KINDS, PlanStatus, ReportKind, ReportStatus
from ..models import Action, ActionPlan, Report
from ..rendering import plan_pdf
from ..selectors.documents import plan_content
from ..selectors.plans import PlanFilter, plan_for_document, plan_list

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def sync_max_plans() -> int:
    """A ZIP of at most this many plans is built in the request; more go to a task."""
    return settings.CEM_PLAN_EXPORT_SYNC_MAX_PLANS


def sync_max_actions() -> int:
    return settings.CEM_PLAN_EXPORT_SYNC_MAX_ACTIONS


def export_plans(*, user, since: date, until: date, team_member_id: int | None = None):
    """The plans `user` may see whose period overlaps [since, until]."""
    return plan_list(
        user=user, filters=PlanFilter(since=since, until=until, team_member_id=team_member_id)
    )


ACTION_COLUMNS = (
    ("plan", pgettext_lazy("export column", "Plan")),
    ("account", pgettext_lazy("export column", "Account")),
    ("period_start", pgettext_lazy("export column", "Period start")),
    ("period_end", pgettext_lazy("export column", "Period end")),
    ("plan_status", pgettext_lazy("export column", "Plan status")),
    ("version", pgettext_lazy("export column", "Version")),
    ("number", pgettext_lazy("export column", "#")),
    ("title", pgettext_lazy("export column", "Action")),
    ("owner_side", pgettext_lazy("export column", "Owner side")),
    ("owner", pgettext_lazy("export column", "Owner")),
    ("due_date", pgettext_lazy("export column", "Due")),
    ("status", pgettext_lazy("export column", "Status")),
    ("touch_point", pgettext_lazy("export column", "Touch point")),
    ("theme", pgettext_lazy("export column", "Theme")),
    ("target", pgettext_lazy("export column", "Target")),
    ("completed_at", pgettext_lazy("export column", "Done at")),
    ("comments", pgettext_lazy("export column", "Customer comments")),
)


def actions_table(plans) -> tuple[list[str], list[list]]:
    """The actions of `plans` as rows (one query with their plans, accounts and owners)."""
    from django.db.models import Count

    actions = (
        Action.objects.filter(plan__in=plans.values("pk"))
        .select_related("plan__account", "owner_user", "touch_point")
        .annotate(comments_n=Count("comments"))
        .order_by("plan__account__name", "plan_id", "position", "pk")
    )
    header = [str(label) for _key, label in ACTION_COLUMNS]
    rows, numbers = [], {}
    for action in actions:
        numbers[action.plan_id] = numbers.get(action.plan_id, 0) + 1
        plan = action.plan
        rows.append(
            [
                plan.title,
                plan.account.name,
                plan.period_start,
                plan.period_end,
                plan.get_status_display(),
                plan.version,
                numbers[action.plan_id],
                action.title,
                action.get_owner_side_display(),
                action.owner_display,
                action.due_date,
                action.get_status_display(),
                action.touch_point.name if action.touch_point_id else "",
                action.get_theme_display() if action.theme else "",
                action.target,
                timezone.localtime(action.completed_at) if action.completed_at else None,
                action.comments_n,
            ]
        )
    return header, rows


def _pdf_name(plan: ActionPlan) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in plan.account.name).strip("-")[:60]
    return f"{safe or 'account'}-plan-{plan.pk}-v{plan.version}.pdf"


def plans_zip(plans, *, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF per plan, each in the plan's own language (a draft is marked as such)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, pk in enumerate(plans.values_list("pk", flat=True), start=1):
            plan = plan_for_document(pk=pk)
            pdf = plan_pdf(
                plan_content(plan),
                language=plan.language,
                draft=plan.status != PlanStatus.PUBLISHED,
            )
            archive.writestr(_pdf_name(plan), pdf)
            if progress is not None:
                progress(done)
    return buffer.getvalue()


def _filename(kind: str, since: date, until: date) -> str:
    stem = f"action-plans-{since:%Y%m%d}-{until:%Y%m%d}"
    return (
        stem
        + {
            ReportKind.PLANS_ZIP: ".zip",
            ReportKind.ACTIONS_XLSX: "-actions.xlsx",
            ReportKind.ACTIONS_CSV: "-actions.csv",
        }[kind]
    )


def export_build(*, kind, plans, since, until, progress=None) -> ExportFile:
    if kind == ReportKind.PLANS_ZIP:
        return ExportFile(
            plans_zip(plans, progress=progress), _filename(kind, since, until), "application/zip"
        )
    header, rows = actions_table(plans)
    # The insights pages' one formula-safe writer (insights.exports): every cell text, quoted
    # where it could be a formula, headers included.
    table = Table(name="actions", headers=header, rows=rows)
    if kind == ReportKind.ACTIONS_XLSX:
        return ExportFile(xlsx_bytes(table), _filename(kind, since, until), XLSX_TYPE)
    if kind == ReportKind.ACTIONS_CSV:
        content = b"".join(csv_response(table).streaming_content)
        return ExportFile(content, _filename(kind, since, until), "text/csv; charset=utf-8")
    raise ValueError(f"not an export: {kind!r}")


def _is_large(kind: str, plans) -> tuple[bool, int]:
    if kind == ReportKind.PLANS_ZIP:
        count = plans.count()
        return count > sync_max_plans(), count
    count = Action.objects.filter(plan__in=plans.values("pk")).count()
    return count > sync_max_actions(), count


def export_request(
    *, user, kind: str, since: date, until: date, team_member_id: int | None = None
) -> ExportFile | Report:
    """The export itself when it is small; otherwise a Report whose task builds it."""
    if kind not in EXPORT_KINDS:
        raise ValidationError(_("Choose what to export."), code="kind")
    plans = export_plans(user=user, since=since, until=until, team_member_id=team_member_id)
    large, count = _is_large(kind, plans)
    if not large:
        return export_build(kind=kind, plans=plans, since=since, until=until)
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind,
            period_start=since,
            period_end=until,
            requested_by=user,
            progress_total=count if kind == ReportKind.PLANS_ZIP else 1,
            params={"team_member_id": team_member_id},
        )
        from ..tasks import plans_export_task

        transaction.on_commit(lambda: plans_export_task.delay(report.pk))
    return report


def export_run(*, report_id: int, task_id: str = "") -> Report | None:
    """Build a large export once (claimed like a pack), over what its requester may see now."""
    now = timezone.now()
    claimed = (
        Report.objects.filter(pk=report_id, kind__in=EXPORT_KINDS)
        .filter(
            Q(status=ReportStatus.PENDING) | Q(status=ReportStatus.RUNNING, leased_until__lt=now)
        )
        .update(status=ReportStatus.RUNNING, task_id=task_id, leased_until=now + _lease())
    )
    if not claimed:
        return None
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    if report.requested_by is None:
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error="The requester no longer exists."
        )
        return None
    plans = export_plans(
        user=report.requested_by,
        since=report.period_start,
        until=report.period_end,
        team_member_id=(report.params or {}).get("team_member_id"),
    )

    def progress(done: int) -> None:
        Report.objects.filter(pk=report_id).update(
            progress_done=done, leased_until=timezone.now() + _lease()
        )

    try:
        exported = export_build(
            kind=report.kind,
            plans=plans,
            since=report.period_start,
            until=report.period_end,
            progress=progress,
        )
    except Exception as error:
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=str(error)[:2000], leased_until=None
        )
        logger.exception("Export %s failed", report_id)
        raise
    report.refresh_from_db()
    report.file.save(exported.filename, ContentFile(exported.content), save=False)
    report.filename, report.content_type = exported.filename, exported.content_type
    report.status, report.leased_until = ReportStatus.DONE, None
    report.progress_done = report.progress_total
    report.finished_at = timezone.now()
    report.save()
    return report


def _lease():
    from .reports import report_lease

    return report_lease()


def export_visible_to(*, user, report_id: int) -> Report | None:
    """An export is its requester's alone."""
    return (
        Report.objects.filter(pk=report_id, kind__in=EXPORT_KINDS, requested_by=user)
        .select_related("requested_by")
        .first()
    )
