"""Writes of cases: open one for a rule's match, change its state, reassign, note, escalate;
and create alert rules (replies to the customer: `replies.py`). Pages, the API, tasks and the
admin all change cases through these functions, which also check that the user may act on
the case."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Response

from .constants import (
    TRANSITIONS,
    CaseEventKind,
    CaseState,
    NoticeKind,
    RootCause,
)
from .evaluator import ResponseFacts
from .models import (
    AlertCondition,
    AlertRule,
    Case,
    CaseEvent,
    ReplyTemplate,
)
from .notices import notices_create, recipients_of
from .routing import case_route

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 4000


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def check_workable(case: Case, user) -> None:
    """`user` may act on `case` (None: the system). The same rule as the queue pages."""
    if user is None:
        return
    if not Case.objects.workable_by(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not change this case."))


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": NOTE_MAX_LENGTH}})
    return note


# ------------------------------------------------------------------ opening


def case_open(
    *,
    rule: AlertRule,
    response: Response,
    facts: ResponseFacts,
    now: datetime | None = None,
    notify: bool = True,
    guarded: bool = True,
) -> Case | None:
    """Open the case of `rule`'s match on `response`; None when it exists already (the
    database's one-case-per-rule-and-response constraint decides, also between racing
    workers). Call inside a transaction: the owner's mail is published after its commit.
    `guarded=False` (the caller checked, and handles an IntegrityError) saves a savepoint."""
    now = _now(now)
    route = case_route(
        rule=rule, facts=facts, account=response.account, touch_point=response.touch_point
    )
    case = Case(
        rule=rule,
        response=response,
        account_id=response.account_id,
        contact_id=response.contact_id,
        touch_point_id=response.touch_point_id,
        owner=route.owner,
        team=route.team,
        priority=rule.priority,
        routing_note=route.note[:300],
        opened_at=now,
        due_at=now + timedelta(hours=rule.sla_hours),
        resolve_due_at=now + timedelta(hours=rule.resolve_hours) if rule.resolve_hours else None,
    )
    if not guarded:
        case.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                case.save(force_insert=True)
        except IntegrityError:
            return None
    event = CaseEvent.objects.create(
        case=case, kind=CaseEventKind.OPENED, to_state=CaseState.NEW, note=case.routing_note,
        created_at=now,
    )  # fmt: skip
    if notify:
        notices_create(
            case=case, event=event, recipients=recipients_of(case), kind=NoticeKind.ASSIGNED,
            now=now,
        )  # fmt: skip
    return case


# ------------------------------------------------------------------ working a case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    user,
    to_state: str,
    note: str = "",
    root_cause: str = "",
    customer_contacted: bool | None = None,
    now: datetime | None = None,
) -> Case:
    """Move `case` to `to_state` along `TRANSITIONS`, recording who, when and why. Closing
    needs a root cause and whether the customer was contacted."""
    now = _now(now)
    check_workable(case, user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    note = _clean_note(note)
    if to_state not in TRANSITIONS.get(case.state, ()):
        raise ValidationError(
            {
                "state": _("A %(from)s case cannot become %(to)s.")
                % {
                    "from": CaseState(case.state).label,
                    "to": CaseState(to_state).label if to_state in CaseState.values else to_state,
                }
            }
        )
    if to_state == CaseState.CLOSED:
        errors = {}
        if root_cause not in RootCause.values:
            errors["root_cause"] = _("Choose the root cause before closing.")
        if customer_contacted is None:
            errors["customer_contacted"] = _("Say whether the customer was contacted.")
        if errors:
            raise ValidationError(errors)
        case.root_cause, case.customer_contacted = root_cause, customer_contacted
    from_state = case.state
    if from_state == CaseState.NEW and case.acknowledged_at is None:
        case.acknowledged_at = now
    if to_state == CaseState.RESOLVED:
        case.resolved_at = now
    elif to_state == CaseState.CLOSED:
        case.closed_at = now
        case.resolved_at = case.resolved_at or now
    elif from_state in (CaseState.RESOLVED, CaseState.CLOSED):  # reopened
        case.resolved_at = case.closed_at = None
    case.state = to_state
    case.full_clean(exclude=["rule", "response", "account", "contact", "touch_point", "owner",
                             "team", "escalated_to"])  # fmt: skip
    case.save()
    data = {}
    if to_state == CaseState.CLOSED:
        data = {"root_cause": root_cause, "customer_contacted": customer_contacted}
    CaseEvent.objects.create(
        case=case, kind=CaseEventKind.TRANSITION, actor=user, from_state=from_state,
        to_state=to_state, note=note, data=data, created_at=now,
    )  # fmt: skip
    return case


def case_acknowledge(*, case: Case, user, note: str = "", now: datetime | None = None) -> Case:
    return case_transition(
        case=case, user=user, to_state=CaseState.ACKNOWLEDGED, note=note, now=now
    )


def _validate_assignee(owner, team) -> None:
    if owner is None and team is None:
        raise ValidationError({"owner": _("Choose a user or a team.")})
    if owner is not None and not (owner.is_active and owner.is_staff):
        raise ValidationError({"owner": _("Cases go to active staff users only.")})


def _assign(case: Case, *, user, owner, team, note: str, now: datetime) -> Case:
    before = {"owner": case.owner_id, "team": case.team_id}
    case.owner, case.team = owner, team
    case.save(update_fields=["owner", "team"])
    event = CaseEvent.objects.create(
        case=case, kind=CaseEventKind.ASSIGNED, actor=user, note=note, created_at=now,
        data={"from": before, "to": {"owner": case.owner_id, "team": case.team_id}},
    )  # fmt: skip
    recipients = [u for u in recipients_of(case) if user is None or u.pk != user.pk]
    notices_create(case=case, event=event, recipients=recipients, kind=NoticeKind.ASSIGNED, now=now)
    return case


@transaction.atomic
def case_assign(
    *, case: Case, user, owner=None, team=None, note: str = "", now: datetime | None = None
) -> Case:
    """Give `case` to `owner` (a staff user) and/or `team`; the new owner is notified."""
    check_workable(case, user)
    _validate_assignee(owner, team)
    case = Case.objects.select_for_update().get(pk=case.pk)
    return _assign(case, user=user, owner=owner, team=team, note=_clean_note(note), now=_now(now))


@transaction.atomic
def cases_assign(
    *, case_ids: list[int], user, owner=None, team=None, note: str = "", now=None
) -> int:
    """Bulk reassignment from a queue; only the cases `user` may act on are changed."""
    _validate_assignee(owner, team)
    note, now = _clean_note(note), _now(now)
    cases = list(
        Case.objects.filter(
            pk__in=Case.objects.workable_by(user).filter(pk__in=case_ids).values("pk")
        )
        .select_for_update(of=("self",))
        .select_related("owner")
        .order_by("pk")
    )
    for case in cases:
        _assign(case, user=user, owner=owner, team=team, note=note, now=now)
    return len(cases)


@transaction.atomic
def case_note_add(*, case: Case, user, note: str, now: datetime | None = None) -> CaseEvent:
    check_workable(case, user)
    note = _clean_note(note)
    if not note:
        raise ValidationError({"note": _("Write a note.")})
    return CaseEvent.objects.create(
        case=case, kind=CaseEventKind.NOTE, actor=user, note=note, created_at=_now(now)
    )


# ------------------------------------------------------------------ escalation


def case_escalate(*, case_id: int, now: datetime, notify: bool = True) -> bool:
    """Escalate one unacknowledged case past its SLA to the account's general manager,
    once: a conditional UPDATE claims it, so a doubled beat escalates nothing twice."""
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case_id).escalation_due(now).update(escalated_at=now)
        if not claimed:
            return False
        case = Case.objects.select_related("account__general_manager", "owner").get(pk=case_id)
        manager = case.account.general_manager if case.account_id else None
        if manager is not None and not manager.is_active:
            manager = None
        case.escalated_to = manager
        case.save(update_fields=["escalated_to"])
        note = (
            _("Not acknowledged within %(hours)d hours: escalated to the general manager.")
            % {"hours": case.rule.sla_hours}
            if manager
            else _("Not acknowledged in time; the account has no general manager to escalate to.")
        )
        event = CaseEvent.objects.create(
            case=case, kind=CaseEventKind.ESCALATED, note=note, created_at=now,
            data={"to": manager.pk if manager else None},
        )  # fmt: skip
        if notify and manager is not None and manager.email:
            notices_create(
                case=case, event=event, recipients=[manager], kind=NoticeKind.ESCALATED, now=now
            )
    return True


def cases_escalate_due(
    *, now: datetime | None = None, limit: int = 500, notify: bool = True
) -> int:
    now = _now(now)
    due = Case.objects.escalation_due(now).order_by("due_at", "pk")
    return sum(
        case_escalate(case_id=pk, now=now, notify=notify)
        for pk in due.values_list("pk", flat=True)[:limit]
    )


# ------------------------------------------------------------------ alert rules


@transaction.atomic
def alert_rule_create(
    *, user, conditions: list[dict], reply_templates: list[dict] | None = None, **fields
) -> AlertRule:
    """A rule with its conditions (and reply templates), validated as the admin validates
    them (`AlertRule.clean`, `AlertCondition.clean`); nothing is stored on an error."""
    rule = AlertRule(created_by=user, **fields)
    rule.full_clean()
    rule.save()
    errors: dict[str, object] = {}
    if not conditions:
        errors["conditions"] = [_("A rule needs at least one condition.")]
    for position, data in enumerate(conditions):
        condition = AlertCondition(rule=rule, position=position, **data)
        try:
            condition.full_clean(exclude=["rule"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"conditions[{position}].{field}"] = messages
            continue
        condition.save()
    for data in reply_templates or ():
        template = ReplyTemplate(rule=rule, **data)
        try:
            template.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"reply_templates.{field}"] = messages
            continue
        template.save()
    if errors:
        raise ValidationError(errors)
    return rule
