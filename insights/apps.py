from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cem_project.roles import roles_after_migrate

        from . import receivers

        receivers.connect()
        # The roles name permissions of every app, so the app that may know every app keeps
        # their groups in step after each migrate (cem_project/roles.py).
        post_migrate.connect(roles_after_migrate, sender=self, dispatch_uid="cem.roles_sync")
