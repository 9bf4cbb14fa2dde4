from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Account action plans shared with the customer, experience targets and PDF reports."""

    name = "insights.plans"
    label = "plans"
    verbose_name = _("Action plans and targets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (answers customers' erasure and export signals)
