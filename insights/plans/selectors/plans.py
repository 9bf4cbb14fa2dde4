"""Reads of plans for the staff pages, the API and exports: always from
`ActionPlan.objects.visible_to(user)`, so another team's plan is a 404, never a page."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from customers.models import Account, Contact
from surveys.constants import QuestionType, SurveyKind
from surveys.models import Answer

from ...selectors.aggregates import ResultFilter, answers_in
from ..constants import ActionStatus, PlanStatus
from ..models import (
    Action,
    ActionComment,
    ActionPlan,
    Finding,
    PlanAcknowledgement,
    PlanChange,
    PlanShare,
    PlanVerbatim,
    PlanVersion,
)

security_log = logging.getLogger("cem.security")

VERBATIM_CANDIDATES = 60


@dataclass(frozen=True)
class PlanFilter:
    account_id: int | None = None
    vertical_market_id: int | None = None
    team_member_id: int | None = None  # plans of accounts this user serves
    status: str | None = None
    wave_id: int | None = None
    since: date | None = None
    until: date | None = None


def plan_list(*, user, filters: PlanFilter | None = None) -> QuerySet[ActionPlan]:
    """The plans `user` may see, with their counts, newest period first."""
    f = filters or PlanFilter()
    plans = ActionPlan.objects.visible_to(user).select_related(
        "account__vertical_market", "wave", "created_by"
    )
    if f.account_id is not None:
        plans = plans.filter(account_id=f.account_id)
    if f.vertical_market_id is not None:
        plans = plans.filter(account__vertical_market_id=f.vertical_market_id)
    if f.team_member_id is not None:
        plans = plans.filter(
            account__in=Account.objects.filter(account_team=f.team_member_id).values("pk")
        )
    if f.status:
        plans = plans.filter(status=f.status)
    if f.wave_id is not None:
        plans = plans.filter(wave_id=f.wave_id)
    plans = plans.overlapping(f.since, f.until)
    open_q = Q(actions__status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS))
    return plans.annotate(
        actions_n=Count("actions", distinct=True),
        open_actions_n=Count("actions", filter=open_q, distinct=True),
    ).order_by("-period_end", "account__name", "pk")


def account_plans(*, user, account_id: int) -> QuerySet[ActionPlan]:
    """The plans of one account the user may see (the account page's link to them), with how
    many of the customer's contacts acknowledged a version: agreed with the customer."""
    return plan_list(user=user, filters=PlanFilter(account_id=account_id)).annotate(
        acknowledged_n=Count("shares__acknowledgements__contact", distinct=True)
    )


def _actions_prefetch() -> Prefetch:
    return Prefetch(
        "actions",
        queryset=Action.objects.select_related("owner_user", "touch_point", "follow_up__survey")
        .prefetch_related(
            "contacts",
            Prefetch(
                "comments",
                queryset=ActionComment.objects.select_related("contact", "version"),
            ),
        )
        .order_by("position", "pk"),
    )


def plan_detail_queryset(*, user) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.visible_to(user).select_related(
        "account__vertical_market", "wave", "created_by"
    )


def plan_get_or_404(*, user, pk: int, full: bool = False) -> ActionPlan:
    """The plan if `user` may see it; a 404 otherwise, logged when it exists elsewhere."""
    plans = plan_detail_queryset(user=user)
    if full:
        plans = plans.prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("touch_point")),
            _actions_prefetch(),
            Prefetch(
                "verbatims", queryset=PlanVerbatim.objects.select_related("contact", "touch_point")
            ),
        )
    plan = plans.filter(pk=pk).first()
    if plan is None:
        if ActionPlan.objects.filter(pk=pk).exists():
            security_log.warning(
                "Out-of-scope action plan %s requested by user %s", pk, getattr(user, "pk", None)
            )
        raise Http404
    return plan


def plan_for_document(*, pk: int) -> ActionPlan:
    """Everything a plan's content needs, in a fixed number of queries (for PDFs, exports)."""
    return (
        ActionPlan.objects.select_related("account__vertical_market", "wave")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("touch_point")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner_user", "touch_point").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "verbatims", queryset=PlanVerbatim.objects.select_related("contact", "touch_point")
            ),
        )
        .get(pk=pk)
    )


def plan_versions(*, plan: ActionPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("published_by").order_by("-number")


def plan_history(*, plan: ActionPlan) -> QuerySet[PlanChange]:
    return plan.changes.select_related("actor", "contact").order_by("-created_at", "-pk")


def plan_shares(*, plan: ActionPlan) -> QuerySet[PlanShare]:
    return plan.shares.select_related("contact", "created_by", "revoked_by").order_by(
        "contact__name", "-created_at"
    )


def plan_acknowledgements(*, plan: ActionPlan) -> QuerySet[PlanAcknowledgement]:
    return PlanAcknowledgement.objects.filter(version__plan=plan).select_related(
        "contact", "version"
    )


def shareable_contacts(*, plan: ActionPlan) -> QuerySet[Contact]:
    """The account's contacts a plan may be shared with (not those who opted out)."""
    return plan.account.contacts.filter(opted_out=False).order_by("-is_key_contact", "name")


def verbatim_candidates(*, plan: ActionPlan) -> list[Answer]:
    """Free-text comments of the account's contacts that the team may pick: those of the
    plan's relationship answers and of transaction surveys since the previous wave, newest
    first, each with the NPS given in the same response (`nps`)."""
    scope = plan.evidence.get("scope", {})
    since = date.fromisoformat(scope.get("transactions_since", plan.period_start.isoformat()))
    until = date.fromisoformat(scope.get("transactions_until", plan.period_end.isoformat()))
    since = min(since, plan.period_start)
    until = max(until, plan.period_end)
    nps = Answer.objects.filter(
        response_id=OuterRef("response_id"), question_type=QuestionType.NPS
    ).values("number")[:1]
    comments = (
        answers_in(ResultFilter(account_id=plan.account_id, since=since, until=until))
        .filter(question_type=QuestionType.TEXT)
        .filter(survey__kind__in=(SurveyKind.RELATIONSHIP, SurveyKind.TRANSACTION))
        .exclude(text="")
        .select_related("touch_point", "response__contact", "survey")
        .annotate(nps=Subquery(nps))
        .order_by("-submitted_at", "-pk")
    )
    return list(comments[:VERBATIM_CANDIDATES])


def plan_is_draft_of_published(plan: ActionPlan) -> bool:
    return plan.status == PlanStatus.DRAFT and plan.version > 1
