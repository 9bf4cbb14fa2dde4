"""The plans side of the demo: four accounts' action plans after the latest relationship wave
(one each in English, Chinese and Persian, written by their account teams), published to the
account's key contact, who acknowledged them and commented on actions; a done action with its
follow-up pulse scheduled; experience targets; and last month's operations review pack of
Healthcare. Runs on the rows of the customers and surveys demos, through the services, and
adds nothing on a second run."""

import contextlib
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from customers.models import Account, TouchPoint, VerticalMarket
from surveys.constants import SurveyKind
from surveys.models import Survey, Wave

from .constants import ActionStatus, OwnerSide, ReportKind, ReportStatus, TargetMetric
from .models import ActionPlan, ExperienceTarget, PlanShare, Report
from .selectors.plans import verbatim_candidates
from .selectors.reviews import ReviewMonth
from .services.contents import action_create, plan_verbatims_set
from .services.follow_ups import action_follow_up_schedule
from .services.plans import action_plan_create, action_plan_publish
from .services.reports import monthly_pack_generate
from .services.sharing import action_comment_create, plan_acknowledge

# account, plan language, actions: (title, side, touch point, theme, target, status, days due)
# and the key contact's comments on them (action index, text).
PLANS = (
    (
        "Northbridge Health System",
        "en",
        (
            (
                "Call-center requests called back within one working day, by a named agent",
                OwnerSide.OURS,
                "call-center",
                "convenience",
                "Call-center effort 5.5 by the next wave",
                ActionStatus.IN_PROGRESS,
                21,
            ),
            (
                "Name one site coordinator per hospital",
                OwnerSide.CUSTOMER,
                "installation",
                "convenience",
                "",
                ActionStatus.DONE,
                -5,
            ),
            (
                "A monthly service review with the CIO",
                OwnerSide.OURS,
                "",
                "relationship",
                "Relationship NPS above 0",
                ActionStatus.PLANNED,
                30,
            ),
        ),
        (
            (0, "Please call our ward managers first; they wait longest."),
            (2, "First Tuesday of the month works for us."),
        ),
    ),
    (
        "Beijing Huaxia Hospital",
        "zh-hans",
        (
            (
                "安装团队在两周内回访所有未完成的现场",
                OwnerSide.OURS,
                "installation",
                "service",
                "下一轮调查中安装 NPS 达到 30",
                ActionStatus.IN_PROGRESS,
                14,
            ),
            (
                "医院指定一名现场协调人",
                OwnerSide.CUSTOMER,
                "",
                "convenience",
                "",
                ActionStatus.PLANNED,
                10,
            ),
        ),
        ((0, "请先安排放射科。"),),
    ),
    (
        "Tehran Metro Company",
        "fa",
        (
            (
                "پاسخ مرکز تماس در کمتر از دو دقیقه",
                OwnerSide.OURS,
                "call-center",
                "convenience",
                "میانگین تلاش مشتری 5.5",
                ActionStatus.IN_PROGRESS,
                30,
            ),
            (
                "بازبینی ماهانهٔ قراردادهای نگهداری",
                OwnerSide.CUSTOMER,
                "",
                "relationship",
                "",
                ActionStatus.PLANNED,
                45,
            ),
        ),
        ((0, "لطفاً گزارش هفتگی تماس‌ها را هم بفرستید."),),
    ),
    (
        "Atlas Precision Engineering",
        "en",
        (
            (
                "Repair visits booked within 48 hours",
                OwnerSide.OURS,
                "repair",
                "service",
                "Repair NPS 20",
                ActionStatus.PLANNED,
                28,
            ),
            (
                "Share the spare-parts forecast each quarter",
                OwnerSide.CUSTOMER,
                "",
                "product",
                "",
                ActionStatus.PLANNED,
                60,
            ),
        ),
        (),
    ),
)

# name, vertical market code, touch point code, metric, value, months from now to its date
TARGETS = (
    ("Healthcare installation NPS 30", "healthcare", "installation", TargetMetric.NPS, 30, 4),
    (
        "Manufacturing call-center effort 5.5",
        "manufacturing",
        "call-center",
        TargetMetric.CES,
        5.5,
        6,
    ),
    ("Retail relationship NPS 20", "retail", "", TargetMetric.NPS, 20, 6),
    ("Installation NPS 25 in every market", "", "installation", TargetMetric.NPS, 25, 9),
)


def _months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _targets_seed(today: date, admin) -> int:
    created = 0
    for name, market, point, metric, value, months in TARGETS:
        if ExperienceTarget.objects.filter(name=name).exists():
            continue
        ExperienceTarget.objects.create(
            name=name,
            vertical_market=VerticalMarket.objects.filter(code=market).first() if market else None,
            touch_point=TouchPoint.objects.filter(code=point).first() if point else None,
            metric=metric,
            value=value,
            starts_on=today - timedelta(days=180),
            due_on=_months_after(today, months),
            created_by=admin,
        )
        created += 1
    return created


def _author(account: Account, fallback):
    return account.account_team.order_by("username").first() or fallback


def _key_contact(account: Account):
    contacts = account.contacts.filter(opted_out=False)
    return (
        contacts.filter(is_key_contact=True).order_by("pk").first()
        or contacts.order_by("pk").first()
    )


def _plan_seed(spec, *, wave: Wave, pulse: Survey | None, today: date, admin) -> ActionPlan | None:
    name, language, actions, comments = spec
    account = Account.objects.filter(name=name).first()
    contact = _key_contact(account) if account else None
    if (
        account is None
        or contact is None
        or ActionPlan.objects.filter(account=account, wave=wave).exists()
    ):
        return None
    author = _author(account, admin)
    plan = action_plan_create(account=account, wave=wave, created_by=author, language=language)
    created = []
    for title, side, point, theme, target, status, due in actions:
        created.append(
            action_create(
                plan=plan,
                user=author,
                title=title,
                owner_side=side,
                owner_user=author if side == OwnerSide.OURS else None,
                owner_name=contact.name if side == OwnerSide.CUSTOMER else "",
                touch_point=TouchPoint.objects.filter(code=point).first() if point else None,
                theme=theme,
                target=target,
                status=status,
                due_date=today + timedelta(days=due),
                contacts=[contact],
            )
        )
    candidates = verbatim_candidates(plan=plan)[:2]
    if candidates:
        plan_verbatims_set(plan=plan, user=author, answers=candidates)
    action_plan_publish(plan=plan, user=author, contacts=[contact])
    share = PlanShare.objects.get(plan=plan, contact=contact)
    if comments:
        plan_acknowledge(share=share)
    for index, text in comments:
        action_comment_create(share=share, action_id=created[index].pk, text=text)
    for action in created:
        if action.status == ActionStatus.DONE and pulse is not None:
            # A demo without a live pulse survey simply has no follow-up.
            with contextlib.suppress(ValidationError):
                action_follow_up_schedule(
                    action=action,
                    user=author,
                    survey=pulse,
                    send_after=timezone.now() + timedelta(days=7),
                )
    return plan


def _pack_seed(today: date) -> Report | None:
    market = VerticalMarket.objects.filter(code="healthcare").first()
    if market is None:
        return None
    month = ReviewMonth.of(today).previous
    report, _created = Report.objects.get_or_create(
        kind=ReportKind.MONTHLY_PACK,
        vertical_market=market,
        period_start=month.start,
        defaults={"period_end": month.end},
    )
    if report.status == ReportStatus.PENDING:
        report = monthly_pack_generate(report_id=report.pk, mail=False)  # seeding mails nobody
    return report


def plans_demo_seed(*, users: dict, now: datetime) -> int:
    """Plans, targets and one pack on the demo's rows; the number of plans made."""
    today = timezone.localdate(now)
    admin = users["admin"]
    wave = (
        Wave.objects.filter(distribution__isnull=False, closes_at__lte=now)
        .order_by("-period_start")
        .first()
    )
    _targets_seed(today, admin)
    made = 0
    if wave is not None:
        pulse = Survey.objects.filter(kind=SurveyKind.PULSE, status="live").order_by("pk").first()
        for spec in PLANS:
            if _plan_seed(spec, wave=wave, pulse=pulse, today=today, admin=admin) is not None:
                made += 1
    _pack_seed(today)
    return made


def plans_demo_reset() -> None:
    names = [spec[0] for spec in PLANS]
    ActionPlan.objects.filter(account__name__in=names).delete()
    ExperienceTarget.objects.filter(name__in=[t[0] for t in TARGETS]).delete()
    Report.objects.filter(Q(kind=ReportKind.MONTHLY_PACK) | Q(requested_by__isnull=False)).delete()
