"""What action plans keep about a contact, for erasure and export (answering
`customers.signals.contact_erasing` and `contact_export_requested`, insights/plans/receivers.py).

Erasure, inside the contact's erasure transaction:
* every plan link of the contact is revoked and its token replaced (nobody holds the new one);
* the contact's comments on actions are emptied (a comment may name people or say anything);
  the rows stay, so the team still sees that the contact commented, and when;
* the comments of theirs the team showed (verbatims) are removed from the plans, and from the
  published versions too: the law outranks a version's being frozen;
* their name is replaced where plans wrote it out: an action's customer-side owner, the
  history's summaries, the published versions' owners and attributions.
Acknowledgements stay: they hold nothing but the (now anonymous) contact and a time.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Contact
from customers.privacy import ERASED_NAME
from surveys.models import new_token

from ..models import (
    Action,
    ActionComment,
    PlanAcknowledgement,
    PlanChange,
    PlanShare,
    PlanVerbatim,
    PlanVersion,
)


def _scrub_content(content: dict, *, verbatim_ids: set[int], name: str) -> dict:
    content = dict(content)
    content["verbatims"] = [
        v for v in content.get("verbatims", []) if v.get("id") not in verbatim_ids
    ]
    content["actions"] = [
        {**a, "owner": ERASED_NAME} if name and a.get("owner") == name else a
        for a in content.get("actions", [])
    ]
    return content


@transaction.atomic
def contact_plan_data_erase(*, contact: Contact) -> None:
    """Blank what plans hold about `contact` (module docstring). Call before the contact's own
    name is replaced: its name is what is looked for in the plans' texts."""
    name = contact.name
    now = timezone.now()
    for share_id in PlanShare.objects.filter(contact=contact).values_list("pk", flat=True):
        PlanShare.objects.filter(pk=share_id).update(token=new_token(), revoked_at=now)
    ActionComment.objects.filter(contact=contact).exclude(text="").update(text="")
    verbatims = PlanVerbatim.objects.filter(
        Q(contact=contact) | Q(answer__response__contact=contact)
    )
    verbatim_ids = set(verbatims.values_list("pk", flat=True))
    plan_ids = set(verbatims.values_list("plan_id", flat=True))
    verbatims.delete()
    if name:
        owned = Action.objects.filter(plan__account_id=contact.account_id, owner_name=name)
        plan_ids |= set(owned.values_list("plan_id", flat=True))
        owned.update(owner_name=ERASED_NAME)
        for change in PlanChange.objects.filter(
            plan__account_id=contact.account_id, summary__contains=name
        ):
            PlanChange.objects.filter(pk=change.pk).update(
                summary=change.summary.replace(name, ERASED_NAME)
            )
    # Queryset updates: PlanVersion.save refuses to change a published version.
    for version in PlanVersion.objects.filter(plan_id__in=plan_ids):
        PlanVersion.objects.filter(pk=version.pk).update(
            content=_scrub_content(version.content, verbatim_ids=verbatim_ids, name=name)
        )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def contact_plan_data_export(*, contact: Contact) -> dict[str, list[dict]]:
    """The plans shared with the contact, their acknowledgements and comments."""
    shares = [
        {
            "plan": {"id": share.plan_id, "title": share.plan.title},
            "shared_at": _iso(share.created_at),
            "expires_at": _iso(share.expires_at),
            "revoked_at": _iso(share.revoked_at),
            "last_opened_at": _iso(share.last_opened_at),
        }
        for share in PlanShare.objects.filter(contact=contact)
        .select_related("plan")
        .order_by("created_at", "pk")
    ]
    acknowledgements = [
        {
            "plan": ack.version.plan_id,
            "version": ack.version.number,
            "at": _iso(ack.created_at),
        }
        for ack in PlanAcknowledgement.objects.filter(contact=contact)
        .select_related("version")
        .order_by("created_at", "pk")
    ]
    comments = [
        {
            "plan": comment.action.plan_id,
            "action": comment.action.title,
            "text": comment.text,
            "at": _iso(comment.created_at),
        }
        for comment in ActionComment.objects.filter(contact=contact)
        .select_related("action")
        .order_by("created_at", "pk")
    ]
    return {
        "plan_shares": shares,
        "plan_acknowledgements": acknowledgements,
        "plan_comments": comments,
    }
