from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using="default", verbosity=1, **kwargs) -> None:
    # The rate limits count in the cache; with the database cache (the embedded default) its
    # table must exist, or every limited request is refused. `migrate` makes it, once.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class CemProjectConfig(AppConfig):
    """Project wiring that needs the app registry: the cache table after `migrate`."""

    name = "cem_project"
    verbose_name = "CEM project"

    def ready(self) -> None:
        # Sent once per app with models (this one has none); createcachetable skips a table
        # that exists, so the repeats cost one introspection query each.
        post_migrate.connect(_create_cache_table, dispatch_uid="cem_cache_table")
