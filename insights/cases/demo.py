"""The demo's closed loop: specialists on the two live transaction surveys' touch points, the
rules that route their poor answers (an At-risk account's to its general manager), and a
queue of open, overdue and closed cases made from the demo's own responses.

The rules run over the back catalogue of the last DEMO_DAYS days (`rule_backfill`, without
mail), then the cases are aged along the story: old ones closed with a root cause, recent
ones open, a few unacknowledged past their SLA and escalated. Idempotent: a second run finds
the demo rules' cases and adds nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cem_project.roles import SPECIALIST, role_assign
from customers.models import TouchPoint
from surveys.constants import QuestionType
from surveys.models import Question, Response, Survey

from .constants import (
    OPEN_STATES,
    CaseEventKind,
    CaseState,
    ConditionKind,
    MatchMode,
    NumberOperator,
    Priority,
    RootCause,
    RouteTarget,
    ScoreTarget,
)
from .evaluation import rule_backfill
from .models import AlertCondition, AlertRule, Case, CaseEvent, ReplyTemplate, StaffProfile
from .services import case_escalate

DEMO_DAYS = 60
SLUG_INSTALLATION = "demo-installation-nps"
SLUG_CALL_CENTER = "demo-call-center-effort"
RULE_INSTALLATION = "Detractor after an installation"
RULE_CALL_CENTER = "Poor effort or unresolved issue at the call center"

# username, full name, touch point, mail language
SPECIALISTS = (
    ("sp.installation", "Ines Kowalczyk", "installation", "pl"),
    ("sp.callcenter", "Chen Jing", "call-center", "zh-hans"),
)

ROOT_CAUSES = {
    "installation": (
        (RootCause.DELAY, 5), (RootCause.PEOPLE, 3), (RootCause.PROCESS, 3),
        (RootCause.PRODUCT, 2), (RootCause.THIRD_PARTY, 2), (RootCause.NO_FAULT, 1),
    ),
    "call-center": (
        (RootCause.PROCESS, 5), (RootCause.COMMUNICATION, 4), (RootCause.PEOPLE, 2),
        (RootCause.BILLING, 2), (RootCause.PRODUCT, 1), (RootCause.CUSTOMER, 1),
    ),
}  # fmt: skip

REPLIES = {
    "en": (
        "About your {survey.title} feedback",
        "Dear {contact.name},\n\nThank you for your honest answer. I am sorry we let you "
        "down; I am looking into what happened and will call you within two working days.\n\n"
        "Kind regards,\n{owner.name}",
    ),
    "pl": (
        "Pana/Pani opinia: {survey.title}",
        "Szanowni Państwo, {contact.name},\n\ndziękujemy za szczerą odpowiedź. Przykro nam, "
        "że nie spełniliśmy oczekiwań; sprawdzam, co się stało, i zadzwonię w ciągu dwóch dni "
        "roboczych.\n\nZ poważaniem\n{owner.name}",
    ),
    "zh-hans": (
        "关于您对「{survey.title}」的反馈",
        "{contact.name}，您好：\n\n感谢您的坦诚反馈。很抱歉让您失望了，我正在调查原因，"
        "并将在两个工作日内给您致电。\n\n此致\n{owner.name}",
    ),
    "fa": (
        "درباره نظر شما درباره {survey.title}",
        "{contact.name} گرامی،\n\nاز پاسخ صادقانه شما سپاسگزاریم. متأسفیم که انتظارتان برآورده "
        "نشد؛ در حال بررسی موضوع هستم و ظرف دو روز کاری با شما تماس می‌گیرم.\n\nبا احترام\n"
        "{owner.name}",
    ),
}


@dataclass(frozen=True)
class CasesDemoSummary:
    created: bool
    rules: int
    open: int
    overdue: int
    resolved: int
    closed: int


def _specialists_seed(*, password: str) -> dict[str, object]:
    User = get_user_model()
    hashed = None
    by_touch_point = {}
    for username, full_name, code, language in SPECIALISTS:
        first, _sep, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@hitouch.example",
                "is_staff": True,
            },
        )
        if created:
            hashed = hashed or make_password(password)
            user.password = hashed
            user.save(update_fields=["password"])
        role_assign(user=user, role=SPECIALIST)
        StaffProfile.objects.get_or_create(user=user, defaults={"language": language})
        TouchPoint.objects.filter(code=code, specialist__isnull=True).update(specialist=user)
        by_touch_point[code] = user
    return by_touch_point


def _rule(name: str, **fields) -> tuple[AlertRule, bool]:
    rule, created = AlertRule.objects.get_or_create(
        name=name,
        defaults={
            "route_to": RouteTarget.SPECIALIST,
            "override_quadrants": ["at_risk"],
            "override_route_to": RouteTarget.GENERAL_MANAGER,
            **fields,
        },
    )
    if created:
        ReplyTemplate.objects.bulk_create(
            ReplyTemplate(rule=rule, language=language, subject=subject, body=body)
            for language, (subject, body) in REPLIES.items()
        )
    return rule, created


def demo_rules_seed() -> list[AlertRule]:
    """The two demo rules, with their conditions (only when the demo surveys exist)."""
    rules = []
    installation = Survey.objects.filter(slug=SLUG_INSTALLATION).first()
    if installation is not None and installation.touch_point_id:
        rule, created = _rule(
            RULE_INSTALLATION,
            description="A detractor (NPS 0-6) on the installation survey.",
            priority=Priority.HIGH,
            sla_hours=24,
            resolve_hours=5 * 24,
        )
        if created:
            AlertCondition.objects.bulk_create(
                [
                    AlertCondition(
                        rule=rule, position=1, kind=ConditionKind.TOUCH_POINT,
                        touch_point_id=installation.touch_point_id,
                    ),
                    AlertCondition(
                        rule=rule, position=2, kind=ConditionKind.ANSWER_NUMBER,
                        score_target=ScoreTarget.NPS, number_operator=NumberOperator.LTE,
                        number=6,
                    ),
                ]
            )  # fmt: skip
        rules.append(rule)
    call_center = Survey.objects.filter(slug=SLUG_CALL_CENTER).first()
    if call_center is not None:
        questions = {q.type: q for q in Question.objects.filter(survey=call_center)}
        effort = questions.get(QuestionType.EFFORT)
        resolved = questions.get(QuestionType.SINGLE_CHOICE)
        if effort is not None and resolved is not None:
            rule, created = _rule(
                RULE_CALL_CENTER,
                description="Customer effort 1-3 of 7, or 'Was your issue resolved?' answered no.",
                match=MatchMode.ANY,
                priority=Priority.NORMAL,
                sla_hours=8,
                resolve_hours=3 * 24,
            )
            if created:
                AlertCondition.objects.bulk_create(
                    [
                        AlertCondition(
                            rule=rule, position=1, kind=ConditionKind.ANSWER_NUMBER,
                            question=effort, number_operator=NumberOperator.LTE, number=3,
                        ),
                        AlertCondition(
                            rule=rule, position=2, kind=ConditionKind.ANSWER_CHOICE,
                            question=resolved, choice_value="no",
                        ),
                    ]
                )  # fmt: skip
            rules.append(rule)
    return rules


def _date_cases(rule: AlertRule) -> None:
    """Cases opened when their answer came in, not when the demo was seeded."""
    submitted = Response.objects.filter(pk=OuterRef("response_id")).values("submitted_at")[:1]
    cases = Case.objects.filter(rule=rule)
    cases.update(opened_at=Subquery(submitted))
    for case in cases.only("pk", "opened_at"):
        case.due_at = case.opened_at + timedelta(hours=rule.sla_hours)
        if rule.resolve_hours:
            case.resolve_due_at = case.opened_at + timedelta(hours=rule.resolve_hours)
        case.save(update_fields=["due_at", "resolve_due_at"])
    CaseEvent.objects.filter(case__rule=rule, kind=CaseEventKind.OPENED).update(
        created_at=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("opened_at")[:1])
    )


def _age(case: Case, rng: random.Random, now: datetime) -> list[CaseEvent]:
    """Move one case along the story; returns its history events."""
    age = now - case.opened_at
    sla = case.due_at - case.opened_at
    owner = case.owner
    events = []

    def step(to_state: str, at: datetime, note: str = "", **data) -> None:
        events.append(
            CaseEvent(
                case=case, kind=CaseEventKind.TRANSITION, actor=owner, from_state=case.state,
                to_state=to_state, note=note, data=data, created_at=at,
            )
        )  # fmt: skip
        if case.state == CaseState.NEW:
            case.acknowledged_at = at
        case.state = to_state

    if age < timedelta(hours=2) or (age > sla and rng.random() < 0.25 and age < timedelta(days=5)):
        return events  # new: just in, or forgotten past its SLA (escalated below)
    in_time = rng.random() < 0.8
    ack_at = case.opened_at + (
        sla * rng.uniform(0.1, 0.9) if in_time else sla * rng.uniform(1.1, 2)
    )
    if ack_at >= now:
        return events
    step(CaseState.ACKNOWLEDGED, ack_at)
    work_at = ack_at + timedelta(hours=rng.uniform(0.5, 12))
    if work_at >= now:
        return events
    step(CaseState.IN_PROGRESS, work_at, "Called the customer; looking into it.")
    done_at = work_at + timedelta(hours=rng.uniform(4, 120))
    if done_at >= now or age < timedelta(days=4):
        return events
    step(CaseState.RESOLVED, done_at)
    case.resolved_at = done_at
    closed_at = done_at + timedelta(hours=rng.uniform(1, 48))
    if closed_at >= now or rng.random() < 0.15:
        return events
    code = case.touch_point.code if case.touch_point else "installation"
    causes, weights = zip(*ROOT_CAUSES.get(code, ROOT_CAUSES["installation"]), strict=True)
    case.root_cause = rng.choices(causes, weights)[0]
    case.customer_contacted = rng.random() < 0.85
    step(
        CaseState.CLOSED, closed_at, "Fixed and explained to the customer.",
        root_cause=case.root_cause, customer_contacted=case.customer_contacted,
    )  # fmt: skip
    case.closed_at = closed_at
    return events


@transaction.atomic
def demo_cases_seed(
    *, password: str, seed: int = 2026, now: datetime | None = None
) -> CasesDemoSummary:
    """Seed the demo's rules and case queue (after the demo's responses exist)."""
    now = now or timezone.now()
    _specialists_seed(password=password)
    rules = demo_rules_seed()
    created = bool(rules) and not Case.objects.filter(rule__in=rules).exists()
    if created:
        rng = random.Random(seed)
        since = (now - timedelta(days=DEMO_DAYS)).date()
        for rule in rules:
            rule_backfill(rule=rule, since=since, now=now, notify=False)
            _date_cases(rule)
        cases = list(
            Case.objects.filter(rule__in=rules)
            .select_related("owner", "touch_point")
            .order_by("opened_at", "pk")
        )
        events = [event for case in cases for event in _age(case, rng, now)]
        Case.objects.bulk_update(
            cases,
            ["state", "acknowledged_at", "resolved_at", "closed_at", "root_cause",
             "customer_contacted"],
            batch_size=500,
        )  # fmt: skip
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        # Unacknowledged past their SLA: escalated when the beat would have (no mail now).
        for case in Case.objects.filter(rule__in=rules).escalation_due(now):
            case_escalate(case_id=case.pk, now=min(case.due_at + timedelta(minutes=5), now),
                          notify=False)  # fmt: skip
    demo = Case.objects.filter(rule__in=rules)
    return CasesDemoSummary(
        created=created,
        rules=len(rules),
        open=demo.filter(state__in=OPEN_STATES).count(),
        overdue=demo.overdue(now).count(),
        resolved=demo.filter(state=CaseState.RESOLVED).count(),
        closed=demo.filter(state=CaseState.CLOSED).count(),
    )


def demo_cases_reset() -> None:
    """Removes the demo's cases, rules and specialists (before the demo's own reset)."""
    rules = AlertRule.objects.filter(name__in=[RULE_INSTALLATION, RULE_CALL_CENTER])
    Case.objects.filter(rule__in=rules).delete()
    rules.delete()
    get_user_model().objects.filter(username__in=[row[0] for row in SPECIALISTS]).delete()
