"""Writing action plans: create one pre-filled with the account's evidence, edit its findings,
actions and verbatims (each edit of a published plan starts its next version), publish.

Every write is one transaction that locks the plan row and logs who changed what
(`services.history`); mails and tasks go out after commit.
"""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Account, Contact
from surveys.models import Wave

from ..constants import ChangeKind, PlanStatus
from ..models import ActionPlan, Finding, PlanVersion
from ..selectors.documents import plan_content
from ..selectors.evidence import evidence_scope, plan_evidence
from ..selectors.plans import plan_for_document
from .history import field_changes, plan_change_begin, plan_change_log

PLAN_FIELDS = ("title", "language", "internal_notes")
SUGGESTED_TOUCH_POINTS = 2


def matrix_metric() -> str:
    return settings.CEM_PLAN_MATRIX_METRIC


def _default_title(account: Account, wave: Wave | None, start: date, end: date) -> str:
    if wave is not None:
        return _("%(account)s: action plan after %(wave)s") % {
            "account": account.name,
            "wave": wave.name,
        }
    return _("%(account)s: action plan %(start)s – %(end)s") % {
        "account": account.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def _signed(value: float) -> str:
    return f"+{value:g}" if value > 0 else f"{value:g}"


def suggested_findings(evidence: dict) -> list[dict]:
    """Draft findings from the evidence, in the active language, for the team to keep, edit
    or delete: the relationship score against the previous wave and the market, a move in
    the customer matrix, the weakest touch points."""
    from ... import metrics

    found = []
    scores = evidence.get("scores") or {}
    mine, previous, vertical = scores.get("account"), scores.get("previous"), scores.get("vertical")
    if mine and mine.get("nps") is not None:
        parts = []
        if previous and previous.get("nps") is not None:
            parts.append(
                _("%(change)s points against the previous wave (%(previous)s).")
                % {
                    "change": _signed(round(mine["nps"] - previous["nps"], 1)),
                    "previous": previous["nps"],
                }
            )
        if vertical and vertical.get("nps") is not None:
            parts.append(
                _("The %(market)s average is %(average)s.")
                % {"market": evidence["scope"]["vertical_market"], "average": vertical["nps"]}
            )
        parts.append(_("%(n)s answers.") % {"n": mine["nps_n"]})
        found.append(
            {
                "title": _("Relationship NPS %(nps)s") % {"nps": mine["nps"]},
                "text": " ".join(parts),
                "theme": "relationship",
            }
        )
    matrix = evidence.get("matrix") or {}
    if matrix.get("moved"):
        found.append(
            {
                "title": _("Moved from %(before)s to %(after)s in the customer matrix")
                % {
                    "before": metrics.PLACEMENT_LABELS[matrix["previous"]["quadrant"]],
                    "after": metrics.PLACEMENT_LABELS[matrix["current"]["quadrant"]],
                },
                "text": "",
                "theme": "relationship",
            }
        )
    for point in (evidence.get("touch_points") or [])[:SUGGESTED_TOUCH_POINTS]:
        if not point.get("low_share"):
            continue
        found.append(
            {
                "title": _("%(touch_point)s: %(share)s%% low scores")
                % {"touch_point": point["name"], "share": point["low_share"]},
                "text": _("%(low)s of %(scored)s scored answers since the last wave; NPS %(nps)s.")
                % {
                    "low": point["low"],
                    "scored": point["scored"],
                    "nps": point["nps"] if point["nps"] is not None else "—",
                },
                "touch_point_id": point["id"],
                "theme": "service",
            }
        )
    return found


@transaction.atomic
def action_plan_create(
    *,
    account: Account,
    created_by,
    wave: Wave | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    title: str = "",
    language: str | None = None,
    today: date | None = None,
    findings: Sequence[dict] = (),
    actions: Sequence[dict] = (),
) -> ActionPlan:
    """A plan for `account` on `wave` (or a period), opened with its evidence and draft
    findings suggested from it; `findings` and `actions` (field dicts, an action's with
    `contacts`) are added after them, as the API posts them."""
    if wave is not None:
        period_start = timezone.localdate(wave.opens_at)
        period_end = timezone.localdate(wave.closes_at)
    elif period_start is None or period_end is None:
        raise ValidationError(_("Choose a relationship wave or a period."), code="no_period")
    if period_end < period_start:
        raise ValidationError(_("The period must not end before it starts."), code="period")
    language = language or settings.LANGUAGE_CODE
    scope = evidence_scope(
        account=account, wave=wave, period_start=period_start, period_end=period_end, today=today
    )
    evidence = plan_evidence(scope, matrix_metric=matrix_metric())
    with translation.override(language):
        plan = ActionPlan(
            account=account,
            wave=wave,
            period_start=period_start,
            period_end=period_end,
            title=title or _default_title(account, wave, period_start, period_end),
            language=language,
            evidence=evidence,
            evidence_at=timezone.now(),
            created_by=created_by,
        )
        plan.full_clean()
        plan.save()
        Finding.objects.bulk_create(
            [
                Finding(
                    plan=plan,
                    position=position,
                    title=item["title"][:200],
                    text=item["text"],
                    touch_point_id=item.get("touch_point_id"),
                    theme=item.get("theme", ""),
                    from_evidence=True,
                )
                for position, item in enumerate(suggested_findings(evidence))
            ]
        )
    plan_change_log(plan=plan, kind=ChangeKind.CREATED, actor=created_by, summary=plan.title)
    if findings or actions:
        from .contents import action_create, finding_create

        for data in findings:
            finding_create(plan=plan, user=created_by, **data)
        for data in actions:
            action_create(plan=plan, user=created_by, **data)
    return plan


@transaction.atomic
def action_plan_update(*, plan: ActionPlan, user, **data) -> ActionPlan:
    """Change the plan's title, language or internal notes."""
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not plan fields: {sorted(unknown)}")
    changes = field_changes(plan, data)
    if not changes:
        return plan
    plan = plan_change_begin(plan=plan, user=user)
    for name, value in data.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    plan_change_log(plan=plan, kind=ChangeKind.EDITED, actor=user, changes=changes)
    return plan


@transaction.atomic
def plan_evidence_refresh(*, plan: ActionPlan, user, today: date | None = None) -> ActionPlan:
    """Gather the evidence again (new answers, cases); findings stay as the team wrote them."""
    plan = plan_change_begin(plan=plan, user=user)
    scope = evidence_scope(
        account=plan.account,
        wave=plan.wave,
        period_start=plan.period_start,
        period_end=plan.period_end,
        today=today,
    )
    plan.evidence = plan_evidence(scope, matrix_metric=matrix_metric())
    plan.evidence_at = timezone.now()
    plan.save(update_fields=["evidence", "evidence_at", "updated_at"])
    plan_change_log(plan=plan, kind=ChangeKind.EVIDENCE, actor=user)
    return plan


# ------------------------------------------------------------------ publishing


@transaction.atomic
def action_plan_publish(
    *,
    plan: ActionPlan,
    user,
    contacts: Sequence[Contact] = (),
    expires_at=None,
) -> PlanVersion:
    """Freeze the current version as the one the customer sees, and give each of `contacts`
    a personal link to it (mailed after commit). Publishing a plan that is already
    published only adds the links."""
    from .sharing import plan_share_create

    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == PlanStatus.PUBLISHED:
        version = locked.versions.get(number=locked.version)
    else:
        document = plan_for_document(pk=locked.pk)
        if not document.actions.all():
            raise ValidationError(
                _("A plan needs at least one action before it is shared."), code="no_actions"
            )
        now = timezone.now()
        version = PlanVersion(
            plan=locked,
            number=locked.version,
            content=plan_content(document),
            published_at=now,
            published_by=user if getattr(user, "is_authenticated", False) else None,
        )
        version.content["status"] = PlanStatus.PUBLISHED
        version.save()
        locked.status = PlanStatus.PUBLISHED
        locked.published_at = now
        locked.save(update_fields=["status", "published_at", "updated_at"])
        locked.actions.filter(first_published__isnull=True).update(first_published=locked.version)
        plan_change_log(
            plan=locked, kind=ChangeKind.PUBLISHED, actor=user, summary=f"v{locked.version}"
        )
    plan.status, plan.version, plan.published_at = (
        locked.status,
        locked.version,
        locked.published_at,
    )
    for contact in contacts:
        plan_share_create(plan=locked, contact=contact, user=user, expires_at=expires_at)
    return version
