"""Writing a plan's findings, actions and verbatims, one row at a time or a whole save of the
edit page; each edit of a published plan starts its next version (`history.plan_change_begin`)
and every change is in the plan's history."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from surveys.models import Answer

from ..constants import ActionStatus, ChangeKind
from ..models import Action, ActionPlan, Finding, PlanVerbatim
from .history import field_changes, plan_change_begin, plan_change_log
from .plans import action_plan_update

FINDING_FIELDS = ("title", "text", "touch_point", "theme", "position")
ACTION_FIELDS = (
    "title",
    "description",
    "owner_side",
    "owner_user",
    "owner_name",
    "due_date",
    "status",
    "touch_point",
    "theme",
    "target",
    "internal_note",
    "position",
)


# ------------------------------------------------------------------ findings


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def finding_create(*, plan: ActionPlan, user, title: str, **data) -> Finding:
    plan = plan_change_begin(plan=plan, user=user)
    data.setdefault("position", _next_position(plan.findings.all()))
    finding = Finding(plan=plan, title=title, **data)
    finding.full_clean()
    finding.save()
    plan_change_log(plan=plan, kind=ChangeKind.FINDING_ADDED, actor=user, summary=title)
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, user, **data) -> Finding:
    unknown = set(data) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"not finding fields: {sorted(unknown)}")
    changes = field_changes(finding, data)
    if not changes:
        return finding
    plan = plan_change_begin(plan=finding.plan, user=user)
    for name, value in data.items():
        setattr(finding, name, value)
    finding.full_clean()
    finding.save()
    plan_change_log(
        plan=plan,
        kind=ChangeKind.FINDING_CHANGED,
        actor=user,
        summary=finding.title,
        changes=changes,
    )
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, user) -> None:
    plan = plan_change_begin(plan=finding.plan, user=user)
    title = finding.title
    finding.delete()
    plan_change_log(plan=plan, kind=ChangeKind.FINDING_REMOVED, actor=user, summary=title)


# ------------------------------------------------------------------ actions


def _check_contacts(plan: ActionPlan, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list(contacts)
    if any(contact.account_id != plan.account_id for contact in contacts):
        raise ValidationError(
            {"contacts": _("Only contacts of the plan's account can be chosen.")},
            code="other_account",
        )
    return contacts


def _apply_status(action: Action, status: str | None) -> None:
    if status is None:
        return
    if status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif status != ActionStatus.DONE:
        action.completed_at = None


@transaction.atomic
def action_create(
    *, plan: ActionPlan, user, title: str, contacts: Sequence[Contact] = (), **data
) -> Action:
    plan = plan_change_begin(plan=plan, user=user)
    contacts = _check_contacts(plan, contacts)
    data.setdefault("position", _next_position(plan.actions.all()))
    action = Action(plan=plan, title=title, **data)
    _apply_status(action, action.status)
    action.full_clean()
    action.save()
    if contacts:
        action.contacts.set(contacts)
    plan_change_log(plan=plan, kind=ChangeKind.ACTION_ADDED, actor=user, summary=title)
    return action


@transaction.atomic
def action_update(
    *, action: Action, user, contacts: Sequence[Contact] | None = None, **data
) -> Action:
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"not action fields: {sorted(unknown)}")
    changes = field_changes(action, data)
    if contacts is not None:
        contacts = _check_contacts(action.plan, contacts)
        before = {c.pk for c in action.contacts.all()}
        if before != {c.pk for c in contacts}:
            changes["contacts"] = [
                sorted(c.name for c in action.contacts.all()),
                sorted(c.name for c in contacts),
            ]
    if not changes:
        return action
    plan = plan_change_begin(plan=action.plan, user=user)
    for name, value in data.items():
        setattr(action, name, value)
    _apply_status(action, data.get("status"))
    action.full_clean()
    action.save()
    if contacts is not None:
        action.contacts.set(contacts)
    plan_change_log(
        plan=plan, kind=ChangeKind.ACTION_CHANGED, actor=user, summary=action.title, changes=changes
    )
    return action


@transaction.atomic
def action_delete(*, action: Action, user) -> None:
    """Only an action the customer never saw can go; a published one is cancelled instead,
    so that its comments and the versions that show it stay whole."""
    if action.first_published is not None:
        raise ValidationError(
            _("The customer has seen this action: set its status to cancelled instead."),
            code="published_action",
        )
    plan = plan_change_begin(plan=action.plan, user=user)
    title = action.title
    action.delete()
    plan_change_log(plan=plan, kind=ChangeKind.ACTION_REMOVED, actor=user, summary=title)


# ------------------------------------------------------------------ verbatims


@transaction.atomic
def plan_verbatims_set(
    *, plan: ActionPlan, user, answers: Sequence[Answer], attributed: Iterable[int] = ()
) -> list[PlanVerbatim]:
    """Show exactly `answers` (free-text comments of this account's contacts) in the plan,
    in that order; those whose id is in `attributed` name their contact, the rest are
    anonymised."""
    attributed = set(attributed)
    for answer in answers:
        if answer.account_id != plan.account_id or not answer.text.strip():
            raise ValidationError(
                _("Only comments of the plan's account can be shown."), code="other_account"
            )
    wanted = {answer.pk: (position, answer) for position, answer in enumerate(answers)}
    current = {v.answer_id: v for v in plan.verbatims.all() if v.answer_id is not None}
    same = list(current) == list(wanted) and all(
        current[pk].attributed == (pk in attributed) for pk in wanted
    )
    if same:
        return list(plan.verbatims.all())
    plan = plan_change_begin(plan=plan, user=user)
    plan.verbatims.exclude(answer_id__in=list(wanted)).delete()
    kept = []
    for pk, (position, answer) in wanted.items():
        verbatim = current.get(pk) or PlanVerbatim(
            plan=plan,
            answer=answer,
            text=answer.text,
            touch_point_id=answer.touch_point_id,
            contact_id=answer.response.contact_id,
            submitted_at=answer.submitted_at,
            score=getattr(answer, "nps", None),
        )
        verbatim.position = position
        verbatim.attributed = pk in attributed
        verbatim.save()
        kept.append(verbatim)
    plan_change_log(
        plan=plan,
        kind=ChangeKind.VERBATIMS,
        actor=user,
        summary=_("%(n)s comments shown, %(named)s with the contact's name")
        % {"n": len(kept), "named": sum(v.attributed for v in kept)},
    )
    return kept


# ------------------------------------------------------------------ the edit page


@dataclass(frozen=True)
class RowEdit:
    """One row of the edit page: an existing finding or action (or None: a new one), its
    fields, and whether it is to go."""

    instance: Finding | Action | None
    data: dict
    delete: bool = False


@transaction.atomic
def action_plan_edit(
    *,
    plan: ActionPlan,
    user,
    plan_data: dict,
    findings: Sequence[RowEdit] = (),
    actions: Sequence[RowEdit] = (),
) -> ActionPlan:
    """Everything one save of the edit page changes, all or nothing; rows that change
    nothing change nothing (no new version, no history)."""
    plan = action_plan_update(plan=plan, user=user, **plan_data)
    for row in findings:
        if row.instance is None:
            if not row.delete:
                finding_create(plan=plan, user=user, **row.data)
        elif row.delete:
            finding_delete(finding=row.instance, user=user)
        else:
            finding_update(finding=row.instance, user=user, **row.data)
    for row in actions:
        data = dict(row.data)
        contacts = data.pop("contacts", None)
        if row.instance is None:
            if not row.delete:
                action_create(plan=plan, user=user, contacts=contacts or (), **data)
        elif row.delete:
            action_delete(action=row.instance, user=user)
        else:
            action_update(action=row.instance, user=user, contacts=contacts, **data)
    plan.refresh_from_db()
    return plan
