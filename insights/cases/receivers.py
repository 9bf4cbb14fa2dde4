"""What runs after an answer is stored: one evaluation task per completed response; and how
cases answer a contact's erasure and export (`customers.signals`, `privacy.py`).

`surveys` sends `response_completed` after the answer's transaction committed; publishing
here never makes the respondent wait on the rules, and a broker outage never fails the
submit: the error is logged and `alerts_sweep_task` evaluates the response later.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from customers.signals import contact_erasing, contact_export_requested
from surveys.models import Response
from surveys.signals import response_completed

from .models import AlertCondition, AlertRule, ReplyTemplate
from .privacy import contact_case_data_erase, contact_case_data_export

logger = logging.getLogger(__name__)


def response_evaluate_publish(response_id: int) -> None:
    from .tasks import response_evaluate_task

    try:
        response_evaluate_task.apply_async(args=[response_id], retry=False)
    except Exception:
        # The broker is unreachable (or an eager evaluation failed in tests): never the
        # respondent's problem. The sweep evaluates every unmarked response.
        logger.warning("Alert evaluation of response %s not published; the sweep will run it",
                       response_id, exc_info=True)  # fmt: skip


@receiver(response_completed, sender=Response, dispatch_uid="cases.response_completed")
def _response_completed(sender, response: Response, **kwargs) -> None:
    response_id = response.pk
    transaction.on_commit(lambda: response_evaluate_publish(response_id))


@receiver(post_save, sender=AlertRule, dispatch_uid="cases.rule_saved")
@receiver(post_delete, sender=AlertRule, dispatch_uid="cases.rule_deleted")
def _rule_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    from .facts import active_rules

    active_rules.clear()  # this process at once; others within RULES_RECHECK_SECONDS


@receiver(post_save, sender=AlertCondition, dispatch_uid="cases.condition_saved")
@receiver(post_delete, sender=AlertCondition, dispatch_uid="cases.condition_deleted")
@receiver(post_save, sender=ReplyTemplate, dispatch_uid="cases.template_saved")
def _rule_part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """Workers rebuild their compiled rules when a rule's updated_at moves."""
    from .facts import active_rules

    active_rules.clear()
    if raw:
        return
    AlertRule.objects.filter(pk=instance.rule_id).update(updated_at=timezone.now())


@receiver(contact_erasing, dispatch_uid="cases.contact_erasing_blank_case_data")
def _contact_erasing(sender, contact, **kwargs) -> None:
    contact_case_data_erase(contact=contact)


@receiver(contact_export_requested, dispatch_uid="cases.contact_export_case_data")
def _contact_export_requested(sender, contact, **kwargs) -> dict:
    return contact_case_data_export(contact=contact)
