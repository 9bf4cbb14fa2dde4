"""The mails of action plans: the customer's link (in the contact's language) and the notices
to the account team (in each member's language) when a contact acknowledges or comments.
Each mail is claimed on its row (`mailed_at`, `notified_at`) with a conditional UPDATE before
it goes out, so a task run twice sends it once; a failed send releases the claim for the
retry."""

import logging
from email.utils import formataddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from customers.constants import RTL_LANGUAGES
from insights.cases.models import StaffProfile

from ..models import ActionComment, ActionPlan, PlanAcknowledgement, PlanShare

logger = logging.getLogger(__name__)

NOTICE_KINDS = ("acknowledgement", "comment")


def _message(
    *, template: str, context: dict, to: list[str], language: str
) -> EmailMultiAlternatives:
    with translation.override(language):
        context = {**context, "language": language, "rtl": language in RTL_LANGUAGES}
        subject = render_to_string(f"plans/email/{template}_subject.txt", context)
        text = render_to_string(f"plans/email/{template}.txt", context)
        html = render_to_string(f"plans/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(html, "text/html")
    return message


def plan_share_email_build(*, share: PlanShare) -> EmailMultiAlternatives:
    contact, plan = share.contact, share.plan
    return _message(
        template="share",
        context={
            "contact": contact,
            "plan": plan,
            "account": plan.account,
            "url": share.url,
            "expires_on": timezone.localdate(share.expires_at),
        },
        to=[formataddr((contact.name, contact.email))],
        language=contact.language or settings.LANGUAGE_CODE,
    )


def plan_share_mail(*, share_id: int) -> bool:
    """Mail a share's link once; False when it was mailed (or revoked) already."""
    now = timezone.now()
    claimed = PlanShare.objects.filter(
        pk=share_id, mailed_at__isnull=True, revoked_at__isnull=True
    ).update(mailed_at=now)
    if not claimed:
        return False
    share = PlanShare.objects.select_related("plan__account", "contact").get(pk=share_id)
    try:
        plan_share_email_build(share=share).send()
    except Exception:
        PlanShare.objects.filter(pk=share_id, mailed_at=now).update(mailed_at=None)
        raise
    return True


def team_recipients(plan: ActionPlan) -> dict[str, list[str]]:
    """The account team, its general manager and the plan's author, whoever has an address,
    by the language each reads (`StaffProfile.language`, else LANGUAGE_CODE)."""
    account = plan.account
    ids = set(account.account_team.values_list("pk", flat=True))
    if account.general_manager_id:
        ids.add(account.general_manager_id)
    if plan.created_by_id:
        ids.add(plan.created_by_id)
    users = (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .order_by("username")
    )
    languages = dict(
        StaffProfile.objects.filter(user__in=users)
        .exclude(language="")
        .values_list("user_id", "language")
    )
    by_language: dict[str, list[str]] = {}
    for user in users:
        language = languages.get(user.pk, settings.LANGUAGE_CODE)
        address = formataddr((user.get_full_name() or user.get_username(), user.email))
        by_language.setdefault(language, []).append(address)
    return by_language


def _notice(kind: str, object_id: int):
    if kind == "acknowledgement":
        return PlanAcknowledgement.objects.select_related(
            "share__plan__account", "contact", "version"
        ).get(pk=object_id)
    if kind == "comment":
        return ActionComment.objects.select_related(
            "share__plan__account", "contact", "version", "action"
        ).get(pk=object_id)
    raise ValueError(f"not a notice kind: {kind!r}")


def plan_team_notify(*, kind: str, object_id: int) -> bool:
    """Tell the account team that a contact acknowledged the plan or commented on an action;
    False when the team was told already or nobody has an address."""
    model = PlanAcknowledgement if kind == "acknowledgement" else ActionComment
    if kind not in NOTICE_KINDS:
        raise ValueError(f"not a notice kind: {kind!r}")
    now = timezone.now()
    if not model.objects.filter(pk=object_id, notified_at__isnull=True).update(notified_at=now):
        return False
    notice = _notice(kind, object_id)
    plan = notice.share.plan
    recipients = team_recipients(plan)
    if not recipients:
        logger.warning("Plan %s has nobody to tell about a customer's %s", plan.pk, kind)
        return False
    context = {
        "plan": plan,
        "account": plan.account,
        "contact": notice.contact,
        "notice": notice,
        "url": f"{settings.SITE_URL}/action-plans/{plan.pk}/",
    }
    # One mail per language; should a later one fail, the retry sends the earlier ones again.
    try:
        for language, to in sorted(recipients.items()):
            _message(template=kind, context=context, to=to, language=language).send()
    except Exception:
        model.objects.filter(pk=object_id, notified_at=now).update(notified_at=None)
        raise
    return True
