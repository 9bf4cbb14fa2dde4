"""Generated files: the monthly operations review pack of a vertical market, and the exports
of plans and actions. A task fills the row; the row, not the broker, says what is done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import VerticalMarket

from ..constants import ReportKind, ReportStatus
from ..querysets import ReportQuerySet


def report_upload_to(report: "Report", filename: str) -> str:
    return f"reports/{report.kind}/{filename}"


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    vertical_market = models.ForeignKey(
        VerticalMarket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("vertical market"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("of"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    leased_until = models.DateTimeField(_("being generated until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # A doubled or restarted beat generates a month's pack once.
            models.UniqueConstraint(
                fields=["vertical_market", "period_start"],
                condition=Q(kind=ReportKind.MONTHLY_PACK),
                name="plans_report_one_pack_per_market_month",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.MONTHLY_PACK) | Q(vertical_market__isnull=False),
                name="plans_report_pack_has_market",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plans_report_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} {self.period_start:%Y-%m}"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == ReportStatus.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
