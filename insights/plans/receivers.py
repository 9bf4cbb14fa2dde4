"""How plans answer the signals of the apps below them: a contact's erasure and export
(`customers.signals`). Imported by PlansConfig.ready."""

from django.dispatch import receiver

from customers.signals import contact_erasing, contact_export_requested

from .services.privacy import contact_plan_data_erase, contact_plan_data_export


@receiver(contact_erasing, dispatch_uid="plans.contact_erasing_blank_plan_data")
def _contact_erasing(sender, contact, **kwargs) -> None:
    contact_plan_data_erase(contact=contact)


@receiver(contact_export_requested, dispatch_uid="plans.contact_export_plan_data")
def _contact_export_requested(sender, contact, **kwargs) -> dict:
    return contact_plan_data_export(contact=contact)
