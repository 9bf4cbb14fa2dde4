"""The history of a plan and the one way into an edit: `plan_change_begin` locks the plan and,
when its current version is published (frozen), starts the next version as a draft first."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from ..constants import ChangeKind, PlanStatus
from ..models import ActionPlan, PlanChange


def _json(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return value


def field_changes(instance: models.Model, data: dict) -> dict:
    """{field: [before, after]} of the fields in `data` whose value would change."""
    changes = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_json(old), _json(new)]
    return changes


def plan_change_log(
    *,
    plan: ActionPlan,
    kind: str,
    actor=None,
    contact=None,
    summary: str = "",
    changes: dict | None = None,
) -> PlanChange:
    return PlanChange.objects.create(
        plan=plan,
        version=plan.version,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        contact=contact,
        summary=summary[:300],
        changes=changes or {},
    )


def plan_change_begin(*, plan: ActionPlan, user) -> ActionPlan:
    """The plan locked for an edit (call inside a transaction). A published version is never
    edited: its successor is opened as a draft, numbered one higher, and the edit lands there."""
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == PlanStatus.PUBLISHED:
        locked.version += 1
        locked.status = PlanStatus.DRAFT
        locked.save(update_fields=["version", "status", "updated_at"])
        plan_change_log(
            plan=locked,
            kind=ChangeKind.NEW_VERSION,
            actor=user,
            summary=f"v{locked.version - 1} stays as published; editing v{locked.version}",
        )
    plan.version, plan.status = locked.version, locked.status
    return locked
