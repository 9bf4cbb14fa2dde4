"""What the customer sees of a plan, as JSON: the content a published version freezes, and the
same content read from the working copy (the staff preview, a draft's PDF).

Never in it: internal notes, cases, verbatims the team did not pick, a contact's name the team
did not choose to show, anything of another account. Keys and codes, not translated labels:
the customer view and the PDFs translate them in the reader's language.
"""

from django.conf import settings

from ..models import ActionPlan
from .targets import targets_for_account

# The parts of the evidence a customer may see (cases are internal).
PUBLIC_EVIDENCE = ("scope", "scores", "trend", "matrix", "touch_points")


def public_evidence(evidence: dict) -> dict:
    public = {key: evidence.get(key) for key in PUBLIC_EVIDENCE}
    scores = dict(public.get("scores") or {})
    vertical = scores.get("vertical")
    # A market average over two or three accounts would let one account work out another's
    # score: the customer sees it only over enough accounts.
    if vertical and vertical.get("accounts", 0) < settings.CEM_PLAN_MARKET_MIN_ACCOUNTS:
        scores["vertical"] = None
    public["scores"] = scores
    scope = dict(public.get("scope") or {})
    scope.pop("wave_id", None)
    scope.pop("previous_wave_id", None)
    public["scope"] = scope
    return public


def plan_content(plan: ActionPlan, *, with_targets: bool = True) -> dict:
    """The plan as a customer would see it now. `plan` should come with its findings, actions
    and verbatims prefetched (`selectors.plans.plan_for_document`)."""
    findings = [
        {
            "id": f.pk,
            "title": f.title,
            "text": f.text,
            "touch_point": f.touch_point.name if f.touch_point_id else "",
            "theme": f.theme,
        }
        for f in plan.findings.all()
    ]
    actions = [
        {
            "id": a.pk,
            "number": number,
            "title": a.title,
            "description": a.description,
            "owner_side": a.owner_side,
            "owner": a.owner_display,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "touch_point": a.touch_point.name if a.touch_point_id else "",
            "theme": a.theme,
            "target": a.target,
        }
        for number, a in enumerate(plan.actions.all(), start=1)
    ]
    verbatims = [
        {
            "id": v.pk,
            "text": v.text,
            "attribution": v.attribution,
            "touch_point": v.touch_point.name if v.touch_point_id else "",
            "submitted_at": v.submitted_at.date().isoformat() if v.submitted_at else None,
            "score": v.score,
        }
        for v in plan.verbatims.all()
    ]
    targets = (
        [progress.as_dict() for progress in targets_for_account(account=plan.account)]
        if with_targets
        else []
    )
    return {
        "plan_id": plan.pk,
        "version": plan.version,
        "status": plan.status,
        "title": plan.title,
        "language": plan.language,
        "account": plan.account.name,
        "vertical_market": plan.account.vertical_market.name,
        "wave": plan.wave.name if plan.wave_id else None,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "findings": findings,
        "actions": actions,
        "verbatims": verbatims,
        "targets": targets,
        "evidence": public_evidence(plan.evidence or {}),
    }
