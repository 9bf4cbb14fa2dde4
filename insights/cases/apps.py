from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "insights.cases"
    label = "cases"
    verbose_name = _("Alerts and cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (response_completed; contact erasure and export)
