"""Sharing a published plan with the customer: personal links, revoking them, and what a contact
does through one (acknowledge the plan, comment on an action), each of which tells the team."""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact

from ..constants import ChangeKind
from ..models import (
    ActionComment,
    ActionPlan,
    PlanAcknowledgement,
    PlanShare,
    PlanVersion,
)
from .history import plan_change_log

# surveys.models.new_token: 32 random bytes, URL-safe base64 without padding.
TOKEN_FORMAT = re.compile(r"^[A-Za-z0-9_-]{43}$")


def share_ttl() -> timedelta:
    return timedelta(days=settings.CEM_PLAN_SHARE_TTL_DAYS)


def comment_max_length() -> int:
    return settings.CEM_PLAN_COMMENT_MAX_LENGTH


def _enqueue(task_name: str, *args) -> None:
    from .. import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(*args))


@transaction.atomic
def plan_share_create(
    *, plan: ActionPlan, contact: Contact, user, expires_at: datetime | None = None
) -> PlanShare:
    """A link to the published plan for `contact`, mailed in the contact's language after
    commit. A contact who holds a live link keeps it (no second mail); an expired one is
    revoked and replaced."""
    if contact.account_id != plan.account_id:
        raise ValidationError(
            _("A plan is shared only with contacts of its own account."), code="other_account"
        )
    if contact.opted_out:
        raise ValidationError(
            _("%(name)s has opted out of our mails.") % {"name": contact.name}, code="opted_out"
        )
    if plan.last_published_number is None:
        raise ValidationError(_("Publish the plan before sharing it."), code="not_published")
    now = timezone.now()
    expires_at = expires_at or now + share_ttl()
    if expires_at <= now:
        raise ValidationError(_("The link must expire in the future."), code="expiry")
    current = (
        PlanShare.objects.select_for_update()
        .filter(plan=plan, contact=contact, revoked_at__isnull=True)
        .first()
    )
    if current is not None:
        if current.expires_at > now:
            return current
        current.revoked_at = now
        current.save(update_fields=["revoked_at"])
    share = PlanShare(
        plan=plan,
        contact=contact,
        expires_at=expires_at,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    share.full_clean()
    share.save()
    plan_change_log(
        plan=plan,
        kind=ChangeKind.SHARED,
        actor=user,
        summary=_("%(name)s, until %(date)s")
        % {"name": contact.name, "date": timezone.localdate(expires_at).isoformat()},
    )
    _enqueue("plan_share_mail_task", share.pk)
    return share


@transaction.atomic
def plan_share_revoke(*, share: PlanShare, user) -> PlanShare:
    """The link stops working at once (the same 404 as an unknown one)."""
    share = PlanShare.objects.select_for_update().select_related("contact", "plan").get(pk=share.pk)
    if share.revoked_at is not None:
        return share
    share.revoked_at = timezone.now()
    share.revoked_by = user if getattr(user, "is_authenticated", False) else None
    share.save(update_fields=["revoked_at", "revoked_by"])
    plan_change_log(
        plan=share.plan, kind=ChangeKind.REVOKED, actor=user, summary=share.contact.name
    )
    return share


def plan_share_resolve(*, token: str, touch: bool = True) -> PlanShare | None:
    """The live share behind `token`, or None for an unknown, revoked or expired link (or one
    whose plan has no published version): the caller answers all of them alike."""
    if not isinstance(token, str) or not TOKEN_FORMAT.match(token):
        return None
    now = timezone.now()
    share = (
        PlanShare.objects.select_related("plan__account", "contact")
        .filter(token=token, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if share is None or share.plan.last_published_number is None:
        return None
    if share.contact.account_id != share.plan.account_id:  # the contact moved to another account
        return None
    if touch:
        PlanShare.objects.filter(pk=share.pk).update(last_opened_at=now)
    return share


def shared_version(share: PlanShare) -> PlanVersion:
    """The version the contact sees: the plan's latest published one."""
    return share.plan.versions.get(number=share.plan.last_published_number)


@transaction.atomic
def plan_acknowledge(*, share: PlanShare) -> PlanAcknowledgement:
    """The contact acknowledges the version they see; once per version (a constraint)."""
    version = shared_version(share)
    existing = PlanAcknowledgement.objects.filter(version=version, contact=share.contact).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = PlanAcknowledgement.objects.create(
                share=share, version=version, contact=share.contact
            )
    except IntegrityError:  # a double click raced us
        return PlanAcknowledgement.objects.get(version=version, contact=share.contact)
    plan_change_log(
        plan=share.plan,
        kind=ChangeKind.ACKNOWLEDGED,
        contact=share.contact,
        summary=f"v{version.number}",
    )
    _enqueue("plan_team_notify_task", "acknowledgement", ack.pk)
    return ack


def _clean_comment(text) -> str:
    if not isinstance(text, str):
        raise ValidationError(_("Write a comment."), code="empty")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Write a comment."), code="empty")
    if "\x00" in text:
        raise ValidationError(_("The comment holds a character we cannot store."), code="nul")
    limit = comment_max_length()
    if len(text) > limit:
        raise ValidationError(
            _("Keep the comment under %(limit)s characters.") % {"limit": limit}, code="too_long"
        )
    return text


@transaction.atomic
def action_comment_create(*, share: PlanShare, action_id: int, text: str) -> ActionComment:
    """The contact's comment on one action of the version they see."""
    text = _clean_comment(text)
    version = shared_version(share)
    shown = {item["id"] for item in version.content.get("actions", [])}
    action = share.plan.actions.filter(pk=action_id).first() if action_id in shown else None
    if action is None:
        raise ValidationError(_("There is no such action in this plan."), code="no_action")
    comment = ActionComment.objects.create(
        action=action, share=share, contact=share.contact, version=version, text=text
    )
    plan_change_log(
        plan=share.plan,
        kind=ChangeKind.COMMENTED,
        contact=share.contact,
        summary=action.title,
    )
    _enqueue("plan_team_notify_task", "comment", comment.pk)
    return comment
