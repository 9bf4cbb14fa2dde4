"""Closing the loop on a done action: a short pulse to the contacts it concerned, sent through
the surveys' own send (`distribution_create`, origin pulse), so the audience rules (opt-out,
fatigue) and the invitation ledger apply as to any other send."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from surveys.constants import DistributionOrigin, SurveyKind
from surveys.models import Survey
from surveys.services.invitations import distribution_create

from ..constants import ActionStatus, ChangeKind
from ..models import Action, ActionFollowUp
from ..selectors.follow_ups import contacts_scores_before
from .history import plan_change_log


def follow_up_delay() -> timedelta:
    return timedelta(days=settings.CEM_PLAN_FOLLOW_UP_DELAY_DAYS)


@transaction.atomic
def action_follow_up_schedule(
    *,
    action: Action,
    user,
    survey: Survey,
    send_after: datetime | None = None,
    contacts: Sequence[Contact] | None = None,
) -> ActionFollowUp:
    """Schedule the follow-up pulse of a done action (one per action). By default it goes to
    the action's contacts, CEM_PLAN_FOLLOW_UP_DELAY_DAYS after the action was done (at once
    if that has passed); the contacts' scores until now are kept as "before"."""
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    if action.status != ActionStatus.DONE:
        raise ValidationError(_("Follow up on an action once it is done."), code="not_done")
    if ActionFollowUp.objects.filter(action=action).exists():
        raise ValidationError(_("This action has its follow-up already."), code="duplicate")
    if survey.kind != SurveyKind.PULSE or not survey.is_live:
        raise ValidationError(_("Choose a live pulse survey."), code="not_pulse")
    contacts = list(contacts) if contacts is not None else list(action.contacts.all())
    if not contacts:
        raise ValidationError(
            _("Choose the contacts this action concerned first."), code="no_contacts"
        )
    if any(contact.account_id != action.plan.account_id for contact in contacts):
        raise ValidationError(
            _("Only contacts of the plan's account can be asked."), code="other_account"
        )
    now = timezone.now()
    if send_after is None:
        send_after = max(now, (action.completed_at or now) + follow_up_delay())
    before_since = action.plan.period_start
    before = contacts_scores_before(
        contact_ids=[c.pk for c in contacts], since=before_since, until=now
    )
    distribution = distribution_create(
        survey=survey,
        contacts=contacts,
        name=(_("Follow-up: %(action)s") % {"action": action.title})[:200],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        origin=DistributionOrigin.PULSE,
        send_after=send_after if send_after > now else None,
    )
    follow_up = ActionFollowUp.objects.create(
        action=action,
        survey=survey,
        distribution=distribution,
        send_after=send_after,
        before=before,
        before_since=before_since,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    plan_change_log(
        plan=action.plan,
        kind=ChangeKind.FOLLOW_UP,
        actor=user,
        summary=_("%(action)s: %(survey)s to %(n)s contacts")
        % {"action": action.title, "survey": survey.title, "n": len(contacts)},
    )
    return follow_up
