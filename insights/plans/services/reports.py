"""The monthly operations review pack of each vertical market: scheduled by beat before the
month's meeting, generated once into a `Report` (a constraint makes one row per market and
month, a conditional UPDATE lets one worker build it), kept in the app and mailed once to the
market's general managers as a PDF."""

import logging
from datetime import date, timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import VerticalMarket

from ...diagrams import corridor_svg, customer_matrix_svg
from ..constants import ReportKind, ReportStatus
from ..models import Report
from ..selectors.reviews import ReviewMonth, monthly_review, vertical_market_general_managers

logger = logging.getLogger(__name__)

PDF = "application/pdf"


def meeting_day() -> int:
    return settings.CEM_REVIEW_MEETING_DAY


def pack_lead_days() -> int:
    return settings.CEM_REVIEW_PACK_LEAD_DAYS


def report_lease() -> timedelta:
    # Longer than the PDF renderer's own time limit: a row leased this long is a lost one.
    return timedelta(seconds=2 * settings.CEM_REPORT_TIMEOUT_SECONDS + 60)


def review_month_due(today: date) -> ReviewMonth | None:
    """The month whose pack is due by `today`: last month, from `lead` days before the
    meeting day on; None earlier in the month."""
    if today.day < max(1, meeting_day() - pack_lead_days()):
        return None
    return ReviewMonth.of(today).previous


def _enqueue_generate(report_id: int) -> None:
    from ..tasks import monthly_pack_generate_task

    transaction.on_commit(lambda: monthly_pack_generate_task.delay(report_id))


@transaction.atomic
def monthly_packs_schedule(*, today: date | None = None) -> list[Report]:
    """One pack per vertical market for the month due (idempotent: a second call, or a
    second beat, finds the rows and queues nothing new; a pack whose worker was lost is
    queued again)."""
    today = today or timezone.localdate()
    month = review_month_due(today)
    if month is None:
        return []
    queued = []
    now = timezone.now()
    markets = VerticalMarket.objects.filter(accounts__isnull=False).distinct().order_by("pk")
    for market in markets:
        try:
            with transaction.atomic():
                report, created = Report.objects.get_or_create(
                    kind=ReportKind.MONTHLY_PACK,
                    vertical_market=market,
                    period_start=month.start,
                    defaults={"period_end": month.end},
                )
        except IntegrityError:  # another beat created it between our read and write
            continue
        stale = report.status == ReportStatus.RUNNING and (
            report.leased_until is None or report.leased_until < now
        )
        if created or report.status == ReportStatus.PENDING or stale:
            _enqueue_generate(report.pk)
            queued.append(report)
    return queued


def _claim(report_id: int, task_id: str) -> bool:
    now = timezone.now()
    return bool(
        Report.objects.filter(pk=report_id)
        .filter(
            Q(status=ReportStatus.PENDING)
            | Q(status=ReportStatus.RUNNING, leased_until__lt=now)
            | Q(status=ReportStatus.RUNNING, leased_until__isnull=True)
        )
        .update(status=ReportStatus.RUNNING, leased_until=now + report_lease(), task_id=task_id)
    )


def monthly_pack_pdf(
    *, vertical_market: VerticalMarket, month: ReviewMonth, language: str
) -> bytes:
    from customers.constants import RTL_LANGUAGES

    from ...reports import render_report_pdf
    from .. import rendering

    with translation.override(language):
        review = monthly_review(vertical_market=vertical_market, month=month)
        rtl = language in RTL_LANGUAGES
        month_label = f"{month.start:%Y-%m}"
        context = {
            **review,
            "title": _("Operations review: %(market)s") % {"market": vertical_market.name},
            "kicker": _("Monthly operations review"),
            "subtitle": month_label,
            "footer_note": vertical_market.name,
            "cover_lines": [
                (_("Vertical market"), vertical_market.name),
                (_("Month"), month_label),
                (_("Accounts"), str(review["accounts"])),
            ],
            # The charts of the matrix and corridor pages (insights.diagrams), over this market.
            "matrix_svg": customer_matrix_svg(review["matrix"], review["changes"], rtl=rtl)
            if any(a.placed for a in review["matrix"].accounts)
            else None,
            "corridor_svg": corridor_svg(review["corridor"], period_label=month_label, rtl=rtl)
            if review["key_issues"]
            else None,
            "target_charts": [
                rendering.target_chart(progress, rtl=rtl) for progress in review["targets"][:4]
            ],
        }
        return render_report_pdf("insights/reports/monthly_pack.html", context, language=language)


def monthly_pack_generate(*, report_id: int, task_id: str = "", mail: bool = True) -> Report:
    """Build the pack unless another worker is or did, then mail it (once; not with
    `mail=False`, as the demo seeds it). Run again after a failed mail, it only mails."""
    if _claim(report_id, task_id):
        _build(report_id)
    report = Report.objects.select_related("vertical_market").get(pk=report_id)
    if mail and report.status == ReportStatus.DONE:
        monthly_pack_mail(report=report)
    return report


def _build(report_id: int) -> None:
    report = Report.objects.select_related("vertical_market").get(pk=report_id)
    try:
        pdf = monthly_pack_pdf(
            vertical_market=report.vertical_market,
            month=ReviewMonth.of(report.period_start),
            language=settings.LANGUAGE_CODE,
        )
    except Exception as error:
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=str(error)[:2000], leased_until=None
        )
        logger.exception("Monthly pack %s failed", report_id)
        raise
    filename = f"operations-review-{report.vertical_market.code}-{report.period_start:%Y-%m}.pdf"
    report.file.save(filename, ContentFile(pdf), save=False)
    report.filename, report.content_type = filename, PDF
    report.status, report.leased_until, report.error = ReportStatus.DONE, None, ""
    report.finished_at = timezone.now()
    report.progress_done = report.progress_total = 1
    report.save()


def monthly_pack_mail(*, report: Report) -> bool:
    """Mail the pack to the market's general managers, once (claimed on `mailed_at`)."""
    recipients = list(vertical_market_general_managers(report.vertical_market))
    now = timezone.now()
    if not recipients or not Report.objects.filter(pk=report.pk, mailed_at__isnull=True).update(
        mailed_at=now
    ):
        return False
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"report": report, "market": report.vertical_market, "url": settings.SITE_URL}
        subject = render_to_string("plans/email/pack_subject.txt", context)
        body = render_to_string("plans/email/pack.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((u.get_full_name() or u.get_username(), u.email)) for u in recipients],
    )
    report.file.open("rb")
    try:
        message.attach(report.filename, report.file.read(), PDF)
    finally:
        report.file.close()
    try:
        message.send()
    except Exception:
        Report.objects.filter(pk=report.pk, mailed_at=now).update(mailed_at=None)
        raise
    return True


@transaction.atomic
def report_retry(*, report: Report) -> Report:
    """Queue a failed pack again (the reviews page's button)."""
    if Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.PENDING, error=""
    ):
        _enqueue_generate(report.pk)
    report.refresh_from_db()
    return report
